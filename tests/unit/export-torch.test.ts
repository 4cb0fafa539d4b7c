// The export, checked in PyTorch: a model trained by the Trainer on the CPU engine, exported as safetensors and
// evaluated by the generated script in PyTorch, gives the playground's outputs to 1e-4; and one training step
// taken by the script's own functions (loss, L2, Ω, clipping, optimiser, TBPTT) matches CpuEngine.step.
// Needs a python with torch (tests/python/torchPython.ts: /usr/bin/python3 or RNNLAB_TORCH_PYTHON); outside CI it
// SKIPS with a note where torch is missing, in CI it fails.
// The export format itself is tested without torch in export-python.test.ts and export-import.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { checkFileJson, pytorchScript } from '../../src/core/export/pytorch';
import { Rng } from '../../src/core/rng';
import { modelFromSafetensors } from '../../src/core/safetensors';
import { paramLayout, type ModelSpec } from '../../src/core/spec';
import { CharTask, createTask, sampleText } from '../../src/core/tasks';
import type { TaskData } from '../../src/core/tasks/task';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { specFromConfig } from '../../src/core/modelConfig';
import { stepOptionsFromConfig, Trainer } from '../../src/train/trainer';
import { requireTorchInCi, skipWithoutTorch, TORCH_PYTHON } from '../python/torchPython';

const PYTHON = TORCH_PYTHON;
const skip = skipWithoutTorch('export-torch');

const CORPUS = join(__dirname, '..', '..', 'public', 'corpora', 'grammar.txt');
const CHECK = join(__dirname, '..', 'python', 'torch_check.py');
const PRE_STEPS = 3; // the Trainer trains this far before the export

interface Case {
  name: string;
  config: Partial<Config>;
}

const FORWARD_CASES: Case[] = [
  { name: 'rnn_tanh', config: { cell: 'rnn_tanh', layers: 2 } },
  { name: 'rnn_relu', config: { cell: 'rnn_relu', init: 'identity', wrec: 0.9 } },
  { name: 'gru', config: { cell: 'gru', layers: 2 } },
  { name: 'esn', config: { cell: 'esn', leak: 0.5 } },
  ...(['none', 'vanilla', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'np', 'cifg', 'fgr'] as const).map((variant) => ({
    name: `lstm_${variant}`,
    config: { cell: 'lstm' as const, variant, layers: variant === 'fgr' ? 2 : 1 },
  })),
];

const STEP_CASES: Case[] = [
  { name: 'lstm adam, clip by norm, L2', config: { cell: 'lstm', task: 'adding', T: 8, opt: 'adam', clip: 'norm', clipAt: 0.05, l2: 0.01 } },
  { name: 'rnn_tanh sgd, Ω, clip by value', config: { cell: 'rnn_tanh', task: 'temporal_order', T: 10, opt: 'sgd', lr: 0.1, omega: 0.5, clip: 'value', clipAt: 0.01 } },
  { name: 'gru rmsprop, TBPTT k1=4 k2=3', config: { cell: 'gru', task: 'reber', T: 12, opt: 'rmsprop', bptt: 'truncated', k1: 4, k2: 3 } },
  { name: 'rnn_relu 2 layers, TBPTT k1=k2=3, Ω', config: { cell: 'rnn_relu', layers: 2, task: 'sine', T: 9, opt: 'momentum', lr: 0.01, bptt: 'truncated', k1: 3, k2: 3, omega: 0.3 } },
  { name: 'lstm fgr momentum, copy', config: { cell: 'lstm', variant: 'fgr', task: 'copy', T: 4, opt: 'momentum', lr: 0.05 } },
  { name: 'esn adam, mackey-glass', config: { cell: 'esn', task: 'mackey_glass', T: 10, rho: 0.95, leak: 0.7 } },
  { name: 'lstm peepholes, char', config: { cell: 'lstm', variant: 'vanilla', task: 'char', corpus: 'grammar', T: 12, layers: 2 } },
];

