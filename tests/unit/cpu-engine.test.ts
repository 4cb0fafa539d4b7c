// The CPU engine's training-step behaviour: truncated BPTT, optimisers, clipping, determinism, checkpoints.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { StepOptions } from '../../src/engine/engine';
import { gradOnly, randomBatch, randomParams, relativeError } from './gradcheck';

const lstm = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 4, outputSize: 2, numLayers: 2 });

async function engineWith(spec = lstm, seed = 1) {
  const engine = new CpuEngine();
  await engine.init(spec, Float32Array.from(randomParams(spec, new Rng(seed))));
  return engine;
}

describe('truncated BPTT', () => {
  it('equals full BPTT when k1 ≥ T and k2 ≥ T', async () => {
    const batch = randomBatch(lstm, 8, 3, 'mse', 'all', new Rng(2));
    const full = await (await engineWith()).step(batch, gradOnly, true);
    const trunc = await (await engineWith()).step(batch, { ...gradOnly, bptt: { mode: 'truncated', k1: 8, k2: 12 } }, true);
    expect(trunc.loss).toBe(full.loss);
    expect(relativeError(trunc.grads!, full.grads!)).toBe(0);
    expect(Array.from(trunc.dhNorm[1])).toEqual(Array.from(full.dhNorm[1]));
  });

  it('cuts the gradient k2 steps back and makes one update per k1-step chunk that carries loss', async () => {
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 1, hiddenSize: 3, outputSize: 1 });
    const batch = randomBatch(spec, 12, 2, 'mse', 'last', new Rng(3));
    const r = await (await engineWith(spec)).step(batch, { ...gradOnly, bptt: { mode: 'truncated', k1: 4, k2: 3 } });
    expect(r.updates).toBe(0); // update: false
    const dh = Array.from(r.dhNorm[0]);
    expect(dh.slice(0, 9).every((v) => v === 0)).toBe(true); // the loss sits at t = 11: only t = 9..11 see it
    expect(dh.slice(9).every((v) => v > 0)).toBe(true);
    const trained = await (await engineWith(spec)).step(batch, { ...gradOnly, update: true, bptt: { mode: 'truncated', k1: 4, k2: 3 } });
    expect(trained.updates).toBe(1); // only the last chunk carries loss; the others make no update (engine.ts)
  });

  it('carries the hidden state across steps of a stream only when asked', async () => {
    const batch = randomBatch(lstm, 5, 2, 'mse', 'all', new Rng(4));
    const a = await engineWith();
    const first = await a.step(batch, gradOnly);
    const carried = await a.step(batch, { ...gradOnly, carryState: true });
    const fresh = await a.step(batch, gradOnly);
    expect(fresh.loss).toBe(first.loss);
    expect(carried.loss).not.toBe(first.loss);
  });
});

describe("optimisers follow PyTorch's update rules", () => {
  // One scalar parameter per rule is enough to check against hand-computed values: use the head bias.
  const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 1, hiddenSize: 1, outputSize: 1 });
  const layout = paramLayout(spec);
  const bias = layout.tensors.find((t) => t.name === 'head.bias')!.offset;
  // With every weight zero, the output is the head bias b, and mse on one target y gives g = 2(b − y).
  const batch = { T: 1, B: 1, X: 1, x: new Float32Array([0]), y: new Float32Array([1]), loss: 'mse' as const, lossSteps: 'all' as const };

  async function run(optimizer: StepOptions['optimizer'], steps: number) {
    const engine = new CpuEngine();
    await engine.init(spec, new Float32Array(layout.size));
    const trace: number[] = [];
    for (let i = 0; i < steps; i++) {
      await engine.step(batch, { ...gradOnly, optimizer, update: true });
      trace.push((await engine.readParams())[bias]);
    }
    return trace;
  }
  const base = gradOnly.optimizer;

  it('sgd', async () => {
    expect(await run({ ...base, kind: 'sgd', lr: 0.1 }, 2)).toEqual([0.2, 0.2 + 0.1 * 2 * 0.8].map(Math.fround));
  });
  it('momentum', async () => {
    // g1 = −2 → buf 2·… ; b1 = 0.2; g2 = 2(0.2 − 1) = −1.6 → buf = 0.9·(−2) − 1.6 = −3.4 → b2 = 0.2 + 0.34
    expect(await run({ ...base, kind: 'momentum', lr: 0.1, momentum: 0.9 }, 2)).toEqual([0.2, 0.54].map(Math.fround));
  });
  it('rmsprop', async () => {
    const [b1] = await run({ ...base, kind: 'rmsprop', lr: 0.01, alpha: 0.99 }, 1);
    // sq = 0.01·4 = 0.04 → step = 0.01·(−2)/(0.2 + 1e−8)
    expect(b1).toBeCloseTo(0.01 * 2 / (0.2 + 1e-8), 6);
  });
  it('adam', async () => {
    const [b1, b2] = await run({ ...base, kind: 'adam', lr: 0.1 }, 2);
    expect(b1).toBeCloseTo(0.1, 6); // the first Adam step has size lr
    const g1 = -2, g2 = 2 * (Math.fround(b1) - 1);
    const m = 0.9 * 0.1 * g1 + 0.1 * g2, v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2;
    const expected = Math.fround(b1) - (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(b2).toBeCloseTo(expected, 6);
  });
});

