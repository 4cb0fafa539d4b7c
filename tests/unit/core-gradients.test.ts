// Finite-difference checks of every cell, variant, loss and stacked depth against the CPU engine's BPTT.
import { describe, expect, it } from 'vitest';
import type { LossKind, LossSteps } from '../../src/core/batch';
import { Network, omegaPenalty } from '../../src/core/model';
import { Rng } from '../../src/core/rng';
import { CELLS, cellInfo, LSTM_VARIANTS, makeSpec, paramLayout, type CellKind, type LstmVariant, type ModelSpec } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { StepOptions } from '../../src/engine/engine';
import { gradOnly, lossOf, numericGradient, randomBatch, randomParams, relativeError } from './gradcheck';


async function analytic(spec: ModelSpec, params: Float64Array, batch: ReturnType<typeof randomBatch>, opts = gradOnly) {
  const engine = new CpuEngine();
  await engine.init(spec, Float32Array.from(params));
  // The engine holds float32-rounded parameters; check against FD at exactly those values.
  params.set(Float32Array.from(params));
  return engine.step(batch, opts, true);
}

function checkAllTensors(spec: ModelSpec, params: Float64Array, grads: Float32Array | Float64Array, batch: ReturnType<typeof randomBatch>, tol = 2e-5) {
  const fd = numericGradient(params, () => lossOf(spec, params, batch));
  for (const t of paramLayout(spec).tensors) {
    const a = grads.subarray(t.offset, t.offset + t.size);
    const n = fd.subarray(t.offset, t.offset + t.size);
    if (!t.trainable) {
      expect(Array.from(a).every((v) => v === 0), `${t.name} is fixed and must get no gradient`).toBe(true);
      continue;
    }
    const zero = Array.from(n).every((v) => Math.abs(v) < 1e-9);
    if (zero) expect(Math.max(...Array.from(a).map(Math.abs)), t.name).toBeLessThan(1e-8);
    else expect(relativeError(a, n), t.name).toBeLessThan(tol);
  }
}

/** Every cell of the registry at 1–3 layers, each depth with another loss (a reservoir has one layer). */
const DEPTHS: [number, LossKind, LossSteps][] = [
  [1, 'mse', 'all'],
  [2, 'xent', 'last'],
  [3, 'xent', 'all'],
];
const cases: [CellKind, LstmVariant, number, LossKind, LossSteps][] = CELLS.flatMap((cell) =>
  (cellInfo(cell).reservoir ? DEPTHS.slice(0, 1) : DEPTHS).map(([layers, loss, steps]) => [cell, 'none', layers, loss, steps] as [CellKind, LstmVariant, number, LossKind, LossSteps]),
);

describe('BPTT matches finite differences', () => {
  for (const [cell, variant, layers, loss, steps] of cases) {
    it(`${cell} × ${layers} layers, ${loss} on ${steps} steps`, async () => {
      const rng = new Rng(7 + layers);
      const spec = makeSpec({ cell, inputSize: 3, hiddenSize: 4, outputSize: 3, numLayers: layers, variant, esn: { spectralRadius: 0.9, leak: 0.6, inputScale: 1 } });
      const params = randomParams(spec, rng);
      const batch = randomBatch(spec, 5, 2, loss, steps, rng);
      const result = await analytic(spec, params, batch);
      expect(result.loss).toBeCloseTo(lossOf(spec, params, batch), 6);
      checkAllTensors(spec, params, result.grads!, batch);
    });
  }

  for (const variant of LSTM_VARIANTS) {
    it(`LSTM variant ${variant} (2 layers, mse and xent)`, async () => {
      for (const loss of ['mse', 'xent'] as const) {
        const rng = new Rng(11);
        const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 3, outputSize: 3, numLayers: 2, variant });
        const params = randomParams(spec, rng, 0.8);
        const batch = randomBatch(spec, 5, 2, loss, 'all', rng);
        const result = await analytic(spec, params, batch);
        checkAllTensors(spec, params, result.grads!, batch);
      }
    });
  }

  it('honours a loss mask and ignored labels', async () => {
    const rng = new Rng(3);
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 4 });
    const params = randomParams(spec, rng);
    const batch = randomBatch(spec, 6, 3, 'xent', 'all', rng);
    batch.mask = new Float32Array(18).map((_, i) => (i % 4 === 0 ? 0 : 1));
    batch.labels![5] = -1;
    const result = await analytic(spec, params, batch);
    checkAllTensors(spec, params, result.grads!, batch);
  });
});

/** ∂L/∂h_t of the top layer by perturbing the saved state and re-running the steps after it. */
function numericDh(spec: ModelSpec, params: Float64Array, batch: ReturnType<typeof randomBatch>, t: number, which: 'h' | 'c'): number {
  const net = new Network(spec, params, new Float64Array(params.length));
  const run = (k: number, delta: number) => {
    const ws = net.newWorkspace(batch.T, batch.B);
    net.loadState(ws, net.zeroState(batch.B));
    net.forward(ws, batch.x, 0, t + 1);
    const tr = ws.traces[spec.numLayers - 1];
    const H = spec.hiddenSize;
    const at = t * batch.B * H + k;
    if (which === 'h') tr.hs[at] += delta;
    else {
      // c_t feeds h_t = o ⊙ tanh(c_t) too: the total derivative follows that path (no peepholes here).
      tr.extra.cs[at] += delta;
      const o = tr.extra.gates[t * batch.B * 4 * H + Math.floor(k / H) * 4 * H + 3 * H + (k % H)];
      tr.hs[at] = o * Math.tanh(tr.extra.cs[at]);
    }
    net.forward(ws, batch.x, t + 1, batch.T);
    const Y = spec.outputSize;
    const last = (batch.T - 1) * batch.B * Y;
    let sum = 0;
    for (let i = 0; i < batch.B * Y; i++) sum += (ws.out[last + i] - batch.y![last + i]) ** 2;
    const count = batch.B * Y;
    return sum / count;
  };
  let sq = 0;
  for (let k = 0; k < batch.B * spec.hiddenSize; k++) {
    const g = (run(k, 1e-6) - run(k, -1e-6)) / 2e-6;
    sq += g * g;
  }
  return Math.sqrt(sq);
}

