// The WebGPU engine's buffers as one declarative table: what each holds, its size as a function of the model
// and the batch shape (T, B), its element type, how long it lives, and which phases of a step use it. The
// engine allocates and releases from this table (src/engine/webgpu/buffers.ts) and the memory budget
// (src/engine/budget.ts) sizes its largest buffer from it, so the two cannot drift apart.
// Pure: no GPU types. Shape legend: B batch, T steps, X input, H hidden, Y output, G gates, L layers, P params.
import { cellInfo, isGated, lstmFlags, type ModelSpec } from './spec';

/**
 * What the buffers need to know about the cell, read from the cell registry.
 */
export interface CellTraits {
  G: number; // gate blocks
  cellState: boolean; // a cell state c_t is carried and saved (LSTM)
  gated: boolean; // forward() returns gate activations, the first G·H floats of each acts row
  recurrentGateGrads: boolean; // dG holds a second (T, B, G·H) block for the recurrent side (GRU's r ⊙ (W_hn h + b_hn))
  actsWidth: number; // AW: the row width of the saved activations (acts)
  omega: boolean; // Pascanu's Ω applies (Elman cells)
  peepholes: boolean; // LSTM peephole weights
  gateRecurrence: boolean; // FGR: i, f, o of t−1 are carried in acts
}

export function cellTraits(spec: ModelSpec): CellTraits {
  const info = cellInfo(spec.cell);
  const flags = info.lstmVariants ? lstmFlags(spec.variant) : null;
  return {
    G: info.blocks.length,
    cellState: info.cellState,
    gated: isGated(spec.cell),
    recurrentGateGrads: info.separateRecurrentGrad,
    actsWidth: info.wgsl.actsWidth(spec.hiddenSize),
    omega: info.omega,
    peepholes: flags?.peepholes ?? false,
    gateRecurrence: flags?.fullGateRecurrence ?? false,
  };
}

/** Floats per chunk record in `metrics`, and where each value sits (written by finalize.wgsl, read by optimizer.wgsl). */
export const METRICS_RECORD = {
  floats: 8,
  lossSum: 0,
  penalty: 1,
  gradNormSq: 2,
  clipFactor: 3,
  finite: 4, // 1 / 0
  guarded: 5, // 1 when the gradient norm exceeds the exploding-gradient guard: no update
} as const;

/** The metrics buffer: T chunk records, then the step norms (2, L, T): ‖dh_t‖ per layer, then ‖dc_t‖ (LSTM). */
export function metricsLayout(T: number, L: number): { normsOffset: number; floats: number } {
  const normsOffset = T * METRICS_RECORD.floats;
  return { normsOffset, floats: normsOffset + 2 * L * T };
}

/** Per-parameter flag bits of the `flags` buffer (grad_partials.wgsl, optimizer.wgsl). */
export const PARAM_FLAGS = { TRAINABLE: 1, L2_MATRIX: 2 } as const;

/** Everything a buffer's size may depend on. */
export interface WorkspaceDims {
  spec: ModelSpec;
  cell: CellTraits;
  T: number;
  B: number;
  P: number; // parameters
  /** Workgroups of the grid-stride passes over the parameters (each writes one (4) partial). */
  parameterWorkgroups: number;
}

export function workspaceDims(spec: ModelSpec, T: number, B: number, P: number, parameterWorkgroups: number): WorkspaceDims {
  return { spec, cell: cellTraits(spec), T, B, P, parameterWorkgroups };
}

/** model: made by init(); batch: remade when (T, B) changes; state: the state carried between steps (per B). */
export type Lifetime = 'model' | 'batch' | 'state';
export type ElementType = 'f32' | 'u32' | 'i32';
/** The phases of a step (and of the other engine calls) that read or write a buffer. */
export type Phase = 'carry' | 'forward' | 'loss' | 'backward' | 'profile' | 'update' | 'inputGradients' | 'checkpoint';

export interface BufferEntry {
  lifetime: Lifetime;
  type: ElementType;
  /** One buffer per layer (named `name-l{k}`) instead of one. */
  perLayer: boolean;
  shape: string;
  /** Elements of one buffer; 0 when this model never uses it (a minimal buffer still backs its bindings). */
  elements: (d: WorkspaceDims) => number;
  phases: readonly Phase[];
  /** A per-layer trace whose slot 0 starts from, and whose last step is saved to, this state entry. */
  carry?: string;
  /**
   * A state entry's part of a checkpoint: the column ranges [from, to) of each of its B rows that the checkpoint
   * keeps (none: not in the checkpoint). A layer's checkpoint state is the state entries' parts one after the
   * other, each B rows of its kept columns — the CPU engine's layout: h, then c, then FGR's i, f, o.
   */
  checkpoint?: (d: WorkspaceDims) => [number, number][];
}

