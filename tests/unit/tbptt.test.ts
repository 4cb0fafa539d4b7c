// Truncated BPTT on the CPU engine: the chunk rule (a chunk with no scored step makes no update) and the
// gradient profile (StepResult.dhNorm/dcNorm = the last scored chunk's backward window, zero elsewhere).
// The WebGPU engine's side is tests/gpu/tbptt.test.ts; PyTorch's is tests/unit/torch-training.test.ts.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeConfig, type Config } from '../../src/core/config';
import { initParams } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { modelToSafetensors } from '../../src/core/safetensors';
import { makeSpec } from '../../src/core/spec';
import { createTask } from '../../src/core/tasks';
import { lossDivisor, lossSelection } from '../../src/core/loss';
import { tbpttChunks } from '../../src/core/tbptt';
import { gradCommand } from '../../src/cli/grad';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { specFromConfig } from '../../src/core/modelConfig';
import { stepOptionsFromConfig } from '../../src/train/trainer';

function setup(query: string) {
  const config: Config = decodeConfig(query).config;
  const task = createTask(config);
  const spec = specFromConfig(config, task);
  const params = initParams(spec, { init: config.init, wrec: config.wrec }, new Rng(config.seed));
  const batch = task.batch('train', config.B, config.T, new Rng(config.seed + 100));
  return { config, task, spec, params, batch };
}

describe('the chunk plan both engines follow (core/tbptt.ts)', () => {
  test('full BPTT is one chunk [0, T)', () => {
    expect(tbpttChunks(7, { mode: 'full' })).toEqual([{ s: 0, e: 7, w0: 0, from: 0 }]);
  });

  test('k1 = 3, k2 = 5, T = 8: windows reach back k2 steps and the forward starts where the window does', () => {
    expect(tbpttChunks(8, { mode: 'truncated', k1: 3, k2: 5 })).toEqual([
      { s: 0, e: 3, w0: 0, from: 0 },
      { s: 3, e: 6, w0: 1, from: 1 },
      { s: 6, e: 8, w0: 3, from: 3 }, // the last chunk is shorter; its window still starts k2 before its end
    ]);
  });

  test('k2 < k1: the window lies inside the chunk, the forward starts at the chunk', () => {
    expect(tbpttChunks(6, { mode: 'truncated', k1: 3, k2: 2 })).toEqual([
      { s: 0, e: 3, w0: 1, from: 0 },
      { s: 3, e: 6, w0: 4, from: 3 },
    ]);
  });

  test('the loss selection and divisor agree with lossAndGrad: lossSteps, mask and unlabelled steps', () => {
    const { batch } = setup('task=adding&T=6&cell=rnn_tanh&H=4&seed=3');
    const selected = lossSelection(batch);
    expect(Array.from(selected)).toEqual(Array.from({ length: 6 * batch.B }, (_, i) => (i >= 5 * batch.B ? 1 : 0))); // adding: only the last step
    expect(lossDivisor(selected, batch, 1, 0, 5)).toBe(0);
    expect(lossDivisor(selected, batch, 1, 0, 6)).toBe(batch.B);
    const xent = { ...batch, loss: 'xent' as const, lossSteps: 'all' as const, labels: new Int32Array(6 * batch.B).fill(0), mask: new Float32Array(6 * batch.B).fill(1) };
    xent.labels[0] = -1;
    xent.mask[1] = 0;
    const sel = lossSelection(xent);
    expect(sel[0]).toBe(0);
    expect(sel[1]).toBe(0);
    expect(lossDivisor(sel, xent, 3, 0, 6)).toBe(6 * batch.B - 2); // xent divides by rows, not by Y
  });
});

describe('truncated BPTT: a chunk with no scored step makes no update', () => {
  test('the adding problem (only the last step scored), T=20, k1=k2=5: one update per step, Adam counts one', async () => {
    const { config, spec, params, batch } = setup('task=adding&T=20&cell=lstm&H=8&seed=8&bptt=truncated&k1=5&k2=5');
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const r = await engine.step(batch, stepOptionsFromConfig(config));
    expect(r.updates).toBe(1);
    const cp = await engine.readCheckpoint();
    expect(cp.optimizer.step).toBe(1);
    // The one update is the update of the last chunk alone: the same as a step of TBPTT(5, 5) over the last
    // chunk's window from the state the first 15 steps reach — i.e. Adam's first step on that gradient:
    // each trainable weight moves by lr·sign(g) (to within ε), none by a multiple of it.
    const after = await engine.readParams();
    let moved = 0;
    for (let i = 0; i < after.length; i++) moved = Math.max(moved, Math.abs(after[i] - params[i]));
    expect(moved).toBeLessThan(config.lr * 1.0001);
    expect(moved).toBeGreaterThan(config.lr * 0.99);
    engine.dispose();
  });

  test('momentum: the buffer holds exactly the one scored chunk\'s gradient', async () => {
    const { config, spec, params, batch } = setup('task=adding&T=20&cell=gru&H=6&seed=8&bptt=truncated&k1=5&k2=5&opt=momentum&lr=0.02');
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const r = await engine.step(batch, stepOptionsFromConfig(config), true);
    expect(r.updates).toBe(1);
    const cp = await engine.readCheckpoint();
    expect(cp.optimizer.step).toBe(1);
    const g = r.grads!;
    for (let i = 0; i < g.length; i++) expect(cp.optimizer.slots[0][i]).toBe(Math.fround(g[i]));
    engine.dispose();
  });

  test('a batch with no scored step at all (full BPTT) makes no update and reports zero gradient', async () => {
    const { config, spec, params, batch } = setup('task=adding&T=6&cell=rnn_tanh&H=4&seed=3&l2=0.1');
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const none = { ...batch, mask: new Float32Array(batch.T * batch.B) };
    const r = await engine.step(none, stepOptionsFromConfig(config), true);
    expect(r.updates).toBe(0);
    expect(r.gradNorm).toBe(0);
    expect(r.penalty).toBe(0);
    expect(Array.from(r.grads!).every((v) => v === 0)).toBe(true);
    expect(Array.from(await engine.readParams())).toEqual(Array.from(params));
    expect((await engine.readCheckpoint()).optimizer.step).toBe(0);
    engine.dispose();
  });
});

