// The exploding-gradient guard (StepOptions.maxGradNorm) on both engines: a step whose gradient norm exceeds the
// ceiling reports its loss, norm and profile but makes no update (the weights, the optimiser's moments and step
// count stay); under the ceiling the same step updates as usual. The Trainer uses it to stop an unclipped run on
// the exploding step with the weights it had (tests/unit/lessons.test.ts, the exploding lesson).
import { afterAll, describe, expect, test } from 'vitest';
import { decodeConfig } from '../../src/core/config';
import { initParams } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import type { Engine } from '../../src/engine/engine';
import { specFromConfig } from '../../src/core/modelConfig';
import { stepOptionsFromConfig } from '../../src/train/trainer';
import { compareSteps, enginePair } from './helpers';

const live: Engine[] = [];
afterAll(() => live.forEach((e) => e.dispose()));

describe('the exploding-gradient guard', () => {
  test.each(['sgd', 'adam'])('%s: over the ceiling nothing moves; under it, one update, on both engines alike', async (opt) => {
    const config = decodeConfig(`task=adding&T=20&cell=rnn_tanh&H=8&B=4&wrec=3&opt=${opt}&lr=0.1&seed=3`).config;
    const task = createTask(config);
    const spec = specFromConfig(config, task);
    const params = initParams(spec, { init: config.init, wrec: config.wrec }, new Rng(config.seed));
    const batch = task.batch('train', config.B, config.T, new Rng(7));
    const { cpu, gpu } = await enginePair(spec, params);
    live.push(cpu, gpu);
    const base = stepOptionsFromConfig(config);
    const norm = (await cpu.step(batch, { ...base, update: false })).gradNorm;
    expect(norm).toBeGreaterThan(10); // W_rec = 3: the gradient explodes back in time

    for (const engine of [cpu, gpu]) {
      const guarded = await engine.step(batch, { ...base, maxGradNorm: norm / 2 });
      expect(guarded.updates, engine.kind).toBe(0);
      expect(guarded.gradNorm / norm, engine.kind).toBeCloseTo(1, 3);
      expect(Array.from(await engine.readParams()), `${engine.kind}: weights after a guarded step`).toEqual(Array.from(params));
      expect((await engine.readCheckpoint()).optimizer.step, `${engine.kind}: optimiser step count`).toBe(0);
    }
    const want = await cpu.step(batch, { ...base, maxGradNorm: norm * 2 }, true);
    const got = await gpu.step(batch, { ...base, maxGradNorm: norm * 2 }, true);
    expect(want.updates).toBe(1);
    expect(compareSteps(got, want, 1e-3)).toEqual([]);
  });
});
