import { describe, expect, it } from 'vitest';
import { eigenvalues, gelfandRadius, sigmaMax, spectralRadius } from '../../src/core/spectral';
import { Rng } from '../../src/core/rng';

// Test helpers: an orthogonal matrix from modified Gram–Schmidt on a Gaussian, and products.
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const Q = new Float64Array(n * n); // (n, n), columns orthonormal
  for (let i = 0; i < Q.length; i++) Q[i] = rng.normal();
  for (let c = 0; c < n; c++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < c; p++) {
        let d = 0;
        for (let r = 0; r < n; r++) d += Q[r * n + c] * Q[r * n + p];
        for (let r = 0; r < n; r++) Q[r * n + c] -= d * Q[r * n + p];
      }
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += Q[r * n + c] ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < n; r++) Q[r * n + c] /= norm;
  }
  return Q;
}

function matmul(A: Float64Array, B: Float64Array, n: number, m: number, p: number): Float64Array {
  const C = new Float64Array(n * p); // (n, m) × (m, p)
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) for (let j = 0; j < p; j++) C[i * p + j] += A[i * m + k] * B[k * p + j];
  return C;
}

function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = A[r * cols + c];
  return T;
}

/** Oracle for σ_max: cyclic Jacobi on the symmetric WᵀW, an algorithm independent of the one under test. */
function jacobiLargestEigenvalue(S: Float64Array, n: number): number {
  const A = Float64Array.from(S);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  let best = -Infinity;
  for (let i = 0; i < n; i++) best = Math.max(best, A[i * n + i]);
  return best;
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('sigmaMax', () => {
  it('is exact on diagonal, zero and identity matrices', () => {
    expect(sigmaMax([3, 0, 0, 0, -7, 0, 0, 0, 2], 3, 3)).toBeCloseTo(7, 12);
    expect(sigmaMax(new Float64Array(12), 3, 4)).toBe(0);
    const I = new Float64Array(25);
    for (let i = 0; i < 5; i++) I[i * 5 + i] = 1;
    expect(relErr(sigmaMax(I, 5, 5), 1)).toBeLessThan(1e-12);
  });

  it('gives |u|·|v| for a rank-one matrix u vᵀ', () => {
    const u = [1, -2, 3, 0.5];
    const v = [2, 1, -1];
    const W = new Float64Array(12);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 3; c++) W[r * 3 + c] = u[r] * v[c];
    const expected = Math.hypot(...u) * Math.hypot(...v);
    expect(relErr(sigmaMax(W, 4, 3), expected)).toBeLessThan(1e-12);
  });

  it('recovers chosen singular values of U Σ Vᵀ, including a nearly repeated top pair', () => {
    const rng = new Rng(11);
    const n = 40;
    const U = randomOrthogonal(n, rng);
    const V = randomOrthogonal(n, rng);
    const sigma = new Float64Array(n);
    for (let i = 0; i < n; i++) sigma[i] = 0.1 + 0.01 * i;
    sigma[n - 1] = 2.5;
    sigma[n - 2] = 2.5 * (1 - 1e-7); // power iteration would need ~10⁷ steps to separate these
    const US = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) US[r * n + c] = U[r * n + c] * sigma[c];
    const W = matmul(US, transpose(V, n, n), n, n, n);
    expect(relErr(sigmaMax(W, n, n), 2.5)).toBeLessThan(1e-9);
  });

  it('matches a Jacobi eigen-solver on WᵀW for random rectangular matrices (1e-6 relative)', () => {
    const rng = new Rng(5);
    for (const [rows, cols] of [[12, 3], [3, 12], [30, 30], [64, 16]]) {
      const W = new Float64Array(rows * cols);
      for (let i = 0; i < W.length; i++) W[i] = rng.normal();
      const WtW = matmul(transpose(W, rows, cols), W, cols, rows, cols);
      const expected = Math.sqrt(jacobiLargestEigenvalue(WtW, cols));
      expect(relErr(sigmaMax(W, rows, cols), expected)).toBeLessThan(1e-6);
    }
  });

  it('is deterministic, handles Float32Array input and extreme scales', () => {
    const rng = new Rng(9);
    const W = new Float32Array(50 * 50);
    for (let i = 0; i < W.length; i++) W[i] = rng.normal();
    expect(sigmaMax(W, 50, 50)).toBe(sigmaMax(W, 50, 50));
    const big = Float64Array.from(W, (x) => x * 1e200);
    const tiny = Float64Array.from(W, (x) => x * 1e-200);
    const base = sigmaMax(W, 50, 50);
    expect(relErr(sigmaMax(big, 50, 50), base * 1e200)).toBeLessThan(1e-10);
    expect(relErr(sigmaMax(tiny, 50, 50), base * 1e-200)).toBeLessThan(1e-10);
  });

  it('rejects a wrong shape', () => {
    expect(() => sigmaMax([1, 2, 3], 2, 2)).toThrow(/expected 2×2/);
  });
});