describe.skipIf(skip)('the export in PyTorch', () => {
  test('PyTorch is there (in CI it must be)', () => requireTorchInCi());

  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-torch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Trains PRE_STEPS with the Trainer on the CPU engine; writes model.safetensors and the script. */
  async function exportRun(name: string, partial: Partial<Config>) {
    const config: Config = { ...defaultConfig(), task: 'adding', T: 6, B: 3, H: 5, seed: 11, ...partial };
    const data: TaskData = config.task === 'char' ? { text: readFileSync(CORPUS, 'utf8') } : {};
    const task = createTask(config, data);
    const trainer = await Trainer.create(new CpuEngine(), config, task, { valBatchSize: 4, valEvery: 1000 });
    for (let i = 0; i < PRE_STEPS; i++) await trainer.stepOnce();
    const weights = join(dir, `${name}.safetensors`);
    writeFileSync(weights, await trainer.exportSafetensors());
    const spec = specFromConfig(config, task);
    const script = join(dir, `${name}.py`);
    writeFileSync(script, pytorchScript(config, spec, { valBatchSize: 4, dataFile: config.task === 'char' ? CORPUS : undefined }));
    return { config, task, trainer, spec, weights, script, data };
  }

  function runJobs(jobs: object[]): Record<string, unknown>[] {
    const file = join(dir, `jobs-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(jobs));
    return JSON.parse(execFileSync(PYTHON, [CHECK, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  }

  test('every cell and variant: the script\'s model gives the playground\'s outputs to 1e-4', async () => {
    const jobs: object[] = [];
    for (const { name, config } of FORWARD_CASES) {
      const run = await exportRun(name, config);
      const { batch, outputs } = await run.trainer.snapshot();
      const check = join(dir, `${name}.check.json`);
      writeFileSync(check, checkFileJson(batch, outputs, PRE_STEPS)); // the file the export panel offers
      jobs.push({ kind: 'forward', script: run.script, weights: run.weights, check });
      run.trainer.dispose();
    }
    const results = runJobs(jobs);
    results.forEach((r, i) => expect(r.max_abs_diff, FORWARD_CASES[i].name).toBeLessThan(1e-4));
    // The script's own command line does the same check (exit status 0 within --tol).
    const first = jobs[0] as { script: string; weights: string; check: string };
    const cli = spawnSync(PYTHON, [first.script, '--weights', first.weights, '--check', first.check], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout.trim().split('\n').pop()!).max_abs_diff).toBeLessThan(1e-4);
  });

  test('one training step in PyTorch equals CpuEngine.step (loss, gradient norm, updated weights)', async () => {
    const jobs: object[] = [];
    const expected: { loss: number; gradNorm: number; params: Float32Array; before: Float32Array; spec: ModelSpec }[] = [];
    for (const { name, config } of STEP_CASES) {
      const run = await exportRun(name.replace(/\W+/g, '_'), config);
      const { spec, params } = modelFromSafetensors(readFileSync(run.weights));
      // The batch the Trainer would draw next: Rng(seed) forked into init, data, validation; PRE_STEPS drawn.
      const root = new Rng(run.config.seed);
      root.fork();
      const stream = root.fork();
      for (let i = 0; i < PRE_STEPS; i++) run.task.batch('train', run.config.B, run.config.T, stream);
      const batch = run.task.batch('train', run.config.B, run.config.T, stream);
      const engine = new CpuEngine(); // a fresh optimiser, as the script's
      await engine.init(spec, params);
      const result = await engine.step(batch, stepOptionsFromConfig(run.config));
      expected.push({ loss: result.loss, gradNorm: result.gradNorm, params: await engine.readParams(), before: params, spec });
      jobs.push({ kind: 'step', script: run.script, weights: run.weights, skip: PRE_STEPS, data: run.config.task === 'char' ? CORPUS : null });
      engine.dispose();
      run.trainer.dispose();
    }
    const results = runJobs(jobs);
    results.forEach((r, i) => {
      const want = expected[i];
      const label = STEP_CASES[i].name;
      expect(Math.abs((r.loss as number) - want.loss), `${label}: loss`).toBeLessThan(1e-5 * Math.max(1, want.loss));
      expect(Math.abs((r.grad_norm as number) - want.gradNorm), `${label}: gradient norm`).toBeLessThan(1e-4 * Math.max(1, want.gradNorm));
      const got = r.params as Record<string, number[]>;
      let worst = 0;
      let moved = 0; // how far the update moved the weights: the comparison must be about something
      for (let k = 0; k < want.params.length; k++) moved = Math.max(moved, Math.abs(want.params[k] - want.before[k]));
      expect(moved, `${label}: the step changed the weights`).toBeGreaterThan(1e-3);
      for (const t of paramLayout(want.spec).tensors) {
        const values = got[`${t.name}`];
        expect(values, `${label}: ${t.name}`).toBeDefined();
        for (let k = 0; k < t.size; k++) worst = Math.max(worst, Math.abs(values[k] - want.params[t.offset + k]));
      }
      expect(worst, `${label}: weights after the update`).toBeLessThan(1e-4);
      if (process.env.RNNLAB_EXPORT_VERBOSE) console.info(`${label}: |Δloss| ${Math.abs((r.loss as number) - want.loss).toExponential(1)}, |Δweights| ${worst.toExponential(1)}, update ${moved.toExponential(1)}`);
    });
  });
});

describe.skipIf(skip)('sampling in PyTorch', () => {
  test('a char model samples the same text with the same seed and temperature as the playground', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnlab-torch-sample-'));
    const config: Config = { ...defaultConfig(), task: 'char', corpus: 'grammar', T: 16, B: 4, H: 12, cell: 'gru', seed: 5, lr: 0.01 };
    const task = createTask(config, { text: readFileSync(CORPUS, 'utf8') }) as CharTask;
    const trainer = await Trainer.create(new CpuEngine(), config, task, { valBatchSize: 4, valEvery: 1000 });
    for (let i = 0; i < 20; i++) await trainer.stepOnce();
    const weights = join(dir, 'model.safetensors');
    writeFileSync(weights, await trainer.exportSafetensors());
    const script = join(dir, 'train_char.py');
    writeFileSync(script, pytorchScript(config, specFromConfig(config, task)));
    const engine = trainer.engine;
    const forward = async (x: Float32Array, T: number) => (await engine.forward({ T, B: 1, X: task.inputSize, x, loss: 'xent', lossSteps: 'all', labels: new Int32Array(T) })).outputs;
    const expected = await sampleText(task, forward, 'S ->', 40, 0.7, new Rng(9), config.T);
    const file = join(dir, 'jobs.json');
    writeFileSync(file, JSON.stringify([{ kind: 'sample', script, weights, data: CORPUS, prime: 'S ->', length: 40, temperature: 0.7, seed: 9 }]));
    const [result] = JSON.parse(execFileSync(PYTHON, [CHECK, file], { encoding: 'utf8' }));
    expect(result.text).toBe(expected);
    trainer.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
});

test('the torch check reports a skip, not a failure, where PyTorch is missing', () => {
  // Runs everywhere: the Python side exits 0 with a note when it cannot import torch.
  const out = spawnSync('python3', ['-c', `import runpy, sys; sys.argv = ['x', '/nonexistent.json']; sys.modules['torch'] = None; runpy.run_path(${JSON.stringify(CHECK)}, run_name='__main__')`], { encoding: 'utf8' });
  expect(out.status).toBe(0);
  expect(out.stderr).toContain('SKIP: PyTorch is not installed');
});
