// One call that computes everything the "inside the cell" views show, for the worker to run on request:
// forward ONE sequence on the active engine (gates, states), then gate histograms, the chosen unit's cell
// values per step, unit rankings against text features (char task), and the connectivity ‖∂y_t/∂x_s‖
// of the training network's current parameters, its input gradients also computed by the active engine.
// Every field is structured-clone friendly (postMessage).
import type { Batch } from '../batch';
import { isGated, type ModelSpec } from '../spec';
import type { Task } from '../tasks/task';
import { REBER_SYMBOLS } from '../tasks/reber';
import { TEMPORAL_SYMBOLS } from '../tasks/temporalOrder';
import { CharTask } from '../tasks/text';
import { connectivityOn, type ConnectivityOptions, type ConnectivityResult, type InputGradientNorms } from './connectivity';
import { gateNotes, gateStatistics, type GateHistogram } from './gates';
import { PROBE_LENGTH, probePassages, rankUnits, textFeatures, textProbe, type FeatureRanking, type ProbePassage } from './units';

/** What an engine's forward pass returns (the Engine contract's ForwardResult). */
export interface ForwardOutputs {
  outputs: Float32Array; // (T, B, Y)
  hidden: Float32Array[]; // per layer (T, B, H)
  cells?: Float32Array[]; // LSTM per layer (T, B, H)
  gates?: Float32Array[]; // per layer (T, B, G·H)
}

/** Progress per connectivity pass, and a signal that cancels between passes (a newer request came). */
export type InspectProgress = Pick<ConnectivityOptions, 'onPass' | 'signal'>;

/** What a snapshot needs of an engine: the Engine contract's forward and inputGradientNorms. */
export interface InspectableEngine {
  readonly kind: 'cpu' | 'webgpu';
  forward(batch: Batch): Promise<ForwardOutputs>;
  inputGradientNorms(...args: Parameters<InputGradientNorms>): ReturnType<InputGradientNorms>;
}

export interface InspectRequest {
  layer: number; // which layer's gates and states (0 = bottom); clamped
  unit: number; // which unit for the cell diagram; clamped
  /** Output step for connectivity; default the last step. Clamped to the sequence. */
  t?: number;
  /** Char task: how many characters of the validation text to read (default PROBE_LENGTH). */
  textLength?: number;
  /** Char task: which passage to read, by its start (ProbePassage.start; default, or not one of them: the first). */
  textStart?: number;
  /**
   * Connectivity uses the first `window` steps of the sequence (default all). Pass the training length
   * config.T: the model learnt on windows of T from a zero state, and the cost grows as window² · Y.
   */
  window?: number;
  /** Also the whole lower triangle C(t, s), t < min(window, MATRIX_MAX_STEPS) (costs about window/3 single-t probes). */
  matrix?: boolean;
}

/** The connectivity heat map covers at most this many output steps. */
export const MATRIX_MAX_STEPS = 64;

export interface InspectSnapshot {
  spec: ModelSpec;
  /** The engine that computed it (the run's active engine). */
  engine: 'cpu' | 'webgpu';
  layer: number;
  unit: number;
  T: number; // steps of the inspected sequence
  window: number; // steps the connectivity was computed over (≤ T)
  /** The input at each step as a student reads it: a character, a symbol, or the numbers. */
  inputLabels: string[];
  hidden: Float32Array; // (T, 1, H) of the chosen layer
  cells: Float32Array | null; // LSTM (T, 1, H)
  gates: Float32Array | null; // LSTM/GRU (T, 1, G·H)
  gateStats: GateHistogram[]; // empty for cells without gates
  /** What the histograms count: every step of every sequence of the inspected batch. */
  gatePopulation: { T: number; B: number };
  gateNotes: Record<string, string>;
  /**
   * Char task: the characters and the unit rankings for hidden (and cell) states of the chosen layer; where
   * the text starts in the corpus, and the passages of the validation text the view offers.
   */
  text: { chars: string[]; hidden: FeatureRanking[]; cells: FeatureRanking[] | null; start: number; passages: ProbePassage[] } | null;
  connectivity: ConnectivityResult;
  matrix: Float64Array[] | null;
}

/** Row b of a batch as a batch of one sequence: x (T, 1, X), targets alike. */
export function batchRow(batch: Batch, b: number): Batch {
  const { T, B, X } = batch;
  if (!(b >= 0 && b < B)) throw new Error(`batch row ${b} is not in 0..${B - 1}`);
  const x = new Float32Array(T * X);
  for (let t = 0; t < T; t++) x.set(batch.x.subarray((t * B + b) * X, (t * B + b + 1) * X), t * X);
  const row: Batch = { T, B: 1, X, x, loss: batch.loss, lossSteps: batch.lossSteps };
  if (batch.y) {
    const Y = batch.y.length / (T * B);
    const y = new Float32Array(T * Y);
    for (let t = 0; t < T; t++) y.set(batch.y.subarray((t * B + b) * Y, (t * B + b + 1) * Y), t * Y);
    row.y = y;
  }
  if (batch.labels) row.labels = Int32Array.from({ length: T }, (_, t) => batch.labels![t * B + b]);
  if (batch.mask) row.mask = Float32Array.from({ length: T }, (_, t) => batch.mask![t * B + b]);
  return row;
}

