// Spectral quantities of the recurrent matrix: σ_max (largest singular value, the quantity of Pascanu et al.'s
// vanishing/exploding condition and the definition of the W_rec scale) and the spectral radius ρ (largest
// |eigenvalue|, the quantity an echo-state reservoir is scaled by). All arithmetic in float64.
import { Rng } from './rng';

/** A fixed seed so every call starts from the same vector: results are deterministic. */
const START_SEED = 0x5eed;

/**
 * Largest singular value of the row-major (rows × cols) matrix W.
 *
 * Lanczos on WᵀW (never formed: each step is one product with W and one with Wᵀ), with full
 * reorthogonalisation. Lanczos is power iteration that keeps every iterate: the same matrix-vector products,
 * but its top Ritz value converges far faster when σ_1 and σ_2 are close (plain power iteration needs ~10⁵
 * iterations for 1e-6 in that case). It is exact after `cols` steps; in practice it stops after a few dozen,
 * when the top eigenvalue of the small tridiagonal matrix stops moving.
 */
export function sigmaMax(W: ArrayLike<number>, rows: number, cols: number): number {
  if (W.length !== rows * cols) throw new Error(`sigmaMax: matrix has ${W.length} entries, expected ${rows}×${cols}`);
  if (rows === 0 || cols === 0) return 0;
  let scale = 0;
  for (let i = 0; i < W.length; i++) scale = Math.max(scale, Math.abs(W[i]));
  if (scale === 0) return 0;
  if (!Number.isFinite(scale)) return NaN;
  // Work on W / scale so that squares of huge or tiny entries neither overflow nor underflow.
  const A = new Float64Array(rows * cols); // (rows, cols)
  for (let i = 0; i < A.length; i++) A[i] = W[i] / scale;

  const n = cols;
  const maxSteps = n;
  const basis: Float64Array[] = []; // Lanczos vectors, each (cols)
  const alpha: number[] = [];
  const beta: number[] = []; // beta[k] couples basis k and k+1
  const rng = new Rng(START_SEED);
  const tmp = new Float64Array(rows); // W v
  let v = randomUnitVector(n, rng, basis);
  let previous = -1;
  let stableSteps = 0;
  let theta = 0;
  for (let k = 0; k < maxSteps; k++) {
    basis.push(v);
    // w = Aᵀ A v
    matVec(A, rows, cols, v, tmp);
    const w = new Float64Array(n);
    matTVec(A, rows, cols, tmp, w);
    const a = dot(w, v);
    alpha.push(a);
    // Full reorthogonalisation (twice is enough) keeps the basis orthonormal in floating point.
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) axpy(-dot(w, q), q, w);
    }
    const b = Math.sqrt(dot(w, w));
    theta = largestTridiagonalEigenvalue(alpha, beta);
    if (Math.abs(theta - previous) <= 1e-14 * theta) stableSteps++;
    else stableSteps = 0;
    previous = theta;
    if (stableSteps >= 3 || k === maxSteps - 1) break;
    if (b <= 1e-13 * Math.max(theta, 1e-300)) {
      // An invariant subspace is exhausted: continue in its orthogonal complement (β = 0 splits T).
      beta.push(0);
      v = randomUnitVector(n, rng, basis);
    } else {
      beta.push(b);
      for (let i = 0; i < n; i++) w[i] /= b;
      v = w;
    }
  }
  return Math.sqrt(Math.max(theta, 0)) * scale;
}

