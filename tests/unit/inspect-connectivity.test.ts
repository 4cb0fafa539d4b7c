// Connectivity ‖∂y_t/∂x_s‖_F from the network's own BPTT, checked against central finite differences of
// the forward pass, on every cell family, a Greff variant with peepholes and a two-layer stack.
import { describe, expect, test } from 'vitest';
import { CancelledError, connectivity, connectivityMatrix, connectivityOn, connectivitySeeds, inputGradientNorms, rangeBasis, referenceEngine } from '../../src/core/inspect/connectivity';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Network } from '../../src/core/model';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';

/** ‖∂y_{t,b}/∂x_{s,b}‖_F by central differences, (B) × (t + 1). */
function numericConnectivity(spec: ModelSpec, params: Float64Array, x: Float64Array, T: number, B: number, t: number, eps = 1e-5): number[][] {
  const { inputSize: X, outputSize: Y } = spec;
  const net = new Network(spec, params, new Float64Array(params.length));
  const ws = net.newWorkspace(T, B);
  const outAt = () => {
    net.loadState(ws, net.zeroState(B));
    net.forward(ws, x, 0, T);
    return ws.out.slice(t * B * Y, (t + 1) * B * Y); // (B, Y)
  };
  const result = Array.from({ length: B }, () => new Array<number>(t + 1).fill(0));
  for (let s = 0; s <= t; s++) {
    for (let b = 0; b < B; b++) {
      let sq = 0;
      for (let i = 0; i < X; i++) {
        const at = (s * B + b) * X + i;
        const keep = x[at];
        x[at] = keep + eps;
        const up = outAt();
        x[at] = keep - eps;
        const down = outAt();
        x[at] = keep;
        for (let k = 0; k < Y; k++) sq += ((up[b * Y + k] - down[b * Y + k]) / (2 * eps)) ** 2;
      }
      result[b][s] = Math.sqrt(sq);
    }
  }
  return result;
}

const cases: [string, ModelSpec][] = [
  ['rnn_tanh', makeSpec({ cell: 'rnn_tanh', inputSize: 3, hiddenSize: 4, outputSize: 2 })],
  ['lstm', makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2 })],
  ['lstm vanilla (peepholes)', makeSpec({ cell: 'lstm', variant: 'vanilla', inputSize: 3, hiddenSize: 3, outputSize: 2 })],
  ['gru', makeSpec({ cell: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 2 })],
  ['gru, two layers', makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 2, numLayers: 2 })],
  ['esn', makeSpec({ cell: 'esn', inputSize: 2, hiddenSize: 5, outputSize: 2 })],
  ['lstm with more outputs than units (Y = 7 > H = 3)', makeSpec({ cell: 'lstm', inputSize: 4, hiddenSize: 3, outputSize: 7 })],
];

describe('connectivity ‖∂y_t/∂x_s‖ matches finite differences', () => {
  for (const [name, spec] of cases) {
    test(name, async () => {
      const rng = new Rng(11);
      const T = 6;
      const B = 2;
      const params = new Float64Array(paramLayout(spec).size).map(() => rng.uniform(-0.7, 0.7));
      const x32 = new Float32Array(T * B * spec.inputSize).map(() => rng.uniform(-1, 1));
      const t = 4;
      const got = await connectivity(spec, params, { T, B, X: spec.inputSize, x: x32 }, t);
      const want = numericConnectivity(spec, params, Float64Array.from(x32), T, B, t);
      expect(got.t).toBe(t);
      expect(got.perRow).toHaveLength(B);
      for (let b = 0; b < B; b++) {
        expect(got.perRow[b]).toHaveLength(t + 1);
        for (let s = 0; s <= t; s++) expect(Math.abs(got.perRow[b][s] - want[b][s])).toBeLessThan(1e-6 * Math.max(1, want[b][s]));
      }
      for (let s = 0; s <= t; s++) expect(got.mean[s]).toBeCloseTo((want[0][s] + want[1][s]) / 2, 6);
    });
  }
});

