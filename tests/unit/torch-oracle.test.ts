// The CPU engine (float64) against an independent PyTorch float64 oracle (tests/python/oracle.py: the cell
// equations written by hand from the papers and PyTorch's docs, differentiated by autograd — never our code,
// never the exported script). Every cell and Greff variant, 1–3 layers, both losses, last/all steps, masks,
// truncated BPTT chunks, T = B = H = 1, and ‖∂L/∂h_t‖ / ‖∂L/∂c_t‖ profiles across ≥ 30 orders of magnitude:
// the loss, every gradient (per gate block) and every step of every layer's profile to 1e-6 relative.
// Also one case each through the real `rnnlab grad --engine cpu`, and the W_rec / ESN spectral definitions.
// Needs torch (tests/python/torchPython.ts); outside CI it skips with a note, in CI it fails without it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initParams, recurrentStats } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { modelToSafetensors } from '../../src/core/safetensors';
import { CELLS, cellInfo, findTensor, makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import {
  compareWithOracle, emptyWorst,
  formatWorst, engineStep, expected, mergeWorst, oracleCases, oracleJob, ordersSpanned, runOracle,
  type OracleAnswer, type OracleCase, type Tolerance, type Worst,
} from '../python/oracle';
import { requireTorchInCi, skipWithoutTorch } from '../python/torchPython';

const ROOT = resolve(__dirname, '..', '..');
const CPU_TOL: Tolerance = { value: 1e-6, profile: [{ min: 0, rel: 1e-6 }] };
const skip = skipWithoutTorch('torch-oracle (CPU engine)');

describe.skipIf(skip)('CPU engine against the PyTorch oracle', () => {
  test('PyTorch is there (in CI it must be)', () => requireTorchInCi());

  const groups = oracleCases();
  const all: OracleCase[] = Object.values(groups).flat();
  const answers = new Map<OracleCase, OracleAnswer>();
  const worst = emptyWorst();
  const worstLong = emptyWorst();

  beforeAll(() => {
    const out = runOracle(all.map(oracleJob));
    all.forEach((c, i) => answers.set(c, out[i]));
  }, 120_000);
  afterAll(() => {
    console.info(`torch-oracle CPU: ${all.length} cases; worst relative errors: ${formatWorst(worst)}; long profiles: ${formatWorst(worstLong)}`);
  });

  async function check(c: OracleCase, into: Worst = worst): Promise<void> {
    const engine = new CpuEngine();
    await engine.init(c.spec, c.params);
    const got = await engineStep(engine, c);
    engine.dispose();
    const want = expected(answers.get(c)!);
    const { problems, worst: w } = compareWithOracle(c, got, want, CPU_TOL);
    mergeWorst(into, w);
    expect(problems, c.name).toEqual([]);
  }

  for (const [group, cases] of Object.entries(groups)) {
    if (group === 'long') continue;
    describe(group, () => {
      for (const c of cases) test(c.name, () => check(c));
    });
  }

  describe('long vanishing profiles (≥ 30 orders of magnitude)', () => {
    for (const c of groups.long) {
      test(c.name, async () => {
        const want = expected(answers.get(c)!);
        // The case is what it claims: the oracle's profile of every layer spans ≥ minOrders decades.
        for (const p of [...want.dh, ...(want.dc ?? [])]) expect(ordersSpanned(p)).toBeGreaterThanOrEqual(c.minOrders!);
        await check(c, worstLong);
      });
    }
  });

  describe('the real CLI: npx --no-install rnnlab grad --engine cpu', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnlab-oracle-cli-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const nest3 = (flat: ArrayLike<number>, T: number, B: number, D: number) =>
      Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from({ length: D }, (_, d) => flat[(t * B + b) * D + d])));

    // A 2-layer FGR LSTM (peepholes and W_gg in the file) and a leaky ESN (its leak read from the metadata key esnLeak).
    const picks = [
      groups.layers.find((c) => c.spec.cell === 'lstm' && c.spec.variant === 'fgr')!,
      groups.cells.find((c) => c.spec.cell === 'esn' && c.batch.loss === 'mse' && c.batch.lossSteps === 'all')!,
    ];
    for (const c of picks) {
      test(`${c.name} (loss, every tensor's gradient, top-layer profiles to 1e-6)`, () => {
        const { spec, params, batch } = c;
        const model = join(dir, `${spec.cell}.safetensors`);
        const batchFile = join(dir, `${spec.cell}.json`);
        writeFileSync(model, modelToSafetensors(spec, params));
        const json: Record<string, unknown> = { loss: batch.loss, lossSteps: batch.lossSteps, x: nest3(batch.x, batch.T, batch.B, batch.X) };
        if (batch.y) json.y = nest3(batch.y, batch.T, batch.B, spec.outputSize);
        if (batch.labels) json.labels = Array.from({ length: batch.T }, (_, t) => Array.from(batch.labels!.subarray(t * batch.B, (t + 1) * batch.B)));
        writeFileSync(batchFile, JSON.stringify(json));
        const res = spawnSync('npx', ['--no-install', 'rnnlab', 'grad', '--model', model, '--batch', batchFile, '--engine', 'cpu'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RNNLAB_DEBUG: '' } });
        expect(res.stderr).toBe('');
        expect(res.status).toBe(0);
        const out = JSON.parse(res.stdout) as { loss: number; grads: Record<string, number[]>; dhNorm: number[]; dcNorm?: number[] };
        const want = expected(answers.get(c)!);
        const top = spec.numLayers - 1;
        // The CLI's output as a StepResult, compared like the engine's.
        const layout = paramLayout(spec);
        const grads = new Float64Array(layout.size);
        for (const t of layout.tensors) {
          expect(out.grads[t.name], t.name).toHaveLength(t.size);
          grads.set(out.grads[t.name], t.offset);
        }
        const onlyTop = (p: number[][] | null) => (p ? p.map((r, l) => (l === top ? r : null)) : null);
        const sq = Object.values(want.grads).flat().reduce((s, v) => s + v * v, 0);
        const { problems } = compareWithOracle(
          c,
          {
            loss: out.loss, penalty: 0, gradNorm: Math.sqrt(sq), clipFactor: 1, updates: 0, finite: true,
            grads,
            dhNorm: [Float64Array.from(out.dhNorm)],
            dcNorm: out.dcNorm ? [Float64Array.from(out.dcNorm)] : undefined,
          },
          { ...want, dh: onlyTop(want.dh)!.filter((r) => r !== null) as number[][], dc: want.dc ? (onlyTop(want.dc)!.filter((r) => r !== null) as number[][]) : null },
          CPU_TOL,
        );
        expect(problems, c.name).toEqual([]);
      });
    }
  });

  describe('W_rec = σ_max of the stacked W_hh; the ESN reservoir at its spectral radius', () => {
    const specs: { name: string; spec: ModelSpec; init: 'pytorch' | 'orthogonal'; wrec: number }[] = CELLS.filter((cell) => !cellInfo(cell).reservoir).map((cell, i) => ({
      name: `${cell}: wrec=0.7 rescales each layer's (G·H, H) weight_hh to σ_max 0.7`,
      spec: makeSpec({ cell, inputSize: 2, hiddenSize: 5, outputSize: 1, numLayers: 2, variant: 'vanilla' }),
      init: i % 2 === 0 ? 'pytorch' : 'orthogonal',
      wrec: 0.7,
    }));
    test.each(specs)('$name', ({ spec, init, wrec }) => {
      const params = initParams(spec, { init, wrec }, new Rng(5));
      const layout = paramLayout(spec);
      const H = spec.hiddenSize;
      const matrices = [];
      for (let l = 0; l < spec.numLayers; l++) {
        const t = findTensor(layout, 'weight_hh', l)!;
        const W = Array.from(params.subarray(t.offset, t.offset + t.size));
        matrices.push({ rows: t.shape[0], cols: t.shape[1], data: W });
        const start = cellInfo(spec.cell).candidateBlock * H * H; // the candidate block (LSTM g, GRU n, MGU n): recurrentStats' spectral radius
        matrices.push({ rows: H, cols: H, data: W.slice(start, start + H * H) });
      }
      const [torchStats] = runOracle<{ sigmaMax: number[]; spectralRadius: (number | null)[] }>([{ kind: 'spectral', matrices }]);
      const mine = recurrentStats(params, spec);
      for (let l = 0; l < spec.numLayers; l++) {
        expect(Math.abs(torchStats.sigmaMax[2 * l] - wrec) / wrec).toBeLessThan(1e-6);
        expect(Math.abs(mine.sigmaMax[l] - torchStats.sigmaMax[2 * l]) / torchStats.sigmaMax[2 * l]).toBeLessThan(1e-6);
        const rho = torchStats.spectralRadius[2 * l + 1]!;
        expect(Math.abs(mine.spectralRadius[l] - rho) / rho).toBeLessThan(1e-6);
      }
    });

    test('esn: W_in in [−s, s], biases and head 0, W_res at spectral radius ρ', () => {
      const spec = makeSpec({ cell: 'esn', inputSize: 3, hiddenSize: 12, outputSize: 2, esn: { spectralRadius: 0.95, leak: 0.5, inputScale: 0.4 } });
      const params = initParams(spec, { init: 'pytorch', wrec: 0 }, new Rng(11));
      const layout = paramLayout(spec);
      const part = (role: Parameters<typeof findTensor>[1], l: number) => {
        const t = findTensor(layout, role, l)!;
        return Array.from(params.subarray(t.offset, t.offset + t.size));
      };
      const win = part('weight_ih', 0);
      expect(Math.max(...win.map(Math.abs))).toBeLessThanOrEqual(0.4);
      expect(Math.max(...win.map(Math.abs))).toBeGreaterThan(0.3);
      for (const role of ['bias_ih', 'bias_hh'] as const) expect(part(role, 0).every((v) => v === 0)).toBe(true);
      for (const role of ['head_weight', 'head_bias'] as const) expect(part(role, -1).every((v) => v === 0)).toBe(true);
      const [torchStats] = runOracle<{ sigmaMax: number[]; spectralRadius: (number | null)[] }>([{ kind: 'spectral', matrices: [{ rows: 12, cols: 12, data: part('weight_hh', 0) }] }]);
      expect(Math.abs(torchStats.spectralRadius[0]! - 0.95) / 0.95).toBeLessThan(1e-6);
      expect(Math.abs(recurrentStats(params, spec).spectralRadius[0] - torchStats.spectralRadius[0]!) / 0.95).toBeLessThan(1e-6);
    });
  });
});
