// The generated PyTorch script, checked without torch: it parses for every cell, variant and task; its random
// stream and task generators give the playground's batches; its plain-Python forward (same math as the torch
// module, transcribed from the cells) reproduces CpuEngine.forward to 1e-4 from the exported safetensors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Batch } from '../../src/core/batch';
import { defaultConfig, TASKS, type Config } from '../../src/core/config';
import { checkFileJson, pytorchScript, scriptFileName } from '../../src/core/export/pytorch';
import { Rng } from '../../src/core/rng';
import { modelFromSafetensors, modelToSafetensors } from '../../src/core/safetensors';
import { CELLS, LSTM_VARIANTS, makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { DEFAULT_TRAINER_OPTIONS } from '../../src/train/trainer';

const dir = mkdtempSync(join(tmpdir(), 'rnnlab-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HARNESS = join(__dirname, '..', 'python', 'export_harness.py');

/** The interpreter behind `python3` (skips a version manager's shim, which costs ~0.4 s per start); null without one. */
function findPython(): string | null {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() || 'python3';
  } catch {
    console.info('SKIP export-python: no python3 on this machine, so the generated script was not run (the TypeScript tests of the export still run).');
    return null;
  }
}
const PYTHON = findPython();
const describePython = describe.skipIf(PYTHON === null);

function python(args: string[]): string {
  return execFileSync(PYTHON!, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Every cell, and every LSTM variant. */
function allModels(): { cell: ModelSpec['cell']; variant: ModelSpec['variant'] }[] {
  const out: { cell: ModelSpec['cell']; variant: ModelSpec['variant'] }[] = [];
  for (const cell of CELLS) {
    if (cell === 'lstm') for (const variant of LSTM_VARIANTS) out.push({ cell, variant });
    else out.push({ cell, variant: 'none' });
  }
  return out;
}

describePython('generated script: valid Python', () => {
  test('every cell and variant, every task, with and without Ω and truncated BPTT, parses', () => {
    const files: string[] = [];
    const write = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      files.push(path);
    };
    for (const { cell, variant } of allModels()) {
      for (const [omega, bptt] of [[0, 'full'], [0.5, 'truncated']] as const) {
        const config: Config = { ...defaultConfig(), cell, variant, omega, bptt };
        const spec = makeSpec({ cell, variant, inputSize: 2, hiddenSize: 3, outputSize: 1, numLayers: cell === 'esn' ? 1 : 2 });
        write(`syntax_${cell}_${variant}_${bptt}.py`, pytorchScript(config, spec, { pureForward: bptt === 'full' }));
      }
    }
    for (const task of TASKS) {
      const config: Config = { ...defaultConfig(), task, cell: 'gru' };
      write(`syntax_task_${task}.py`, pytorchScript(config, makeSpec({ cell: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 3 }), { csvColumn: 'close' }));
    }
    const out = python(['-c', 'import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)\nprint(len(sys.argv) - 1)', ...files]);
    expect(Number(out.trim())).toBe(files.length);
    expect(files.length).toBe(allModels().length * 2 + TASKS.length);
  });

  test('the script names its file after the task and states the run in its header', () => {
    const config: Config = { ...defaultConfig(), task: 'copy', cell: 'lstm', variant: 'cifg', lr: 0.01 };
    const spec = makeSpec({ cell: 'lstm', variant: 'cifg', inputSize: 10, hiddenSize: 8, outputSize: 10 });
    const text = pytorchScript(config, spec);
    expect(scriptFileName(config)).toBe('train_copy.py');
    expect(text).toContain('v=1&task=copy&cell=lstm&variant=cifg&lr=0.01');
    expect(text).toContain("# The LSTM is the Greff et al. variant 'cifg': peepholes (i, f look at c_{t-1}; o looks at c_t); coupled input and forget gates (f = 1 - i).");
    expect(text).toContain('COUPLED = True  # f = 1 - i');
    expect(text).toMatch(/def make_rnn\(\):\n.*\n {4}return GreffLSTM\(INPUT_SIZE, HIDDEN, LAYERS\)/);
    expect(text).not.toContain('def pure_forward');
  });

  test('the check file nests inputs and outputs as (T, B, ·)', () => {
    const json = JSON.parse(checkFileJson({ T: 2, B: 3, X: 1, x: Float32Array.of(1, 2, 3, 4, 5, 6) }, Float32Array.from({ length: 12 }, (_, i) => i), 7));
    expect(json).toEqual({ step: 7, x: [[[1], [2], [3]], [[4], [5], [6]]], outputs: [[[0, 1], [2, 3], [4, 5]], [[6, 7], [8, 9], [10, 11]]] });
    expect(() => checkFileJson({ T: 2, B: 3, X: 1, x: new Float32Array(6) }, new Float32Array(7), 0)).toThrow(/not a multiple/);
  });

  test('PyTorch classes where PyTorch has the cell', () => {
    const line = (cell: ModelSpec['cell'], omega = 0) =>
      pytorchScript({ ...defaultConfig(), cell, omega }, makeSpec({ cell, inputSize: 2, hiddenSize: 3, outputSize: 1 })).match(/def make_rnn\(\):\n.*\n {4}return (.*)/)![1];
    expect(line('rnn_tanh')).toBe('nn.RNN(INPUT_SIZE, HIDDEN, num_layers=LAYERS)');
    expect(line('rnn_relu')).toBe("nn.RNN(INPUT_SIZE, HIDDEN, num_layers=LAYERS, nonlinearity='relu')");
    expect(line('lstm')).toBe('nn.LSTM(INPUT_SIZE, HIDDEN, num_layers=LAYERS)');
    expect(line('gru')).toBe('nn.GRU(INPUT_SIZE, HIDDEN, num_layers=LAYERS)');
    expect(line('esn')).toBe('LeakyESN(INPUT_SIZE, HIDDEN)');
    expect(line('rnn_tanh', 0.3)).toBe('ElmanRNN(INPUT_SIZE, HIDDEN, LAYERS)'); // Ω needs every h_t
  });
});

describePython('generated script: the same random stream and batches', () => {
  test('Rng: uint32, uniform and normal draws equal the TypeScript ones', () => {
    const script = join(dir, 'rng.py');
    writeFileSync(script, pytorchScript(defaultConfig(), makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 2, outputSize: 1 })));
    const got = JSON.parse(python([HARNESS, 'rng', script, '12345', '300']));
    const [a, b, c] = [new Rng(12345), new Rng(12345), new Rng(12345)];
    expect(got.uint32).toEqual(Array.from({ length: 300 }, () => a.nextUint32()));
    const uniform = Array.from({ length: 300 }, () => b.uniform(-2, 3));
    got.uniform.forEach((v: number, i: number) => expect(v).toBe(uniform[i]));
    const normal = Array.from({ length: 300 }, () => c.normal());
    got.normal.forEach((v: number, i: number) => expect(Math.abs(v - normal[i])).toBeLessThan(1e-12)); // libm log/sin/cos may differ in the last bit
  });

  const csvPath = join(dir, 'prices.csv');
  const csvValues = Array.from({ length: 300 }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 5));
  writeFileSync(csvPath, 'date;close\n' + csvValues.map((v, i) => `2020-01-${i};${v.toFixed(3).replace('.', ',')}`).join('\n') + '\n');
  const corpusPath = join(__dirname, '..', '..', 'public', 'corpora', 'grammar.txt');

  const cases: { task: Config['task']; T: number; data?: string[]; tolerance: number }[] = [
    { task: 'adding', T: 12, tolerance: 0 },
    { task: 'copy', T: 5, tolerance: 0 },
    { task: 'temporal_order', T: 20, tolerance: 0 },
    { task: 'reber', T: 30, tolerance: 0 },
    { task: 'continual_reber', T: 12, tolerance: 0 }, // training batches continue the stream; validation has a warm-up
    { task: 'sine', T: 16, tolerance: 1e-6 }, // sin/exp/log of two libms
    { task: 'sines', T: 16, tolerance: 1e-6 },
    { task: 'mackey_glass', T: 16, tolerance: 1e-5 },
    { task: 'random_walk', T: 16, tolerance: 1e-6 },
    { task: 'csv', T: 16, data: [csvPath, 'close'], tolerance: 1e-6 },
    { task: 'char', T: 24, data: [corpusPath], tolerance: 0 },
  ];

  test('every task has a batch-equality case', () => {
    expect(cases.map((c) => c.task).sort()).toEqual([...TASKS].sort());
  });

  for (const { task, T, data, tolerance } of cases) {
    test(`${task}: train and validation batches equal the playground's`, () => {
      const config: Config = { ...defaultConfig(), task, T, corpus: 'grammar', seed: 7 };
      const taskData =
        task === 'csv' ? { series: { name: 'close', values: csvValues.map((v) => Number(v.toFixed(3))) } } : task === 'char' ? { text: readFileSync(corpusPath, 'utf8') } : {};
      const tsTask = createTask(config, taskData);
      const script = join(dir, `batches_${task}.py`);
      writeFileSync(script, pytorchScript(config, makeSpec({ cell: 'gru', inputSize: tsTask.inputSize, hiddenSize: 3, outputSize: tsTask.outputSize })));
      for (const split of ['train', 'val'] as const) {
        const got = JSON.parse(python([HARNESS, 'batches', script, split, '3', String(T), '99', '2', ...(data ?? [])]));
        const rng = new Rng(99);
        for (let n = 0; n < 2; n++) compareBatch(got[n], tsTask.batch(split, 3, T, rng), tolerance, `${task} ${split} #${n}`);
      }
    });
  }
});

