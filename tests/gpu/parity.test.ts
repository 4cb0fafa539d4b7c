// The WebGPU engine against the CPU reference (float64) on small shapes: every cell, every LSTM variant,
// 1–3 layers, both losses, last/all steps, masks, truncated BPTT, clipping, penalties, every optimiser.
// Tolerance: 1e-4 relative (f32 on the GPU against f64 on the CPU).
import { afterAll, describe, expect, it } from 'vitest';
import type { Batch, LossKind, LossSteps } from '../../src/core/batch';
import { CELLS, LSTM_VARIANTS, makeSpec, type CellKind, type LstmVariant, type ModelSpec } from '../../src/core/spec';
import type { Engine, StepOptions } from '../../src/engine/engine';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine';
import { Rng, compareSteps, enginePair, gradOnly, maxRelativeDiff, randomBatch, randomParams, sharedContext } from './helpers';

const live: Engine[] = [];
const { hasTimestamps } = await sharedContext();
afterAll(() => live.forEach((e) => e.dispose()));

interface Case {
  cell: CellKind;
  variant?: LstmVariant;
  layers?: number;
  loss?: LossKind;
  lossSteps?: LossSteps;
  T?: number;
  B?: number;
  H?: number;
  mask?: boolean;
  opts?: Partial<StepOptions>;
  steps?: number;
  seed?: number;
  profile?: 'gpu' | 'software';
  subgroups?: boolean;
  globalState?: boolean;
}

function specOf(c: Case): ModelSpec {
  const xent = c.loss === 'xent';
  return makeSpec({
    cell: c.cell,
    variant: c.variant ?? 'none',
    inputSize: 3,
    hiddenSize: c.H ?? 6,
    outputSize: xent ? 5 : 2,
    numLayers: c.layers ?? 1,
    esn: { spectralRadius: 0.9, leak: 0.7, inputScale: 1 },
  });
}

/** Runs `steps` steps on both engines from the same parameters and compares every result and the final weights. */
async function runCase(c: Case): Promise<void> {
  const spec = specOf(c);
  const rng = new Rng(c.seed ?? 7);
  const { cpu, gpu } = await enginePair(spec, randomParams(spec, rng), c.profile, c.subgroups, c.globalState);
  live.push(gpu);
  const opts: StepOptions = { ...gradOnly, ...c.opts };
  for (let s = 0; s < (c.steps ?? 1); s++) {
    const batch: Batch = randomBatch(spec, c.T ?? 7, c.B ?? 3, c.loss ?? 'mse', c.lossSteps ?? 'all', rng);
    if (c.mask) batch.mask = new Float32Array(batch.T * batch.B).map(() => (rng.uniform(0, 1) < 0.6 ? 1 : 0));
    const want = await cpu.step(batch, opts, true);
    const got = await gpu.step(batch, opts, true);
    expect(compareSteps(got, want), `step ${s}`).toEqual([]);
  }
  const [pg, pc] = await Promise.all([gpu.readParams(), cpu.readParams()]);
  expect(maxRelativeDiff(pg, pc)).toBeLessThan(1e-4);
  gpu.dispose();
}

describe('every cell, both losses, all/last steps', () => {
  for (const cell of CELLS) {
    for (const loss of ['mse', 'xent'] as const) {
      for (const lossSteps of ['all', 'last'] as const) {
        it(`${cell} ${loss} ${lossSteps}`, () => runCase({ cell, loss, lossSteps }));
      }
    }
  }
});

describe('stacked layers', () => {
  for (const cell of ['rnn_tanh', 'lstm', 'gru'] as const) {
    for (const layers of [2, 3]) {
      it(`${cell} × ${layers}`, () => runCase({ cell, layers, T: 5 }));
    }
  }
});

describe('every LSTM variant', () => {
  for (const variant of LSTM_VARIANTS) {
    it(variant, () => runCase({ cell: 'lstm', variant, layers: 2, T: 6, loss: 'xent' }));
  }
});

