// Copy memory (Arjovsky, Shah & Bengio 2016). Symbols: 0 blank, 1–8 data, 9 delimiter.
// Input: 10 random data symbols, T−1 blanks, the delimiter, then 10 blanks (T + 20 steps in all).
// Target: the same 10 data symbols during the last 10 steps. Only those 10 steps carry loss (mask,
// and label −1 elsewhere). A model that remembers nothing can do no better than guessing among the
// 8 data symbols: log 8 ≈ 2.079 nats per scored step. (The paper averages over all T + 20 steps and
// so quotes this same baseline as 10·log 8 / (T + 20).)
import type { Batch } from '../batch';
import type { Rng } from '../rng';
import { accuracy, meanCrossEntropy } from './metrics';
import { checkBatchSize, streamFor, type Task, type TaskMetric } from './task';

export const COPY_LENGTH = 10; // symbols to remember
export const COPY_CATEGORIES = 8;
export const COPY_BLANK = 0;
export const COPY_DELIMITER = 9;
export const COPY_ALPHABET = 10;
export const COPY_CHANCE_XENT = Math.log(COPY_CATEGORIES);

/** The paper's baseline when the loss is averaged over all T + 20 steps. */
export function copyPaperBaseline(T: number): number {
  return (COPY_LENGTH * Math.log(COPY_CATEGORIES)) / (T + 2 * COPY_LENGTH);
}

export class CopyTask implements Task {
  readonly name = 'copy';
  readonly inputSize = COPY_ALPHABET;
  readonly outputSize = COPY_ALPHABET;
  readonly loss = 'xent';
  readonly lossSteps = 'all';

  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch {
    checkBatchSize('copy memory', B, T, 1);
    const r = streamFor(split, rng);
    const steps = T + 2 * COPY_LENGTH;
    const V = COPY_ALPHABET;
    const x = new Float32Array(steps * B * V); // (T+20, B, 10) one-hot
    const labels = new Int32Array(steps * B).fill(-1); // (T+20, B)
    const mask = new Float32Array(steps * B); // (T+20, B): 1 on the last 10 steps
    const outStart = T + COPY_LENGTH;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < steps; t++) {
        let symbol = COPY_BLANK;
        if (t < COPY_LENGTH) symbol = 1 + r.int(COPY_CATEGORIES);
        else if (t === outStart - 1) symbol = COPY_DELIMITER;
        x[(t * B + b) * V + symbol] = 1;
      }
      for (let k = 0; k < COPY_LENGTH; k++) {
        const t = outStart + k;
        labels[t * B + b] = argOneHot(x, (k * B + b) * V, V);
        mask[t * B + b] = 1;
      }
    }
    return { T: steps, B, X: V, x, labels, mask, loss: 'xent', lossSteps: 'all' };
  }

  metric(outputs: Float32Array, batch: Batch): TaskMetric {
    return {
      name: 'cross-entropy of the recalled symbols (nats)',
      value: meanCrossEntropy(outputs, batch, COPY_ALPHABET),
      chance: COPY_CHANCE_XENT,
      higherIsBetter: false,
    };
  }
}

/** Fraction of recalled symbols that are right (chance 1/8). */
export function copyAccuracy(outputs: Float32Array, batch: Batch): number {
  return accuracy(outputs, batch, COPY_ALPHABET);
}

function argOneHot(x: Float32Array, offset: number, V: number): number {
  for (let k = 0; k < V; k++) if (x[offset + k] === 1) return k;
  return -1;
}
