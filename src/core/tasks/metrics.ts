// Small numeric helpers shared by the task metrics. Outputs are time-major (T, B, Y).
import type { Batch } from '../batch';

/** log Σ exp(row) computed stably, for the row of `Y` logits starting at `offset`. */
export function logSumExp(logits: Float32Array, offset: number, Y: number): number {
  let max = -Infinity;
  for (let k = 0; k < Y; k++) max = Math.max(max, logits[offset + k]);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < Y; k++) sum += Math.exp(logits[offset + k] - max);
  return max + Math.log(sum);
}

/** Index of the largest of `Y` values starting at `offset` (the first one on ties). */
export function argmax(values: Float32Array, offset: number, Y: number): number {
  let best = 0;
  for (let k = 1; k < Y; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

/** Whether step (t, b) carries loss: inside lossSteps, mask ≠ 0 and (for xent) label ≠ −1. */
export function scored(batch: Batch, t: number, b: number): boolean {
  if (batch.lossSteps === 'last' && t !== batch.T - 1) return false;
  const i = t * batch.B + b;
  if (batch.mask && batch.mask[i] === 0) return false;
  if (batch.labels && batch.labels[i] < 0) return false;
  return true;
}

/** Mean softmax cross-entropy (nats) over the scored steps. */
export function meanCrossEntropy(outputs: Float32Array, batch: Batch, Y: number): number {
  checkOutputs(outputs, batch, Y);
  const labels = batch.labels!;
  let total = 0;
  let count = 0;
  for (let t = 0; t < batch.T; t++) {
    for (let b = 0; b < batch.B; b++) {
      if (!scored(batch, t, b)) continue;
      const row = (t * batch.B + b) * Y;
      total += logSumExp(outputs, row, Y) - outputs[row + labels[t * batch.B + b]];
      count++;
    }
  }
  return count > 0 ? total / count : NaN;
}

/** Fraction of scored steps whose top logit is the label. */
export function accuracy(outputs: Float32Array, batch: Batch, Y: number): number {
  checkOutputs(outputs, batch, Y);
  const labels = batch.labels!;
  let right = 0;
  let count = 0;
  for (let t = 0; t < batch.T; t++) {
    for (let b = 0; b < batch.B; b++) {
      if (!scored(batch, t, b)) continue;
      const i = t * batch.B + b;
      if (argmax(outputs, i * Y, Y) === labels[i]) right++;
      count++;
    }
  }
  return count > 0 ? right / count : NaN;
}

/** Mean squared error over every output element of the scored steps (as the mse loss counts it). */
export function meanSquaredError(outputs: Float32Array, batch: Batch, Y: number): number {
  checkOutputs(outputs, batch, Y);
  const y = batch.y!;
  let total = 0;
  let count = 0;
  for (let t = 0; t < batch.T; t++) {
    for (let b = 0; b < batch.B; b++) {
      if (!scored(batch, t, b)) continue;
      const row = (t * batch.B + b) * Y;
      for (let k = 0; k < Y; k++) {
        const d = outputs[row + k] - y[row + k];
        total += d * d;
        count++;
      }
    }
  }
  return count > 0 ? total / count : NaN;
}

export function checkOutputs(outputs: Float32Array, batch: Batch, Y: number): void {
  if (outputs.length !== batch.T * batch.B * Y) {
    throw new Error(`outputs have ${outputs.length} numbers, expected T·B·Y = ${batch.T}·${batch.B}·${Y} = ${batch.T * batch.B * Y}`);
  }
}
