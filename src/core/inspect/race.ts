// A race: two to four models that differ only in the cell (RNN vs LSTM vs GRU) or the LSTM variant
// (LSTM vs CIFG vs NFG …), trained side by side on identical data from one seed, one step each in turn, so
// their loss and gradient-flow series stay aligned step for step. Pure orchestration: the training itself
// is the Trainer's (src/train/trainer.ts); each contestant gets its own Trainer and engine.
//
// Identical data: every Trainer derives its data stream from config.seed alone (Rng(seed) forked into
// init, data and validation streams), and the task is the same object, so every contestant sees the same
// batches in the same order. Their initial weights differ only because their parameter shapes differ.
import type { Config } from '../config';
import { CELLS, LSTM_VARIANTS, type CellKind, type LstmVariant } from '../spec';
import type { Task, TaskMetric } from '../tasks/task';
import { clock, yieldToEventLoop } from './timing';

export interface Contestant {
  cell: CellKind;
  variant: LstmVariant; // read only for LSTM
}

export const MIN_CONTESTANTS = 2;
export const MAX_CONTESTANTS = 4;

const CELL_NAMES: Record<CellKind, string> = { rnn_tanh: 'RNN (tanh)', rnn_relu: 'RNN (ReLU)', lstm: 'LSTM', gru: 'GRU', esn: 'ESN' };

/** "LSTM", "LSTM CIFG", "GRU", "RNN (tanh)". */
export function contestantLabel(c: Contestant): string {
  if (c.cell !== 'lstm' || c.variant === 'none') return CELL_NAMES[c.cell];
  return `LSTM ${c.variant === 'vanilla' ? 'V (peepholes)' : c.variant.toUpperCase()}`;
}

/** The URL form of one contestant: the cell, and for LSTM variants "lstm:cifg". */
export function contestantKey(c: Contestant): string {
  return c.cell === 'lstm' && c.variant !== 'none' ? `lstm:${c.variant}` : c.cell;
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
    if (!(LSTM_VARIANTS as readonly string[]).includes(variant) || (cell !== 'lstm' && variant !== 'none')) {
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
  return contestants.map((c) => ({ ...base, cell: c.cell, variant: c.cell === 'lstm' ? c.variant : 'none' }));
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
}

export interface RaceResult {
  steps: number; // steps completed by the race (every series has this length)
  /** What the models trained on (e.g. "WebGPU on …"); null before the first model was made. */
  engine: string | null;
  series: RaceSeries[];
  cancelled: boolean;
}

export interface RunOptions {
  /** Called after every race step (every contestant stepped once), with the series so far. */
  onStep?: (result: RaceResult) => void;
  signal?: AbortSignal;
  /** Give the event loop a turn at least this often (ms), so a worker still hears "cancel". Default 30. */
  yieldMs?: number;
}

/** Trains each contestant `steps` steps, in lockstep. Trainers are disposed at the end (or on cancel/error). */
export async function runRace(base: Config, contestants: Contestant[], task: Task, steps: number, makeTrainer: MakeTrainer, options: RunOptions = {}): Promise<RaceResult> {
  if (contestants.length < MIN_CONTESTANTS || contestants.length > MAX_CONTESTANTS) {
    throw new Error(`a race needs ${MIN_CONTESTANTS} to ${MAX_CONTESTANTS} models, got ${contestants.length}`);
  }
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`a race needs a whole number of steps ≥ 1, got ${steps}`);
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
  }));
  const result: RaceResult = { steps: 0, engine: null, series, cancelled: false };
  const yieldMs = options.yieldMs ?? 30;
  let lastYield = clock();
  try {
    for (const config of configs) trainers.push(await makeTrainer(config, task));
    result.engine = trainers[0].engine.description;
    for (let i = 0; i < steps; i++) {
      if (options.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      for (let k = 0; k < trainers.length; k++) {
        const s = series[k];
        if (s.diverged !== null) {
          pushEmpty(s);
          continue;
        }
        const frame = await trainers[k].stepOnce();
        s.loss.push(frame.loss);
        s.gradNorm.push(frame.gradNorm);
        s.reach.push(gradientReach(frame.dhNormTop));
        s.valLoss.push(frame.valLoss);
        s.metric.push(frame.metric ? frame.metric.value : null);
        if (frame.metric) s.metricName = frame.metric.name;
        s.profile = Float64Array.from(frame.dhNormTop);
        s.profileC = frame.dcNormTop ? Float64Array.from(frame.dcNormTop) : null;
        if (frame.diverged) s.diverged = frame.message ?? `diverged at step ${frame.step}`;
      }
      result.steps = i + 1;
      options.onStep?.(result);
      if (series.every((s) => s.diverged !== null)) break;
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
