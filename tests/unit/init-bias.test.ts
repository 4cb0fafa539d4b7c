// LSTM gate-bias initialisation (Config `bias`, core/init.ts initGateBiases): forget1 (b_f = 1) and chrono
// (b_f = log U(1, T_max − 1), b_i = −b_f), their split over PyTorch's two bias vectors, the variants, the other
// cells, and the URL key.
import { describe, expect, test } from 'vitest';
import { decodeConfig, defaultConfig, encodeConfig } from '../../src/core/config';
import { initParams, type BiasInit, type InitKind } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { findTensor, makeSpec, paramLayout, type CellKind, type LstmVariant, type ModelSpec } from '../../src/core/spec';

function lstm(H: number, variant: LstmVariant = 'none', numLayers = 1): ModelSpec {
  return makeSpec({ cell: 'lstm', variant, inputSize: 2, hiddenSize: H, outputSize: 1, numLayers });
}

/** Gate block g (0 i, 1 f, 2 g, 3 o) of bias_ih / bias_hh of layer l. */
function block(params: Float32Array, spec: ModelSpec, role: 'bias_ih' | 'bias_hh', l: number, g: number): Float32Array {
  const t = findTensor(paramLayout(spec), role, l)!;
  const H = spec.hiddenSize;
  return params.subarray(t.offset + g * H, t.offset + (g + 1) * H);
}

/** Indices of the parameters outside the given (role, gate) bias blocks. */
function othersEqual(a: Float32Array, b: Float32Array, spec: ModelSpec, blocks: [('bias_ih' | 'bias_hh'), number][]): boolean {
  const skip = new Set<number>();
  const H = spec.hiddenSize;
  for (let l = 0; l < spec.numLayers; l++) {
    for (const [role, g] of blocks) {
      const t = findTensor(paramLayout(spec), role, l)!;
      for (let j = 0; j < H; j++) skip.add(t.offset + g * H + j);
    }
  }
  for (let i = 0; i < a.length; i++) if (!skip.has(i) && a[i] !== b[i]) return false;
  return true;
}

const init = (spec: ModelSpec, bias: BiasInit, seed = 3, kind: InitKind = 'pytorch', tMax = 50) => initParams(spec, { init: kind, wrec: 0, bias, tMax }, new Rng(seed));

describe('bias=forget1', () => {
  for (const kind of ['pytorch', 'orthogonal'] as const) {
    test(`init=${kind}: b_f = 1 in total, all in bias_ih (bias_hh's f block 0); nothing else moves; 2 layers`, () => {
      const spec = lstm(5, 'none', 2);
      const p = init(spec, 'forget1', 3, kind);
      for (let l = 0; l < 2; l++) {
        expect(Array.from(block(p, spec, 'bias_ih', l, 1))).toEqual([1, 1, 1, 1, 1]);
        expect(Array.from(block(p, spec, 'bias_hh', l, 1))).toEqual([0, 0, 0, 0, 0]);
      }
      expect(othersEqual(p, init(spec, 'default', 3, kind), spec, [['bias_ih', 1], ['bias_hh', 1]])).toBe(true);
    });
  }

  test('CIFG (f = 1 − i): the input gate gets b_i = −1, so f = σ(1) as in the full LSTM', () => {
    const spec = lstm(4, 'cifg');
    const p = init(spec, 'forget1');
    expect(Array.from(block(p, spec, 'bias_ih', 0, 0))).toEqual([-1, -1, -1, -1]);
    expect(Array.from(block(p, spec, 'bias_hh', 0, 0))).toEqual([0, 0, 0, 0]);
    expect(Array.from(block(p, spec, 'bias_ih', 0, 1))).toEqual([1, 1, 1, 1]);
  });

  test('NFG keeps the numbers in the unused f block; the i block stays as initialised', () => {
    const spec = lstm(4, 'nfg');
    const p = init(spec, 'forget1');
    expect(Array.from(block(p, spec, 'bias_ih', 0, 1))).toEqual([1, 1, 1, 1]);
    expect(othersEqual(p, init(spec, 'default'), spec, [['bias_ih', 1], ['bias_hh', 1]])).toBe(true);
  });
});

