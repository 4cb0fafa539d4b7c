// Losses over a range of steps, with their gradient with respect to the head outputs.
//   mse:  mean over every element (t, b, y) of the selected steps of (out − y)²
//   xent: mean over the selected (t, b) of −log softmax(out)[label]
// Selected = inside the batch's lossSteps, inside [t0, t1), mask ≠ 0, and (xent) label ≥ 0.
import { lossStepRange, type Batch } from './batch';

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
  const selected = (t: number, b: number) =>
    (!batch.mask || batch.mask[t * B + b] !== 0) && (batch.loss !== 'xent' || batch.labels![t * B + b] >= 0);

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
