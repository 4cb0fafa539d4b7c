// What the WebGPU engine reads back, decoded: a step's metrics buffer into a StepResult, the forward's traces
// into a ForwardResult, and the carried state between the GPU layout (h, c, acts buffers per layer) and the
// checkpoint's (the CPU engine's: per layer h (B·H), then c (B·H), then FGR's i, f, o (B·3H)).
import { METRICS_RECORD, metricsLayout, type CellTraits } from '../../core/workspace';
import type { ModelSpec } from '../../core/spec';
import type { ForwardResult, StepResult } from '../engine';
import type { BufferSet } from './buffers';
import type { Readback } from './staging';
import type { ScoredChunk } from './stepRecorder';


/** The metrics of a step (chunk records, then step norms), followed by the gradient (P) when asked for. */
export function decodeStep(m: Float32Array, chunks: readonly ScoredChunk[], spec: ModelSpec, cell: CellTraits, T: number, P: number, doUpdate: boolean, wantGrads: boolean): StepResult {
  const L = spec.numLayers;
  const R = METRICS_RECORD;
  let lossSum = 0;
  let lossCount = 0;
  let penalty = 0;
  let gradNormSq = 0;
  let clipFactor = 1;
  let updates = 0;
  let finite = true;
  chunks.forEach((c, i) => {
    if (c.count === 0) return;
    const r = i * R.floats;
    lossSum += m[r + R.lossSum];
    lossCount += c.count;
    penalty += m[r + R.penalty];
    gradNormSq += m[r + R.gradNormSq];
    clipFactor = Math.min(clipFactor, m[r + R.clipFactor]);
    const ok = m[r + R.finite] !== 0;
    finite &&= ok;
    if (ok && doUpdate && m[r + R.guarded] === 0) updates++;
  });
  const { normsOffset, floats } = metricsLayout(T, L);
  const norms = (kind: number) => Array.from({ length: L }, (_, l) => Float64Array.from(m.subarray(normsOffset + (kind * L + l) * T, normsOffset + (kind * L + l + 1) * T)));
  return {
    loss: lossCount > 0 ? lossSum / lossCount : 0,
    penalty,
    gradNorm: Math.sqrt(gradNormSq),
    clipFactor,
    dhNorm: norms(0),
    dcNorm: cell.cellState ? norms(1) : undefined,
    grads: wantGrads ? Float32Array.from(m.subarray(floats, floats + P)) : undefined,
    updates,
    finite,
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
    if (cell.gateViews) pieces.push({ src: ws.acts[l], off: B * cell.actsWidth, floats: n * cell.actsWidth });
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
    if (cell.gateViews === 'lstm') gates.push(take(n * AW));
    if (cell.gateViews === 'gru') {
      // GRU acts rows are r, z, n, (W_hn h + b_hn): the view wants r, z, n.
      const acts = take(n * AW);
      const g = new Float32Array(n * 3 * H);
      for (let r = 0; r < n; r++) g.set(acts.subarray(r * AW, r * AW + 3 * H), r * 3 * H);
      gates.push(g);
    }
  }
  return { outputs, hidden, cells: cell.cellState ? cells : undefined, gates: cell.gateViews ? gates : undefined };
}

/** Floats per batch row of one layer's checkpoint state: h, c (LSTM), FGR's i, f, o. */
function stateWidth(cell: CellTraits, H: number): number {
  return H * (1 + (cell.cellState ? 1 : 0) + (cell.gateRecurrence ? 3 : 0));
}

/** The batch rows B of a checkpoint's state (one layer's flat array). */
export function checkpointRows(flat: Float32Array, cell: CellTraits, H: number): number {
  return flat.length / stateWidth(cell, H);
}

/** The state buffers a checkpoint reads, layer by layer, in stateToCheckpoint's order. */
export function stateReadback(state: BufferSet<'state'>, spec: ModelSpec, cell: CellTraits, B: number): Readback[] {
  const H = spec.hiddenSize;
  const pieces: Readback[] = [];
  for (let l = 0; l < spec.numLayers; l++) {
    pieces.push({ src: state.stateH[l], off: 0, floats: B * H });
    if (cell.cellState) pieces.push({ src: state.stateC[l], off: 0, floats: B * H });
    if (cell.gateRecurrence) pieces.push({ src: state.stateActs[l], off: 0, floats: B * cell.actsWidth });
  }
  return pieces;
}

/** stateReadback's arrays (in its order) → one flat checkpoint array per layer. */
export function stateToCheckpoint(parts: Float32Array[], spec: ModelSpec, cell: CellTraits, B: number): Float32Array[] {
  const H = spec.hiddenSize;
  const AW = cell.actsWidth;
  let cursor = 0;
  return Array.from({ length: spec.numLayers }, () => {
    const flat = new Float32Array(B * stateWidth(cell, H));
    flat.set(parts[cursor++], 0);
    if (cell.cellState) flat.set(parts[cursor++], B * H);
    if (cell.gateRecurrence) {
      const a = parts[cursor++];
      const base = 2 * B * H;
      for (let b = 0; b < B; b++) {
        flat.set(a.subarray(b * AW, b * AW + 2 * H), base + b * 3 * H); // i, f
        flat.set(a.subarray(b * AW + 3 * H, b * AW + 4 * H), base + b * 3 * H + 2 * H); // o
      }
    }
    return flat;
  });
}

/** One layer's checkpoint array → what its state buffers hold (c and acts only where the cell carries them). */
export function checkpointToState(flat: Float32Array, spec: ModelSpec, cell: CellTraits, B: number): { h: Float32Array; c: Float32Array | null; acts: Float32Array | null } {
  const H = spec.hiddenSize;
  const AW = cell.actsWidth;
  let acts: Float32Array | null = null;
  if (cell.gateRecurrence) {
    acts = new Float32Array(B * AW);
    const base = 2 * B * H;
    for (let b = 0; b < B; b++) {
      acts.set(flat.subarray(base + b * 3 * H, base + b * 3 * H + 2 * H), b * AW);
      acts.set(flat.subarray(base + b * 3 * H + 2 * H, base + b * 3 * H + 3 * H), b * AW + 3 * H);
    }
  }
  return { h: flat.subarray(0, B * H), c: cell.cellState ? flat.subarray(B * H, 2 * B * H) : null, acts };
}
