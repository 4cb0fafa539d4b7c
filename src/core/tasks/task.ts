// The Task contract: every task is a generator of batches plus its own metric with a chance baseline.
// Everything here is pure (no DOM, no Node): the page and the CLI hand user data in through TaskData.
import type { Batch, LossKind, LossSteps } from '../batch';
import { Rng } from '../rng';

export interface TaskMetric {
  name: string;
  value: number;
  /** What a model without the skill the task tests would score (e.g. MSE 0.167 on adding). */
  chance: number;
  higherIsBetter: boolean;
}

export interface Task {
  readonly name: string;
  readonly inputSize: number; // X
  readonly outputSize: number; // Y
  readonly loss: LossKind;
  readonly lossSteps: LossSteps;
  /**
   * A continual stream (continualReber.ts): each training batch continues the previous one row by row, and the
   * Trainer carries the hidden state from batch to batch instead of starting each batch from zeros.
   */
  readonly continual?: boolean;
  /**
   * A batch, deterministic given the rng. `T` is the task's length parameter (the config's T: lag,
   * window or sequence length); the batch's own `T` field is the number of steps it really has
   * (they differ only for copy memory, whose sequences are T + 20 long).
   * 'val' draws from a genuinely separate split: a derived random stream for generated tasks,
   * the later part of the series or text for data tasks.
   */
  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch;
  /** Scores head outputs (T, B, Y) — logits for xent — against the batch they were computed on. */
  metric(outputs: Float32Array, batch: Batch): TaskMetric;
}

/** User data the task cannot generate itself: a parsed CSV column, or a text corpus. */
export interface TaskData {
  /** One numeric column of the user's CSV, in time order (see csv.ts: parseCsv, csvColumn). */
  series?: { name: string; values: ArrayLike<number> };
  /** The corpus for the char task: a shipped corpus (fetched by the page, read from disk by the CLI) or user text. */
  text?: string;
}

const VAL_SALT = 0x6a09e667;

/**
 * The random stream a generated task draws from for a split. Validation uses a stream derived from
 * (not shared with) the caller's, so train and validation sequences are independent draws.
 */
export function streamFor(split: 'train' | 'val', rng: Rng): Rng {
  return split === 'train' ? rng : new Rng((rng.nextUint32() ^ VAL_SALT) >>> 0);
}

/** Throws a clear Error when a batch request is impossible (B or T not positive integers). */
export function checkBatchSize(taskName: string, B: number, T: number, minT = 1): void {
  if (!(Number.isInteger(B) && B >= 1)) throw new Error(`${taskName}: batch size must be a whole number ≥ 1 (got ${B})`);
  if (!(Number.isInteger(T) && T >= minT)) throw new Error(`${taskName}: T must be a whole number ≥ ${minT} (got ${T})`);
}

/** Runs the model on one sequence: x (T, 1, X) → head outputs (T, 1, Y). The page and CLI wrap engine.forward. */
export type ForwardOne = (x: Float32Array, T: number) => Promise<Float32Array>;