describe('per-timestep gradient norms', () => {
  for (const cell of CELLS.filter((c) => !cellInfo(c).reservoir)) {
    it(`‖∂L/∂h_t‖ of ${cell} matches perturbing h_t`, async () => {
      const rng = new Rng(21);
      const spec = makeSpec({ cell, inputSize: 2, hiddenSize: 3, outputSize: 2, numLayers: 2 });
      const params = randomParams(spec, rng, 0.9);
      const batch = randomBatch(spec, 6, 2, 'mse', 'last', rng);
      const result = await analytic(spec, params, batch);
      for (let t = 0; t < batch.T - 1; t++) {
        expect(relativeError([result.dhNorm[1][t]], [numericDh(spec, params, batch, t, 'h')])).toBeLessThan(1e-5);
        if (cellInfo(cell).cellState) expect(relativeError([result.dcNorm![1][t]], [numericDh(spec, params, batch, t, 'c')])).toBeLessThan(1e-5);
      }
    });
  }

  it('stays meaningful across many orders of magnitude (vanishing tanh RNN)', async () => {
    const rng = new Rng(5);
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 1, hiddenSize: 8, outputSize: 1 });
    const params = randomParams(spec, rng, 0.15);
    const batch = randomBatch(spec, 60, 2, 'mse', 'last', rng);
    const result = await analytic(spec, params, batch);
    const dh = result.dhNorm[0];
    expect(dh[59] / dh[0]).toBeGreaterThan(1e8);
    expect(dh[0]).toBeGreaterThan(0);
    for (let t = 1; t < 60; t++) expect(dh[t]).toBeGreaterThan(dh[t - 1]);
  });
});

describe('penalties', () => {
  it('L2 adds λ/2‖W‖² and its gradient, on weight matrices only', async () => {
    const rng = new Rng(9);
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 3, outputSize: 2 });
    const params = randomParams(spec, rng);
    const batch = randomBatch(spec, 4, 2, 'mse', 'all', rng);
    const plain = await analytic(spec, params, batch);
    const lambda = 0.3;
    const withL2 = await analytic(spec, params, batch, { ...gradOnly, penalty: { l2: lambda, omega: 0 } });
    let expected = 0;
    for (const t of paramLayout(spec).tensors) {
      for (let i = t.offset; i < t.offset + t.size; i++) {
        const isMatrix = t.shape.length === 2;
        if (isMatrix) expected += 0.5 * lambda * params[i] ** 2;
        const delta = withL2.grads![i] - plain.grads![i];
        expect(delta).toBeCloseTo(isMatrix ? lambda * params[i] : 0, 6);
      }
    }
    expect(withL2.penalty).toBeCloseTo(expected, 6);
    expect(withL2.loss).toBe(plain.loss);
  });

  it("Pascanu's Ω: its W_hh gradient matches finite differences with ∂L/∂h held fixed", () => {
    const rng = new Rng(4);
    const B = 2, H = 3, T = 5;
    const W = new Float64Array(H * H).map(() => rng.uniform(-1, 1));
    const dh = new Float64Array(T * B * H).map(() => rng.uniform(-1, 1));
    const dpre = new Float64Array(T * B * H).map(() => rng.uniform(-1, 1));
    const grad = new Float64Array(H * H);
    const value = omegaPenalty(W, grad, dh, dpre, B, H, 0, T, 0.7);
    expect(value).toBeGreaterThan(0);
    const fd = numericGradient(W, () => omegaPenalty(W, new Float64Array(H * H), dh, dpre, B, H, 0, T, 0.7));
    expect(relativeError(grad, fd)).toBeLessThan(1e-6);
  });

  it('Ω enters the objective of a tanh RNN step and pushes the gradient-norm ratio towards 1', async () => {
    const rng = new Rng(12);
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 1, hiddenSize: 6, outputSize: 1 });
    const params = randomParams(spec, rng, 0.2);
    const batch = randomBatch(spec, 20, 4, 'mse', 'last', rng);
    const engine = new CpuEngine();
    await engine.init(spec, Float32Array.from(params));
    const opts: StepOptions = { ...gradOnly, optimizer: { ...gradOnly.optimizer, lr: 0.05 }, penalty: { l2: 0, omega: 1 }, update: true };
    const first = await engine.step(batch, opts);
    let last = first;
    for (let i = 0; i < 30; i++) last = await engine.step(batch, opts);
    expect(first.penalty).toBeGreaterThan(0);
    expect(last.penalty).toBeLessThan(first.penalty);
  });
});