describe('masks, shapes at the edges', () => {
  it('mse with a mask', () => runCase({ cell: 'gru', mask: true }));
  it('xent with a mask', () => runCase({ cell: 'lstm', variant: 'vanilla', loss: 'xent', mask: true }));
  it('H = 16, T = 12, B = 4', () => runCase({ cell: 'lstm', variant: 'fgr', H: 16, T: 12, B: 4 }));
  it('B = 1, T = 1', () => runCase({ cell: 'gru', T: 1, B: 1 }));
  it('B larger than one workgroup', () => runCase({ cell: 'rnn_tanh', H: 64, B: 9, T: 4 }));
});

describe('truncated BPTT', () => {
  const upd = (k1: number, k2: number): Partial<StepOptions> => ({
    bptt: { mode: 'truncated', k1, k2 },
    update: true,
    optimizer: { ...gradOnly.optimizer, kind: 'sgd', lr: 0.1 },
  });
  it('k2 = k1 (disjoint windows), updating per chunk', () => runCase({ cell: 'lstm', T: 10, opts: upd(4, 4) }));
  it('k2 > k1 (windows reach into earlier chunks)', () => runCase({ cell: 'gru', layers: 2, T: 10, opts: upd(3, 5) }));
  it('k2 < k1', () => runCase({ cell: 'rnn_tanh', T: 12, lossSteps: 'last', opts: upd(4, 3) }));
  it('FGR across chunks', () => runCase({ cell: 'lstm', variant: 'fgr', T: 9, opts: upd(3, 5) }));
});

describe('clipping and penalties', () => {
  it('clip by norm', () => runCase({ cell: 'lstm', opts: { clip: { mode: 'norm', threshold: 0.05 } } }));
  it('clip by value', () => runCase({ cell: 'gru', opts: { clip: { mode: 'value', threshold: 0.01 } } }));
  it('L2', () => runCase({ cell: 'lstm', variant: 'fgr', opts: { penalty: { l2: 0.3, omega: 0 } } }));
  it('L2 leaves the ESN reservoir alone', () => runCase({ cell: 'esn', opts: { penalty: { l2: 0.3, omega: 0 }, update: true, optimizer: { ...gradOnly.optimizer, lr: 0.1 } }, steps: 2 }));
  it("Pascanu's Ω", () => runCase({ cell: 'rnn_tanh', layers: 2, opts: { penalty: { l2: 0, omega: 0.5 } } }));
  it('Ω with TBPTT and relu', () => runCase({ cell: 'rnn_relu', T: 9, opts: { penalty: { l2: 0.01, omega: 0.5 }, bptt: { mode: 'truncated', k1: 3, k2: 5 } } }));
});

describe('optimisers over several steps', () => {
  const o = gradOnly.optimizer;
  const cases: [string, StepOptions['optimizer']][] = [
    ['sgd', { ...o, kind: 'sgd', lr: 0.1 }],
    ['momentum', { ...o, kind: 'momentum', lr: 0.05, momentum: 0.9 }],
    ['rmsprop', { ...o, kind: 'rmsprop', lr: 0.01, alpha: 0.9 }],
    ['adam', { ...o, kind: 'adam', lr: 0.01 }],
  ];
  for (const [name, optimizer] of cases) {
    it(name, () => runCase({ cell: 'lstm', steps: 3, opts: { optimizer, update: true, clip: { mode: 'norm', threshold: 1 } } }));
  }
  it('adam with carried state and TBPTT', () =>
    runCase({ cell: 'gru', steps: 3, opts: { optimizer: cases[3][1], update: true, carryState: true, bptt: { mode: 'truncated', k1: 3, k2: 3 } } }));
});