describePython('generated script: safetensors in Python', () => {
  test('the script reads the playground\'s file and writes one the playground imports (round trip)', () => {
    const spec = makeSpec({ cell: 'lstm', variant: 'fgr', inputSize: 3, hiddenSize: 4, outputSize: 2, numLayers: 2 });
    const rng = new Rng(5);
    const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-1, 1));
    const script = join(dir, 'roundtrip.py');
    writeFileSync(script, pytorchScript({ ...defaultConfig(), cell: 'lstm', variant: 'fgr' }, spec));
    writeFileSync(join(dir, 'in.safetensors'), modelToSafetensors(spec, params, { step: '12' }));
    const report = JSON.parse(python([HARNESS, 'rewrite', script, join(dir, 'in.safetensors'), join(dir, 'out.safetensors')]));
    expect(report.metadata.step).toBe('12');
    expect(report.names).toEqual(paramLayout(spec).tensors.map((t) => t.name));
    const back = modelFromSafetensors(readFileSync(join(dir, 'out.safetensors')));
    expect(back.spec).toEqual(spec);
    expect(back.params).toEqual(params);
  });
});

describePython('generated script: the Trainer\'s streams', () => {
  test('validation batch and the training batches after step N are the ones the Trainer uses', () => {
    const config: Config = { ...defaultConfig(), task: 'temporal_order', T: 12, B: 3, seed: 42 };
    const task = createTask(config);
    const script = join(dir, 'streams.py');
    writeFileSync(script, pytorchScript(config, makeSpec({ cell: 'rnn_tanh', inputSize: 8, hiddenSize: 3, outputSize: 4 })));
    const got = JSON.parse(python([HARNESS, 'streams', script, '5', '2']));
    // As Trainer.initNow: Rng(seed) forked into init, data and validation streams; validation batch of 64.
    const root = new Rng(config.seed);
    root.fork();
    const data = root.fork();
    compareBatch(got.val, task.batch('val', DEFAULT_TRAINER_OPTIONS.valBatchSize, config.T, root.fork()), 0, 'validation batch');
    for (let i = 0; i < 5; i++) task.batch('train', config.B, config.T, data);
    compareBatch(got.train[0], task.batch('train', config.B, config.T, data), 0, 'batch of step 6');
    compareBatch(got.train[1], task.batch('train', config.B, config.T, data), 0, 'batch of step 7');
  });
});

