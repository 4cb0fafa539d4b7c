// The echo-state network's one-shot readout: ridge regression of the targets on the reservoir states,
//   [W b] = argmin ‖[H 1]·[W b]ᵀ − Y‖² + λ‖W‖²,
// solved through the normal equations with a Cholesky factorisation ((H+1)×(H+1), small).
import { lossStepRange, type Batch } from './batch';

export interface Readout {
  weight: Float64Array; // (Y, H)
  bias: Float64Array; // (Y)
}

/**
 * states: the top layer's (T, B, H) hidden states for the batch. Targets are batch.y (mse) or one-hot labels
 * (xent), on the batch's loss steps and mask.
 */
export function fitReadout(states: ArrayLike<number>, batch: Batch, H: number, Y: number, lambda: number): Readout {
  const D = H + 1; // features plus a constant for the bias
  const A = new Float64Array(D * D); // Σ z zᵀ
  const R = new Float64Array(D * Y); // Σ z yᵀ
  const z = new Float64Array(D);
  const target = new Float64Array(Y);
  const [s0, s1] = lossStepRange(batch);
  const { B } = batch;
  for (let t = s0; t < s1; t++) {
    for (let b = 0; b < B; b++) {
      if (batch.mask && batch.mask[t * B + b] === 0) continue;
      if (batch.loss === 'xent') {
        const label = batch.labels![t * B + b];
        if (label < 0) continue;
        target.fill(0);
        target[label] = 1;
      } else {
        for (let k = 0; k < Y; k++) target[k] = batch.y![(t * B + b) * Y + k];
      }
      for (let i = 0; i < H; i++) z[i] = states[(t * B + b) * H + i];
      z[H] = 1;
      for (let i = 0; i < D; i++) {
        for (let j = 0; j <= i; j++) A[i * D + j] += z[i] * z[j];
        for (let k = 0; k < Y; k++) R[i * Y + k] += z[i] * target[k];
      }
    }
  }
  for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) A[j * D + i] = A[i * D + j];
  for (let i = 0; i < H; i++) A[i * D + i] += lambda; // the bias is not penalised
  A[H * D + H] += 1e-9; // keeps the factorisation defined when no row was selected
  const beta = choleskySolve(A, R, D, Y); // (D, Y)
  const weight = new Float64Array(Y * H);
  const bias = new Float64Array(Y);
  for (let k = 0; k < Y; k++) {
    for (let i = 0; i < H; i++) weight[k * H + i] = beta[i * Y + k];
    bias[k] = beta[H * Y + k];
  }
  return { weight, bias };
}

/** Solves A X = R for symmetric positive definite A (n×n) and R (n×m). */
export function choleskySolve(A: Float64Array, R: Float64Array, n: number, m: number): Float64Array {
  const Lm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= Lm[i * n + k] * Lm[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error('ridge regression: the state covariance is not positive definite (try a larger ridge λ)');
        Lm[i * n + i] = Math.sqrt(s);
      } else {
        Lm[i * n + j] = s / Lm[j * n + j];
      }
    }
  }
  const X = Float64Array.from(R);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = X[i * m + c];
      for (let k = 0; k < i; k++) s -= Lm[i * n + k] * X[k * m + c];
      X[i * m + c] = s / Lm[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = X[i * m + c];
      for (let k = i + 1; k < n; k++) s -= Lm[k * n + i] * X[k * m + c];
      X[i * m + c] = s / Lm[i * n + i];
    }
  }
  return X;
}