// H % 4 == 0 takes the vec4 paths of the fused recurrence; the 'gpu' profile takes the tiled GEMM and the wide
// workgroups with tree reductions (what real GPUs run) — both checked here on the software adapter too.
describe('vec4 recurrence (H = 8) and both kernel profiles', () => {
  for (const profile of ['software', 'gpu'] as const) {
    for (const cell of CELLS) {
      it(`${cell} ${profile}`, () => runCase({ cell, H: 8, B: 5, layers: cell === 'esn' ? 1 : 2, loss: 'xent', profile }));
    }
    it(`lstm fgr ${profile}`, () => runCase({ cell: 'lstm', variant: 'fgr', H: 8, profile, opts: { penalty: { l2: 0.1, omega: 0 } } }));
    it(`lstm vanilla H = 6 ${profile}`, () => runCase({ cell: 'lstm', variant: 'vanilla', H: 6, B: 9, profile }));
    it(`Ω ${profile}`, () => runCase({ cell: 'rnn_tanh', H: 8, profile, opts: { penalty: { l2: 0, omega: 0.5 } } }));
    it(`lstm, no subgroups ${profile}`, () => runCase({ cell: 'lstm', H: 8, B: 3, layers: 2, profile, subgroups: false }));
    it(`adam, clipping, TBPTT ${profile}`, () =>
      runCase({ cell: 'gru', H: 8, steps: 2, profile, opts: { update: true, optimizer: { ...gradOnly.optimizer, kind: 'adam', lr: 0.01 }, clip: { mode: 'value', threshold: 0.02 }, bptt: { mode: 'truncated', k1: 3, k2: 4 } } }));
  }
});

// The software profile's register-blocked recurrence (entry points `tiled`, batches of ≥ 16 rows): 8 batch rows
// per workgroup and blocks of 8 columns (2 units × gates, or 8 units of a one-gate cell). Odd H and B leave
// partial blocks and a partial last workgroup; H = 21 gives each of the 4 threads several blocks.
describe('register-blocked recurrence (software profile, B ≥ 16), partial blocks', () => {
  for (const cell of CELLS) {
    it(`${cell} H = 21, B = 19`, () => runCase({ cell, H: 21, B: 19, T: 4, layers: cell === 'esn' ? 1 : 2, profile: 'software' }));
  }
  it('lstm peepholes H = 9, B = 17', () => runCase({ cell: 'lstm', variant: 'vanilla', H: 9, B: 17, T: 4, profile: 'software' }));
  it('lstm fgr H = 5, TBPTT', () => runCase({ cell: 'lstm', variant: 'fgr', H: 5, B: 20, T: 7, profile: 'software', opts: { bptt: { mode: 'truncated', k1: 3, k2: 4 } } }));
  it('Ω H = 11, B = 18', () => runCase({ cell: 'rnn_tanh', H: 11, B: 18, T: 6, profile: 'software', opts: { penalty: { l2: 0, omega: 0.5 } } }));
  // Only the kernel timestamps tell the entry points apart: an adapter without timestamp queries skips this case.
  it.skipIf(!hasTimestamps)('batches of 16 rows and more take the blocked entry points, smaller ones the per-unit ones (needs timestamp queries)', async () => {
    const spec = specOf({ cell: 'gru' });
    const rng = new Rng(3);
    const gpu = new WebGpuEngine({ context: await sharedContext(), profile: 'software', timeKernels: true });
    live.push(gpu);
    await gpu.init(spec, randomParams(spec, rng));
    const kernels = async (B: number) => {
      await gpu.step(randomBatch(spec, 3, B, 'mse', 'all', rng), gradOnly, true);
      return Object.keys(gpu.kernelTimes() ?? {}).filter((k) => k.startsWith('recurrent')).sort();
    };
    expect(await kernels(15)).toEqual(['recurrent-backward', 'recurrent-forward']);
    expect(await kernels(16)).toEqual(['recurrent-backward', 'recurrent-backward-tiled', 'recurrent-forward', 'recurrent-forward-tiled']);
  });
});

// The path for hidden sizes too large for workgroup memory: the recurrent state read from storage.
describe('recurrent state in storage (large-H path), forced on small shapes', () => {
  for (const profile of ['software', 'gpu'] as const) {
    for (const cell of CELLS) {
      it(`${cell} ${profile}`, () => runCase({ cell, H: 8, B: 3, layers: cell === 'esn' ? 1 : 2, profile, globalState: true }));
    }
    it(`lstm fgr ${profile}`, () => runCase({ cell: 'lstm', variant: 'fgr', H: 6, profile, globalState: true, opts: { bptt: { mode: 'truncated', k1: 3, k2: 5 } } }));
    it(`Ω ${profile}`, () => runCase({ cell: 'rnn_tanh', H: 8, profile, globalState: true, opts: { penalty: { l2: 0, omega: 0.5 } } }));
  }
});
