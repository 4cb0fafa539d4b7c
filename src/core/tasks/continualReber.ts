// The continual embedded Reber grammar (Gers, Schmidhuber & Cummins 2000, "Learning to forget"): embedded
// Reber strings (reber.ts) concatenated without breaks into one endless stream per batch row; the task is to
// predict the next symbol at every step. Nothing marks where a sequence ends for the network: the Trainer
// carries the hidden state from each training batch to the next (`continual`, read where the StepOptions are
// built), so the state is never reset, and a cell that cannot forget what an old string told it (an LSTM
// without a forget gate, Greff et al.'s NFG) has to live with it. The metric, as for the embedded Reber task,
// is the accuracy on the penultimate symbol: the T or P that repeats the one seen ~10 steps before. A model
// that knows the grammar but not that symbol scores 1 in 2.
//
// Training batches continue each row's stream: batch k + 1 starts with the symbol batch k's last label named,
// so (with the carried state) training sees one unbroken stream. The stream is kept per random stream (each
// Trainer has its own data stream), so two models in a race see identical streams.
//
// Validation starts from a zero state with a warm-up (the Trainer validates with engine.forward, which starts
// from zeros): one fresh stream per row, T warm-up steps that are run but not scored (label −1: no loss, no
// metric), then VAL_LENGTH_FACTOR × T scored steps (at least VAL_MIN_SCORED): many strings in a row without a
// reset. A net trained on carried states has never seen a zero state after its first batch; the warm-up keeps
// that one unfamiliar start out of the score.
import type { Batch } from '../batch';
import type { Rng } from '../rng';
import { argmax, checkOutputs } from './metrics';
import { embeddedReberString, reberSuccessors, REBER_SYMBOLS } from './reber';
import { checkBatchSize, streamFor, type Task, type TaskMetric } from './task';

/** The validation stream scores this many times T steps (and at least VAL_MIN_SCORED) after T warm-up steps. */
export const VAL_LENGTH_FACTOR = 4;
export const VAL_MIN_SCORED = 100;

/** A validation batch for the task's T: its warm-up (unscored) steps and its length. */
export function continualValLength(T: number): { warmup: number; length: number } {
  return { warmup: T, length: T + Math.max(VAL_MIN_SCORED, VAL_LENGTH_FACTOR * T) };
}

const [B_, T_, P_] = [0, 1, 2];

/**
 * Where the first whole embedded string of a symbol stream starts: the first B followed by T or P and then
 * B again (an inner Reber string never has B in its third place). Steps before it cannot be parsed and are
 * not scored. Returns the stream's length when no string starts in it.
 */
export function firstStringStart(stream: ArrayLike<number>): number {
  for (let t = 0; t + 2 < stream.length; t++) {
    if (stream[t] === B_ && (stream[t + 1] === T_ || stream[t + 1] === P_) && stream[t + 2] === B_) return t;
  }
  return stream.length;
}

interface RowStreams {
  B: number;
  pending: number[][]; // per row: the symbols not yet shown as input (the first is the next batch's x_0)
}

export class ContinualReberTask implements Task {
  readonly name = 'continual_reber';
  readonly inputSize = REBER_SYMBOLS.length;
  readonly outputSize = REBER_SYMBOLS.length;
  readonly loss = 'xent';
  readonly lossSteps = 'all';
  /** The stream has no breaks: the Trainer carries the hidden state from batch to batch. */
  readonly continual = true;
  private readonly streams = new WeakMap<Rng, RowStreams>();

  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch {
    checkBatchSize('continual embedded Reber grammar', B, T, 10);
    const V = REBER_SYMBOLS.length;
    if (split === 'val') {
      const r = streamFor('val', rng);
      const { warmup, length } = continualValLength(T);
      const rows = Array.from({ length: B }, () => extend([], length + 1, r));
      const batch = encode(rows, B, length, V);
      batch.labels!.fill(-1, 0, warmup * B); // the warm-up: run, not scored
      return batch;
    }
    let state = this.streams.get(rng);
    if (!state || state.B !== B) {
      state = { B, pending: Array.from({ length: B }, () => []) };
      this.streams.set(rng, state);
    }
    const rows = state.pending.map((row) => extend(row, T + 1, rng));
    const batch = encode(rows, B, T, V);
    state.pending = rows.map((row) => row.slice(T)); // keeps row[T]: the last label is the next input
    return batch;
  }

  metric(outputs: Float32Array, batch: Batch): TaskMetric {
    return { name: 'accuracy on the penultimate symbol', value: continualReberScores(outputs, batch).penultimate, chance: 0.5, higherIsBetter: true };
  }
}

/** Appends whole embedded strings (drawn row by row, in row order) until the row holds at least n symbols. */
function extend(row: number[], n: number, rng: Rng): number[] {
  const out = row.slice();
  while (out.length < n) out.push(...embeddedReberString(rng));
  return out;
}

/** x (T, B, V): the one-hot of row[t]; labels (T, B): row[t + 1]. */
function encode(rows: number[][], B: number, T: number, V: number): Batch {
  const x = new Float32Array(T * B * V);
  const labels = new Int32Array(T * B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      x[(t * B + b) * V + rows[b][t]] = 1;
      labels[t * B + b] = rows[b][t + 1];
    }
  }
  return { T, B, X: V, x, labels, loss: 'xent', lossSteps: 'all' };
}

/**
 * Scores of a batch of the stream, from the first whole string of each row on (a training batch starts
 * mid-string), on the steps with a label (a validation batch's warm-up has none): validStep, the fraction of
 * those steps whose top prediction is a valid next symbol; penultimate, the fraction of the long-range steps
 * (predicting the repeated T/P) that are right, NaN if none.
 */
export function continualReberScores(outputs: Float32Array, batch: Batch): { validStep: number; penultimate: number; scoredSteps: number } {
  const V = REBER_SYMBOLS.length;
  checkOutputs(outputs, batch, V);
  let validHits = 0;
  let scored = 0;
  let longHits = 0;
  let longCount = 0;
  for (let b = 0; b < batch.B; b++) {
    const stream = new Int32Array(batch.T);
    for (let t = 0; t < batch.T; t++) stream[t] = argmax(batch.x, (t * batch.B + b) * V, V);
    const start = firstStringStart(stream);
    const { valid, penultimate } = reberSuccessors(stream.subarray(start));
    for (let t = start; t < batch.T; t++) {
      if (batch.labels![t * batch.B + b] < 0) continue;
      const guess = argmax(outputs, (t * batch.B + b) * V, V);
      scored++;
      if (valid[t - start] & (1 << guess)) validHits++;
      if (penultimate[t - start]) {
        longCount++;
        if (guess === batch.labels![t * batch.B + b]) longHits++;
      }
    }
  }
  return { validStep: scored > 0 ? validHits / scored : NaN, penultimate: longCount > 0 ? longHits / longCount : NaN, scoredSteps: scored };
}
