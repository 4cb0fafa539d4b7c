// The lag sweep: how far back can each cell remember? A queue of (cell, T) trials, each trained for a
// fixed budget and scored by how much of the gap between chance and perfect its metric closed.
import type { CellKind } from '../spec';
import type { TaskMetric } from './task';

export const SWEEP_TASKS = ['adding', 'copy', 'temporal_order', 'reber'] as const;
export type SweepTaskName = (typeof SWEEP_TASKS)[number];

/** Lags that show the classic picture: a tanh RNN fails beyond a few dozen steps, an LSTM bridges 100+. */
export const DEFAULT_LAGS: Record<SweepTaskName, number[]> = {
  adding: [5, 10, 20, 40, 80, 120],
  copy: [1, 5, 10, 20, 40],
  temporal_order: [10, 20, 40, 80, 120],
  reber: [10, 20, 40],
};

/** A trial counts as solved when it closes this fraction of the gap between chance and perfect. */
export const SOLVED_GAP = 0.9;

/**
 * 0 at chance, 1 at a perfect score (0 for lower-is-better metrics, 1 for accuracies), clamped to [0, 1]
 * (worse than chance counts as 0).
 */
export function gapClosed(metric: Pick<TaskMetric, 'value' | 'chance' | 'higherIsBetter'>): number {
  const { value, chance } = metric;
  if (!Number.isFinite(value) || !(chance > 0)) return 0;
  const g = metric.higherIsBetter ? (value - chance) / (1 - chance) : 1 - value / chance;
  return Math.min(1, Math.max(0, g));
}

export function isSolved(metric: Pick<TaskMetric, 'value' | 'chance' | 'higherIsBetter'>): boolean {
  return gapClosed(metric) >= SOLVED_GAP;
}

export interface SweepJob {
  cell: CellKind;
  T: number;
}

export interface SweepResult extends SweepJob {
  metric: TaskMetric;
  gap: number;
  solved: boolean;
  steps: number; // steps trained (fewer than the budget when solved early)
  diverged: boolean;
}

/** Jobs ordered by lag, cells interleaved, so every cell's curve grows together as the queue runs. */
export function sweepJobs(cells: readonly CellKind[], lags: readonly number[]): SweepJob[] {
  const sorted = [...new Set(lags)].filter((T) => Number.isInteger(T) && T >= 1).sort((a, b) => a - b);
  return sorted.flatMap((T) => cells.map((cell) => ({ cell, T })));
}

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

/** Chart rows: one per lag, one column per cell holding its gap closed (undefined until run). */
export function sweepChartRows(results: readonly SweepResult[], cells: readonly CellKind[], lags: readonly number[]): Record<string, number | undefined>[] {
  return [...new Set(lags)].sort((a, b) => a - b).map((T) => {
    const row: Record<string, number | undefined> = { T };
    for (const cell of cells) row[cell] = results.find((r) => r.T === T && r.cell === cell)?.gap;
    return row;
  });
}
