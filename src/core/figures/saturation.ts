// Gate saturation (Karpathy, Johnson & Fei-Fei 2015, "Visualizing and understanding recurrent networks", Fig. 4):
// for each unit of a layer, the fraction of the time its sigmoid gates are left-saturated (< SATURATION_LOW) and
// right-saturated (> SATURATION_HIGH) over the validation text; one scatter panel per gate (x = left, y = right,
// one dot per unit). The paper found forget gates that are right-saturated most of the time: units that keep
// their cell state, the always-remembering ones, which a freshly initialised network does not have.
//
// Pure: the caller's `forward` runs the engine; here the validation text is cut into windows, each read from a
// zero state, and the gate activations (T, B, G·H) of every window are counted per unit.
import type { Batch } from '../batch';
import { CancelledError } from '../inspect/connectivity';
import { gatesOf, SATURATION_HIGH, SATURATION_LOW } from '../inspect/gates';
import { cellInfo, type CellKind, type ModelSpec } from '../spec';
import type { CharTask } from '../tasks/text';
import type { FigureVerdict } from './verdict';

/** Characters per window (read from a zero state, like the unit view's passages). */
export const SATURATION_WINDOW = 500;
/** Windows per forward pass. */
export const SATURATION_WINDOWS_PER_PASS = 8;

/** One gate of one layer: per unit, the fraction of the time it is below SATURATION_LOW and above SATURATION_HIGH. */
export interface GateSaturation {
  gate: string; // 'f', 'i', 'o' (GRU 'r', 'z')
  label: string; // 'forget gate'
  left: Float64Array; // (H)
  right: Float64Array; // (H)
}

export interface LayerSaturation {
  layer: number;
  gates: GateSaturation[]; // the forget gate first, then the cell's other sigmoid gates in its order
}

export interface SaturationResult {
  cell: CellKind;
  H: number;
  /** Gate values counted per unit (time steps × windows). */
  samples: number;
  layers: LayerSaturation[];
}

/** The gates a saturation plot draws: the cell's sigmoid blocks, the forget gate first; their block indices. */
export function saturationGates(cell: CellKind): { index: number; name: string; label: string }[] {
  const gates = gatesOf(cell)
    .map((g, index) => ({ index, name: g.name, label: g.label, sigmoid: g.activation === 'sigmoid' }))
    .filter((g) => g.sigmoid)
    .map(({ index, name, label }) => ({ index, name, label }));
  return [...gates.filter((g) => g.name === 'f'), ...gates.filter((g) => g.name !== 'f')];
}

/** Why this network has no saturation plot, or null. */
export function saturationProblem(spec: ModelSpec): string | null {
  if (cellInfo(spec.cell).reservoir || saturationGates(spec.cell).length === 0) return `a ${cellInfo(spec.cell).label} has no sigmoid gates to saturate`;
  return null;
}

/** Counts, per layer, gate and unit, how often a gate is left- and right-saturated. */
export class SaturationCounter {
  private readonly gates: { index: number; name: string; label: string }[];
  private readonly left: Float64Array[][]; // [layer][gate] (H)
  private readonly right: Float64Array[][];
  private samples = 0;

  constructor(
    private readonly cell: CellKind,
    private readonly H: number,
    private readonly numLayers: number,
  ) {
    this.gates = saturationGates(cell);
    const zeros = () => Array.from({ length: numLayers }, () => this.gates.map(() => new Float64Array(H)));
    this.left = zeros();
    this.right = zeros();
  }

  /** Adds one forward pass's gate activations: per layer (T, B, G·H). */
  add(gates: ArrayLike<number>[], T: number, B: number): void {
    const G = gatesOf(this.cell).length;
    const H = this.H;
    if (gates.length !== this.numLayers) throw new Error(`expected gate activations of ${this.numLayers} layers, got ${gates.length}`);
    for (let l = 0; l < this.numLayers; l++) {
      const a = gates[l];
      if (a.length !== T * B * G * H) throw new Error(`layer ${l}: gate array has ${a.length} values, expected T·B·G·H = ${T * B * G * H}`);
      this.gates.forEach((g, k) => {
        const left = this.left[l][k];
        const right = this.right[l][k];
        for (let r = 0; r < T * B; r++) {
          const row = r * G * H + g.index * H;
          for (let j = 0; j < H; j++) {
            const v = a[row + j];
            if (v < SATURATION_LOW) left[j]++;
            else if (v > SATURATION_HIGH) right[j]++;
          }
        }
      });
    }
    this.samples += T * B;
  }

