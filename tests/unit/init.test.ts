import { describe, expect, it } from 'vitest';
import { initParams, randomOrthogonal, recurrentStats, rescaleRecurrent, rescaleReservoir } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { findTensor, makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';
import { sigmaMax, spectralRadius } from '../../src/core/spectral';

const INITS = ['pytorch', 'xavier', 'orthogonal', 'identity'] as const;

function tensor(params: Float32Array, spec: ModelSpec, name: string): Float32Array {
  const t = paramLayout(spec).tensors.find((x) => x.name === name);
  if (!t) throw new Error(`no tensor ${name}`);
  return params.subarray(t.offset, t.offset + t.size);
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

describe('initParams', () => {
  it('is reproducible from the seed and differs across seeds', () => {
    const spec = makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 8, outputSize: 2, numLayers: 2, variant: 'fgr' });
    for (const init of INITS) {
      const a = initParams(spec, { init, wrec: 1.5 }, new Rng(42));
      const b = initParams(spec, { init, wrec: 1.5 }, new Rng(42));
      const c = initParams(spec, { init, wrec: 1.5 }, new Rng(43));
      expect(a.length).toBe(paramLayout(spec).size);
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
      for (const v of a) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('pytorch: every tensor within ±1/√H, and actually spread over it', () => {
    const spec = makeSpec({ cell: 'gru', inputSize: 5, hiddenSize: 16, outputSize: 3 });
    const p = initParams(spec, { init: 'pytorch', wrec: 0 }, new Rng(1));
    const k = 1 / Math.sqrt(16);
    for (const t of paramLayout(spec).tensors) {
      const v = p.subarray(t.offset, t.offset + t.size);
      expect(maxAbs(v)).toBeLessThanOrEqual(k);
      if (t.size >= 48) expect(maxAbs(v)).toBeGreaterThan(0.8 * k);
    }
  });

  it('xavier: gate blocks within √(6/(fan_in+H)), biases 0 except the LSTM forget gate', () => {
    const H = 10;
    const spec = makeSpec({ cell: 'lstm', inputSize: 4, hiddenSize: H, outputSize: 1 });
    const p = initParams(spec, { init: 'xavier', wrec: 0 }, new Rng(2));
    expect(maxAbs(tensor(p, spec, 'rnn.weight_ih_l0'))).toBeLessThanOrEqual(Math.sqrt(6 / (4 + H)));
    expect(maxAbs(tensor(p, spec, 'rnn.weight_hh_l0'))).toBeLessThanOrEqual(Math.sqrt(6 / (2 * H)));
    const bih = tensor(p, spec, 'rnn.bias_ih_l0');
    for (let g = 0; g < 4; g++) for (let j = 0; j < H; j++) expect(bih[g * H + j]).toBe(g === 1 ? 1 : 0);
    expect(maxAbs(tensor(p, spec, 'rnn.bias_hh_l0'))).toBe(0);
  });

  it('orthogonal: every H×H gate block of weight_hh is orthogonal', () => {
    const H = 12;
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: H, outputSize: 1 });
    const p = initParams(spec, { init: 'orthogonal', wrec: 0 }, new Rng(3));
    const W = tensor(p, spec, 'rnn.weight_hh_l0'); // (3H, H)
    for (let g = 0; g < 3; g++) {
      for (let a = 0; a < H; a++) {
        for (let b = 0; b < H; b++) {
          let d = 0;
          for (let j = 0; j < H; j++) d += W[(g * H + a) * H + j] * W[(g * H + b) * H + j];
          expect(d).toBeCloseTo(a === b ? 1 : 0, 5);
        }
      }
    }
    // The stacked (3H, H) matrix then has σ_max = √3.
    expect(sigmaMax(W, 3 * H, H)).toBeCloseTo(Math.sqrt(3), 5);
  });

  it('randomOrthogonal gives QᵀQ = I and QQᵀ = I', () => {
    const n = 20;
    const Q = randomOrthogonal(n, new Rng(4));
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let rows = 0;
        let cols = 0;
        for (let j = 0; j < n; j++) {
          rows += Q[a * n + j] * Q[b * n + j];
          cols += Q[j * n + a] * Q[j * n + b];
        }
        expect(Math.abs(rows - (a === b ? 1 : 0))).toBeLessThan(1e-12);
        expect(Math.abs(cols - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('identity (IRNN): weight_hh = I, weight_ih tiny, biases zero', () => {
    const H = 6;
    const spec = makeSpec({ cell: 'rnn_relu', inputSize: 3, hiddenSize: H, outputSize: 1 });
    const p = initParams(spec, { init: 'identity', wrec: 0 }, new Rng(5));
    const W = tensor(p, spec, 'rnn.weight_hh_l0');
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) expect(W[i * H + j]).toBe(i === j ? 1 : 0);
    const Wih = tensor(p, spec, 'rnn.weight_ih_l0');
    expect(maxAbs(Wih)).toBeGreaterThan(0);
    expect(maxAbs(Wih)).toBeLessThan(0.006);
    expect(maxAbs(tensor(p, spec, 'rnn.bias_ih_l0'))).toBe(0);
  });

  it('peepholes start at zero and FGR weights are small', () => {
    const H = 8;
    const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: H, outputSize: 1, variant: 'fgr' });
    const p = initParams(spec, { init: 'pytorch', wrec: 0 }, new Rng(6));
    expect(maxAbs(tensor(p, spec, 'rnn.weight_peep_l0'))).toBe(0);
    const gg = tensor(p, spec, 'rnn.weight_gg_l0');
    expect(maxAbs(gg)).toBeGreaterThan(0);
    expect(maxAbs(gg)).toBeLessThanOrEqual(0.1 / Math.sqrt(H));
  });

  it('wrec sets σ_max of every layer’s stacked weight_hh', () => {
    for (const cell of ['rnn_tanh', 'lstm', 'gru'] as const) {
      const spec = makeSpec({ cell, inputSize: 3, hiddenSize: 9, outputSize: 2, numLayers: 3 });
      for (const init of INITS) {
        for (const wrec of [0.5, 1, 3]) {
          const p = initParams(spec, { init, wrec }, new Rng(7));
          const stats = recurrentStats(p, spec);
          for (const s of stats.sigmaMax) expect(Math.abs(s - wrec) / wrec).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('rescaleRecurrent rescales live parameters and leaves the rest alone', () => {
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 16, outputSize: 1 });
    const p = initParams(spec, { init: 'orthogonal', wrec: 1 }, new Rng(8));
    const before = Float32Array.from(p);
    const factors = rescaleRecurrent(p, spec, 2.5);
    expect(factors[0]).toBeCloseTo(2.5, 5);
    const t = findTensor(paramLayout(spec), 'weight_hh', 0)!;
    expect(sigmaMax(p.subarray(t.offset, t.offset + t.size), 16, 16)).toBeCloseTo(2.5, 5);
    for (let i = 0; i < p.length; i++) if (i < t.offset || i >= t.offset + t.size) expect(p[i]).toBe(before[i]);
    // An orthogonal matrix scaled by 2.5 has every |eigenvalue| = 2.5.
    expect(recurrentStats(p, spec).spectralRadius[0]).toBeCloseTo(2.5, 4);
  });

  it('ESN: reservoir at the chosen spectral radius, readout zero, wrec ignored', () => {
    const spec = makeSpec({ cell: 'esn', inputSize: 2, hiddenSize: 40, outputSize: 1, esn: { spectralRadius: 0.95, leak: 0.5, inputScale: 0.3 } });
    const p = initParams(spec, { init: 'orthogonal', wrec: 7 }, new Rng(9));
    const W = tensor(p, spec, 'rnn.weight_hh_l0');
    expect(spectralRadius(W, 40)).toBeCloseTo(0.95, 5);
    expect(maxAbs(tensor(p, spec, 'rnn.weight_ih_l0'))).toBeLessThanOrEqual(0.3);
    expect(maxAbs(tensor(p, spec, 'rnn.weight_ih_l0'))).toBeGreaterThan(0.2);
    expect(maxAbs(tensor(p, spec, 'head.weight'))).toBe(0);
    expect(maxAbs(tensor(p, spec, 'rnn.bias_ih_l0'))).toBe(0);
    expect(rescaleRecurrent(p, spec, 3)).toEqual([]);
    rescaleReservoir(p, spec, 1.4);
    expect(recurrentStats(p, spec).spectralRadius[0]).toBeCloseTo(1.4, 5);
  });

  it('recurrentStats uses the candidate block for LSTM (g) and GRU (n)', () => {
    const H = 5;
    const spec = makeSpec({ cell: 'lstm', inputSize: 1, hiddenSize: H, outputSize: 1 });
    const p = new Float32Array(paramLayout(spec).size);
    const W = tensor(p, spec, 'rnn.weight_hh_l0'); // (4H, H)
    for (let j = 0; j < H; j++) W[(2 * H + j) * H + j] = 0.7; // g block = 0.7·I
    for (let j = 0; j < H; j++) W[(0 * H + j) * H + j] = 3; // i block = 3·I (not the candidate)
    const stats = recurrentStats(p, spec);
    expect(stats.spectralRadius[0]).toBeCloseTo(0.7, 6);
    expect(stats.sigmaMax[0]).toBeCloseTo(Math.sqrt(9 + 0.49), 6);
  });
});
