// The connectivity view's engine primitive, inputGradientNorms, on the WebGPU kernels against the CPU reference
// (float64): every cell, Greff variants with peepholes and full gate recurrence, stacked layers, both kernel
// profiles and the large-H path; then the whole connectivity and inspection snapshot on each engine, and
// that an inspection leaves training alone (same next step, carried state kept); and that the lab's races
// train on the page's engine. Tolerance 1e-4 relative.
import { afterAll, describe, expect, it } from 'vitest';
import { connectivityMatrix, connectivityOn } from '../../src/core/inspect/connectivity';
import { inspectSnapshot } from '../../src/core/inspect/snapshot';
import { makeSpec, type CellKind, type LstmVariant } from '../../src/core/spec';
import { createTask } from '../../src/core/tasks';
import { defaultConfig } from '../../src/core/config';
import type { Engine } from '../../src/engine/engine';
import { Rng, compareSteps, enginePair, gradOnly, maxRelativeDiff, randomBatch, randomParams } from './helpers';

const live: Engine[] = [];
afterAll(() => live.forEach((e) => e.dispose()));

interface Case {
  cell: CellKind;
  variant?: LstmVariant;
  layers?: number;
  H?: number;
  profile?: 'gpu' | 'software';
  globalState?: boolean;
}

async function pairFor(c: Case, seed = 3) {
  const spec = makeSpec({
    cell: c.cell,
    variant: c.variant ?? 'none',
    inputSize: 3,
    hiddenSize: c.H ?? 6,
    outputSize: 4,
    numLayers: c.layers ?? 1,
    esn: { spectralRadius: 0.9, leak: 0.7, inputScale: 1 },
  });
  const rng = new Rng(seed);
  const params = randomParams(spec, rng);
  const pair = await enginePair(spec, params, c.profile, undefined, c.globalState);
  live.push(pair.gpu);
  return { spec, params, rng, ...pair };
}

async function primitiveCase(c: Case): Promise<void> {
  const { spec, rng, cpu, gpu } = await pairFor(c);
  const T = 6;
  const R = 5;
  const x = new Float32Array(T * R * spec.inputSize).map(() => rng.uniform(-1, 1));
  const dOut = new Float32Array(T * R * spec.outputSize).map(() => (rng.uniform(0, 1) < 0.5 ? rng.uniform(-1, 1) : 0));
  const want = await cpu.inputGradientNorms(x, dOut, T, R);
  const got = await gpu.inputGradientNorms(x, dOut, T, R);
  expect(got).toHaveLength(T * R);
  expect(want.some((v) => v > 0)).toBe(true);
  expect(maxRelativeDiff(got, want)).toBeLessThan(1e-4);
  gpu.dispose();
}

describe('inputGradientNorms: WebGPU kernels = CPU reference', () => {
  for (const profile of ['software', 'gpu'] as const) {
    for (const cell of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru', 'esn'] as const) {
      it(`${cell} ${profile}`, () => primitiveCase({ cell, profile, layers: cell === 'esn' ? 1 : 2, H: 8 }));
    }
    it(`lstm vanilla (peepholes) ${profile}`, () => primitiveCase({ cell: 'lstm', variant: 'vanilla', profile }));
    it(`lstm fgr ${profile}`, () => primitiveCase({ cell: 'lstm', variant: 'fgr', profile }));
    it(`gru, state in storage ${profile}`, () => primitiveCase({ cell: 'gru', profile, globalState: true, H: 8 }));
  }
  it('rejects shapes that do not add up, naming them', async () => {
    const { gpu } = await pairFor({ cell: 'gru' });
    await expect(gpu.inputGradientNorms(new Float32Array(5), new Float32Array(8), 2, 1)).rejects.toThrow(/x has 5 numbers/);
    await expect(gpu.inputGradientNorms(new Float32Array(6), new Float32Array(7), 2, 1)).rejects.toThrow(/dOut has 7 numbers/);
    gpu.dispose();
  });
});

