// A sweep: one setting (lag T, W_rec scale, hidden size, learning rate) over a list of values, for each of
// a few cell types, every run trained from the same seed for the same number of steps; the result is the
// final metric against the value, one curve per cell. Runs one after another as a cancellable queue with
// progress callbacks (a sweep is long; the page must stay responsive and the user must be able to stop it).
import { CONFIG_FIELDS, type Config } from '../config';
import type { Task } from '../tasks/task';
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

export function withSetting(config: Config, setting: SweepSetting, value: number): Config {
  return { ...config, [setting]: value };
}

export interface SweepPlan {
  base: Config;
  setting: SweepSetting;
  values: number[];
  contestants: Contestant[]; // one curve each (1 to 4)
  steps: number; // training steps per run
}

export interface SweepPoint {
  value: number;
  finalLoss: number; // mean training loss over the last tenth of the run (at least one step); NaN if diverged
  valLoss: number; // validation loss at the end; NaN if diverged
  metric: number; // the task metric on the validation batch at the end; NaN if diverged
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

/** Runs every (contestant, value) pair in order: contestant-major, values ascending. */
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
  const runsTotal = contestants.length * values.length;
  const yieldMs = options.yieldMs ?? 30;
  let lastYield = clock();
  let runsDone = 0;
  const progress = (current: SweepProgress['current'], stepInRun: number) => {
    options.onProgress?.({ runsDone, runsTotal, fraction: (runsDone * steps + stepInRun) / (runsTotal * steps), current }, result);
  };
  progress(null, 0);

  outer: for (let k = 0; k < contestants.length; k++) {
    for (const value of values) {
      if (options.signal?.aborted) {
        result.cancelled = true;
        break outer;
      }
      const config = withSetting(configs[k], setting, value);
      const label = result.curves[k].label;
      const trainer = await makeTrainer(config, makeTask(config));
      result.engine = trainer.engine.description;
      const losses: number[] = [];
      let diverged: string | null = null;
      let trained = 0;
      try {
        for (let i = 0; i < steps; i++) {
          if (options.signal?.aborted) break;
          const frame = await trainer.stepOnce();
          trained++;
          losses.push(frame.loss);
          if (frame.diverged) {
            diverged = frame.message ?? `diverged at step ${frame.step}`;
            break;
          }
          if (clock() - lastYield >= yieldMs) {
            progress({ label, value, step: i + 1 }, i + 1);
            await yieldToEventLoop();
            lastYield = clock();
          }
        }
        if (options.signal?.aborted) {
          result.cancelled = true;
          break outer; // a cut-short run is not a point: it would not be comparable
        }
        let valLoss = NaN;
        let metric = NaN;
        if (!diverged) {
          const v = await trainer.validate();
          valLoss = v.valLoss;
          metric = v.metric.value;
          result.metricName = v.metric.name;
          result.higherIsBetter = v.metric.higherIsBetter;
        }
        const tail = losses.slice(-Math.max(1, Math.floor(steps / 10)));
        result.curves[k].points.push({
          value,
          finalLoss: diverged ? NaN : tail.reduce((a, b) => a + b, 0) / tail.length,
          valLoss,
          metric,
          diverged,
          steps: trained,
        });
      } finally {
        trainer.dispose();
      }
      runsDone++;
      progress({ label, value, step: steps }, 0);
    }
  }
  return result;
}
