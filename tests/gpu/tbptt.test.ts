// The WebGPU engine's side of three rules (tests/unit/tbptt.test.ts has the CPU engine's):
//   - truncated BPTT: a chunk with no scored step makes no update (no optimiser step, moments and step count stay);
//   - the profile of truncated BPTT is the last scored chunk's backward window, zero outside it;
//   - ‖∂L/∂h_t‖ and ‖∂L/∂c_t‖ stay within 2e-2 of the CPU engine's far below float32's squares (down to 1e-35),
//     on every kernel profile (the norm is scaled by the step's largest magnitude before squaring).
import { afterAll, describe, expect, test } from 'vitest';
import { decodeConfig } from '../../src/core/config';
import { initParams } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { findTensor, paramLayout } from '../../src/core/spec';
import { createTask } from '../../src/core/tasks';
import type { Engine } from '../../src/engine/engine';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine';
import { specFromConfig } from '../../src/core/modelConfig';
import { stepOptionsFromConfig } from '../../src/train/trainer';
import { compareSteps, enginePair, sharedContext } from './helpers';

const live: Engine[] = [];
afterAll(() => live.forEach((e) => e.dispose()));

function setup(query: string) {
  const config = decodeConfig(query).config;
  const task = createTask(config);
  const spec = specFromConfig(config, task);
  const params = initParams(spec, { init: config.init, wrec: config.wrec }, new Rng(config.seed));
  const batch = task.batch('train', config.B, config.T, new Rng(config.seed + 100));
  return { config, spec, params, batch };
}

describe('truncated BPTT on WebGPU', () => {
  test('the adding problem, T=20, k1=k2=5: one update (Adam counts one), as the CPU engine', async () => {
    const { config, spec, params, batch } = setup('task=adding&T=20&cell=lstm&H=8&seed=8&bptt=truncated&k1=5&k2=5');
    const { cpu, gpu } = await enginePair(spec, params);
    live.push(cpu, gpu);
    const opts = stepOptionsFromConfig(config);
    for (let s = 0; s < 3; s++) {
      const want = await cpu.step(batch, opts, true);
      const got = await gpu.step(batch, opts, true);
      expect(got.updates).toBe(1);
      expect(compareSteps(got, want, 1e-4), `step ${s}`).toEqual([]);
    }
    expect((await gpu.readCheckpoint()).optimizer.step).toBe(3);
  });

  test('momentum, gru: loss-free chunks leave the buffer alone', async () => {
    const { config, spec, params, batch } = setup('task=adding&T=20&cell=gru&H=6&seed=8&bptt=truncated&k1=5&k2=5&opt=momentum&lr=0.02');
    const { cpu, gpu } = await enginePair(spec, params);
    live.push(cpu, gpu);
    const opts = stepOptionsFromConfig(config);
    const want = await cpu.step(batch, opts, true);
    const got = await gpu.step(batch, opts, true);
    expect(got.updates).toBe(1);
    expect(compareSteps(got, want, 1e-4)).toEqual([]);
    const [cg, cc] = [await gpu.readCheckpoint(), await cpu.readCheckpoint()];
    expect(cg.optimizer.step).toBe(1);
    for (let i = 0; i < cc.optimizer.slots[0].length; i++) expect(Math.abs(cg.optimizer.slots[0][i] - cc.optimizer.slots[0][i])).toBeLessThan(1e-5);
  });

  test('no scored step at all: no update, zero gradient and profile', async () => {
    const { config, spec, params, batch } = setup('task=adding&T=6&cell=rnn_tanh&H=4&seed=3&l2=0.1');
    const { gpu } = await enginePair(spec, params);
    live.push(gpu);
    const r = await gpu.step({ ...batch, mask: new Float32Array(batch.T * batch.B) }, stepOptionsFromConfig(config), true);
    expect(r.updates).toBe(0);
    expect(r.gradNorm).toBe(0);
    expect(r.finite).toBe(true);
    expect(Array.from(r.grads!).every((v) => v === 0)).toBe(true);
    expect(Array.from(r.dhNorm[0]).every((v) => v === 0)).toBe(true);
    expect(Array.from(await gpu.readParams())).toEqual(Array.from(params));
  });

  test('k1=10, k2=20, T=50: the profile is nonzero exactly on the last window [30, 50), h and c, as the CPU engine', async () => {
    for (const q of ['task=sine&T=50&cell=rnn_tanh&H=6&B=3&seed=4', 'task=adding&T=50&cell=lstm&H=5&B=3&seed=4']) {
      const { config, spec, params, batch } = setup(`${q}&bptt=truncated&k1=10&k2=20`);
      const { cpu, gpu } = await enginePair(spec, params);
      live.push(cpu, gpu);
      const want = await cpu.step(batch, stepOptionsFromConfig(config));
      const got = await gpu.step(batch, stepOptionsFromConfig(config));
      expect(compareSteps(got, want, 1e-4), q).toEqual([]);
      for (const profile of [got.dhNorm[0], ...(got.dcNorm ?? [])]) {
        for (let t = 0; t < 50; t++) {
          if (t >= 30) expect(profile[t], `${q} t=${t}`).toBeGreaterThan(0);
          else expect(profile[t], `${q} t=${t}`).toBe(0);
        }
      }
    }
  });

  test('k2 > k1 (k1=3, k2=7) over several steps, with Adam: the same losses, gradients and weights', async () => {
    const { config, spec, params, batch } = setup('task=sine&T=16&cell=lstm&H=4&B=2&seed=6&bptt=truncated&k1=3&k2=7');
    const { cpu, gpu } = await enginePair(spec, params);
    live.push(cpu, gpu);
    for (let s = 0; s < 3; s++) {
      const want = await cpu.step(batch, stepOptionsFromConfig(config), true);
      const got = await gpu.step(batch, stepOptionsFromConfig(config), true);
      expect(compareSteps(got, want, 2e-4), `step ${s}`).toEqual([]);
    }
  });
});

