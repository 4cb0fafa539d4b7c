// The WebGPU engine's life cycle: forward views, dispatch counts, checkpoints moving between engines,
// leak-free create/dispose, refusal of models over the adapter's limits, and device loss.
import { afterAll, describe, expect, it } from 'vitest';
import { makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { StepOptions, StepResult } from '../../src/engine/engine';
import { acquireDevice } from '../../src/engine/webgpu/device';
import { nodeGpu } from '../../src/engine/webgpu/nodeGpu';
import { liveBufferCount } from '../../src/engine/webgpu/resources';
import { kernelProfile } from '../../src/engine/webgpu/kernels/profile';
import { recurrentShape } from '../../src/engine/webgpu/kernels/recurrent';
import { checkModelLimits } from '../../src/engine/webgpu/limits';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine';
import { Rng, compareSteps, enginePair, gradOnly, maxRelativeDiff, randomBatch, randomParams, sharedContext } from './helpers';

const disposeLater: { dispose(): void }[] = [];
afterAll(() => disposeLater.forEach((e) => e.dispose()));

describe('forward', () => {
  for (const spec of [
    makeSpec({ cell: 'lstm', variant: 'fgr', inputSize: 3, hiddenSize: 5, outputSize: 4, numLayers: 2 }),
    makeSpec({ cell: 'gru', inputSize: 3, hiddenSize: 5, outputSize: 4, numLayers: 2 }),
    makeSpec({ cell: 'esn', inputSize: 3, hiddenSize: 5, outputSize: 4 }),
  ]) {
    it(`returns the CPU engine's outputs, states and gates (${spec.cell})`, async () => {
      const rng = new Rng(3);
      const { cpu, gpu } = await enginePair(spec, randomParams(spec, rng));
      disposeLater.push(gpu);
      const batch = randomBatch(spec, 6, 2, 'mse', 'all', rng);
      const [a, b] = await Promise.all([gpu.forward(batch), cpu.forward(batch)]);
      expect(maxRelativeDiff(a.outputs, b.outputs)).toBeLessThan(1e-4);
      a.hidden.forEach((h, l) => expect(maxRelativeDiff(h, b.hidden[l])).toBeLessThan(1e-4));
      expect(!!a.cells).toBe(!!b.cells);
      a.cells?.forEach((c, l) => expect(maxRelativeDiff(c, b.cells![l])).toBeLessThan(1e-4));
      expect(!!a.gates).toBe(!!b.gates);
      a.gates?.forEach((g, l) => expect(maxRelativeDiff(g, b.gates![l])).toBeLessThan(1e-4));
    });
  }
});

describe('dispatches', () => {
  it('one submit per step, and a dispatch count that does not grow with T (≤ 20 for one layer)', async () => {
    const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 8, outputSize: 2 });
    const { gpu } = await enginePair(spec, randomParams(spec, new Rng(1)));
    disposeLater.push(gpu);
    const counts: number[] = [];
    for (const T of [2, 10, 50]) {
      await gpu.step(randomBatch(spec, T, 2, 'mse', 'all', new Rng(T)), { ...gradOnly, update: true });
      counts.push(gpu.stats().dispatchesPerStep);
      expect(gpu.stats().submitsPerStep).toBe(1);
    }
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(20);
  });
});

describe('checkpoints move between engines mid-run', () => {
  it('CPU → WebGPU → CPU continues the same run (params, Adam state, carried state)', async () => {
    const spec: ModelSpec = makeSpec({ cell: 'lstm', variant: 'fgr', inputSize: 2, hiddenSize: 4, outputSize: 2, numLayers: 2 });
    const params = randomParams(spec, new Rng(5));
    const opts: StepOptions = { ...gradOnly, update: true, carryState: true, optimizer: { ...gradOnly.optimizer, kind: 'adam', lr: 0.02 } };
    const batches = Array.from({ length: 5 }, (_, i) => randomBatch(spec, 6, 2, 'mse', 'all', new Rng(10 + i)));

    const reference = new CpuEngine();
    await reference.init(spec, params);
    const want: StepResult[] = [];
    for (const b of batches) want.push(await reference.step(b, opts));

    const cpu = new CpuEngine();
    await cpu.init(spec, params);
    const got = [await cpu.step(batches[0], opts), await cpu.step(batches[1], opts)];
    const gpu = new WebGpuEngine({ context: await sharedContext() });
    disposeLater.push(gpu);
    await gpu.writeCheckpoint(await cpu.readCheckpoint());
    got.push(await gpu.step(batches[2], opts), await gpu.step(batches[3], opts));
    const back = new CpuEngine();
    await back.writeCheckpoint(await gpu.readCheckpoint());
    got.push(await back.step(batches[4], opts));

    got.forEach((r, i) => expect(compareSteps(r, want[i]), `step ${i}`).toEqual([]));
    expect(maxRelativeDiff(await back.readParams(), await reference.readParams())).toBeLessThan(1e-4);
    const [cpGpu, cpRef] = [await gpu.readCheckpoint(), await reference.readCheckpoint()];
    expect(cpGpu.optimizer.step).toBe(4);
    expect(cpRef.optimizer.step).toBe(5);
  });
});

