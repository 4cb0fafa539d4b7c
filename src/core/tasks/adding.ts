// The adding problem (Hochreiter & Schmidhuber 1997; in this form from Le, Jaitly & Hinton 2015).
// Each step carries (value ~ U(0,1), marker ∈ {0,1}); exactly two steps are marked, one in each half.
// The target, scored at the last step only, is the sum of the two marked values. Predicting the
// constant 1 (the mean of the sum) scores Var(u1 + u2) = 2/12 ≈ 0.167: that is chance.
import type { Batch } from '../batch';
import type { Rng } from '../rng';
import { meanSquaredError } from './metrics';
import { checkBatchSize, streamFor, type Task, type TaskMetric } from './task';

export const ADDING_CHANCE_MSE = 1 / 6;

export class AddingTask implements Task {
  readonly name = 'adding';
  readonly inputSize = 2;
  readonly outputSize = 1;
  readonly loss = 'mse';
  readonly lossSteps = 'last';

  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch {
    checkBatchSize('adding problem', B, T, 2);
    const r = streamFor(split, rng);
    const x = new Float32Array(T * B * 2); // (T, B, 2): value, marker
    const y = new Float32Array(T * B); // (T, B, 1): the sum at t = T−1, zero elsewhere (not scored)
    const half = Math.floor(T / 2);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) x[(t * B + b) * 2] = r.next();
      const first = r.int(half); // in [0, T/2)
      const second = half + r.int(T - half); // in [T/2, T)
      x[(first * B + b) * 2 + 1] = 1;
      x[(second * B + b) * 2 + 1] = 1;
      y[(T - 1) * B + b] = x[(first * B + b) * 2] + x[(second * B + b) * 2];
    }
    return { T, B, X: 2, x, y, loss: 'mse', lossSteps: 'last' };
  }

  metric(outputs: Float32Array, batch: Batch): TaskMetric {
    return { name: 'MSE of the sum', value: meanSquaredError(outputs, batch, 1), chance: ADDING_CHANCE_MSE, higherIsBetter: false };
  }
}

/** Fraction of sequences whose predicted sum is within `tolerance` of the truth (0.04 is the usual bar). */
export function addingAccuracy(outputs: Float32Array, batch: Batch, tolerance = 0.04): number {
  const last = (batch.T - 1) * batch.B;
  let right = 0;
  for (let b = 0; b < batch.B; b++) if (Math.abs(outputs[last + b] - batch.y![last + b]) < tolerance) right++;
  return right / batch.B;
}
