import { describe, expect, it } from 'vitest';
import { choleskySolve, fitReadout } from '../../src/core/ridge';
import { Rng } from '../../src/core/rng';
import { findTensor, makeSpec, paramLayout } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { gradOnly, randomParams } from './gradcheck';

describe('ridge readout', () => {
  it('solves a small SPD system', () => {
    const A = new Float64Array([4, 2, 2, 3]);
    const x = choleskySolve(A, new Float64Array([2, 1]), 2, 1);
    expect(4 * x[0] + 2 * x[1]).toBeCloseTo(2, 12);
    expect(2 * x[0] + 3 * x[1]).toBeCloseTo(1, 12);
  });

  it('recovers an exact linear readout and lowers an ESN loss in one shot', async () => {
    const rng = new Rng(2);
    const spec = makeSpec({ cell: 'esn', inputSize: 1, hiddenSize: 20, outputSize: 1, esn: { spectralRadius: 0.9, leak: 0.5, inputScale: 1 } });
    const params = Float32Array.from(randomParams(spec, rng, 0.3));
    const T = 40, B = 4;
    const x = new Float32Array(T * B).map((_, i) => Math.sin(0.3 * Math.floor(i / B) + (i % B)));
    const y = new Float32Array(T * B).map((_, i) => Math.sin(0.3 * (Math.floor(i / B) + 1) + (i % B)));
    const batch = { T, B, X: 1, x, y, loss: 'mse' as const, lossSteps: 'all' as const };
    const engine = new CpuEngine();
    await engine.init(spec, params);
    const before = await engine.step(batch, gradOnly);
    const fwd = await engine.forward(batch);
    const { weight, bias } = fitReadout(fwd.hidden[0], batch, 20, 1, 1e-6);
    const layout = paramLayout(spec);
    params.set(weight, findTensor(layout, 'head_weight', -1)!.offset);
    params.set(bias, findTensor(layout, 'head_bias', -1)!.offset);
    await engine.writeParams(params);
    const after = await engine.step(batch, gradOnly);
    expect(after.loss).toBeLessThan(before.loss / 10);
  });
});
