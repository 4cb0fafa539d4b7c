// What the WebGPU engine reads back, decoded: a step's metrics buffer into a StepResult, the forward's traces
// into a ForwardResult, and the carried state between the GPU's state buffers and the checkpoint's layout (the
// CPU engine's), as the workspace table's `checkpoint` column ranges say.
import { StepTotals } from '../../core/stepTotals';
import { checkpointParts, METRICS_RECORD, metricsLayout, workspaceDims, type BufferNames, type CellTraits, type WorkspaceDims } from '../../core/workspace';
import type { ModelSpec } from '../../core/spec';
import type { OptimizerKind } from '../../core/optim';
import type { Checkpoint, ForwardResult, StepResult } from '../engine';
import type { BufferSet } from './buffers';
import type { GpuModel } from './pipelines';
import type { Readback } from './staging';
import type { ScoredChunk } from './stepRecorder';


/** The metrics of a step (chunk records, then step norms), followed by the gradient (P) when asked for. */
export function decodeStep(m: Float32Array, chunks: readonly ScoredChunk[], spec: ModelSpec, cell: CellTraits, T: number, P: number, doUpdate: boolean, wantGrads: boolean): StepResult {
  const L = spec.numLayers;
  const R = METRICS_RECORD;
  const totals = new StepTotals();
  chunks.forEach((c, i) => {
    if (c.count === 0) return;
    const r = i * R.floats;
    const finite = m[r + R.finite] !== 0;
    totals.add({
      lossSum: m[r + R.lossSum],
      count: c.count,
      penalty: m[r + R.penalty],
      gradNormSq: m[r + R.gradNormSq],
      clipFactor: m[r + R.clipFactor],
      finite,
      updated: finite && doUpdate && m[r + R.guarded] === 0,
    });
  });
  const { normsOffset, floats } = metricsLayout(T, L);
  const norms = (kind: number) => Array.from({ length: L }, (_, l) => Float64Array.from(m.subarray(normsOffset + (kind * L + l) * T, normsOffset + (kind * L + l + 1) * T)));
  return {
    ...totals.result(),
    dhNorm: norms(0),
    dcNorm: cell.cellState ? norms(1) : undefined,
    grads: wantGrads ? Float32Array.from(m.subarray(floats, floats + P)) : undefined,
  };
}

/** The forward's readback: outputs, then per layer hs, cs (LSTM) and acts (gated cells), each without slot 0. */
export function forwardReadback(ws: BufferSet<'batch'>, spec: ModelSpec, cell: CellTraits, T: number, B: number): Readback[] {
  const H = spec.hiddenSize;
  const n = T * B;
  const pieces: Readback[] = [{ src: ws.out, off: 0, floats: n * spec.outputSize }];
  for (let l = 0; l < spec.numLayers; l++) {
    pieces.push({ src: ws.hs[l], off: B * H, floats: n * H });
    if (cell.cellState) pieces.push({ src: ws.cs[l], off: B * H, floats: n * H });
    if (cell.gated) pieces.push({ src: ws.acts[l], off: B * cell.actsWidth, floats: n * cell.actsWidth });
  }
  return pieces;
}

export function decodeForward(all: Float32Array, spec: ModelSpec, cell: CellTraits, T: number, B: number): ForwardResult {
  const H = spec.hiddenSize;
  const AW = cell.actsWidth;
  const n = T * B;
  let cursor = 0;
  const take = (floats: number) => all.slice(cursor, (cursor += floats));
  const outputs = take(n * spec.outputSize);
  const hidden: Float32Array[] = [];
  const cells: Float32Array[] = [];
  const gates: Float32Array[] = [];
  for (let l = 0; l < spec.numLayers; l++) {
    hidden.push(take(n * H));
    if (cell.cellState) cells.push(take(n * H));
    if (cell.gated) {
      // An acts row holds the gate activations first (G·H), then what backward needs besides (GRU's W_hn h + b_hn).
      const acts = take(n * AW);
      const GH = cell.G * H;
      const g = new Float32Array(n * GH);
      for (let r = 0; r < n; r++) g.set(acts.subarray(r * AW, r * AW + GH), r * GH);
      gates.push(g);
    }
  }
  return { outputs, hidden, cells: cell.cellState ? cells : undefined, gates: cell.gated ? gates : undefined };
}

