// The engine chooser: explicit choices, a missing WebGPU, and 'auto' timing both engines on the model.
import { describe, expect, it } from 'vitest';
import { makeSpec } from '../../src/core/spec';
import { createEngine } from '../../src/engine/auto';
import { nodeGpu } from '../../src/engine/webgpu/nodeGpu';
import { Rng, gradOnly, randomBatch, randomParams, sharedContext } from './helpers';

const spec = makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 8, outputSize: 2 });
const params = randomParams(spec, new Rng(1));
const batch = randomBatch(spec, 6, 2, 'mse', 'all', new Rng(2));

describe('createEngine', () => {
  it("'cpu' gives the CPU engine", async () => {
    const { engine, reason } = await createEngine('cpu', { spec, params });
    expect(engine.kind).toBe('cpu');
    expect(reason).toMatch(/^CPU: chosen/);
  });

  it('falls back to the CPU where WebGPU is missing, and says so', async () => {
    const { engine, reason } = await createEngine('auto', { spec, params, gpu: undefined });
    expect(engine.kind).toBe('cpu');
    expect(reason).toBe('CPU: WebGPU not available in this browser');
  });

  it("'webgpu' gives a working WebGPU engine", async () => {
    const { engine, reason } = await createEngine('webgpu', { spec, params, context: await sharedContext() });
    expect(engine.kind).toBe('webgpu');
    expect(reason).toMatch(/^WebGPU: chosen/);
    expect((await engine.step(batch, gradOnly)).finite).toBe(true);
    engine.dispose();
  });

  it("'auto' times both on the model, keeps the faster, explains why, and leaves the weights alone", async () => {
    const chosen = await createEngine('auto', { spec, params, gpu: await nodeGpu(), probe: { batch, opts: gradOnly }, budgetMs: 100 });
    expect(chosen.measured!.cpu).toBeGreaterThan(0);
    expect(chosen.measured!.webgpu).toBeGreaterThan(0);
    const winner = chosen.measured!.cpu > chosen.measured!.webgpu ? 'cpu' : 'webgpu';
    expect(chosen.engine.kind).toBe(winner);
    expect(chosen.reason).toMatch(winner === 'cpu' ? /^CPU: faster than the software WebGPU adapter .* \(\S+ vs \S+ steps\/s\)$/ : /^WebGPU: faster than the CPU/);
    expect(Array.from(await chosen.engine.readParams())).toEqual(Array.from(params));
    chosen.engine.dispose();
  });
});