describe('truncated BPTT: the profile is the last scored chunk\'s backward window', () => {
  test('k1=10, k2=20, T=50, loss on every step: ‖∂L/∂h_t‖ is nonzero exactly on [30, 50)', async () => {
    const { config, spec, params, batch } = setup('task=sine&T=50&cell=rnn_tanh&H=6&B=3&seed=4&bptt=truncated&k1=10&k2=20');
    expect(batch.lossSteps).toBe('all');
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const r = await engine.step(batch, stepOptionsFromConfig(config));
    const dh = r.dhNorm[0];
    for (let t = 0; t < 50; t++) {
      if (t >= 30) expect(dh[t], `t=${t}`).toBeGreaterThan(0);
      else expect(dh[t], `t=${t}`).toBe(0);
    }
    engine.dispose();
  });

  test('k1=10, k2=20, T=50, adding problem: the window reaches 20 steps back, ∂L/∂c_t too (LSTM)', async () => {
    const { config, spec, params, batch } = setup('task=adding&T=50&cell=lstm&H=5&B=3&seed=4&bptt=truncated&k1=10&k2=20');
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const r = await engine.step(batch, stepOptionsFromConfig(config));
    for (const profile of [r.dhNorm[0], r.dcNorm![0]]) {
      for (let t = 0; t < 50; t++) {
        if (t >= 30) expect(profile[t], `t=${t}`).toBeGreaterThan(0);
        else expect(profile[t], `t=${t}`).toBe(0);
      }
    }
    // Inside the window it is the full-BPTT profile of the same loss from the same state: the last chunk's
    // loss is the whole loss here, so full BPTT's ‖∂L/∂h_t‖ agrees on [30, 50).
    const full = new CpuEngine();
    await full.init(spec, params);
    const f = await full.step(batch, { ...stepOptionsFromConfig(config), bptt: { mode: 'full' }, update: false });
    for (let t = 30; t < 50; t++) expect(r.dhNorm[0][t]).toBeCloseTo(f.dhNorm[0][t], 12);
    engine.dispose();
    full.dispose();
  });
});

test('rnnlab grad --engine cpu prints the float64 gradient the engine computed', async () => {
  const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 3, outputSize: 2 });
  const rng = new Rng(5);
  const params = initParams(spec, { init: 'pytorch', wrec: 0 }, rng);
  const T = 4;
  const B = 2;
  const x = new Float32Array(T * B * 2).map(() => rng.uniform(-1, 1));
  const y = new Float32Array(T * B * 2).map(() => rng.uniform(-1, 1));
  const nest = (a: Float32Array, D: number) => Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from(a.subarray((t * B + b) * D, (t * B + b + 1) * D))));
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-grad64-'));
  try {
    writeFileSync(join(dir, 'm.safetensors'), modelToSafetensors(spec, params));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ loss: 'mse', lossSteps: 'all', x: nest(x, 2), y: nest(y, 2) }));
    const out = JSON.parse(await gradCommand(['--model', join(dir, 'm.safetensors'), '--batch', join(dir, 'b.json'), '--engine', 'cpu']));
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const ref = await engine.step({ T, B, X: 2, x, y, loss: 'mse', lossSteps: 'all' }, {
      optimizer: { kind: 'sgd', lr: 0, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
      clip: { mode: 'none', threshold: 1 }, penalty: { l2: 0, omega: 0 }, bptt: { mode: 'full' }, carryState: false, update: false,
    }, true);
    expect(ref.grads).toBeInstanceOf(Float64Array);
    const printed: number[] = Object.values(out.grads as Record<string, number[]>).flat();
    expect(printed).toEqual(Array.from(ref.grads!));
    // Not float32 numbers: most of them carry more than 24 significant bits.
    expect(printed.filter((v) => v !== Math.fround(v)).length).toBeGreaterThan(printed.length / 2);
    engine.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
