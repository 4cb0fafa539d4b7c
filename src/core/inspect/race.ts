// A race: two to four models that differ only in the cell (RNN vs LSTM vs GRU) or the LSTM variant
// (LSTM vs CIFG vs NFG …), trained side by side on identical data from one seed, one step each in turn, so
// their loss and gradient-flow series stay aligned step for step. Pure orchestration: the training itself
// is the Trainer's (src/train/trainer.ts); each contestant gets its own Trainer and engine.
//
// A race runs to a target: each contestant trains until its validation metric reaches the target (≤ for a
// lower-is-better metric such as MSE, ≥ for an accuracy) or the step budget is spent, and the race ends when
// every contestant has reached it (or diverged). The readout per contestant is "steps to reach <target>: N"
// or "not within <budget> steps". The Trainer validates every `valEvery` steps (10 by default), so N is the
// first validation step at or past the target. Without a target a race runs its whole budget.
//
// Identical data: every Trainer derives its data stream from config.seed alone (Rng(seed) forked into
// init, data and validation streams), and the task is the same object, so every contestant sees the same
// batches in the same order. Their initial weights differ only because their parameter shapes differ.
import type { Config } from '../config';
import { CELLS, cellInfo, cellLabel, LSTM_VARIANTS, type CellKind, type LstmVariant } from '../spec';
import type { Task, TaskMetric } from '../tasks/task';
import { clock, yieldToEventLoop } from './timing';

export interface Contestant {
  cell: CellKind;
  variant: LstmVariant; // read only for LSTM
}

export const MIN_CONTESTANTS = 2;
export const MAX_CONTESTANTS = 4;

/** "LSTM", "LSTM CIFG", "GRU", "RNN (tanh)". */
export function contestantLabel(c: Contestant): string {
  return cellLabel(c.cell, c.variant);
}

/** The URL form of one contestant: the cell, and for LSTM variants "lstm:cifg". */
export function contestantKey(c: Contestant): string {
  return cellInfo(c.cell).lstmVariants && c.variant !== 'none' ? `${c.cell}:${c.variant}` : c.cell;
}

/** The `race` URL value: "rnn_tanh,lstm,gru" or "lstm,lstm:cifg,lstm:nfg". */
export function encodeRace(contestants: Contestant[]): string {
  return contestants.map(contestantKey).join(',');
}

/**
 * Reads a `race` URL value. Never throws: unknown entries are dropped, a list is cut at four, and the
 * notices say what happened. Fewer than two valid entries gives an empty race.
 */
export function decodeRace(value: string): { contestants: Contestant[]; notices: string[] } {
  const notices: string[] = [];
  const contestants: Contestant[] = [];
  for (const raw of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [cell, variant = 'none'] = raw.split(':');
    if (!(CELLS as readonly string[]).includes(cell)) {
      notices.push(`race: unknown cell "${cell.slice(0, 20)}" left out`);
      continue;
    }
    if (!(LSTM_VARIANTS as readonly string[]).includes(variant) || (!cellInfo(cell as CellKind).lstmVariants && variant !== 'none')) {
      notices.push(`race: "${raw.slice(0, 30)}" is not a cell or LSTM variant; left out`);
      continue;
    }
    contestants.push({ cell: cell as CellKind, variant: variant as LstmVariant });
  }
  if (contestants.length > MAX_CONTESTANTS) {
    notices.push(`race: at most ${MAX_CONTESTANTS} models race; the rest were left out`);
    contestants.length = MAX_CONTESTANTS;
  }
  if (contestants.length < MIN_CONTESTANTS) {
    if (contestants.length > 0 || value.trim() !== '') notices.push(`race: needs at least ${MIN_CONTESTANTS} models`);
    return { contestants: [], notices };
  }
  return { contestants, notices };
}

/** The query parameter that carries a race next to the run's Config keys. */
export const RACE_PARAM = 'race';

