export interface Requirement {
  what: string;
  packages: string[];
  override: string | null;
  ok: boolean;
}
export type Plan = { action: 'none' } | { action: 'install'; packages: string[]; what: string } | { action: 'stop'; line: string };
export const DEFAULTS: { chromium: string; icd: string; python: string };
export function checkRequirements(env?: Record<string, string | undefined>): Requirement[];
export function plan(requirements: Requirement[], context: { isRoot: boolean; hasAptGet: boolean; checkOnly?: boolean }): Plan;
