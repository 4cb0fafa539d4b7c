// Hochreiter & Schmidhuber 1997, "Long short-term memory": the adding problem (experiment 4, Table 7) and the
// temporal order problem (experiment 6a, Table 9). The paper reports, for the LSTM only, how many training sequences
// it needed to reach its stopping criterion (means of 10 and 20 trials). Beside those figures the table puts what the
// user's own runs needed: for each lag T and cell, how many of k fresh runs solved the task, and the steps (and
// sequences: steps × B) the solved ones took. The runs are the success figure's sweep (successVsLength.ts) on the
// chosen task, so the two figures train alike.
import { FIGURE_TASKS, type Config } from '../config';
import type { SweepPlan } from '../inspect/sweep';
import { successConfig, successPlan, type SuccessCurve, type SuccessSettings } from './successVsLength';
import type { FigureVerdict } from './verdict';

export const LONG_LAG_TASKS = FIGURE_TASKS;
export type LongLagTask = (typeof LONG_LAG_TASKS)[number];

/** One row of the paper's table: the LSTM's result at one length. */
export interface PaperRow {
  T: number; // the minimal sequence length
  minimalLag: number; // the fewest steps between the last relevant input and the target
  sequences: number; // training sequences to the stopping criterion, the mean over the trials
}

export interface PaperTable {
  task: LongLagTask;
  table: number; // the table's number in the paper
  experiment: string;
  trials: number; // each row is the mean of this many trials
  rows: PaperRow[];
  /** The paper's task and stopping criterion, where they differ from this page's. */
  setup: string;
}

/** The paper's numbers, as printed (Hochreiter & Schmidhuber 1997, Tables 7 and 9; the minimal lags from Table 10). */
export const PAPER_TABLES: Record<LongLagTask, PaperTable> = {
  adding: {
    task: 'adding',
    table: 7,
    experiment: 'experiment 4',
    trials: 10,
    rows: [
      { T: 100, minimalLag: 50, sequences: 74_000 },
      { T: 500, minimalLag: 250, sequences: 209_000 },
      { T: 1000, minimalLag: 500, sequences: 853_000 },
    ],
    setup:
      'There, sequences are T to 1.1·T pairs long, one marked pair is among the first ten and the other among the first T/2 − 1, and training stops once the average training error is below 0.01 and the last 2,000 sequences all had an absolute error below 0.04; online gradient descent (one sequence per update) at learning rate 0.5, 2 cell blocks of 2 cells, 93 weights.',
  },
  temporal_order: {
    task: 'temporal_order',
    table: 9,
    experiment: 'experiment 6a',
    trials: 20,
    rows: [{ T: 100, minimalLag: 40, sequences: 31_390 }],
    setup:
      'There, sequences are 100 to 110 symbols long with X or Y at t₁ ∈ [10, 20] and t₂ ∈ [50, 60], and training stops once the average training error is below 0.1 and the last 2,000 sequences were all classified with every output within 0.3; online gradient descent at learning rate 0.5, 2 cell blocks of 2 cells, 156 weights.',
  },
};

/** Lags that reach the paper's shortest row (T = 100) in minutes on a CPU. */
export const DEFAULT_LONG_LAGS: Record<LongLagTask, number[]> = { adding: [25, 50, 100], temporal_order: [25, 50, 100] };
export const DEFAULT_LONG_LAG_STEPS = 2000;

/** The Config every run starts from: the success figure's settings on `task`, the page's engine and seed. */
export function longLagConfig(page: Pick<Config, 'engine' | 'seed'>, task: LongLagTask): Config {
  return { ...successConfig(page), task };
}

/** The sweep: the success figure's plan (lags ascending, seeds and cells interleaved, each run stopped once solved). */
export function longLagPlan(page: Pick<Config, 'engine' | 'seed'>, task: LongLagTask, settings: SuccessSettings): SweepPlan {
  return successPlan(longLagConfig(page, task), settings);
}

/** One cell's result at one T: runs solved, and the steps and sequences the solved runs took. */
export interface LongLagEntry {
  cell: SuccessCurve['cell'];
  label: string;
  runs: number; // 0: not run (yet)
  solved: number;
  stepsToSolve: number[]; // each solved run's steps, in seed order
  meanSteps: number | null; // over the solved runs; null with none solved
  meanSequences: number | null; // meanSteps × B
}

export interface LongLagRow {
  T: number;
  entries: LongLagEntry[]; // one per cell of the sweep, in its order
  paper: PaperRow | null; // the paper's row at this T, if it has one
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * The table: a row per T of the sweep and per T of the paper's table (ascending), each with every cell's result
 * (runs = 0 where it has not run) and the paper's row where the lengths match. `B` turns steps into sequences.
 */
export function longLagRows(curves: readonly SuccessCurve[], paper: PaperTable, B: number): LongLagRow[] {
  const Ts = [...new Set([...curves.flatMap((c) => c.points.map((p) => p.T)), ...paper.rows.map((r) => r.T)])].sort((a, b) => a - b);
  return Ts.map((T) => ({
    T,
    entries: curves.map((c) => {
      const p = c.points.find((q) => q.T === T);
      const meanSteps = p ? mean(p.stepsToSolve) : null;
      return {
        cell: c.cell,
        label: c.label,
        runs: p?.runs ?? 0,
        solved: p?.solved ?? 0,
        stepsToSolve: p?.stepsToSolve ?? [],
        meanSteps,
        meanSequences: meanSteps === null ? null : meanSteps * B,
      };
    }),
    paper: paper.rows.find((r) => r.T === T) ?? null,
  }));
}

/** The LSTM solves at least this fraction of its runs at the longest lag for the runs to agree with the paper. */
export const LSTM_SOLVES = 0.8;

/**
 * What the user's runs say of the paper's finding — the LSTM solves the task at every lag it was given — read at
 * the longest T at which the LSTM has finished all its runs.
 */
export function longLagVerdict(rows: readonly LongLagRow[], seeds: number): FigureVerdict {
  const lstmAt = rows.map((r) => ({ T: r.T, e: r.entries.find((e) => e.cell === 'lstm') })).filter((x) => x.e && x.e.runs >= seeds);
  const longest = lstmAt.at(-1);
  if (!longest?.e) return { status: 'pending', text: 'not yet: the LSTM has not finished its runs at any T' };
  const { T, e } = longest;
  const where = `at T = ${T} the LSTM solved ${e.solved} of ${e.runs} runs`;
  const others = rows
    .find((r) => r.T === T)!
    .entries.filter((o) => o.cell !== 'lstm' && o.runs > 0)
    .map((o) => `${o.label} ${o.solved} of ${o.runs}`);
  const beside = others.length ? ` (${others.join(', ')})` : '';
  // a short lag agrees only weakly: say where the paper's table starts
  const paperFrom = rows.find((r) => r.paper)?.T;
  const reach = paperFrom !== undefined && T < paperFrom ? `; the paper's table starts at T = ${paperFrom}: add it to compare` : '';
  return e.solved / e.runs >= LSTM_SOLVES
    ? { status: 'agrees', text: `Agrees with the paper: ${where}${beside}${reach}.` }
    : { status: 'differs', text: `Differs from the paper: ${where}${beside}; the paper's LSTM solved every trial.` };
}
