// A sweep: one setting (lag T, W_rec scale, hidden size, learning rate) over a list of values, for each of
// a few cell types, every run trained from the same seed for the same number of steps; the result is the
// final metric against the value, one curve per cell. Runs one after another as a cancellable queue with
// progress callbacks (a sweep is long; the page must stay responsive and the user must be able to stop it).
// Every point is also scored against chance (gap closed), so a sweep of the lag T can ask "how far back can
// each cell remember?" and stop each run once it is solved (the task view's lag sweep). With `seeds` > 1 every
// (cell, value) is trained k times from seeds base, base + 1, …, so a point becomes a fraction of runs solved
// (core/figures/successVsLength.ts).
import { CONFIG_FIELDS, type Config } from '../config';
import { specFromConfig } from '../modelConfig';
import { passMultiplyAdds } from '../work';
import type { Task, TaskMetric } from '../tasks/task';
import { contestantLabel, raceConfigs, type Contestant, type MakeTrainer } from './race';
import { clock, yieldToEventLoop } from './timing';

export const SWEEP_SETTINGS = ['T', 'wrec', 'H', 'lr'] as const;
export type SweepSetting = (typeof SWEEP_SETTINGS)[number];

export const SWEEP_LABELS: Record<SweepSetting, string> = {
  T: 'lag / sequence length T',
  wrec: 'W_rec scale (σ_max)',
  H: 'hidden size H',
  lr: 'learning rate',
};

/** Sweeps of learning rate and W_rec scale read best on a log axis. */
export function sweepAxisIsLog(setting: SweepSetting): boolean {
  return setting === 'lr';
}

export const MAX_SWEEP_VALUES = 12;

/**
 * "10, 20, 50" → the values, checked against the Config table's range for the setting (integers for T and H),
 * sorted and de-duplicated. Returns an error message instead of throwing.
 */
export function parseSweepValues(setting: SweepSetting, text: string): { values: number[]; error: string | null } {
  const field = CONFIG_FIELDS[setting];
  const parts = text.split(/[\s,;]+/).filter((s) => s !== '');
  if (parts.length === 0) return { values: [], error: 'enter at least one value' };
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { values: [], error: `"${p.slice(0, 20)}" is not a number` };
    if (field.kind === 'int' && !Number.isInteger(v)) return { values: [], error: `${setting} must be a whole number, got ${p.slice(0, 20)}` };
    if (v < field.min || v > field.max) return { values: [], error: `${setting} = ${v} is outside ${field.min}–${field.max}` };
    values.push(v);
  }
  const unique = [...new Set(values)].sort((a, b) => a - b);
  if (unique.length > MAX_SWEEP_VALUES) return { values: [], error: `at most ${MAX_SWEEP_VALUES} values per sweep` };
  return { values: unique, error: null };
}

/** A run counts as solved when it closes this fraction of the gap between chance and perfect. */
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

export function withSetting(config: Config, setting: SweepSetting, value: number): Config {
  return { ...config, [setting]: value };
}

export interface SweepPlan {
  base: Config;
  setting: SweepSetting;
  values: number[];
  contestants: Contestant[]; // one curve each, any number (a race has at most 4; the variants figure sweeps 9)
  steps: number; // training steps per run (at most, with solvedCheckEvery)
  /** Validate every this many steps and end a run once it is solved; absent, every run trains all its steps. */
  solvedCheckEvery?: number;
  /** 'contestant' (default): each curve's values in turn; 'value': the contestants interleaved per value, so every curve grows together. */
  order?: 'contestant' | 'value';
  /** Runs per (contestant, value), from seeds base.seed, base.seed + 1, …; absent, one run from base.seed. */
  seeds?: number;
}