describe('connectivity properties', () => {
  test('seeds: an orthonormal basis of the range of W_head, min(Y, H) of them', () => {
    const rng = new Rng(2);
    const W = new Float64Array(7 * 3).map(() => rng.uniform(-1, 1)); // (Y = 7, H = 3)
    const basis = rangeBasis(W, 7, 3);
    expect(basis).toHaveLength(3);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let d = 0;
        for (let k = 0; k < 7; k++) d += basis[a][k] * basis[b][k];
        expect(d).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
    // a column that repeats another adds nothing; a zero head has no range at all
    const dependent = Float64Array.from([1, 2, 2, 4, 3, 6]); // (Y = 3, H = 2), column 1 = 2 × column 0
    expect(rangeBasis(dependent, 3, 2)).toHaveLength(1);
    expect(rangeBasis(new Float64Array(6), 3, 2)).toHaveLength(0);
    expect(rangeBasis(Float64Array.from([0.5, -2]), 1, 2)).toHaveLength(1);
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 9 });
    const params = new Float64Array(paramLayout(spec).size).map(() => rng.uniform(-1, 1));
    expect(connectivitySeeds(spec, params)).toHaveLength(3);
  });

  test('an ESN before its readout is fitted (head = 0): the output depends on no input', async () => {
    const spec = makeSpec({ cell: 'esn', inputSize: 2, hiddenSize: 4, outputSize: 1 });
    const layout = paramLayout(spec);
    const rng = new Rng(4);
    const params = new Float64Array(layout.size).map(() => rng.uniform(-0.5, 0.5));
    const head = layout.tensors.find((t) => t.role === 'head_weight')!;
    params.fill(0, head.offset, head.offset + head.size);
    const { mean } = await connectivity(spec, params, { T: 3, B: 1, X: 2, x: new Float32Array(6).fill(0.3) }, 2);
    expect(Array.from(mean)).toEqual([0, 0, 0]);
  });

  test('C(t, t) depends only on the last step; the lower triangle has one row per t', async () => {
    const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 3, outputSize: 2 });
    const rng = new Rng(5);
    const params = new Float64Array(paramLayout(spec).size).map(() => rng.uniform(-0.5, 0.5));
    const x = new Float32Array(5 * 1 * 2).map(() => rng.uniform(-1, 1));
    const rows = await connectivityMatrix(referenceEngine(spec, params), spec, params, { T: 5, B: 1, X: 2, x });
    expect(rows.map((r) => r.length)).toEqual([1, 2, 3, 4, 5]);
    for (const r of rows) for (const v of r) expect(v).toBeGreaterThan(0);
  });

  test('vanishing: with tiny recurrent weights, the far past barely matters', async () => {
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 4, outputSize: 1 });
    const layout = paramLayout(spec);
    const rng = new Rng(3);
    const params = new Float64Array(layout.size).map(() => rng.uniform(-0.5, 0.5));
    const whh = layout.tensors.find((t) => t.role === 'weight_hh')!;
    for (let i = whh.offset; i < whh.offset + whh.size; i++) params[i] *= 0.1;
    const x = new Float32Array(8 * 2).map(() => rng.uniform(-1, 1));
    const { mean } = await connectivity(spec, params, { T: 8, B: 1, X: 2, x }, 7);
    expect(mean[0]).toBeLessThan(1e-4 * mean[7]);
  });

  test('errors name the problem', async () => {
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 2, outputSize: 1 });
    const params = new Float64Array(paramLayout(spec).size);
    const x = new Float32Array(3 * 2);
    await expect(connectivity(spec, params, { T: 3, B: 1, X: 2, x }, 3)).rejects.toThrow(/output step 3/);
    await expect(connectivity(spec, params, { T: 3, B: 1, X: 3, x }, 0)).rejects.toThrow(/X=3/);
    await expect(connectivity(spec, params.subarray(1), { T: 3, B: 1, X: 2, x }, 0)).rejects.toThrow(/parameters/);
    expect(() => inputGradientNorms(spec, params, x, new Float32Array(2), 3, 1)).toThrow(/dOut has 2 numbers/);
    expect(() => inputGradientNorms(spec, params, x, new Float32Array(3), 3, 2)).toThrow(/x has 6 numbers/);
  });
});

