// Dense row-major kernels on plain typed arrays, written so the innermost loop walks memory contiguously.
// Every routine accumulates into `out` (callers zero it when they need a fresh result).
export type Vec = Float64Array;

/** out (m×n) += A (m×k) · Bᵀ where B is (n×k): dot products of contiguous rows, four accumulators. */
export function addMatMulBt(out: Vec, A: Vec, B: Vec, m: number, n: number, k: number, aOff = 0, outOff = 0): void {
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * k;
    const oi = outOff + i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        s0 += A[ai + p] * B[bj + p];
        s1 += A[ai + p + 1] * B[bj + p + 1];
        s2 += A[ai + p + 2] * B[bj + p + 2];
        s3 += A[ai + p + 3] * B[bj + p + 3];
      }
      for (; p < k; p++) s0 += A[ai + p] * B[bj + p];
      out[oi + j] += s0 + s1 + s2 + s3;
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

/**
 * out (m×n) += Aᵀ · B where A is (rows×m) and B is (rows×n): a sum of outer products over rows.
 * Done as dot products of the transposed operands, which keeps the long loop over rows contiguous.
 */
export function addMatTMul(out: Vec, A: Vec, B: Vec, rows: number, m: number, n: number, aOff = 0, bOff = 0): void {
  const At = transposeInto(0, A, rows, m, aOff);
  const Bt = transposeInto(1, B, rows, n, bOff);
  addMatMulBt(out, At, Bt, m, n, rows);
}

// Two reusable transpose buffers (the math is single-threaded), grown on demand.
const scratch: Float64Array[] = [new Float64Array(0), new Float64Array(0)];

/** The (cols×rows) transpose of the (rows×cols) block of A at off, written into scratch buffer `slot`. */
function transposeInto(slot: number, A: Vec, rows: number, cols: number, off: number): Float64Array {
  if (scratch[slot].length < rows * cols) scratch[slot] = new Float64Array(rows * cols);
  const T = scratch[slot];
  for (let r = 0; r < rows; r++) {
    const ar = off + r * cols;
    for (let c = 0; c < cols; c++) T[c * rows + r] = A[ar + c];
  }
  return T;
}

/** A new (cols×rows) transpose of the (rows×cols) matrix A. */
export function transpose(A: Vec, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = A[r * cols + c];
  return T;
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
