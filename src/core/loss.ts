// Losses over a range of steps, with their gradient with respect to the head outputs.
//   mse:  mean over every element (t, b, y) of the selected steps of (out − y)²
//   xent: mean over the selected (t, b) of −log softmax(out)[label]
// Selected = inside the batch's lossSteps, inside [t0, t1), mask ≠ 0, and (xent) label ≥ 0.
import { lossStepRange, type Batch } from './batch';

/** Whether row i = t·B + b may carry loss, whatever its step: mask ≠ 0 and (xent) label ≥ 0. */
function rowScored(batch: Batch, i: number): boolean {
  return (!batch.mask || batch.mask[i] !== 0) && (batch.loss !== 'xent' || batch.labels![i] >= 0);
}

/** (T, B): 1 where (t, b) carries loss — inside lossSteps and rowScored — else 0 (the WebGPU engine uploads it). */
export function lossSelection(batch: Batch): Float32Array {
  const { T, B } = batch;
  const [s0, s1] = lossStepRange(batch);
  const selected = new Float32Array(T * B);
  for (let i = s0 * B; i < s1 * B; i++) if (rowScored(batch, i)) selected[i] = 1;
  return selected;
}

/** The divisor of the mean loss of steps [t0, t1) given lossSelection's rows: selected rows, times Y for mse. */
export function lossDivisor(selected: Float32Array, batch: Batch, Y: number, t0: number, t1: number): number {
  let rows = 0;
  for (let i = t0 * batch.B; i < t1 * batch.B; i++) rows += selected[i];
  return batch.loss === 'mse' ? rows * Y : rows;
}

export interface LossValue {
  sum: number; // summed loss over the selected elements
  count: number; // how many elements the mean divides by
}

/** Returns sum and count; writes ∂(sum / count)/∂out into dOut (T, B, Y) rows of [t0, t1) when given. */
export function lossAndGrad(out: Float64Array, batch: Batch, Y: number, t0: number, t1: number, dOut: Float64Array | null): LossValue {
  const { B } = batch;
  const [s0, s1] = lossStepRange(batch);
  const from = Math.max(t0, s0);
  const to = Math.min(t1, s1);
  const selected = (t: number, b: number) => rowScored(batch, t * B + b);

  let count = 0;
  for (let t = from; t < to; t++) for (let b = 0; b < B; b++) if (selected(t, b)) count++;
  if (batch.loss === 'mse') count *= Y;
  if (dOut) dOut.fill(0, t0 * B * Y, t1 * B * Y);
  if (count === 0) return { sum: 0, count: 0 };

  let sum = 0;
  for (let t = from; t < to; t++) {
    for (let b = 0; b < B; b++) {
      if (!selected(t, b)) continue;
      const o = (t * B + b) * Y;
      if (batch.loss === 'mse') {
        const y = batch.y!;
        for (let k = 0; k < Y; k++) {
          const d = out[o + k] - y[o + k];
          sum += d * d;
          if (dOut) dOut[o + k] = (2 * d) / count;
        }
      } else {
        const label = batch.labels![t * B + b];
        let max = -Infinity;
        for (let k = 0; k < Y; k++) max = Math.max(max, out[o + k]);
        let z = 0;
        for (let k = 0; k < Y; k++) z += Math.exp(out[o + k] - max);
        const logZ = max + Math.log(z);
        sum += logZ - out[o + label];
        if (dOut) {
          for (let k = 0; k < Y; k++) dOut[o + k] = Math.exp(out[o + k] - logZ) / count;
          dOut[o + label] -= 1 / count;
        }
      }
    }
  }
  return { sum, count };
}