const H = (d: WorkspaceDims) => d.spec.hiddenSize;
const TB = (d: WorkspaceDims) => d.T * d.B;

export const WORKSPACE = {
  // per model
  params: { lifetime: 'model', type: 'f32', perLayer: false, shape: '(P)', elements: (d) => d.P, phases: ['forward', 'backward', 'update', 'inputGradients', 'checkpoint'] },
  grads: { lifetime: 'model', type: 'f32', perLayer: false, shape: '(P)', elements: (d) => d.P, phases: ['backward', 'update'] },
  flags: { lifetime: 'model', type: 'u32', perLayer: false, shape: '(P) TRAINABLE | L2_MATRIX', elements: (d) => d.P, phases: ['update'] },
  slot0: { lifetime: 'model', type: 'f32', perLayer: false, shape: '(P) momentum / square average / Adam m', elements: (d) => d.P, phases: ['update', 'checkpoint'] },
  slot1: { lifetime: 'model', type: 'f32', perLayer: false, shape: '(P) Adam v', elements: (d) => d.P, phases: ['update', 'checkpoint'] },
  partials: { lifetime: 'model', type: 'f32', perLayer: false, shape: '(parameterWorkgroups, 4)', elements: (d) => d.parameterWorkgroups * 4, phases: ['update'] },
  counter: { lifetime: 'model', type: 'f32', perLayer: false, shape: '(1) optimiser updates so far', elements: () => 1, phases: ['update', 'checkpoint'] },
  // per batch shape: inputs and targets
  x: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B, X)', elements: (d) => TB(d) * d.spec.inputSize, phases: ['forward', 'backward', 'inputGradients'] },
  targets: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B, Y) mse targets', elements: (d) => TB(d) * d.spec.outputSize, phases: ['loss'] },
  labels: { lifetime: 'batch', type: 'i32', perLayer: false, shape: '(T, B) xent classes', elements: TB, phases: ['loss'] },
  selected: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B) 1 where the loss counts', elements: TB, phases: ['loss'] },
  // per batch shape: the forward's traces, per layer
  xp: { lifetime: 'batch', type: 'f32', perLayer: true, shape: '(T, B, G·H) input projections', elements: (d) => TB(d) * d.cell.G * H(d), phases: ['forward'] },
  hs: { lifetime: 'batch', type: 'f32', perLayer: true, shape: '(T+1, B, H) slot 0 = the state before step 0', elements: (d) => (d.T + 1) * d.B * H(d), phases: ['carry', 'forward', 'backward'], carry: 'stateH' },
  cs: { lifetime: 'batch', type: 'f32', perLayer: true, shape: '(T+1, B, H) LSTM cell states', elements: (d) => (d.cell.cellState ? (d.T + 1) * d.B * H(d) : 0), phases: ['carry', 'forward', 'backward'], carry: 'stateC' },
  acts: { lifetime: 'batch', type: 'f32', perLayer: true, shape: '(T+1, B, AW) saved activations', elements: (d) => (d.T + 1) * d.B * d.cell.actsWidth, phases: ['carry', 'forward', 'backward'], carry: 'stateActs' },
  out: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B, Y) head outputs', elements: (d) => TB(d) * d.spec.outputSize, phases: ['forward', 'loss'] },
  // per batch shape: loss and backward
  dOut: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B, Y)', elements: (d) => TB(d) * d.spec.outputSize, phases: ['loss', 'backward', 'inputGradients'] },
  rowLoss: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B)', elements: TB, phases: ['loss', 'update'] },
  dG: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B, G·H), twice for GRU', elements: (d) => (d.cell.recurrentGateGrads ? 2 : 1) * TB(d) * d.cell.G * H(d), phases: ['backward', 'inputGradients'] },
  dh: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(L, T, B, H)', elements: (d) => d.spec.numLayers * TB(d) * H(d), phases: ['backward', 'profile'] },
  dc: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(L, T, B, H) LSTM', elements: (d) => (d.cell.cellState ? d.spec.numLayers * TB(d) * H(d) : 0), phases: ['backward', 'profile'] },
  omegaV: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B, H) Ω', elements: (d) => (d.cell.omega ? TB(d) * H(d) : 0), phases: ['backward'] },
  omegaTerms: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(2, L, T, B) Ω terms, then coefficients', elements: (d) => (d.cell.omega ? 2 * d.spec.numLayers * TB(d) : 0), phases: ['backward', 'update'] },
  // per batch shape: what is read back
  metrics: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, 8) chunk records, then (2, L, T) step norms', elements: (d) => metricsLayout(d.T, d.spec.numLayers).floats, phases: ['profile', 'update'] },
  dx: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B, X) input gradients', elements: (d) => TB(d) * d.spec.inputSize, phases: ['inputGradients'] },
  dxNorms: { lifetime: 'batch', type: 'f32', perLayer: false, shape: '(T, B) their squared norms', elements: TB, phases: ['inputGradients'] },
  // carried between steps (B rows), per layer
  stateH: { lifetime: 'state', type: 'f32', perLayer: true, shape: '(B, H)', elements: (d) => d.B * H(d), phases: ['carry', 'checkpoint'], checkpoint: (d) => [[0, H(d)]] },
  stateC: { lifetime: 'state', type: 'f32', perLayer: true, shape: '(B, H) LSTM', elements: (d) => (d.cell.cellState ? d.B * H(d) : 0), phases: ['carry', 'checkpoint'], checkpoint: (d) => (d.cell.cellState ? [[0, H(d)]] : []) },
  // acts rows are i, f, g, o: FGR carries i, f and o (columns [0, 2H) and [3H, 4H)) into the next step
  stateActs: {
    lifetime: 'state', type: 'f32', perLayer: true, shape: '(B, AW) FGR: i, f, o of the last step', elements: (d) => d.B * d.cell.actsWidth, phases: ['carry', 'checkpoint'],
    checkpoint: (d) => (d.cell.gateRecurrence ? [[0, 2 * H(d)], [3 * H(d), 4 * H(d)]] : []),
  },
} as const satisfies Record<string, BufferEntry>;