/** The symbols a one-hot task's inputs stand for, when the task has names for them. */
function symbolsOf(task: Task): readonly string[] | null {
  if (task instanceof CharTask) return task.vocab.symbols;
  if (task.name === 'reber' || task.name === 'continual_reber') return REBER_SYMBOLS;
  if (task.name === 'temporal_order') return TEMPORAL_SYMBOLS;
  return null;
}

/** One label per step of a single sequence x (T, 1, X): the symbol of a one-hot row, else the numbers. */
export function inputLabels(x: Float32Array, T: number, X: number, symbols: readonly string[] | null = null): string[] {
  const labels: string[] = [];
  for (let t = 0; t < T; t++) {
    const row = x.subarray(t * X, (t + 1) * X);
    let hot = -1;
    let ones = 0;
    let others = 0;
    for (let i = 0; i < X; i++) {
      if (row[i] === 1) {
        hot = i;
        ones++;
      } else if (row[i] !== 0) others++;
    }
    if (X > 1 && ones === 1 && others === 0) labels.push(symbols?.[hot] ?? `#${hot}`);
    else if (X > 1 && ones === 0 && others === 0) labels.push('∅');
    else labels.push(Array.from(row, (v) => (Math.abs(v) >= 100 ? v.toExponential(1) : Number(v.toFixed(2)).toString())).join(', '));
  }
  return labels;
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(Number.isFinite(v) ? v : lo)));
}

/**
 * Computes a snapshot on `engine` (the Trainer's active engine) with `params` its current parameters
 * (engine.readParams() / trainer.readParams()); `sequence` is the batch to inspect
 * (for non-char tasks, e.g. the trainer's validation batch — row 0 is used). For the char task a passage of
 * the validation text (probePassages, textProbe; request.textStart picks which) is used instead.
 */
export async function inspectSnapshot(
  spec: ModelSpec,
  task: Task,
  engine: InspectableEngine,
  params: ArrayLike<number>,
  sequence: Batch,
  request: InspectRequest,
  progress: InspectProgress = {},
): Promise<InspectSnapshot> {
  const H = spec.hiddenSize;
  const layer = clampInt(request.layer, 0, spec.numLayers - 1);
  const unit = clampInt(request.unit, 0, H - 1);
  let batch: Batch;
  let chars: string[] | null = null;
  let passages: ProbePassage[] = [];
  let textStart = 0;
  if (task instanceof CharTask) {
    const length = request.textLength ?? PROBE_LENGTH;
    passages = probePassages(task, undefined, length);
    // one of the passages offered (a start left over from another corpus falls back to the first)
    textStart = passages.find((p) => p.start === request.textStart)?.start ?? passages[0]?.start ?? task.split;
    const probe = textProbe(task, length, textStart);
    batch = probe.batch;
    chars = probe.chars;
  } else {
    batch = batchRow(sequence, 0);
  }
  const T = batch.T;
  const fwd = await engine.forward(batch);
  const hidden = fwd.hidden[layer];
  const cells = fwd.cells?.[layer] ?? null;
  const gates = fwd.gates?.[layer] ?? null;
  const gated = isGated(spec.cell) && gates !== null;
  // The histograms count every step of every sequence of the given batch (one more forward pass when it holds
  // several); the diagram and the unit views follow the single sequence above.
  const population = gated && sequence.B > 1 && sequence.X === batch.X ? { fwd: await engine.forward(sequence), T: sequence.T, B: sequence.B } : { fwd, T, B: 1 };
  const populationGates = population.fwd.gates?.[layer];
  const gateStats = gated && populationGates ? gateStatistics({ cell: spec.cell, gates: populationGates, T: population.T, B: population.B, H }) : [];
  let text: InspectSnapshot['text'] = null;
  if (chars) {
    const features = textFeatures(chars);
    text = { chars, hidden: rankUnits(hidden, T, 1, H, features), cells: cells ? rankUnits(cells, T, 1, H, features) : null, start: textStart, passages };
  }
  const window = clampInt(request.window ?? T, 1, T);
  const t = clampInt(request.t ?? window - 1, 0, window - 1);
  // The chosen t and (when asked) every row of the heat map, in one batched call to the engine.
  const matrixSteps = request.matrix ? Math.min(window, MATRIX_MAX_STEPS) : 0;
  const steps = [...Array.from({ length: matrixSteps }, (_, s) => s), ...(t < matrixSteps ? [] : [t])];
  const windowed = { T: window, B: 1, X: batch.X, x: batch.x.subarray(0, window * batch.X) };
  const results = await connectivityOn((...args) => engine.inputGradientNorms(...args), spec, params, windowed, steps, progress);
  return {
    spec,
    engine: engine.kind,
    layer,
    unit,
    T,
    window,
    inputLabels: chars ?? inputLabels(batch.x, T, batch.X, symbolsOf(task)),
    hidden,
    cells,
    gates,
    gateStats,
    gatePopulation: { T: population.T, B: population.B },
    gateNotes: gated ? gateNotes(spec.cell as 'lstm' | 'gru', spec.variant) : {},
    text,
    connectivity: results[t < matrixSteps ? t : matrixSteps],
    matrix: request.matrix ? results.slice(0, matrixSteps).map((r) => r.mean) : null,
  };
}