describe('stacked rows: every (t, sequence, seed) is one row of an engine pass', () => {
  const spec = makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 5, numLayers: 2 });
  const rng = new Rng(21);
  const params = new Float64Array(paramLayout(spec).size).map(() => rng.uniform(-0.6, 0.6));
  const batch = { T: 7, B: 3, X: 3, x: new Float32Array(7 * 3 * 3).map(() => rng.uniform(-1, 1)) };

  test('cut into many small passes, the result is the same as one pass; progress is reported per pass', async () => {
    const steps = [6, 2, 4, 0];
    const whole = await connectivityOn(referenceEngine(spec, params), spec, params, batch, steps);
    const progress: string[] = [];
    const calls: [number, number][] = [];
    const engine = referenceEngine(spec, params);
    const pieces = await connectivityOn(async (x, d, T, R) => (calls.push([T, R]), engine(x, d, T, R)), spec, params, batch, steps, {
      passBytes: 1, // one row per pass
      onPass: (done, total) => progress.push(`${done}/${total}`),
    });
    const rows = steps.length * batch.B * 4; // 4 seeds: rank of the (5, 4) head
    expect(calls).toHaveLength(rows);
    // latest t first, each pass only as long as its row's t needs
    expect(calls.map(([T]) => T)).toEqual([...steps].sort((a, b) => b - a).flatMap((t) => Array(batch.B * 4).fill(t + 1)));
    expect(calls.every(([, R]) => R === 1)).toBe(true);
    expect(progress.at(-1)).toBe(`${rows}/${rows}`);
    expect(whole.map((r) => r.t)).toEqual(steps);
    whole.forEach((r, i) => {
      expect(r.perRow).toHaveLength(batch.B);
      for (let b = 0; b < batch.B; b++) for (let s = 0; s <= r.t; s++) expect(pieces[i].perRow[b][s]).toBeCloseTo(r.perRow[b][s], 12);
    });
  });

  test('the CPU engine computes the primitive on its live parameters', async () => {
    const engine = new CpuEngine();
    await engine.init(spec, Float32Array.from(params));
    const R = 2;
    const x = new Float32Array(4 * R * 3).map(() => rng.uniform(-1, 1));
    const dOut = new Float32Array(4 * R * 5).map(() => rng.uniform(-1, 1));
    const got = await engine.inputGradientNorms(x, dOut, 4, R);
    const want = inputGradientNorms(spec, Float32Array.from(params), x, dOut, 4, R);
    expect(got).toHaveLength(4 * R);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    await expect(engine.inputGradientNorms(x, dOut, 4, 3)).rejects.toThrow(/x has/);
    engine.dispose();
  });
});

describe('cancelling a long connectivity computation', () => {
  test('an aborted signal stops it before its next pass, with a CancelledError', async () => {
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 2 });
    const rng = new Rng(6);
    const params = new Float64Array(paramLayout(spec).size).map(() => rng.uniform(-0.5, 0.5));
    const batch = { T: 6, B: 1, X: 2, x: new Float32Array(12).map(() => rng.uniform(-1, 1)) };
    const abort = new AbortController();
    let passes = 0;
    const run = connectivityMatrix(referenceEngine(spec, params), spec, params, batch, 6, {
      passBytes: 1,
      signal: abort.signal,
      onPass: (done) => {
        passes = done;
        if (done === 2) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(passes).toBe(2);
  });
});
