// The lag sweep's view logic: how far back can each cell remember? A sweep of the lag T (core/inspect/sweep.ts)
// for a few cells, each run stopped once solved, scored by the gap between chance and perfect it closed.
import type { Config } from '../../core/config';
import type { SweepPlan, SweepPoint, SweepResult } from '../../core/inspect/sweep';
import type { CellKind } from '../../core/spec';

export const LAG_SWEEP_TASKS = ['adding', 'copy', 'temporal_order', 'reber'] as const;
export type LagSweepTask = (typeof LAG_SWEEP_TASKS)[number];

/** Lags that show the classic picture: a tanh RNN fails beyond a few dozen steps, an LSTM bridges 100+. */
export const DEFAULT_LAGS: Record<LagSweepTask, number[]> = {
  adding: [5, 10, 20, 40, 80, 120],
  copy: [1, 5, 10, 20, 40],
  temporal_order: [10, 20, 40, 80, 120],
  reber: [10, 20, 40],
};

/** How often a run is validated (and stopped once solved). */
export const LAG_CHECK_EVERY = 25;

/** Parses "5, 10, 20" into lags within [min, max]; throws with a message on anything else. */
export function parseLags(text: string, min = 1, max = 1000): number[] {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new Error('Give at least one lag, e.g. "10, 20, 40".');
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`"${p}" is not a whole number from ${min} to ${max}.`);
    return n;
  });
}

/**
 * The sweep for the page's settings on `task`: lags ascending with the cells interleaved (every cell's curve
 * grows together), each run up to `steps`, stopped once solved; on the CPU, as the lag sweep always trained.
 */
export function lagSweepPlan(config: Config, task: LagSweepTask, cells: readonly CellKind[], lags: readonly number[], steps: number): SweepPlan {
  const values = [...new Set(lags)].filter((T) => Number.isInteger(T) && T >= 1).sort((a, b) => a - b);
  return {
    base: { ...config, task, engine: 'cpu' },
    setting: 'T',
    values,
    contestants: cells.map((cell) => ({ cell, variant: 'none' })),
    steps,
    solvedCheckEvery: LAG_CHECK_EVERY,
    order: 'value',
  };
}

/** One finished run: its cell, lag and point. */
export interface LagRun {
  cell: CellKind;
  T: number;
  point: SweepPoint;
}

/** The finished runs in the order they trained (lags ascending, cells interleaved). */
export function lagRuns(result: SweepResult): LagRun[] {
  const lags = [...new Set(result.curves.flatMap((c) => c.points.map((p) => p.value)))].sort((a, b) => a - b);
  return lags.flatMap((T) =>
    result.curves.flatMap((c) => {
      const point = c.points.find((p) => p.value === T);
      return point ? [{ cell: c.contestant.cell, T, point }] : [];
    }),
  );
}

/** Chart rows: one per lag, one column per cell holding its gap closed (undefined until run). */
export function lagChartRows(runs: readonly LagRun[], cells: readonly CellKind[], lags: readonly number[]): Record<string, number | undefined>[] {
  return [...new Set(lags)].sort((a, b) => a - b).map((T) => {
    const row: Record<string, number | undefined> = { T };
    for (const cell of cells) row[cell] = runs.find((r) => r.T === T && r.cell === cell)?.point.gap;
    return row;
  });
}