export interface SweepPoint {
  value: number;
  finalLoss: number; // mean training loss over the last tenth of the run (at least one step); NaN if diverged
  valLoss: number; // validation loss at the end; NaN if diverged
  metric: number; // the task metric on the validation batch at the end; NaN if diverged
  chance: number; // the metric's value at chance (NaN when a run diverged before any validation)
  gap: number; // gapClosed of the metric: 0 at chance (or diverged), 1 perfect
  solved: boolean; // gap ≥ SOLVED_GAP
  diverged: string | null;
  steps: number; // steps actually trained
}

export interface SweepCurve {
  contestant: Contestant;
  label: string;
  points: SweepPoint[]; // in value order, only runs that finished
}

export interface SweepResult {
  setting: SweepSetting;
  /** What the runs trained on (the newest run's engine); null before the first run. */
  engine: string | null;
  metricName: string | null;
  higherIsBetter: boolean;
  curves: SweepCurve[];
  cancelled: boolean;
}

export interface SweepProgress {
  runsDone: number;
  runsTotal: number;
  fraction: number; // of all steps of all runs, in [0, 1]
  current: { label: string; value: number; step: number } | null;
}

export interface SweepOptions {
  onProgress?: (progress: SweepProgress, partial: SweepResult) => void;
  signal?: AbortSignal;
  yieldMs?: number; // default 30
}

/** The task for one run: a sweep of T changes the task (its length), so tasks are built per run. */
export type MakeTask = (config: Config) => Task;

export interface SweepRun {
  contestant: number; // index into plan.contestants
  value: number;
  seedIndex: number; // 0 … seeds − 1: the run trains from base.seed + seedIndex
}

/** How many runs train per (contestant, value). */
export function sweepSeeds(plan: Pick<SweepPlan, 'seeds'>): number {
  const seeds = plan.seeds ?? 1;
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new Error(`a sweep needs a whole number of seeds ≥ 1, got ${seeds}`);
  return seeds;
}

/**
 * The runs of a plan in the order they train. 'value': per value, per seed, every contestant in turn (every
 * curve grows together); 'contestant': per contestant, per value, its seeds in turn.
 */
export function sweepRuns(plan: Pick<SweepPlan, 'contestants' | 'values' | 'order' | 'seeds'>): SweepRun[] {
  const ks = plan.contestants.map((_, k) => k);
  const seeds = Array.from({ length: sweepSeeds(plan) }, (_, i) => i);
  return plan.order === 'value'
    ? plan.values.flatMap((value) => seeds.flatMap((seedIndex) => ks.map((contestant) => ({ contestant, value, seedIndex }))))
    : ks.flatMap((contestant) => plan.values.flatMap((value) => seeds.map((seedIndex) => ({ contestant, value, seedIndex }))));
}

/** Multiply-adds of a plan at its full budget: every run trains all its steps (one stopped once solved costs less). */
export function sweepWork(plan: SweepPlan, makeTask: MakeTask): number {
  const configs = raceConfigs(plan.base, plan.contestants);
  let work = 0;
  for (const { contestant, value } of sweepRuns(plan)) {
    const config = withSetting(configs[contestant], plan.setting, value);
    work += plan.steps * passMultiplyAdds(specFromConfig(config, makeTask(config)), config.T, config.B);
  }
  return work;
}

/**
 * The most multiply-adds a figure's sweep may cost at its full budget: about an hour on the CPU engine (which trains
 * some 5·10⁸–7·10⁸ a second on this project’s 2-core machine: `npm run bench -- --quick --only W1 --engines cpu`
 * printed 1.4 GFLOP/s with the machine busy, two flops a multiply-add), minutes on a GPU.
 */
export const SWEEP_FIGURE_MAX_MULTIPLY_ADDS = 2e12;

/** Why a figure's sweep is refused (naming its limit and the figure's choices to lower, `fewer …`), or null. */
export function sweepFigureProblem(plan: SweepPlan, makeTask: MakeTask, lower: string): string | null {
  const work = sweepWork(plan, makeTask);
  if (work <= SWEEP_FIGURE_MAX_MULTIPLY_ADDS) return null;
  const runs = sweepRuns(plan).length;
  return `${runs} runs of up to ${plan.steps} steps need up to about ${work.toExponential(1)} multiply-adds, over the figure's limit of ${SWEEP_FIGURE_MAX_MULTIPLY_ADDS.toExponential(0)}: fewer ${lower}`;
}

