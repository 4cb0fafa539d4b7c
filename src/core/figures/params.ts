// A figure's parameters in the link (the Config's figT, figCells, figSeeds, figSteps, figTask): read into the open
// figure's controls, its own defaults where the link says nothing, and written back when its runs start, so that a
// link shares what the figure ran. Opening or closing a figure resets them (figureParamDefaults).
import { CONFIG_FIELDS, FIGURE_PARAM_KEYS, type Config } from '../config';

export type FigureParams = Pick<Config, (typeof FIGURE_PARAM_KEYS)[number]>;

export function figureParamDefaults(): FigureParams {
  const out: Record<string, unknown> = {};
  for (const key of FIGURE_PARAM_KEYS) out[key] = CONFIG_FIELDS[key].def;
  return out as FigureParams;
}

/** What a sweep figure asks for: the cells (or LSTM variants), the lags as typed, the seeds per point and the budget. */
export interface SweepChoice<C extends string> {
  cells: C[];
  lagText: string;
  seeds: number;
  steps: number;
}

/**
 * The link's choice, on the figure's defaults: cells it does not offer are left out (and named in the notice), an
 * empty cell list, lag text or budget (0) means the default.
 */
export function choiceFromLink<C extends string>(config: FigureParams, offered: readonly C[], defaults: SweepChoice<C>): { choice: SweepChoice<C>; notice: string | null } {
  const named = config.figCells.split(/[\s,;]+/).filter((s) => s !== '');
  const unknown = named.filter((c) => !(offered as readonly string[]).includes(c));
  const cells = offered.filter((c) => named.includes(c));
  return {
    choice: {
      cells: cells.length ? cells : defaults.cells,
      lagText: config.figT.trim() || defaults.lagText,
      seeds: config.figSeeds,
      steps: config.figSteps || defaults.steps,
    },
    notice: unknown.length ? `The link's figCells names ${unknown.map((c) => `"${c.slice(0, 20)}"`).join(', ')}, not one of ${offered.join(', ')}; left out.` : null,
  };
}

/** The Config keys that say a started choice (the lags as parsed, so the link reads "5,10,20"). */
export function choiceToLink<C extends string>(choice: SweepChoice<C>, lags: readonly number[]): Partial<Config> {
  return { figCells: choice.cells.join(','), figT: lags.join(','), figSeeds: choice.seeds, figSteps: choice.steps };
}

/** The budgets a figure offers, with the link's own if it is not among them (so the menu can show it). */
export function budgetsWith(budgets: readonly number[], steps: number): number[] {
  return budgets.includes(steps) ? [...budgets] : [...budgets, steps].sort((a, b) => a - b);
}
