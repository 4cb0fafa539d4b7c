// Dense row-major kernels on plain typed arrays, written so the innermost loop walks memory contiguously.
// Every routine accumulates into `out` (callers zero it when they need a fresh result).
export type Vec = Float64Array;

/** out (m×n) += A (m×k) · Bᵀ where B is (n×k). */
export function addMatMulBt(out: Vec, A: Vec, B: Vec, m: number, n: number, k: number, aOff = 0, outOff = 0): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * k;
    const oi = outOff + i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
      out[oi + j] += s;
    }
  }
}

/** out (m×n) += A (m×k) · B (k×n). */
export function addMatMul(out: Vec, A: Vec, B: Vec, m: number, n: number, k: number, aOff = 0, outOff = 0): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * k;
    const oi = outOff + i * n;
    for (let p = 0; p < k; p++) {
      const a = A[ai + p];
      if (a === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j] += a * B[bp + j];
    }
  }
}

/** out (m×n) += Aᵀ · B where A is (rows×m) and B is (rows×n): a sum of outer products over rows. */
export function addMatTMul(out: Vec, A: Vec, B: Vec, rows: number, m: number, n: number, aOff = 0, bOff = 0): void {
  for (let r = 0; r < rows; r++) {
    const ar = aOff + r * m;
    const br = bOff + r * n;
    for (let i = 0; i < m; i++) {
      const a = A[ar + i];
      if (a === 0) continue;
      const oi = i * n;
      for (let j = 0; j < n; j++) out[oi + j] += a * B[br + j];
    }
  }
}

/** out (n) += column sums of A (rows×n). */
export function addColumnSums(out: Vec, A: Vec, rows: number, n: number, aOff = 0): void {
  for (let r = 0; r < rows; r++) {
    const ar = aOff + r * n;
    for (let j = 0; j < n; j++) out[j] += A[ar + j];
  }
}

/** Euclidean norm of A[from, to). */
export function norm(A: ArrayLike<number>, from = 0, to = A.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += A[i] * A[i];
  return Math.sqrt(s);
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
