import { describe, expect, it } from 'vitest';
import { makeSpec } from '../../src/core/spec';
import { Rng, compareSteps, enginePair, gradOnly, randomBatch, randomParams } from './helpers';

describe('smoke', () => {
  it('rnn_tanh grads', async () => {
    const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 5, outputSize: 3 });
    const rng = new Rng(1);
    const { cpu, gpu } = await enginePair(spec, randomParams(spec, rng));
    const batch = randomBatch(spec, 6, 3, 'mse', 'all', rng);
    const a = await gpu.step(batch, gradOnly, true);
    const b = await cpu.step(batch, gradOnly, true);
    console.log(a.loss, b.loss, a.gradNorm, b.gradNorm, gpu.stats());
    expect(compareSteps(a, b)).toEqual([]);
    gpu.dispose();
  });
});