describe('vanishing profiles on WebGPU far below 1e-19', () => {
  /** Worst |gpu/cpu − 1| over the steps where the CPU profile is ≥ 1e-35, and the smallest such CPU value. */
  function relativeErrors(gpu: Float64Array, cpu: Float64Array) {
    let worst = 0;
    let smallest = Infinity;
    for (let t = 0; t < cpu.length; t++) {
      if (!(cpu[t] >= 1e-35)) continue;
      smallest = Math.min(smallest, cpu[t]);
      worst = Math.max(worst, Math.abs(gpu[t] / cpu[t] - 1));
    }
    return { worst, smallest };
  }

  const cases: { name: string; query: string; forgetBias?: number }[] = [
    { name: 'rnn_tanh σ_max 0.3, T=60', query: 'task=adding&T=60&cell=rnn_tanh&H=8&B=4&seed=2&wrec=0.3' },
    { name: 'rnn_tanh σ_max 0.4, T=50', query: 'task=adding&T=50&cell=rnn_tanh&H=8&B=4&seed=3&wrec=0.4' },
    { name: 'rnn_tanh σ_max 0.5, T=60', query: 'task=adding&T=60&cell=rnn_tanh&H=8&B=4&seed=4&wrec=0.5' },
    { name: 'lstm, forget bias −4, T=80', query: 'task=adding&T=80&cell=lstm&H=6&B=3&seed=5&init=pytorch&wrec=0', forgetBias: -4 },
  ];
  const profiles: { profile: 'gpu' | 'software'; subgroups: boolean }[] = [
    { profile: 'software', subgroups: false },
    { profile: 'gpu', subgroups: false },
    { profile: 'gpu', subgroups: true },
  ];
  for (const c of cases) {
    test(`${c.name}: within 2e-2 of the CPU engine down to 1e-35 (every kernel profile)`, async () => {
      const { spec, params, batch } = setup(c.query);
      if (c.forgetBias !== undefined) {
        const H = spec.hiddenSize;
        const layout = paramLayout(spec);
        for (const role of ['bias_ih', 'bias_hh'] as const) {
          const t = findTensor(layout, role, 0)!;
          params.fill(role === 'bias_ih' ? c.forgetBias : 0, t.offset + H, t.offset + 2 * H);
        }
      }
      const opts = { ...stepOptionsFromConfig(decodeConfig(c.query).config), update: false };
      const ctx = await sharedContext();
      const { cpu } = await enginePair(spec, params);
      live.push(cpu);
      const want = await cpu.step(batch, opts);
      const reference = [want.dhNorm[0], ...(want.dcNorm ?? [])];
      // The case reaches the regime that used to fail: below 1e-19 (squares under float32's smallest normal).
      expect(Math.min(...reference.map((p) => relativeErrors(p, p).smallest))).toBeLessThan(1e-19);
      for (const p of profiles) {
        if (p.subgroups && !ctx.hasSubgroups) continue;
        const gpu = new WebGpuEngine({ context: ctx, profile: p.profile, subgroups: p.subgroups });
        live.push(gpu);
        await gpu.init(spec, params);
        const got = await gpu.step(batch, opts);
        const profilesGot = [got.dhNorm[0], ...(got.dcNorm ?? [])];
        reference.forEach((ref, k) => {
          const { worst, smallest } = relativeErrors(profilesGot[k], ref);
          if (process.env.RNNLAB_GPU_VERBOSE) console.info(`${c.name} ${p.profile}${p.subgroups ? '+subgroups' : ''} ${k ? 'dc' : 'dh'}: worst ${worst.toExponential(2)} down to ${smallest.toExponential(1)}`);
          expect(worst, `${c.name} ${p.profile}${p.subgroups ? '+subgroups' : ''} ${k ? 'dcNorm' : 'dhNorm'}`).toBeLessThan(2e-2);
        });
      }
    });
  }
});
