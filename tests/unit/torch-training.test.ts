// Training parity on the CPU engine: N steps through the Trainer (the path of `rnnlab train` and the page) against
// the exported PyTorch script run in float64 for the same N steps (tests/python/trainingParity.ts), step by step:
// every loss and gradient norm, and the final weights, to 1e-9 (relative above 1). The cases cover every optimiser,
// clipping mode, L2, Ω, truncated BPTT with k2 < k1, k2 = k1 with loss-free chunks (the adding problem scored at its last step only) and
// k2 > k1, stacked layers, the ESN, Greff variants and the gate-bias initialisations. The WebGPU engine's side is
// tests/gpu/torch-training.test.ts. Needs torch (tests/python/torchPython.ts): outside CI it skips with a note.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeConfig } from '../../src/core/config';
import { pytorchScript } from '../../src/core/export/pytorch';
import { specFromConfig } from '../../src/core/modelConfig';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { requireTorchInCi, skipWithoutTorch, TORCH_PYTHON } from '../python/torchPython';
import { expectParity, PARITY_CASES, trainingParity } from '../python/trainingParity';

const skip = skipWithoutTorch('torch-training (CPU engine)');
const TOL = 1e-9;

describe.skipIf(skip)('training parity: CPU engine against the float64 PyTorch script', () => {
  test('PyTorch is there (in CI it must be)', () => requireTorchInCi());

  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-torch-training-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`${PARITY_CASES.length} runs, step by step: loss, gradient norm and final weights to ${TOL}`, async () => {
    const results = await trainingParity(PARITY_CASES, () => new CpuEngine(), 'float64', dir);
    expectParity(results, TOL, 'CPU engine vs float64 PyTorch');
  }, 300_000);

  test('a fresh model in the script gets the gate biases of `bias` (forget1 exactly, chrono in distribution)', () => {
    const jobs: object[] = [];
    const queries = ['cell=lstm&H=6&T=30&bias=forget1&layers=2', 'cell=lstm&H=400&T=30&bias=chrono', 'cell=lstm&variant=cifg&H=4&bias=forget1'];
    for (const [i, q] of queries.entries()) {
      const config = decodeConfig(`task=adding&${q}`).config;
      const script = join(dir, `fresh${i}.py`);
      writeFileSync(script, pytorchScript(config, specFromConfig(config, createTask(config))));
      jobs.push({ kind: 'fresh', script, seed: i });
    }
    const file = join(dir, 'fresh.json');
    writeFileSync(file, JSON.stringify(jobs));
    const [f1, chrono, cifg] = JSON.parse(execFileSync(TORCH_PYTHON, [join(__dirname, '..', 'python', 'torch_check.py'), file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as { params: Record<string, number[]> }[];
    for (const k of [0, 1]) {
      expect(f1.params[`rnn.bias_ih_l${k}`].slice(6, 12)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(f1.params[`rnn.bias_hh_l${k}`].slice(6, 12)).toEqual([0, 0, 0, 0, 0, 0]);
    }
    const H = 400;
    const bf = chrono.params['rnn.bias_ih_l0'].slice(H, 2 * H);
    const bi = chrono.params['rnn.bias_ih_l0'].slice(0, H);
    bf.forEach((v, j) => {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(Math.log(29) + 1e-6);
      expect(bi[j]).toBe(-v);
    });
    expect(chrono.params['rnn.bias_hh_l0'].slice(0, 2 * H).every((v) => v === 0)).toBe(true);
    const mean = bf.map(Math.exp).reduce((s, v) => s + v, 0) / H; // E[u] = T/2 = 15, sd of the mean 28/√(12·400) ≈ 0.4
    expect(Math.abs(mean - 15)).toBeLessThan(1.6);
    expect(cifg.params['rnn.bias_ih_l0'].slice(0, 4)).toEqual([-1, -1, -1, -1]);
  });
});