/** Floats per batch row of one layer's checkpoint state (h, c for LSTM, FGR's i, f, o). */
function checkpointWidth(d: WorkspaceDims): number {
  return checkpointParts(d).reduce((n, p) => n + p.columns.reduce((w, [from, to]) => w + to - from, 0), 0);
}

/** The batch rows B of a checkpoint's state (one layer's flat array). */
export function checkpointRows(flat: Float32Array, spec: ModelSpec): number {
  return flat.length / checkpointWidth(workspaceDims(spec, 0, 1, 0, 1));
}

/**
 * What a checkpoint reads: the parameters, the update count, the optimiser's `slots` in use, then (when a state is
 * carried) its state buffers layer by layer. decodeCheckpoint takes the arrays in this order.
 */
export function checkpointReadback(model: GpuModel, slots: number, state: { B: number; buffers: BufferSet<'state'> } | null): Readback[] {
  const { params, counter, slot0, slot1 } = model.buffers;
  const pieces: Readback[] = [{ src: params, off: 0, floats: model.P }, { src: counter, off: 0, floats: 1 }];
  for (const src of [slot0, slot1].slice(0, slots)) pieces.push({ src, off: 0, floats: model.P });
  if (state) pieces.push(...stateReadback(state.buffers, model.spec, state.B));
  return pieces;
}

export function decodeCheckpoint(parts: Float32Array[], spec: ModelSpec, kind: OptimizerKind | null, slots: number, stateRows: number | null): Checkpoint {
  return {
    spec,
    params: parts[0],
    optimizer: { kind: kind ?? 'sgd', step: kind ? Math.round(parts[1][0]) : 0, slots: parts.slice(2, 2 + slots) },
    state: stateRows === null ? [] : stateToCheckpoint(parts.slice(2 + slots), spec, stateRows),
  };
}

/** The state buffers a checkpoint reads, layer by layer, in stateToCheckpoint's order (whole rows). */
function stateReadback(state: BufferSet<'state'>, spec: ModelSpec, B: number): Readback[] {
  const parts = checkpointParts(workspaceDims(spec, 0, B, 0, 1));
  return Array.from({ length: spec.numLayers }, (_, l) => parts.map((p) => ({ src: state[p.name][l], off: 0, floats: B * p.rowWidth }))).flat();
}

/** stateReadback's arrays (in its order) → one flat checkpoint array per layer: each part's kept columns, row by row. */
function stateToCheckpoint(buffers: Float32Array[], spec: ModelSpec, B: number): Float32Array[] {
  const d = workspaceDims(spec, 0, B, 0, 1);
  const parts = checkpointParts(d);
  let cursor = 0;
  return Array.from({ length: spec.numLayers }, () => {
    const flat = new Float32Array(B * checkpointWidth(d));
    let at = 0;
    for (const { rowWidth, columns } of parts) {
      const rows = buffers[cursor++];
      for (let b = 0; b < B; b++) {
        for (const [from, to] of columns) {
          flat.set(rows.subarray(b * rowWidth + from, b * rowWidth + to), at);
          at += to - from;
        }
      }
    }
    return flat;
  });
}

/** One layer's checkpoint array → the contents of its state buffers, by name (only the parts a checkpoint keeps). */
export function checkpointToState(flat: Float32Array, spec: ModelSpec, B: number): { name: BufferNames<'state'>; data: Float32Array }[] {
  let at = 0;
  return checkpointParts(workspaceDims(spec, 0, B, 0, 1)).map(({ name, rowWidth, columns }) => {
    const data = new Float32Array(B * rowWidth);
    for (let b = 0; b < B; b++) {
      for (const [from, to] of columns) {
        data.set(flat.subarray(at, at + to - from), b * rowWidth + from);
        at += to - from;
      }
    }
    return { name, data };
  });
}
