// Success against sequence length (Bengio, Simard & Frasconi 1994, "Learning long-term dependencies with gradient
// descent is difficult"): the fraction of k training runs that solve a task within a step budget, as the lag T the
// task asks the network to bridge grows. Gradient descent on a tanh RNN fails more and more often as T grows, down
// to never; an LSTM (Hochreiter & Schmidhuber 1997) keeps solving it. The lag sweep made statistical: one sweep of T
// (core/inspect/sweep.ts), each run stopped once solved, k seeds per (cell, T).
import { defaultConfig, type Config } from '../config';
import { sweepFigureProblem, type SweepPlan, type SweepResult } from '../inspect/sweep';
import { createTask } from '../tasks';
import type { FigureVerdict } from './verdict';
import type { CellKind } from '../spec';

/** The fewest seeds per (cell, T) that make a fraction worth drawing. */
export const MIN_SUCCESS_SEEDS = 2;
export const MAX_SUCCESS_SEEDS = 20;
/** How often a run is validated (and stopped once solved). */
export const SUCCESS_CHECK_EVERY = 25;

export interface SuccessSettings {
  cells: readonly CellKind[];
  lags: readonly number[]; // the Ts
  seeds: number; // runs per (cell, T), seeds config.seed, config.seed + 1, …
  steps: number; // budget per run
}

/**
 * The runs' settings: the adding problem (chance MSE 1/6), H = 16, Adam at lr 0.01, clipped at norm 1, LSTM
 * forget gates chrono-initialised (Tallec & Ollivier 2018) — measured so that within 1,000 steps a tanh RNN
 * solves T = 5 every time and T = 80 never, and an LSTM solves T = 80 every time (tests/unit/figure-success.test.ts).
 * Everything else is the default Config, so a lesson's own settings (the vanishing lesson's SGD at lr 3e-4, which
 * teaches nothing in 1,000 steps) do not decide the figure; the page keeps its engine and seed.
 */
export const SUCCESS_SETTINGS = { task: 'adding', H: 16, opt: 'adam', lr: 0.01, clip: 'norm', clipAt: 1, bias: 'chrono' } as const satisfies Partial<Config>;

export const DEFAULT_SUCCESS_LAGS = [5, 10, 20, 40, 80];
export const DEFAULT_SUCCESS_SEEDS = 5;
export const DEFAULT_SUCCESS_STEPS = 1000;

/** The Config every run of the figure starts from: the defaults, the figure's settings, the page's engine and seed. */
export function successConfig(page: Pick<Config, 'engine' | 'seed'>): Config {
  return { ...defaultConfig(), ...SUCCESS_SETTINGS, engine: page.engine, seed: page.seed };
}

/**
 * The sweep of the figure: lags ascending, seeds and cells interleaved, each run up to `steps`, stopped once solved.
 * Throws, naming the limit, when the plan is over the figures' budget (sweepFigureProblem).
 */
export function successPlan(config: Config, settings: SuccessSettings): SweepPlan {
  const { cells, seeds, steps } = settings;
  if (cells.length === 0) throw new Error('the figure needs at least one cell');
  if (!(Number.isInteger(seeds) && seeds >= MIN_SUCCESS_SEEDS && seeds <= MAX_SUCCESS_SEEDS)) throw new Error(`the figure needs ${MIN_SUCCESS_SEEDS}–${MAX_SUCCESS_SEEDS} seeds per point, got ${seeds}`);
  const values = [...new Set(settings.lags)].sort((a, b) => a - b);
  if (values.length === 0 || !values.every((T) => Number.isInteger(T) && T >= 1)) throw new Error('the figure needs at least one whole-number T ≥ 1');
  const plan: SweepPlan = {
    base: config,
    setting: 'T',
    values,
    contestants: cells.map((cell) => ({ cell, variant: 'none' })),
    steps,
    solvedCheckEvery: SUCCESS_CHECK_EVERY,
    order: 'value',
    seeds,
  };
  const problem = sweepFigureProblem(plan, (c) => createTask(c), 'or shorter lags, seeds, cells or steps'); // a task's own limits (temporal order's T ≥ 4) throw here too
  if (problem) throw new Error(`Not started: ${problem}.`);
  return plan;
}