/** A query string (as encodeConfig writes it) with the race added: "v=1&task=adding&race=rnn_tanh,lstm,gru". */
export function withRace(query: string, contestants: Contestant[]): string {
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  params.set(RACE_PARAM, encodeRace(contestants));
  return params.toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

/**
 * Splits a URL (or query string) into its race and the rest, so the rest can go to decodeConfig without an
 * "unknown setting" notice. No `race` key: contestants is empty and the query comes back unchanged.
 */
export function takeRace(input: string): { contestants: Contestant[]; notices: string[]; query: string } {
  const at = input.indexOf('?');
  const raw = (at >= 0 ? input.slice(at + 1) : input).replace(/^#/, '').split('#')[0];
  const params = new URLSearchParams(raw);
  const value = params.get(RACE_PARAM);
  if (value === null) return { contestants: [], notices: [], query: raw };
  params.delete(RACE_PARAM);
  return { ...decodeRace(value), query: params.toString() };
}

/** The per-contestant Configs: the base with only the cell and variant changed (ESN keeps one layer). */
export function raceConfigs(base: Config, contestants: Contestant[]): Config[] {
  return contestants.map((c) => ({ ...base, cell: c.cell, variant: cellInfo(c.cell).lstmVariants ? c.variant : 'none' }));
}

/** What a race or sweep needs of a Trainer (src/train/trainer.ts implements it). */
export interface RaceTrainer {
  /** The engine it trains on (a race and a sweep say which). */
  readonly engine: { readonly kind: 'cpu' | 'webgpu'; readonly description: string };
  stepOnce(): Promise<RaceFrame>;
  validate(): Promise<{ valLoss: number; metric: TaskMetric }>;
  dispose(): void;
}

/** The fields of the Trainer's MetricFrame a race reads. */
export interface RaceFrame {
  step: number;
  loss: number;
  gradNorm: number;
  dhNormTop: Float64Array; // ‖∂L/∂h_t‖ of the top layer, (T)
  dcNormTop: Float64Array | null;
  valLoss: number | null;
  metric: TaskMetric | null;
  diverged: boolean;
  message: string | null;
}

/** Builds and initialises a trainer for one contestant (the page: a CPU or WebGPU engine each). */
export type MakeTrainer = (config: Config, task: Task) => Promise<RaceTrainer>;

/**
 * How much of the gradient reaches the first step: ‖∂L/∂h_0‖ / max_t ‖∂L/∂h_t‖, in (0, 1]. Near 0 the
 * gradient has vanished before it reaches the start; 1 means the start gets the largest gradient.
 */
export function gradientReach(dh: ArrayLike<number>): number {
  let max = 0;
  for (let t = 0; t < dh.length; t++) if (dh[t] > max) max = dh[t];
  if (!(max > 0) || !Number.isFinite(max)) return max === Infinity ? NaN : 0;
  return dh[0] / max;
}

export interface RaceSeries {
  contestant: Contestant;
  label: string;
  /** Per step index i (step i + 1), aligned across contestants; NaN after a contestant diverged or before it stepped. */
  loss: number[];
  gradNorm: number[];
  reach: number[]; // gradientReach of each step's ‖∂L/∂h_t‖ profile
  /** Validation loss / task metric on the steps where the trainer validated (null elsewhere). */
  valLoss: (number | null)[];
  metric: (number | null)[];
  metricName: string | null;
  /** The newest ‖∂L/∂h_t‖ profile of the top layer (T), for the gradient-flow chart. */
  profile: Float64Array | null;
  profileC: Float64Array | null; // LSTM ‖∂L/∂c_t‖
  diverged: string | null; // the trainer's message when it diverged; the contestant then stops
  /** The first step whose validation metric reached the race's target (the contestant then stops); null: not (yet). */
  reachedAt: number | null;
}

export interface RaceResult {
  steps: number; // steps completed by the race (every series has this length)
  /** What the models trained on (e.g. "WebGPU on …"); null before the first model was made. */
  engine: string | null;
  series: RaceSeries[];
  cancelled: boolean;
  /** The step budget: no contestant trains more steps than this. */
  budget: number;
  /** The validation metric value each contestant trains to; null: no target, the race runs its budget. */
  target: number | null;
  /** Whether the metric is better high (accuracy) or low (MSE); null before the first validation. */
  higherIsBetter: boolean | null;
}

export interface RunOptions {
  /**
   * Train each contestant until its validation metric reaches this (≤ when lower is better, ≥ when higher is
   * better) or the budget is spent. Absent or null: every contestant trains the whole budget.
   */
  target?: number | null;
  /** Called after every race step (every contestant stepped once), with the series so far. */
  onStep?: (result: RaceResult) => void;
  signal?: AbortSignal;
  /** Give the event loop a turn at least this often (ms), so a worker still hears "cancel". Default 30. */
  yieldMs?: number;
}

/** Whether a metric value has reached the target, in the metric's own direction. */
export function reachedTarget(value: number, target: number, higherIsBetter: boolean): boolean {
  return Number.isFinite(value) && (higherIsBetter ? value >= target : value <= target);
}

/** A contestant stops when it has diverged or reached the target. */
function finished(s: RaceSeries): boolean {
  return s.diverged !== null || s.reachedAt !== null;
}

/**
 * Trains each contestant in lockstep until it reaches `options.target` or has trained `budget` steps; the race
 * ends when every contestant has reached the target or diverged, when the budget is spent, or on cancel.
 * A contestant that has stopped gets NaN / null for the later steps, so every series keeps the race's length.
 * Trainers are disposed at the end (or on cancel/error).
 */
export async function runRace(base: Config, contestants: Contestant[], task: Task, budget: number, makeTrainer: MakeTrainer, options: RunOptions = {}): Promise<RaceResult> {
  if (contestants.length < MIN_CONTESTANTS || contestants.length > MAX_CONTESTANTS) {
    throw new Error(`a race needs ${MIN_CONTESTANTS} to ${MAX_CONTESTANTS} models, got ${contestants.length}`);
  }
  if (!(Number.isInteger(budget) && budget >= 1)) throw new Error(`a race needs a whole number of steps ≥ 1, got ${budget}`);
  const target = options.target ?? null;
  if (target !== null && !Number.isFinite(target)) throw new Error(`a race's target must be a finite number, got ${target}`);
  const configs = raceConfigs(base, contestants);
  const trainers: RaceTrainer[] = [];
  const series: RaceSeries[] = contestants.map((c) => ({
    contestant: c,
    label: contestantLabel(c),
    loss: [],
    gradNorm: [],
    reach: [],
    valLoss: [],
    metric: [],
    metricName: null,
    profile: null,
    profileC: null,
    diverged: null,
    reachedAt: null,
  }));
  const result: RaceResult = { steps: 0, engine: null, series, cancelled: false, budget, target, higherIsBetter: null };
  const yieldMs = options.yieldMs ?? 30;
  let lastYield = clock();
  try {
    for (const config of configs) trainers.push(await makeTrainer(config, task));
    result.engine = trainers[0].engine.description;
    for (let i = 0; i < budget; i++) {
      if (options.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      for (let k = 0; k < trainers.length; k++) {
        const s = series[k];
        if (finished(s)) {
          pushEmpty(s);
          continue;
        }
        const frame = await trainers[k].stepOnce();
        s.loss.push(frame.loss);
        s.gradNorm.push(frame.gradNorm);
        s.reach.push(gradientReach(frame.dhNormTop));
        s.valLoss.push(frame.valLoss);
        s.metric.push(frame.metric ? frame.metric.value : null);
        if (frame.metric) {
          s.metricName = frame.metric.name;
          result.higherIsBetter = frame.metric.higherIsBetter;
          if (target !== null && reachedTarget(frame.metric.value, target, frame.metric.higherIsBetter)) s.reachedAt = frame.step;
        }
        s.profile = Float64Array.from(frame.dhNormTop);
        s.profileC = frame.dcNormTop ? Float64Array.from(frame.dcNormTop) : null;
        if (frame.diverged) s.diverged = frame.message ?? `diverged at step ${frame.step}`;
      }
      result.steps = i + 1;
      options.onStep?.(result);
      if (series.every(finished)) break;
      if (clock() - lastYield >= yieldMs) {
        await yieldToEventLoop();
        lastYield = clock();
      }
    }
  } finally {
    for (const t of trainers) t.dispose();
  }
  return result;
}

function pushEmpty(s: RaceSeries): void {
  s.loss.push(NaN);
  s.gradNorm.push(NaN);
  s.reach.push(NaN);
  s.valLoss.push(null);
  s.metric.push(null);
}

/**
 * The readout of one contestant against the race's target: "steps to reach 0.01: 430", "not within 4000
 * steps", "not yet: step 120 of 4000" while the race runs, or the divergence. Null when the race has no target.
 */
export function targetReadout(result: RaceResult, k: number, running = false): string | null {
  const s = result.series[k];
  if (result.target === null || !s) return null;
  const target = formatTarget(result.target);
  if (s.reachedAt !== null) return `steps to reach ${target}: ${s.reachedAt}`;
  if (s.diverged !== null) return `diverged before reaching ${target}`;
  if (running) return `not yet at ${target}: step ${result.steps} of ${result.budget}`;
  if (result.cancelled) return `not within ${result.steps} steps (stopped)`;
  return `not within ${result.budget} steps`;
}

/** "0.01", "0.95", "1e-4": the target as the readout writes it. */
export function formatTarget(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential().replace('e+', 'e');
  return String(Number(x.toPrecision(6)));
}

/**
 * What a race on this task runs to unless the user says otherwise: MSE 0.01 on the adding problem (the GRU
 * lesson), accuracy 0.95 on the repeated symbol of the continual Reber stream (the Greff lesson); elsewhere none.
 */
export function defaultRaceTarget(task: Config['task']): number | null {
  return task === 'adding' ? 0.01 : task === 'continual_reber' ? 0.95 : null;
}

/** The default step budget of a race (the GRU lesson's measured budget fits under it). */
export const DEFAULT_RACE_BUDGET = 3000;