describe('clipping', () => {
  const batch = randomBatch(lstm, 6, 2, 'mse', 'all', new Rng(5));
  it('by norm rescales to the threshold and reports the factor', async () => {
    const raw = await (await engineWith()).step(batch, gradOnly, true);
    const clipped = await (await engineWith()).step(batch, { ...gradOnly, clip: { mode: 'norm', threshold: raw.gradNorm / 4 } }, true);
    expect(clipped.clipFactor).toBeCloseTo(0.25, 10);
    expect(clipped.gradNorm).toBe(raw.gradNorm);
    for (let i = 0; i < raw.grads!.length; i++) expect(clipped.grads![i]).toBeCloseTo(raw.grads![i] / 4, 6);
    const loose = await (await engineWith()).step(batch, { ...gradOnly, clip: { mode: 'norm', threshold: raw.gradNorm * 2 } });
    expect(loose.clipFactor).toBe(1);
  });
  it('by value clamps each element', async () => {
    const raw = await (await engineWith()).step(batch, gradOnly, true);
    const theta = 0.01;
    const clipped = await (await engineWith()).step(batch, { ...gradOnly, clip: { mode: 'value', threshold: theta } }, true);
    for (let i = 0; i < raw.grads!.length; i++) expect(clipped.grads![i]).toBeCloseTo(Math.max(-theta, Math.min(theta, raw.grads![i])), 7);
    expect(clipped.clipFactor).toBeLessThan(1);
  });
});

describe('runs and checkpoints', () => {
  const batch = randomBatch(lstm, 6, 2, 'xent', 'all', new Rng(6));
  const adam: StepOptions = { ...gradOnly, update: true, optimizer: { ...gradOnly.optimizer, kind: 'adam', lr: 0.01 } };

  it('the same parameters and batches give bitwise identical runs', async () => {
    const a = await engineWith();
    const b = await engineWith();
    for (let i = 0; i < 5; i++) expect((await a.step(batch, adam)).loss).toBe((await b.step(batch, adam)).loss);
    expect(Array.from(await a.readParams())).toEqual(Array.from(await b.readParams()));
  });

  it('a checkpoint resumes the run exactly (params, optimiser state, carried state)', async () => {
    const a = await engineWith();
    const stream = { ...adam, carryState: true };
    for (let i = 0; i < 3; i++) await a.step(batch, stream);
    const cp = await a.readCheckpoint();
    const b = new CpuEngine();
    await b.writeCheckpoint(cp);
    // float32 checkpoints round the float64 state, so the two continue within rounding
    const ra = await a.step(batch, stream);
    const rb = await b.step(batch, stream);
    expect(Math.abs(ra.loss - rb.loss) / ra.loss).toBeLessThan(1e-6);
  });

  it('skips the update and reports non-finite values', async () => {
    const engine = await engineWith();
    const params = await engine.readParams();
    params[paramLayout(lstm).tensors.find((t) => t.name === 'head.weight')!.offset] = Infinity;
    await engine.writeParams(params);
    const r = await engine.step(batch, adam);
    expect(r.finite).toBe(false);
    expect(r.updates).toBe(0);
    expect(Array.from(await engine.readParams())).toEqual(Array.from(params));
  });

  it('rejects malformed batches with a message', async () => {
    const engine = await engineWith();
    await expect(engine.step({ ...batch, x: new Float32Array(3) }, adam)).rejects.toThrow(/x has 3 numbers/);
    await expect(engine.step({ ...batch, labels: new Int32Array(12).fill(7) }, adam)).rejects.toThrow(/not a class/);
  });
});