/** Runs every (contestant, value) pair in sweepRuns' order, values ascending. */
export async function runSweep(plan: SweepPlan, makeTask: MakeTask, makeTrainer: MakeTrainer, options: SweepOptions = {}): Promise<SweepResult> {
  const { setting, values, contestants, steps } = plan;
  if (values.length === 0) throw new Error('a sweep needs at least one value');
  if (contestants.length === 0) throw new Error('a sweep needs at least one cell');
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`a sweep needs a whole number of steps ≥ 1, got ${steps}`);
  const configs = raceConfigs(plan.base, contestants);
  const result: SweepResult = {
    setting,
    engine: null,
    metricName: null,
    higherIsBetter: false,
    curves: contestants.map((c) => ({ contestant: c, label: contestantLabel(c), points: [] })),
    cancelled: false,
  };
  const runs = sweepRuns(plan);
  const runsTotal = runs.length;
  const yieldMs = options.yieldMs ?? 30;
  let lastYield = clock();
  let runsDone = 0;
  const progress = (current: SweepProgress['current'], stepInRun: number) => {
    options.onProgress?.({ runsDone, runsTotal, fraction: (runsDone * steps + stepInRun) / (runsTotal * steps), current }, result);
  };
  progress(null, 0);

  const checkEvery = plan.solvedCheckEvery;
  if (checkEvery !== undefined && !(Number.isInteger(checkEvery) && checkEvery >= 1)) throw new Error(`a sweep checks for solved runs every whole number of steps ≥ 1, got ${checkEvery}`);

  for (const { contestant: k, value, seedIndex } of runs) {
    if (options.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    const config = { ...withSetting(configs[k], setting, value), seed: configs[k].seed + seedIndex };
    const label = result.curves[k].label;
    const trainer = await makeTrainer(config, makeTask(config));
    result.engine = trainer.engine.description;
    const losses: number[] = [];
    let diverged: string | null = null;
    let trained = 0;
    let chance = NaN;
    try {
      for (let i = 0; i < steps; i++) {
        if (options.signal?.aborted) break;
        const frame = await trainer.stepOnce();
        trained++;
        losses.push(frame.loss);
        if (frame.metric) chance = frame.metric.chance;
        if (frame.diverged) {
          diverged = frame.message ?? `diverged at step ${frame.step}`;
          break;
        }
        if (checkEvery !== undefined && trained % checkEvery === 0 && trained < steps) {
          const { metric } = await trainer.validate();
          chance = metric.chance;
          if (isSolved(metric)) break;
        }
        if (clock() - lastYield >= yieldMs) {
          progress({ label, value, step: i + 1 }, i + 1);
          await yieldToEventLoop();
          lastYield = clock();
        }
      }
      if (options.signal?.aborted) {
        result.cancelled = true;
        break; // a cut-short run is not a point: it would not be comparable
      }
      let valLoss = NaN;
      let metric: TaskMetric | null = null;
      if (!diverged) {
        const v = await trainer.validate();
        valLoss = v.valLoss;
        metric = v.metric;
        chance = metric.chance;
        result.metricName = metric.name;
        result.higherIsBetter = metric.higherIsBetter;
      }
      const tail = losses.slice(-Math.max(1, Math.floor(trained / 10)));
      const gap = metric ? gapClosed(metric) : 0;
      result.curves[k].points.push({
        value,
        finalLoss: diverged ? NaN : tail.reduce((a, b) => a + b, 0) / tail.length,
        valLoss,
        metric: metric ? metric.value : NaN,
        chance,
        gap,
        solved: gap >= SOLVED_GAP,
        diverged,
        steps: trained,
      });
    } finally {
      trainer.dispose();
    }
    runsDone++;
    progress({ label, value, step: steps }, 0);
  }
  return result;
}
