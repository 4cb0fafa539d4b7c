import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { DivergenceWatch, Trainer, stepOptionsFromConfig, type MetricFrame } from '../../src/train/trainer';
import { modelFromSafetensors } from '../../src/core/safetensors';
import { sigmaMax } from '../../src/core/spectral';
import { findTensor, paramLayout } from '../../src/core/spec';

function config(overrides: Partial<Config>): Config {
  return { ...defaultConfig(), task: 'adding', T: 8, B: 16, H: 12, cell: 'rnn_tanh', ...overrides };
}

async function run(c: Config, steps: number): Promise<{ trainer: Trainer; frames: MetricFrame[] }> {
  const trainer = await Trainer.create(new CpuEngine(), c, createTask(c), { valEvery: 5, valBatchSize: 32 });
  const frames: MetricFrame[] = [];
  for (let i = 0; i < steps; i++) frames.push(await trainer.stepOnce());
  return { trainer, frames };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('Trainer on the CPU engine', () => {
  it('lowers the loss on a small adding problem and validates on schedule', async () => {
    const c = config({ cell: 'lstm', opt: 'adam', lr: 0.01, T: 6 });
    const { trainer, frames } = await run(c, 120);
    const first = mean(frames.slice(0, 10).map((f) => f.loss));
    const last = mean(frames.slice(-10).map((f) => f.loss));
    expect(last).toBeLessThan(0.5 * first);
    expect(frames[4].valLoss).not.toBeNull();
    expect(frames[4].metric?.name).toBeTruthy();
    expect(frames[3].valLoss).toBeNull();
    expect(frames.at(-1)!.step).toBe(120);
    expect(frames[0].dhNormTop.length).toBe(6);
    expect(frames[0].dcNormTop?.length).toBe(6);
    expect(frames.every((f) => !f.diverged)).toBe(true);
    trainer.dispose();
  });

  it('gives bitwise identical frames for the same config, and different ones for another seed', async () => {
    const c = config({ cell: 'gru', layers: 2, clip: 'norm', clipAt: 0.5, bptt: 'truncated', k1: 3, k2: 5 });
    const strip = (f: MetricFrame) => ({ ...f, ms: 0 });
    const a = (await run(c, 12)).frames.map(strip);
    const b = (await run(c, 12)).frames.map(strip);
    expect(b).toEqual(a);
    const other = (await run({ ...c, seed: 2 }, 12)).frames.map(strip);
    expect(other[0].loss).not.toBe(a[0].loss);
    expect(a[0].dhNorm.length).toBe(2);
    expect(a[0].updates).toBe(1); // T = 8 in chunks of k1 = 3, of which the adding problem scores only the last
  });

  it('reset replays the run from the seed', async () => {
    const c = config({});
    const { trainer, frames } = await run(c, 5);
    await trainer.reset();
    const again: MetricFrame[] = [];
    for (let i = 0; i < 5; i++) again.push(await trainer.stepOnce());
    expect(again.map((f) => f.loss)).toEqual(frames.map((f) => f.loss));
  });

  it('sets W_rec from the config and rescales it live', async () => {
    const c = config({ wrec: 0.5, init: 'orthogonal' });
    const { trainer, frames } = await run(c, 1);
    expect(frames[0].sigmaMax[0]).toBeGreaterThan(0.45); // one Adam step from 0.5
    expect(frames[0].sigmaMax[0]).toBeLessThan(0.55);
    await trainer.setWrec(3);
    const params = await trainer.readParams();
    const t = findTensor(paramLayout(trainer.spec), 'weight_hh', 0)!;
    expect(sigmaMax(params.subarray(t.offset, t.offset + t.size), 12, 12)).toBeCloseTo(3, 5);
    const next = await trainer.stepOnce();
    expect(next.sigmaMax[0]).toBeGreaterThan(2.9);
    // Larger W_rec: the gradient reaching early steps is larger relative to the last step.
    expect(next.dhNormTop[0] / next.dhNormTop[7]).toBeGreaterThan(frames[0].dhNormTop[0] / frames[0].dhNormTop[7]);
  });

  it('detects a divergence with a message and rewinds to the last finite checkpoint', async () => {
    const c = config({ opt: 'sgd', lr: 0.05 });
    const trainer = await Trainer.create(new CpuEngine(), c, createTask(c), { checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) expect((await trainer.stepOnce()).diverged).toBe(false);
    // Force a blow-up: poison one recurrent weight.
    const params = await trainer.readParams();
    params[findTensor(paramLayout(trainer.spec), 'weight_hh', 0)!.offset] = NaN;
    await trainer.engine.writeParams(params);
    const bad = await trainer.stepOnce();
    expect(bad.diverged).toBe(true);
    expect(bad.message).toMatch(/^diverged at step 11, gradient norm NaN$/);
    const step = await trainer.rewind();
    expect(step).toBe(8);
    expect(trainer.step).toBe(8);
    expect((await trainer.readParams()).every(Number.isFinite)).toBe(true);
    const good = await trainer.stepOnce();
    expect(good.diverged).toBe(false);
    expect(good.step).toBe(9);
  });

  it('flags a finite loss explosion (exploding gradients, no clipping)', async () => {
    const c = config({ cell: 'rnn_relu', init: 'identity', wrec: 4, opt: 'sgd', lr: 0.5, T: 20 });
    const { frames } = await run(c, 30);
    const blown = frames.find((f) => f.diverged);
    expect(blown).toBeDefined();
    expect(blown!.message).toMatch(/^diverged at step \d+, gradient norm /);
  });

  it('moves the run to another engine mid-run, keeping the trajectory (to float32 rounding of the checkpoint)', async () => {
    const c = config({ opt: 'adam' });
    const { trainer: one } = await run(c, 6);
    await one.switchEngine(new CpuEngine());
    const continued: number[] = [];
    for (let i = 0; i < 4; i++) continued.push((await one.stepOnce()).loss);
    const { frames } = await run(c, 10);
    const expected = frames.slice(6).map((f) => f.loss);
    for (let i = 0; i < 4; i++) expect(Math.abs(continued[i] - expected[i]) / expected[i]).toBeLessThan(1e-5);
  });

  it('changes the learning rate live, and exports safetensors', async () => {
    const c = config({ opt: 'sgd', lr: 0.1 });
    const { trainer } = await run(c, 2);
    trainer.setLearningRate(0.01);
    expect((await trainer.stepOnce()).lr).toBe(0.01);
    expect(() => trainer.setLearningRate(-1)).toThrow(/positive/);
    const file = modelFromSafetensors(await trainer.exportSafetensors());
    expect(file.spec).toEqual(trainer.spec);
    expect(file.metadata.step).toBe('3');
  });

  it('fits an ESN readout in one shot', async () => {
    const c = config({ cell: 'esn', H: 30, task: 'sine', T: 20, rho: 0.9 });
    const trainer = await Trainer.create(new CpuEngine(), c, createTask(c));
    const before = (await trainer.validate()).valLoss;
    const fitted = await trainer.fitReadout();
    expect(fitted).toBeLessThan(0.1 * before);
    expect((await trainer.stepOnce()).spectralRadius[0]).toBeCloseTo(0.9, 5);
    await trainer.setWrec(3); // ignored by an ESN
    expect((await trainer.stepOnce()).spectralRadius[0]).toBeCloseTo(0.9, 5);
    await trainer.setReservoirRadius(1.3);
    expect((await trainer.stepOnce()).spectralRadius[0]).toBeCloseTo(1.3, 5);
  });

  it('builds StepOptions from the Config', () => {
    const o = stepOptionsFromConfig(config({ opt: 'rmsprop', clip: 'value', clipAt: 2, bptt: 'truncated', k1: 4, k2: 9, l2: 0.1, omega: 2 }));
    expect(o.optimizer).toMatchObject({ kind: 'rmsprop', alpha: 0.99, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(o.clip).toEqual({ mode: 'value', threshold: 2 });
    expect(o.bptt).toEqual({ mode: 'truncated', k1: 4, k2: 9 });
    expect(o.penalty).toEqual({ l2: 0.1, omega: 2 });
  });
});

describe('DivergenceWatch', () => {
  const options = { explosionFactor: 1e3, explosionFloor: 10 };
  it('ignores one lucky tiny batch followed by ordinary ones', () => {
    const watch = new DivergenceWatch(options);
    const losses = [0.5, 0.3, 0.1, 3.5e-5, 0.04, 0.05, 0.042];
    expect(losses.map((l) => watch.diverged(l, true))).toEqual(losses.map(() => false));
  });
  it('flags a real explosion and non-finite values', () => {
    const watch = new DivergenceWatch(options);
    for (const l of [1, 0.8, 0.6, 0.5]) expect(watch.diverged(l, true)).toBe(false);
    expect(watch.diverged(5e3, true)).toBe(true);
    expect(new DivergenceWatch(options).diverged(NaN, true)).toBe(true);
    expect(new DivergenceWatch(options).diverged(1, false)).toBe(true);
  });
});

describe('Trainer.restore', () => {
  it('continues from saved weights and optimiser state at the saved step', async () => {
    const c = config({ opt: 'adam', lr: 0.01 });
    const { trainer: a } = await run(c, 7);
    const saved = await a.engine.readCheckpoint();
    const b = await Trainer.create(new CpuEngine(), c, createTask(c));
    await b.restore(saved.params, saved.optimizer, 7);
    expect(b.step).toBe(7);
    expect(Array.from(await b.readParams())).toEqual(Array.from(saved.params));
    expect((await b.engine.readCheckpoint()).optimizer.step).toBe(saved.optimizer.step);
    expect((await b.stepOnce()).step).toBe(8);
    await expect(b.restore(new Float32Array(3), null, 1)).rejects.toThrow(/hold 3 numbers/);
    a.dispose();
    b.dispose();
  });
});