  result(): SaturationResult {
    const n = Math.max(1, this.samples);
    const frac = (c: Float64Array) => c.map((v) => v / n);
    return {
      cell: this.cell,
      H: this.H,
      samples: this.samples,
      layers: this.left.map((_, l) => ({
        layer: l,
        gates: this.gates.map((g, k) => ({ gate: g.name, label: g.label, left: frac(this.left[l][k]), right: frac(this.right[l][k]) })),
      })),
    };
  }
}

/** The validation text as batches of consecutive windows (T = window, B ≤ perPass), each row from a zero state. */
export function validationWindows(task: CharTask, window = SATURATION_WINDOW, perPass = SATURATION_WINDOWS_PER_PASS): Batch[] {
  const V = task.vocab.size;
  const lo = task.split;
  const n = task.ids.length;
  const T = Math.max(1, Math.min(window, n - lo - 1));
  const starts: number[] = [];
  for (let s = lo; s + T < n; s += T) starts.push(s);
  const batches: Batch[] = [];
  for (let k = 0; k < starts.length; k += perPass) {
    const rows = starts.slice(k, k + perPass);
    const B = rows.length;
    const x = new Float32Array(T * B * V); // (T, B, V) one-hot of the current character
    const labels = new Int32Array(T * B); // (T, B): the next character
    rows.forEach((s, b) => {
      for (let t = 0; t < T; t++) {
        x[(t * B + b) * V + task.ids[s + t]] = 1;
        labels[t * B + b] = task.ids[s + t + 1];
      }
    });
    batches.push({ T, B, X: V, x, labels, loss: 'xent', lossSteps: 'all' });
  }
  return batches;
}

export interface SaturationOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** The saturation of one network over `batches`, through the caller's forward pass (the page's engine). */
export async function gateSaturation(
  forward: (batch: Batch) => Promise<{ gates?: ArrayLike<number>[] }>,
  spec: ModelSpec,
  batches: Batch[],
  options: SaturationOptions = {},
): Promise<SaturationResult> {
  const problem = saturationProblem(spec);
  if (problem) throw new Error(problem);
  const counter = new SaturationCounter(spec.cell, spec.hiddenSize, spec.numLayers);
  for (let k = 0; k < batches.length; k++) {
    if (options.signal?.aborted) throw new CancelledError();
    const b = batches[k];
    const { gates } = await forward(b);
    if (!gates) throw new Error('the engine returned no gate activations');
    counter.add(gates, b.T, b.B);
    options.onProgress?.(k + 1, batches.length);
  }
  return counter.result();
}

/** Units whose gate `gate` (of `layer`) is right-saturated more than `fraction` of the time. */
export function unitsRightSaturated(result: SaturationResult, gate: string, fraction: number, layer = 0): number {
  const g = result.layers[layer]?.gates.find((x) => x.gate === gate);
  return g ? g.right.filter((v) => v > fraction).length : 0;
}

/** The figure of the paper: the trained network beside the same network freshly initialised. */
export interface SaturationFigure {
  trained: SaturationResult;
  fresh: SaturationResult;
  /** Which engine computed each (the fresh copy may run on a CPU engine in the worker). */
  engines: { trained: 'cpu' | 'webgpu'; fresh: 'cpu' | 'webgpu' };
  windows: number;
  windowLength: number;
}

/** "Most of the time": a unit whose gate is saturated more than this fraction of the validation text. */
export const SATURATION_MOSTLY = 0.5;

/**
 * The figure against the paper's finding — training creates units whose forget gate stays open (always-remembering
 * units) — as the count of units with f > 0.9 more than half the time, trained against fresh.
 */
export function saturationVerdict(figure: Pick<SaturationFigure, 'trained' | 'fresh'>): FigureVerdict {
  const trained = unitsRightSaturated(figure.trained, 'f', SATURATION_MOSTLY);
  const fresh = unitsRightSaturated(figure.fresh, 'f', SATURATION_MOSTLY);
  const numbers = `${trained} of ${figure.trained.H} units of this network keep their forget gate above ${SATURATION_HIGH} more than ${SATURATION_MOSTLY * 100}% of the time, ${fresh} of the fresh network's`;
  return trained > 0 && trained > fresh
    ? { status: 'agrees', text: `Agrees with the paper: ${numbers}; training made the always-remembering units.` }
    : { status: 'differs', text: `Differs from the paper: ${numbers}; this network has not (yet) learned units that always remember.` };
}