/** One (cell, T) of the figure. */
export interface SuccessPoint {
  T: number;
  runs: number; // finished runs so far
  solved: number; // of them, solved within the budget (gap closed ≥ SOLVED_GAP)
  fraction: number; // solved / runs (NaN with no run yet)
  /** Steps each solved run took, in seed order (the first validation at which it was solved). */
  stepsToSolve: number[];
  diverged: number; // runs that diverged (they count as not solved)
}

export interface SuccessCurve {
  cell: CellKind;
  label: string;
  points: SuccessPoint[]; // one per T of the plan, in T order
}

/** The fraction solved per (cell, T) of a (partial) sweep; Ts without a finished run yet have runs = 0. */
export function successSummary(result: SweepResult, lags: readonly number[]): SuccessCurve[] {
  const Ts = [...new Set(lags)].sort((a, b) => a - b);
  return result.curves.map((curve) => ({
    cell: curve.contestant.cell,
    label: curve.label,
    points: Ts.map((T) => {
      const runs = curve.points.filter((p) => p.value === T);
      const solvedRuns = runs.filter((p) => p.solved); // in seed order: a (cell, T)'s seeds train in turn
      return {
        T,
        runs: runs.length,
        solved: solvedRuns.length,
        fraction: runs.length ? solvedRuns.length / runs.length : NaN,
        stepsToSolve: solvedRuns.map((p) => p.steps),
        diverged: runs.filter((p) => p.diverged !== null).length,
      };
    }),
  }));
}

/** The summary's point of `cell` at the largest T with a finished run, or null. */
export function successAtLongest(curves: readonly SuccessCurve[], cell: CellKind): SuccessPoint | null {
  const points = curves.find((c) => c.cell === cell)?.points.filter((p) => p.runs > 0) ?? [];
  return points.at(-1) ?? null;
}

/** The tanh RNN solves at most this fraction, and the LSTM at least SUCCESS_LSTM_SOLVES, at the longest T for the runs to agree with the paper. */
export const SUCCESS_TANH_FAILS = 0;
export const SUCCESS_LSTM_SOLVES = 0.8;

/**
 * The runs against the paper's finding — the tanh RNN's success falls to 0 as T grows, the LSTM's does not — read
 * at the longest T where every chosen cell has finished all its `seeds` runs.
 */
export function successVerdict(curves: readonly SuccessCurve[], seeds: number): FigureVerdict {
  const Ts = curves[0]?.points.map((p) => p.T) ?? [];
  const done = Ts.filter((T) => curves.every((c) => (c.points.find((p) => p.T === T)?.runs ?? 0) >= seeds));
  const T = done.at(-1);
  if (T === undefined) return { status: 'pending', text: 'not yet: waiting for every cell to finish its runs at one T' };
  const at = (cell: CellKind) => curves.find((c) => c.cell === cell)?.points.find((p) => p.T === T) ?? null;
  const tanh = at('rnn_tanh');
  const lstm = at('lstm');
  const counts = curves.map((c) => c.points.find((p) => p.T === T)!).map((p, i) => `${curves[i].label} ${p.solved} of ${p.runs}`).join(', ');
  const where = `at T = ${T}: ${counts}`;
  if (tanh && tanh.fraction > SUCCESS_TANH_FAILS) return { status: 'differs', text: `Not the paper's picture yet, ${where}: the tanh RNN still solves this lag; add longer ones.` };
  if (lstm && lstm.fraction < SUCCESS_LSTM_SOLVES) return { status: 'differs', text: `Differs from the paper, ${where}: the LSTM's success fell too.` };
  if (!tanh && !lstm) return { status: 'pending', text: `${where}; choose the tanh RNN or the LSTM to compare with the paper` };
  return { status: 'agrees', text: `Agrees with the paper, ${where}.` };
}