/** A Python batch (nested lists) against a TypeScript one (flat typed arrays). */
function compareBatch(py: Record<string, unknown>, ts: Batch, tolerance: number, label: string): void {
  const { T, B, X } = ts;
  expect(py.T, label).toBe(T);
  expect(py.B, label).toBe(B);
  expect(py.loss, label).toBe(ts.loss);
  expect(py.loss_steps, label).toBe(ts.lossSteps);
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  const close = (a: number[], b: ArrayLike<number>, what: string) => {
    expect(a.length, `${label} ${what} length`).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst, `${label} ${what}`).toBeLessThanOrEqual(tolerance === 0 ? 0 : tolerance);
  };
  close(flat(py.x), ts.x, 'x');
  expect(flat(py.x).length).toBe(T * B * X);
  if (ts.y) close(flat(py.y), ts.y, 'y');
  else expect(py.y).toBeNull();
  if (ts.labels) close(flat(py.labels), ts.labels, 'labels');
  if (ts.mask) close(flat(py.mask), ts.mask, 'mask');
  else expect(py.mask, `${label} mask`).toBeNull();
}

describePython('generated script: the forward equals the CPU engine', () => {
  for (const { cell, variant } of allModels()) {
    test(`${cell}${cell === 'lstm' ? ` ${variant}` : ''}: pure-Python forward from model.safetensors within 1e-4`, async () => {
      const spec = makeSpec({
        cell,
        variant,
        inputSize: 3,
        hiddenSize: 4,
        outputSize: 2,
        numLayers: cell === 'esn' ? 1 : 2,
        esn: { spectralRadius: 0.9, leak: 0.6, inputScale: 1 },
      });
      const rng = new Rng(cell.length * 31 + variant.length);
      const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-0.6, 0.6));
      const engine = new CpuEngine();
      await engine.init(spec, params);
      const T = 6;
      const B = 2;
      const x = new Float32Array(T * B * 3).map(() => rng.uniform(-1, 1)); // (T, B, X)
      const { outputs } = await engine.forward({ T, B, X: 3, x, loss: 'mse', lossSteps: 'all', y: new Float32Array(T * B * 2) });
      const name = `${cell}_${variant}`;
      writeFileSync(join(dir, `${name}.safetensors`), modelToSafetensors(spec, params));
      writeFileSync(join(dir, `${name}.json`), checkFileJson({ T, B, X: 3, x }, outputs, 0));
      const script = join(dir, `forward_${name}.py`);
      writeFileSync(script, pytorchScript({ ...defaultConfig(), cell, variant }, spec, { pureForward: true }));
      const report = JSON.parse(python([script, '--pure-check', join(dir, `${name}.json`), '--weights', join(dir, `${name}.safetensors`)]));
      expect(report.max_abs_diff).toBeLessThan(1e-4);
      // and the check is sharp: a changed weight is noticed
      const bent = Float32Array.from(params);
      bent[paramLayout(spec).size - 1] += 0.05; // head.bias[Y − 1]: every output of that class moves by 0.05
      writeFileSync(join(dir, `${name}_bent.safetensors`), modelToSafetensors(spec, bent));
      let failed = false;
      try {
        python([script, '--pure-check', join(dir, `${name}.json`), '--weights', join(dir, `${name}_bent.safetensors`)]);
      } catch {
        failed = true; // exit status 1: outputs differ by more than the tolerance
      }
      expect(failed).toBe(true);
      engine.dispose();
    });
  }
});
