// Dense row-major kernels on plain typed arrays, written so the innermost loop walks memory contiguously.
// Every routine accumulates into `out` (callers zero it when they need a fresh result).
export type Vec = Float64Array;

/**
 * out (m×n) += A (m×k) · Bᵀ where B is (n×k): dot products of contiguous rows. Register-blocked two rows of A
 * by four rows of B, so each loaded number is used several times (about twice the speed of one dot at a time).
 */
export function addMatMulBt(out: Vec, A: Vec, B: Vec, m: number, n: number, k: number, aOff = 0, outOff = 0): void {
  const n4 = n - (n % 4);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    const o0 = outOff + i * n;
    const o1 = o0 + n;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p];
        const x1 = A[a1 + p];
        const y0 = B[b0 + p];
        const y1 = B[b1 + p];
        const y2 = B[b2 + p];
        const y3 = B[b3 + p];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      out[o0 + j] += s00; out[o0 + j + 1] += s01; out[o0 + j + 2] += s02; out[o0 + j + 3] += s03;
      out[o1 + j] += s10; out[o1 + j + 1] += s11; out[o1 + j + 2] += s12; out[o1 + j + 3] += s13;
    }
    for (; j < n; j++) {
      const bj = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let p = 0; p < k; p++) {
        s0 += A[a0 + p] * B[bj + p];
        s1 += A[a1 + p] * B[bj + p];
      }
      out[o0 + j] += s0;
      out[o1 + j] += s1;
    }
  }
  if (i < m) {
    // The odd last row of A.
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
