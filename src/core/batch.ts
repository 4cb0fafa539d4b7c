// A training batch in the legend's order: time-major [T][B][·], flattened row-major.

export type LossKind = 'mse' | 'xent';
export type LossSteps = 'all' | 'last';

export interface Batch {
  T: number;
  B: number;
  X: number;
  x: Float32Array; // (T, B, X)
  loss: LossKind;
  lossSteps: LossSteps;
  y?: Float32Array; // (T, B, Y) targets for mse
  labels?: Int32Array; // (T, B) class indices for xent; −1 = no loss at this (t, b)
  /** Optional (T, B) 0/1 mask of which steps carry loss, for tasks that score only some steps. */
  mask?: Float32Array;
}

/** The (t) steps whose loss counts. */
export function lossStepRange(batch: Pick<Batch, 'T' | 'lossSteps'>): [number, number] {
  return batch.lossSteps === 'last' ? [batch.T - 1, batch.T] : [0, batch.T];
}

/** Checks shapes and finiteness; returns a message naming the problem, or null. */
export function validateBatch(batch: Batch, outputSize: number): string | null {
  const { T, B, X } = batch;
  if (!(T >= 1 && B >= 1 && X >= 1)) return `batch must have T, B, X ≥ 1 (got T=${T}, B=${B}, X=${X})`;
  if (batch.x.length !== T * B * X) return `x has ${batch.x.length} numbers, expected T·B·X = ${T * B * X}`;
  for (let i = 0; i < batch.x.length; i++) if (!Number.isFinite(batch.x[i])) return `x contains a non-finite value at flat index ${i}`;
  if (batch.loss === 'mse') {
    if (!batch.y) return 'mse loss needs targets "y"';
    if (batch.y.length !== T * B * outputSize) return `y has ${batch.y.length} numbers, expected T·B·Y = ${T * B * outputSize}`;
    for (let i = 0; i < batch.y.length; i++) if (!Number.isFinite(batch.y[i])) return `y contains a non-finite value at flat index ${i}`;
  } else if (batch.loss === 'xent') {
    if (!batch.labels) return 'xent loss needs class indices "labels"';
    if (batch.labels.length !== T * B) return `labels has ${batch.labels.length} numbers, expected T·B = ${T * B}`;
    for (let i = 0; i < batch.labels.length; i++) {
      const c = batch.labels[i];
      if (!(Number.isInteger(c) && c >= -1 && c < outputSize)) return `label ${c} at flat index ${i} is not a class in 0..${outputSize - 1}`;
    }
  } else {
    return `unknown loss "${String(batch.loss)}" (expected mse or xent)`;
  }
  if (batch.mask && batch.mask.length !== T * B) return `mask has ${batch.mask.length} numbers, expected T·B = ${T * B}`;
  return null;
}