/** Largest eigenvalue of the symmetric tridiagonal matrix (diagonal alpha, off-diagonal beta), by bisection. */
function largestTridiagonalEigenvalue(alpha: number[], beta: number[]): number {
  const k = alpha.length;
  // Gershgorin bounds.
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < k; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < k - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - r);
    hi = Math.max(hi, alpha[i] + r);
  }
  // Bisect for the point above which no eigenvalue lies (Sturm count of eigenvalues > x is 0).
  for (let iter = 0; iter < 200 && hi - lo > 1e-16 * Math.max(Math.abs(hi), Math.abs(lo)); iter++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (countEigenvaluesBelow(alpha, beta, mid) < k) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Sturm sequence: how many eigenvalues of the tridiagonal matrix are < x. */
function countEigenvaluesBelow(alpha: number[], beta: number[], x: number): number {
  let count = 0;
  let d = 1;
  for (let i = 0; i < alpha.length; i++) {
    const b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
    d = alpha[i] - x - (i > 0 ? b2 / d : 0);
    if (d === 0) d = -1e-300; // step past an exact zero pivot
    if (d < 0) count++;
  }
  return count;
}

function randomUnitVector(n: number, rng: Rng, against: Float64Array[]): Float64Array {
  for (let attempt = 0; attempt < 10; attempt++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    for (let pass = 0; pass < 2; pass++) for (const q of against) axpy(-dot(v, q), q, v);
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-8) {
      for (let i = 0; i < n; i++) v[i] /= norm;
      return v;
    }
  }
  throw new Error('sigmaMax: could not extend the Krylov basis');
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(s: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += s * x[i];
}

/** out = A v; A (rows, cols), v (cols), out (rows). */
function matVec(A: Float64Array, rows: number, cols: number, v: Float64Array, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) s += A[base + c] * v[c];
    out[r] = s;
  }
}

/** out = Aᵀ u; A (rows, cols), u (rows), out (cols). */
function matTVec(A: Float64Array, rows: number, cols: number, u: Float64Array, out: Float64Array): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const ur = u[r];
    if (ur === 0) continue;
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c] += A[base + c] * ur;
  }
}

/**
 * Spectral radius max |λ| of the real square (n × n) row-major matrix W, from all its eigenvalues:
 * balancing, Householder reduction to upper Hessenberg form, then Francis double-shift QR, which finds
 * complex-conjugate pairs as 2×2 blocks in real arithmetic.
 */
export function spectralRadius(W: ArrayLike<number>, n: number): number {
  let values: { re: Float64Array; im: Float64Array };
  try {
    values = eigenvalues(W, n);
  } catch {
    // A training view must never fail on a metric: fall back to the growth rate of W^k x.
    return gelfandRadius(W, n);
  }
  let radius = 0;
  for (let i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(values.re[i], values.im[i]));
  return radius;
}

/**
 * ρ(W) = lim ‖W^k x‖^{1/k} (Gelfand), averaged over the second half of k = 1..400 normalised steps:
 * slower and less exact than QR (error roughly 1/k when eigenvalues cluster), used only as a fallback.
 */
export function gelfandRadius(W: ArrayLike<number>, n: number): number {
  let x = new Float64Array(n).map((_, i) => 1 + ((i * 7919) % 13) / 13); // fixed, generic start
  let y = new Float64Array(n);
  const steps = 400;
  let logGrowth = 0;
  for (let k = 1; k <= steps; k++) {
    y.fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += W[i * n + j] * x[j];
      y[i] = s;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += y[i] * y[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) return 0;
    if (k > steps / 2) logGrowth += Math.log(norm);
    for (let i = 0; i < n; i++) y[i] /= norm;
    [x, y] = [y, x];
  }
  return Math.exp(logGrowth / (steps / 2));
}

/** All eigenvalues (real and imaginary parts) of the real square (n × n) row-major matrix W. */
export function eigenvalues(W: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } {
  if (W.length !== n * n) throw new Error(`spectralRadius: matrix has ${W.length} entries, expected ${n}×${n}`);
  const H = new Float64Array(n * n); // (n, n), becomes upper Hessenberg
  for (let i = 0; i < H.length; i++) {
    if (!Number.isFinite(W[i])) {
      return { re: new Float64Array(n).fill(NaN), im: new Float64Array(n) };
    }
    H[i] = W[i];
  }
  // eig(W) = μ + eig(W − μI). Removing the mean of the diagonal first matters for matrices near a multiple of
  // the identity (IRNN after a few updates): their eigenvalues cluster, and the QR deflation test, relative to
  // the diagonal, would otherwise demand subdiagonals far below the cluster's spread and stall.
  let mu = 0;
  for (let i = 0; i < n; i++) mu += H[i * n + i] / n;
  for (let i = 0; i < n; i++) H[i * n + i] -= mu;
  balance(H, n);
  reduceToHessenberg(H, n);
  const values = hessenbergQr(H, n);
  for (let i = 0; i < n; i++) values.re[i] += mu;
  return values;
}

/**
 * Diagonal similarity D⁻¹ W D that makes row and column norms comparable (powers of 2, so exact);
 * eigenvalues are unchanged and the QR iteration becomes more accurate on badly scaled matrices.
 */
