// Command-line flags and the one error type the CLI reports as "rnnlab: <message>" with exit status 2.

/** Bad input from the user: a flag, a file, a shape, a value. Printed as one line; exit status 2. */
export class CliError extends Error {}

export interface FlagSpec {
  /** Flags that take a value (`--name value` or `--name=value`). */
  values: string[];
  /** Flags without a value. */
  switches?: string[];
}

export interface ParsedFlags {
  values: Map<string, string>;
  switches: Set<string>;
}

/** Parses `--flag value`, `--flag=value` and switches; anything else is an error naming it. */
export function parseFlags(command: string, args: string[], spec: FlagSpec): ParsedFlags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new CliError(`${command}: unexpected argument "${short(arg)}" (flags start with --; see rnnlab ${command} --help)`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (spec.switches?.includes(name)) {
      if (eq >= 0) throw new CliError(`${command}: --${name} takes no value`);
      switches.add(name);
      continue;
    }
    if (!spec.values.includes(name)) throw new CliError(`${command}: unknown flag --${short(name)} (see rnnlab ${command} --help)`);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw new CliError(`${command}: --${name} needs a value`);
      value = args[++i];
    }
    if (values.has(name)) throw new CliError(`${command}: --${name} given twice`);
    values.set(name, value);
  }
  return { values, switches };
}

export function requireFlag(command: string, flags: ParsedFlags, name: string): string {
  const v = flags.values.get(name);
  if (v === undefined || v === '') throw new CliError(`${command}: --${name} is required (see rnnlab ${command} --help)`);
  return v;
}

export function engineFlag(command: string, flags: ParsedFlags, fallback: 'cpu' | 'webgpu' = 'cpu'): 'cpu' | 'webgpu' {
  const v = flags.values.get('engine') ?? fallback;
  if (v !== 'cpu' && v !== 'webgpu') throw new CliError(`${command}: --engine must be cpu or webgpu, got "${short(v)}"`);
  return v;
}

export function short(s: string, n = 40): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