describe('spectralRadius', () => {
  it('handles identity, zero, diagonal and nilpotent matrices', () => {
    const I = new Float64Array(16);
    for (let i = 0; i < 4; i++) I[i * 4 + i] = 1;
    expect(spectralRadius(I, 4)).toBe(1);
    expect(spectralRadius(new Float64Array(9), 3)).toBe(0);
    expect(spectralRadius([-5, 0, 0, 2], 2)).toBe(5);
    // Strictly upper triangular: every eigenvalue is exactly 0.
    expect(spectralRadius([0, 1, 2, 0, 0, 3, 0, 0, 0], 3)).toBe(0);
    // The down-shift (ones on the subdiagonal) is nilpotent too; a backward-stable method
    // can only promise about ε^(1/n) for such a defective matrix.
    const n = 6;
    const S = new Float64Array(n * n);
    for (let i = 1; i < n; i++) S[i * n + i - 1] = 1;
    expect(spectralRadius(S, n)).toBeLessThan(1e-2);
  });

  it('finds the complex pair of a rotation and of a scaled rotation', () => {
    for (const angle of [0.3, Math.PI / 2, 2.9]) {
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      expect(relErr(spectralRadius([c, -s, s, c], 2), 1)).toBeLessThan(1e-14);
      const { re, im } = eigenvalues([1.7 * c, -1.7 * s, 1.7 * s, 1.7 * c], 2);
      expect(Math.hypot(re[0], im[0])).toBeCloseTo(1.7, 13);
      expect(Math.abs(im[0])).toBeCloseTo(1.7 * Math.abs(s), 13);
    }
  });

  it('finds a dominant complex pair hidden by an orthogonal similarity', () => {
    // Block-diagonal: rotation blocks of radius 1.3 (dominant, complex), 0.9, and real eigenvalues −1.1, 0.2, …
    const rng = new Rng(21);
    const n = 30;
    const D = new Float64Array(n * n);
    const block = (at: number, radius: number, angle: number) => {
      D[at * n + at] = radius * Math.cos(angle);
      D[at * n + at + 1] = -radius * Math.sin(angle);
      D[(at + 1) * n + at] = radius * Math.sin(angle);
      D[(at + 1) * n + at + 1] = radius * Math.cos(angle);
    };
    block(0, 1.3, 1.1);
    block(2, 0.9, 0.4);
    D[4 * n + 4] = -1.1;
    for (let i = 5; i < n; i++) D[i * n + i] = 0.2 + 0.02 * i;
    const Q = randomOrthogonal(n, rng);
    const A = matmul(matmul(Q, D, n, n, n), transpose(Q, n, n), n, n, n);
    expect(relErr(spectralRadius(A, n), 1.3)).toBeLessThan(1e-10);
  });

  it('finds the roots of a companion matrix (known polynomial roots)', () => {
    // Roots 2 ± 1i (|λ| = √5), −1.5, 0.5: p(x) = (x² − 4x + 5)(x + 1.5)(x − 0.5) = x⁴ − 3x³ + 0.25x² + 8x − 3.75
    const coeffs = [-3, 0.25, 8, -3.75];
    const n = 4;
    const C = new Float64Array(n * n);
    for (let j = 0; j < n; j++) C[j] = -coeffs[j];
    for (let i = 1; i < n; i++) C[i * n + i - 1] = 1;
    expect(relErr(spectralRadius(C, n), Math.sqrt(5))).toBeLessThan(1e-12);
  });

  it('matches the circular law scale on a random matrix and stays fast at n = 512', () => {
    const rng = new Rng(2);
    const n = 512;
    const W = new Float64Array(n * n);
    for (let i = 0; i < W.length; i++) W[i] = rng.normal() / Math.sqrt(n);
    const t0 = performance.now();
    const rho = spectralRadius(W, n);
    const ms = performance.now() - t0;
    expect(rho).toBeGreaterThan(0.9);
    expect(rho).toBeLessThan(1.15);
    expect(ms).toBeLessThan(5000); // ~0.7 s on one busy 2-core CI core; a loose bound against regressions
  });

  it('agrees with an orthogonal similarity of itself (eigenvalues are invariant)', () => {
    const rng = new Rng(8);
    const n = 25;
    const W = new Float64Array(n * n);
    for (let i = 0; i < W.length; i++) W[i] = rng.normal();
    const Q = randomOrthogonal(n, rng);
    const W2 = matmul(matmul(Q, W, n, n, n), transpose(Q, n, n), n, n, n);
    expect(relErr(spectralRadius(W2, n), spectralRadius(W, n))).toBeLessThan(1e-10);
    // Trace check: the eigenvalues sum to the trace.
    const { re, im } = eigenvalues(W, n);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += W[i * n + i];
    expect(re.reduce((a, b) => a + b, 0)).toBeCloseTo(trace, 9);
    expect(Math.abs(im.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
  });
});

describe('spectral radius near a multiple of the identity (IRNN after a few updates)', () => {
  it('converges on the W_hh that once stalled the QR iteration', async () => {
    const { readFileSync } = await import('node:fs');
    const W: number[] = JSON.parse(readFileSync(new URL('./fixtures/irnn-whh.json', import.meta.url), 'utf8'));
    const n = Math.round(Math.sqrt(W.length));
    const rho = spectralRadius(W, n);
    expect(rho).toBeGreaterThan(1);
    expect(Math.abs(rho - gelfandRadius(W, n))).toBeLessThan(0.01);
  });

  it('converges for I + εE at several sizes and scales', () => {
    for (const n of [8, 32, 64]) {
      for (const eps of [1e-6, 1e-3, 1e-1]) {
        const W = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1.5 : 0) + eps * Math.sin(i * 12.9898 + n));
        expect(() => spectralRadius(W, n)).not.toThrow();
        expect(Math.abs(spectralRadius(W, n) - gelfandRadius(W, n)) / 1.5).toBeLessThan(0.02);
      }
    }
  });

  it('the Gelfand fallback agrees with QR on a generic matrix', () => {
    const n = 20;
    const W = Array.from({ length: n * n }, (_, i) => Math.sin(i * 78.233) * 0.3);
    expect(gelfandRadius(W, n)).toBeCloseTo(spectralRadius(W, n), 2);
  });
});