function balance(H: Float64Array, n: number): void {
  let converged = false;
  for (let sweep = 0; sweep < 100 && !converged; sweep++) {
    converged = true;
    for (let i = 0; i < n; i++) {
      let colNorm = 0;
      let rowNorm = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        colNorm += Math.abs(H[j * n + i]);
        rowNorm += Math.abs(H[i * n + j]);
      }
      if (colNorm === 0 || rowNorm === 0) continue;
      let f = 1;
      let c = colNorm;
      const total = colNorm + rowNorm;
      while (c < rowNorm / 2) {
        c *= 2;
        f *= 2;
      }
      while (c > rowNorm * 2) {
        c /= 2;
        f /= 2;
      }
      if ((c + rowNorm / f) < 0.95 * total) {
        converged = false;
        for (let j = 0; j < n; j++) H[i * n + j] /= f; // row i scaled by 1/f
        for (let j = 0; j < n; j++) H[j * n + i] *= f; // column i scaled by f
      }
    }
  }
}

/**
 * In place: H ← P H P for Householder reflectors P = I − τ v vᵀ on columns 0..n−3, leaving H upper Hessenberg.
 * This is the O(n³) part, so the two-sided update is fused: for a trailing row i (i > k),
 *   (P H P)[i][j] = H[i][j] − v_i w_j − s_i v_j,  w = τ Hᵀv,  s_i = τ (H v)_i − τ v_i (w·v),
 * where w and H v both come from the old H in one pass; the update is a second pass. Rows i ≤ k only see
 * the right-hand reflection.
 */
function reduceToHessenberg(H: Float64Array, n: number): void {
  const v = new Float64Array(n); // (n) the reflector, zero above k+1
  const w = new Float64Array(n); // (n) τ Hᵀ v over the trailing rows
  const hv = new Float64Array(n); // (n) τ H v, per row
  for (let k = 0; k < n - 2; k++) {
    // Reflector that zeroes H[k+2.., k].
    let norm = 0;
    for (let i = k + 1; i < n; i++) norm += H[i * n + k] * H[i * n + k];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const x0 = H[(k + 1) * n + k];
    const alpha = x0 > 0 ? -norm : norm;
    v.fill(0);
    v[k + 1] = x0 - alpha;
    for (let i = k + 2; i < n; i++) v[i] = H[i * n + k];
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    const tau = 2 / vv;
    // Column k becomes (…, alpha, 0, …, 0) exactly; the loops below work on columns k+1..n−1.
    H[(k + 1) * n + k] = alpha;
    for (let i = k + 2; i < n; i++) H[i * n + k] = 0;
    const j0 = k + 1;
    // Pass 1 over trailing rows: w = τ Σ_i v_i H[i][·] and hv_i = τ Σ_j H[i][j] v_j.
    w.fill(0);
    for (let i = k + 1; i < n; i++) {
      const vi = v[i];
      const row = i * n;
      // Two accumulators: the dot product is otherwise one long chain of dependent additions.
      let d0 = 0;
      let d1 = 0;
      let j = j0;
      for (; j + 1 < n; j += 2) {
        const h0 = H[row + j];
        const h1 = H[row + j + 1];
        w[j] += vi * h0;
        w[j + 1] += vi * h1;
        d0 += h0 * v[j];
        d1 += h1 * v[j + 1];
      }
      if (j < n) {
        const h0 = H[row + j];
        w[j] += vi * h0;
        d0 += h0 * v[j];
      }
      hv[i] = tau * (d0 + d1);
    }
    let wv = 0;
    for (let j = j0; j < n; j++) {
      w[j] *= tau;
      wv += w[j] * v[j];
    }
    // Pass 2 over trailing rows: both reflections at once.
    for (let i = k + 1; i < n; i++) {
      const vi = v[i];
      const si = hv[i] - tau * vi * wv;
      const row = i * n;
      for (let j = j0; j < n; j++) H[row + j] -= vi * w[j] + si * v[j];
    }
    // Rows 0..k: right reflection only.
    for (let i = 0; i <= k; i++) {
      const row = i * n;
      let d0 = 0;
      let d1 = 0;
      let j = j0;
      for (; j + 1 < n; j += 2) {
        d0 += H[row + j] * v[j];
        d1 += H[row + j + 1] * v[j + 1];
      }
      if (j < n) d0 += H[row + j] * v[j];
      const d = tau * (d0 + d1);
      for (let jj = j0; jj < n; jj++) H[row + jj] -= d * v[jj];
    }
  }
}

