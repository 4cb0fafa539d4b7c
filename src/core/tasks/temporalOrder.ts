// Temporal order (Hochreiter & Schmidhuber 1997, experiment 6a). Alphabet B, E, a, b, c, d, X, Y.
// A sequence starts with B and ends with E; every other step is a random distractor a–d, except two
// steps t1 ∈ [0.1T, 0.2T] and t2 ∈ [0.5T, 0.6T] that hold X or Y. The class, scored at the last step,
// is the order seen: XX, XY, YX or YY. Without memory of both, a model is right 1 time in 4.
import type { Batch } from '../batch';
import type { Rng } from '../rng';
import { accuracy } from './metrics';
import { checkBatchSize, streamFor, type Task, type TaskMetric } from './task';

export const TEMPORAL_SYMBOLS = ['B', 'E', 'a', 'b', 'c', 'd', 'X', 'Y'] as const;
export const TEMPORAL_CLASSES = ['XX', 'XY', 'YX', 'YY'] as const;
const SYM_B = 0;
const SYM_E = 1;
const SYM_X = 6;

/** The two informative positions for a sequence of length T (both inside 1..T−2, distinct). */
export function temporalPositions(T: number, rng: Rng): [number, number] {
  const pick = (lo: number, hi: number) => {
    const a = Math.min(Math.max(Math.round(lo * T), 1), T - 2);
    const b = Math.min(Math.max(Math.round(hi * T), a), T - 2);
    return a + rng.int(b - a + 1);
  };
  const t1 = pick(0.1, 0.2);
  let t2 = pick(0.5, 0.6);
  if (t2 <= t1) t2 = t1 + 1; // only for very short T
  return [t1, t2];
}

export class TemporalOrderTask implements Task {
  readonly name = 'temporal_order';
  readonly inputSize = TEMPORAL_SYMBOLS.length;
  readonly outputSize = TEMPORAL_CLASSES.length;
  readonly loss = 'xent';
  readonly lossSteps = 'last';

  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch {
    checkBatchSize('temporal order', B, T, 4);
    const r = streamFor(split, rng);
    const V = TEMPORAL_SYMBOLS.length;
    const x = new Float32Array(T * B * V); // (T, B, 8) one-hot
    const labels = new Int32Array(T * B).fill(-1); // (T, B): the class at t = T−1 only
    for (let b = 0; b < B; b++) {
      const [t1, t2] = temporalPositions(T, r);
      const first = r.int(2); // 0 = X, 1 = Y
      const second = r.int(2);
      for (let t = 0; t < T; t++) {
        let symbol: number;
        if (t === 0) symbol = SYM_B;
        else if (t === T - 1) symbol = SYM_E;
        else if (t === t1) symbol = SYM_X + first;
        else if (t === t2) symbol = SYM_X + second;
        else symbol = 2 + r.int(4);
        x[(t * B + b) * V + symbol] = 1;
      }
      labels[(T - 1) * B + b] = 2 * first + second;
    }
    return { T, B, X: V, x, labels, loss: 'xent', lossSteps: 'last' };
  }

  metric(outputs: Float32Array, batch: Batch): TaskMetric {
    return { name: 'accuracy of the order', value: accuracy(outputs, batch, TEMPORAL_CLASSES.length), chance: 0.25, higherIsBetter: true };
  }
}