describe('connectivity on the active engine', () => {
  it('the heat map and one t agree between engines, stacked into several passes', async () => {
    const { spec, params, rng, cpu, gpu } = await pairFor({ cell: 'lstm', layers: 2 });
    const batch = { T: 9, B: 2, X: 3, x: new Float32Array(9 * 2 * 3).map(() => rng.uniform(-1, 1)) };
    const onCpu = await connectivityMatrix((...a) => cpu.inputGradientNorms(...a), spec, params, batch);
    let passes = 0;
    const onGpu = await connectivityMatrix((...a) => gpu.inputGradientNorms(...a), spec, params, batch, 9, { passBytes: 64 * 1024, onPass: (_, n) => (passes = n) });
    expect(passes).toBeGreaterThan(1);
    expect(onGpu.map((r) => r.length)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    onGpu.forEach((row, t) => expect(maxRelativeDiff(row, onCpu[t]), `t = ${t}`).toBeLessThan(1e-4));
    const [single] = await connectivityOn((...a) => gpu.inputGradientNorms(...a), spec, params, batch, [8]);
    expect(maxRelativeDiff(single.mean, onCpu[8])).toBeLessThan(1e-4);
    gpu.dispose();
  });

  it('an inspection snapshot on WebGPU matches the CPU one', async () => {
    const config = { ...defaultConfig(), task: 'reber' as const, T: 12, B: 4, H: 6, cell: 'gru' as const };
    const task = createTask(config);
    const spec = makeSpec({ cell: 'gru', inputSize: task.inputSize, hiddenSize: 6, outputSize: task.outputSize });
    const params = randomParams(spec, new Rng(8));
    const { cpu, gpu } = await enginePair(spec, params);
    live.push(gpu);
    const sequence = task.batch('val', 2, 12, new Rng(2));
    const request = { layer: 0, unit: 1, matrix: true };
    const [a, b] = [await inspectSnapshot(spec, task, cpu, params, sequence, request), await inspectSnapshot(spec, task, gpu, params, sequence, request)];
    expect(b.inputLabels).toEqual(a.inputLabels);
    expect(maxRelativeDiff(b.hidden, a.hidden)).toBeLessThan(1e-4);
    expect(maxRelativeDiff(b.gates!, a.gates!)).toBeLessThan(1e-4);
    expect(maxRelativeDiff(b.connectivity.mean, a.connectivity.mean)).toBeLessThan(1e-4);
    expect(b.matrix!.length).toBe(a.matrix!.length);
    b.matrix!.forEach((row, t) => expect(maxRelativeDiff(row, a.matrix![t])).toBeLessThan(1e-4));
    gpu.dispose();
  });

  it('an inspection between training steps changes nothing in training (carried state kept)', async () => {
    const { spec, rng, cpu, gpu } = await pairFor({ cell: 'lstm', H: 8 });
    const opts = { ...gradOnly, carryState: true, update: true };
    const first = randomBatch(spec, 5, 3, 'mse', 'all', rng);
    const second = randomBatch(spec, 5, 3, 'mse', 'all', rng);
    await cpu.step(first, opts);
    await gpu.step(first, opts);
    // an inspection-sized pass (other T and rows) and a one-sequence forward in between, on the GPU only
    await gpu.inputGradientNorms(new Float32Array(4 * 7 * 3).fill(0.2), new Float32Array(4 * 7 * 4).fill(0.1), 4, 7);
    await gpu.forward({ ...first, B: 1, x: first.x.subarray(0, 5 * 3), y: first.y!.subarray(0, 5 * 4) });
    const want = await cpu.step(second, opts, true);
    const got = await gpu.step(second, opts, true);
    expect(compareSteps(got, want)).toEqual([]);
    gpu.dispose();
  });
});

describe('the lab trains on the page\'s engine', () => {
  it('a race on WebGPU when the page runs WebGPU (one shared device), on the CPU otherwise, and says which', async () => {
    const { labTrainers } = await import('../../src/train/labTrainers');
    const { runRace } = await import('../../src/core/inspect/race');
    const { nodeGpu } = await import('../../src/engine/webgpu/nodeGpu');
    const base = { ...defaultConfig(), task: 'adding' as const, T: 6, B: 4, H: 4 };
    const make = labTrainers(await nodeGpu());
    const contestants = [{ cell: 'rnn_tanh' as const, variant: 'none' as const }, { cell: 'gru' as const, variant: 'none' as const }];
    const onGpu = await runRace({ ...base, engine: 'webgpu' }, contestants, createTask(base), 3, make);
    expect(onGpu.engine).toMatch(/^WebGPU on /);
    expect(onGpu.steps).toBe(3);
    expect(onGpu.series.every((s) => s.loss.length === 3 && s.loss.every(Number.isFinite))).toBe(true);
    const onCpu = await runRace({ ...base, engine: 'cpu' }, contestants, createTask(base), 3, make);
    expect(onCpu.engine).toMatch(/^CPU/);
    // same data, seed and initialisation: the two engines agree on the losses
    onGpu.series.forEach((s, k) => expect(maxRelativeDiff(s.loss, onCpu.series[k].loss)).toBeLessThan(1e-4));
  });
});