/**
 * Eigenvalues of the upper Hessenberg matrix H (destroyed) by the Francis implicit double-shift QR iteration.
 * The active window [lo, hi] shrinks as subdiagonal entries become negligible; 1×1 blocks are real eigenvalues,
 * 2×2 blocks real pairs or complex-conjugate pairs.
 */
function hessenbergQr(H: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const at = (i: number, j: number) => H[i * n + j];
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(at(i, j));
  let hi = n - 1;
  let iterations = 0;
  let totalIterations = 0;
  const maxTotal = 100 * Math.max(n, 1);
  const work: SweepWork = { tau: new Float64Array(n), u1: new Float64Array(n), u2: new Float64Array(n) };
  while (hi >= 0) {
    // Find the lowest lo such that H[lo][lo−1] is negligible.
    let lo = hi;
    while (lo > 0) {
      const s = Math.abs(at(lo - 1, lo - 1)) + Math.abs(at(lo, lo));
      const scale = s === 0 ? anorm : s;
      if (Math.abs(at(lo, lo - 1)) <= Number.EPSILON * scale) {
        H[lo * n + lo - 1] = 0;
        break;
      }
      lo--;
    }
    if (lo === hi) {
      // One real eigenvalue.
      re[hi] = at(hi, hi);
      im[hi] = 0;
      hi--;
      iterations = 0;
      continue;
    }
    if (lo === hi - 1) {
      // A 2×2 block: its two eigenvalues, real or a conjugate pair.
      const a = at(hi - 1, hi - 1);
      const b = at(hi - 1, hi);
      const c = at(hi, hi - 1);
      const d = at(hi, hi);
      const p = 0.5 * (a - d);
      const disc = p * p + b * c;
      const mean = 0.5 * (a + d);
      if (disc >= 0) {
        const root = Math.sqrt(disc);
        // Avoid cancellation: the larger-magnitude root first, the other from the determinant.
        const big = mean + (mean >= 0 ? root : -root);
        const det = a * d - b * c;
        const small = big !== 0 ? det / big : mean - root;
        re[hi - 1] = big;
        re[hi] = small;
        im[hi - 1] = 0;
        im[hi] = 0;
      } else {
        const root = Math.sqrt(-disc);
        re[hi - 1] = mean;
        re[hi] = mean;
        im[hi - 1] = root;
        im[hi] = -root;
      }
      hi -= 2;
      iterations = 0;
      continue;
    }
    if (totalIterations++ > maxTotal) throw new Error('spectralRadius: the QR iteration did not converge');
    iterations++;
    // Shifts: the eigenvalues of the trailing 2×2 block (implicitly, through its trace and determinant),
    // replaced by an exceptional ad-hoc shift every 10 stalled iterations to break cycles.
    let trace: number;
    let det: number;
    if (iterations % 10 === 0) {
      // A conjugate pair of shifts near the corner, d + 0.75·s ± 0.66i·s, with s the size of the last two
      // subdiagonal entries: arbitrary on purpose, it only has to differ from the stalled shifts.
      const s = Math.abs(at(hi, hi - 1)) + Math.abs(at(hi - 1, hi - 2));
      const centre = at(hi, hi) + 0.75 * s;
      trace = 2 * centre;
      det = centre * centre + 0.4375 * s * s;
    } else {
      const a = at(hi - 1, hi - 1);
      const b = at(hi - 1, hi);
      const c = at(hi, hi - 1);
      const d = at(hi, hi);
      trace = a + d;
      det = a * d - b * c;
    }
    francisStep(H, n, lo, hi, trace, det, work);
  }
  return { re, im };
}

/**
 * One implicit double-shift step on the active window [lo, hi]: the first column of (H − σ₁I)(H − σ₂I)
 * = H² − trace·H + det·I, then a bulge chased down the subdiagonal with 3×3 Householder reflectors
 * (a 2×2 one at the end). Only the active window is updated (eigenvalues only, no Schur vectors).
 *
 * Speed: a reflector k acts on rows k..k+2 from the left and on columns k..k+2 from the right. Rows ≤ k are
 * never read again in this sweep, so their right-hand updates are deferred and applied at the end, row by row
 * along contiguous memory, instead of walking down three columns of a row-major matrix for every k.
 */