describe('resources', () => {
  it('creating and disposing 200 engines leaves no live buffers behind', async () => {
    const ctx = await sharedContext();
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 4, outputSize: 2 });
    const params = randomParams(spec, new Rng(2));
    const batch = randomBatch(spec, 3, 2, 'mse', 'all', new Rng(3));
    const before = liveBufferCount();
    for (let i = 0; i < 200; i++) {
      const e = new WebGpuEngine({ context: ctx });
      await e.init(spec, params);
      if (i % 20 === 0) await e.step(batch, gradOnly, true); // some with workspaces and staging buffers
      e.dispose();
    }
    expect(liveBufferCount()).toBe(before);
  }, 120_000);

  it('keeps the recurrent state in storage when H is too large for workgroup memory', async () => {
    const ctx = await sharedContext();
    const limits = ctx.device.limits;
    // H = 2100 LSTM: one batch row's gate gradients need 4·4·2100 bytes (> 32 KiB) of workgroup memory.
    const wide = makeSpec({ cell: 'lstm', inputSize: 1, hiddenSize: 2100, outputSize: 1 });
    const shape = recurrentShape(wide, 256, kernelProfile('gpu'), limits.maxComputeWorkgroupStorageSize);
    expect(shape.globalState).toBe(true);
    expect(shape.rows).toBe(1);
    expect(() => checkModelLimits(wide, paramLayout(wide), shape, limits)).not.toThrow();
    const narrow = recurrentShape(makeSpec({ cell: 'lstm', inputSize: 1, hiddenSize: 64, outputSize: 1 }), 256, kernelProfile('gpu'), limits.maxComputeWorkgroupStorageSize);
    expect(narrow.globalState).toBe(false);
  });

  it('refuses a model over the adapter limits (checked in init before any allocation), naming the limit', async () => {
    const ctx = await sharedContext();
    const limits = ctx.device.limits;
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 600, hiddenSize: 64, outputSize: 600 });
    const tight = { ...limits, maxStorageBufferBindingSize: 1 << 18, maxBufferSize: limits.maxBufferSize, maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize, maxStorageBuffersPerShaderStage: 8 } as GPUSupportedLimits;
    expect(() => checkModelLimits(spec, paramLayout(spec), recurrentShape(spec, 256), tight)).toThrow(/maxStorageBufferBindingSize/);
  });
});

describe('device loss', () => {
  it('calls onLost and rejects further steps with the reason', async () => {
    const ctx = await acquireDevice(await nodeGpu(), 'rnnlab-lost-test');
    let notice = '';
    const e = new WebGpuEngine({ context: ctx, onLost: (m) => (notice = m) });
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 1, hiddenSize: 3, outputSize: 1 });
    await e.init(spec, randomParams(spec, new Rng(1)));
    const batch = randomBatch(spec, 3, 1, 'mse', 'all', new Rng(2));
    await e.step(batch, gradOnly);
    ctx.device.destroy();
    await ctx.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(notice).toMatch(/lost/);
    await expect(e.step(batch, gradOnly)).rejects.toThrow(/lost/);
    e.dispose();
  });
});

describe('optimiser and state bookkeeping follow the CPU engine', () => {
  it('switching optimiser mid-run starts it fresh; resetState(true) forgets it; a new batch size drops the carried state', async () => {
    const spec = makeSpec({ cell: 'lstm', variant: 'cifg', inputSize: 2, hiddenSize: 4, outputSize: 2 });
    const { cpu, gpu } = await enginePair(spec, randomParams(spec, new Rng(8)));
    disposeLater.push(gpu);
    const adam: StepOptions = { ...gradOnly, update: true, carryState: true, optimizer: { ...gradOnly.optimizer, kind: 'adam', lr: 0.01 } };
    const momentum: StepOptions = { ...adam, optimizer: { ...adam.optimizer, kind: 'momentum', momentum: 0.9, lr: 0.05 } };
    const plan: [StepOptions, number, (() => void) | null][] = [
      [adam, 2, null],
      [adam, 2, null],
      [momentum, 2, null],
      [momentum, 3, null], // B changes: carried state no longer fits
      [adam, 3, () => { cpu.resetState(true); gpu.resetState(true); }],
      [adam, 3, null],
    ];
    for (const [i, [opts, B, before]] of plan.entries()) {
      before?.();
      const batch = randomBatch(spec, 5, B, 'mse', 'all', new Rng(20 + i));
      const [a, b] = [await gpu.step(batch, opts, true), await cpu.step(batch, opts, true)];
      expect(compareSteps(a, b), `step ${i}`).toEqual([]);
    }
    const [cg, cc] = [await gpu.readCheckpoint(), await cpu.readCheckpoint()];
    expect(cg.optimizer.kind).toBe(cc.optimizer.kind);
    expect(cg.optimizer.step).toBe(cc.optimizer.step);
    expect(cg.optimizer.slots.length).toBe(cc.optimizer.slots.length);
    cg.optimizer.slots.forEach((s, i) => expect(maxRelativeDiff(s, cc.optimizer.slots[i])).toBeLessThan(1e-4));
    cg.state.forEach((s, l) => expect(maxRelativeDiff(s, cc.state[l])).toBeLessThan(1e-4));
  });

  it('a NaN in the weights: finite = false and no update, as on the CPU', async () => {
    const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 4, outputSize: 2 });
    const params = randomParams(spec, new Rng(9));
    params[3] = NaN;
    const { cpu, gpu } = await enginePair(spec, params);
    disposeLater.push(gpu);
    const opts: StepOptions = { ...gradOnly, update: true, optimizer: { ...gradOnly.optimizer, lr: 0.1 } };
    const batch = randomBatch(spec, 4, 2, 'mse', 'all', new Rng(10));
    const [a, b] = [await gpu.step(batch, opts), await cpu.step(batch, opts)];
    expect(b.finite).toBe(false);
    expect(a.finite).toBe(false);
    expect(a.updates).toBe(0);
    const after = await gpu.readParams();
    expect(Array.from(after.subarray(4))).toEqual(Array.from(params.subarray(4)));
  });
});