describe('bias=chrono', () => {
  test('b_f = log u with u in [1, T_max − 1], b_i = −b_f, all in bias_ih; bias_hh\'s i and f blocks 0; the rest unchanged', () => {
    const spec = lstm(64, 'none', 2);
    const tMax = 30;
    const p = init(spec, 'chrono', 9, 'pytorch', tMax);
    for (let l = 0; l < 2; l++) {
      const bf = block(p, spec, 'bias_ih', l, 1);
      const bi = block(p, spec, 'bias_ih', l, 0);
      for (let j = 0; j < 64; j++) {
        expect(bf[j]).toBeGreaterThanOrEqual(0);
        expect(bf[j]).toBeLessThanOrEqual(Math.fround(Math.log(tMax - 1)));
        expect(bi[j]).toBe(-bf[j]);
      }
      expect(Array.from(block(p, spec, 'bias_hh', l, 0)).every((v) => v === 0)).toBe(true);
      expect(Array.from(block(p, spec, 'bias_hh', l, 1)).every((v) => v === 0)).toBe(true);
    }
    expect(othersEqual(p, init(spec, 'default', 9), spec, [['bias_ih', 0], ['bias_ih', 1], ['bias_hh', 0], ['bias_hh', 1]])).toBe(true);
  });

  test('exp(b_f) is uniform on [1, T_max − 1]: Kolmogorov–Smirnov over 1024 units, and the mean', () => {
    const H = 1024;
    const tMax = 100;
    const spec = lstm(H);
    const u = Array.from(block(init(spec, 'chrono', 21, 'pytorch', tMax), spec, 'bias_ih', 0, 1)).map(Math.exp).sort((a, b) => a - b);
    let d = 0;
    u.forEach((v, k) => {
      const cdf = (v - 1) / (tMax - 2);
      d = Math.max(d, Math.abs(cdf - k / H), Math.abs(cdf - (k + 1) / H));
    });
    expect(d).toBeLessThan(1.63 / Math.sqrt(H)); // the 1 % critical value
    const mean = u.reduce((s, v) => s + v, 0) / H;
    expect(Math.abs(mean - tMax / 2)).toBeLessThan(4 * (tMax - 2) / Math.sqrt(12 * H));
  });

  test('seeded: the same seed gives the same biases, another seed others; T_max = 2 gives 0', () => {
    const spec = lstm(8);
    expect(Array.from(init(spec, 'chrono', 4))).toEqual(Array.from(init(spec, 'chrono', 4)));
    expect(Array.from(block(init(spec, 'chrono', 4), spec, 'bias_ih', 0, 1))).not.toEqual(Array.from(block(init(spec, 'chrono', 5), spec, 'bias_ih', 0, 1)));
    expect(Array.from(block(init(spec, 'chrono', 4, 'pytorch', 2), spec, 'bias_ih', 0, 1)).every((v) => v === 0)).toBe(true);
  });

  test('CIFG reads only the i block: f = 1 − σ(b_i) = σ(b_f)', () => {
    const spec = lstm(6, 'cifg');
    const p = init(spec, 'chrono');
    const bf = block(p, spec, 'bias_ih', 0, 1);
    const bi = block(p, spec, 'bias_ih', 0, 0);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    for (let j = 0; j < 6; j++) expect(1 - sig(bi[j])).toBeCloseTo(sig(bf[j]), 12);
  });
});

test('other cells ignore `bias`', () => {
  for (const cell of ['rnn_tanh', 'rnn_relu', 'gru', 'esn'] as CellKind[]) {
    const spec = makeSpec({ cell, inputSize: 2, hiddenSize: 4, outputSize: 1 });
    for (const bias of ['forget1', 'chrono'] as const) expect(Array.from(init(spec, bias)), `${cell} ${bias}`).toEqual(Array.from(init(spec, 'default')));
  }
});

test('the URL key: bias=chrono round-trips, default is not written, a bad value falls back with a notice', () => {
  expect(defaultConfig().bias).toBe('default');
  const { config, notices } = decodeConfig('cell=lstm&bias=chrono');
  expect(notices).toEqual([]);
  expect(config.bias).toBe('chrono');
  expect(encodeConfig(config)).toContain('bias=chrono');
  expect(encodeConfig(defaultConfig())).not.toContain('bias');
  const bad = decodeConfig('bias=ones');
  expect(bad.config.bias).toBe('default');
  expect(bad.notices.join(' ')).toContain('bias');
});