function francisStep(H: Float64Array, n: number, lo: number, hi: number, trace: number, det: number, work: SweepWork): void {
  const h00 = H[lo * n + lo];
  const h01 = H[lo * n + lo + 1];
  const h10 = H[(lo + 1) * n + lo];
  const h11 = H[(lo + 1) * n + lo + 1];
  const h21 = H[(lo + 2) * n + lo + 1];
  let x = h00 * h00 + h01 * h10 - trace * h00 + det;
  let y = h10 * (h00 + h11 - trace);
  let z = h10 * h21;
  const { tau, u1, u2 } = work;
  for (let k = lo; k <= hi - 1; k++) {
    const last = k === hi - 1; // the final reflector is 2×2
    if (last) z = 0;
    // Reflector P = I − τ u uᵀ with u = (1, a, b) that maps (x, y, z) to (β, 0, 0).
    const norm = Math.hypot(x, y, z);
    const beta = x > 0 ? -norm : norm;
    const v0 = x - beta;
    let t = 0;
    let a = 0;
    let b = 0;
    if (norm !== 0 && v0 !== 0) {
      t = (beta - x) / beta; // = 2 / uᵀu
      a = y / v0;
      b = z / v0;
    }
    tau[k] = t;
    u1[k] = a;
    u2[k] = b;
    if (t !== 0) {
      const r0 = k * n;
      const r1 = r0 + n;
      const jStart = Math.max(k - 1, lo);
      if (last) {
        // Left: rows k, k+1.
        for (let j = jStart; j <= hi; j++) {
          const s = t * (H[r0 + j] + a * H[r1 + j]);
          H[r0 + j] -= s;
          H[r1 + j] -= s * a;
        }
        if (k > lo) {
          H[r0 + k - 1] = beta;
          H[r1 + k - 1] = 0;
        }
        // Right, row hi only (the rows above are deferred).
        const s = t * (H[r1 + k] + a * H[r1 + k + 1]);
        H[r1 + k] -= s;
        H[r1 + k + 1] -= s * a;
      } else {
        // Left: rows k..k+2, columns max(k−1, lo)..hi.
        const r2 = r1 + n;
        for (let j = jStart; j <= hi; j++) {
          const s = t * (H[r0 + j] + a * H[r1 + j] + b * H[r2 + j]);
          H[r0 + j] -= s;
          H[r1 + j] -= s * a;
          H[r2 + j] -= s * b;
        }
        if (k > lo) {
          // The bulge column is now (β, 0, 0) exactly.
          H[r0 + k - 1] = beta;
          H[r1 + k - 1] = 0;
          H[r2 + k - 1] = 0;
        }
        // Right, now only for rows k+1..min(k+3, hi): they are read again by the next reflectors.
        const iEnd = Math.min(k + 3, hi);
        for (let i = k + 1; i <= iEnd; i++) {
          const at = i * n + k;
          const s = t * (H[at] + a * H[at + 1] + b * H[at + 2]);
          H[at] -= s;
          H[at + 1] -= s * a;
          H[at + 2] -= s * b;
        }
      }
    }
    if (!last) {
      x = H[(k + 1) * n + k];
      y = H[(k + 2) * n + k];
      if (k < hi - 2) z = H[(k + 3) * n + k];
    }
  }
  // Deferred right-hand updates: row i takes every reflector k ≥ i, in order, sliding a window of three
  // entries along the row (c0, c1, c2) = H[i][k..k+2]; the last reflector (k = hi−1) is 2×2 and has b = 0.
  for (let i = lo; i <= hi - 1; i++) {
    const row = i * n;
    const kStart = Math.max(i, lo);
    let c0 = H[row + kStart];
    let c1 = H[row + kStart + 1];
    for (let k = kStart; k <= hi - 1; k++) {
      const c2 = k + 2 <= hi ? H[row + k + 2] : 0;
      const t = tau[k];
      const a = u1[k];
      const b = u2[k];
      const s = t * (c0 + a * c1 + b * c2);
      H[row + k] = c0 - s;
      c0 = c1 - s * a;
      c1 = c2 - s * b;
    }
    H[row + hi] = c0;
  }
}

interface SweepWork {
  tau: Float64Array; // (n) reflector k's τ
  u1: Float64Array; // (n)
  u2: Float64Array; // (n)
}