export type BufferName = keyof typeof WORKSPACE;
export type BufferNames<L extends Lifetime> = { [K in BufferName]: (typeof WORKSPACE)[K]['lifetime'] extends L ? K : never }[BufferName];

/** The (trace, state) pairs of the carried state: trace slot 0 ← state before a step, state ← the trace's last step. */
export function carriedPairs(): { trace: BufferNames<'batch'>; state: BufferNames<'state'> }[] {
  return (Object.keys(WORKSPACE) as BufferName[]).flatMap((name) => {
    const state = (WORKSPACE[name] as BufferEntry).carry;
    return state ? [{ trace: name as BufferNames<'batch'>, state: state as BufferNames<'state'> }] : [];
  });
}

/** The state entries a checkpoint keeps, in checkpoint order, with their row width and kept column ranges. */
export function checkpointParts(d: WorkspaceDims): { name: BufferNames<'state'>; rowWidth: number; columns: [number, number][] }[] {
  return (Object.keys(WORKSPACE) as BufferName[]).flatMap((name) => {
    const e: BufferEntry = WORKSPACE[name];
    const columns = e.lifetime === 'state' && e.checkpoint ? e.checkpoint(d) : [];
    return columns.length > 0 ? [{ name: name as BufferNames<'state'>, rowWidth: e.elements(d) / d.B, columns }] : [];
  });
}

const BYTES: Record<ElementType, number> = { f32: 4, u32: 4, i32: 4 };

/** The bytes of one buffer of the entry (every buffer of a per-layer entry has the same size). */
export function bufferBytes(name: BufferName, d: WorkspaceDims): number {
  const e: BufferEntry = WORKSPACE[name];
  return e.elements(d) * BYTES[e.type];
}

/** The largest single buffer of the given lifetimes, with its name (for the adapter's per-buffer limits). */
export function largestBuffer(d: WorkspaceDims, lifetimes: readonly Lifetime[]): { name: BufferName; bytes: number } {
  let best: { name: BufferName; bytes: number } = { name: 'params', bytes: 0 };
  for (const name of Object.keys(WORKSPACE) as BufferName[]) {
    if (!lifetimes.includes(WORKSPACE[name].lifetime)) continue;
    const bytes = bufferBytes(name, d);
    if (bytes > best.bytes) best = { name, bytes };
  }
  return best;
}
