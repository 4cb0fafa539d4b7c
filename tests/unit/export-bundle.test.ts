// "Download run (.zip)": the archive holds exactly the files the script needs under the names it reads
// (core/export/bundle.ts, ui/export/runZip.ts), and — where torch is installed — `python3 train.py` runs in the
// unzipped folder with no edits, while a weights file of another size ends it with one line, not a traceback.
// The check file is computed from the current weights by the worker's own forward reply (src/train/replies.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { csvFileText, runBundleFiles, type RunBundleInput } from '../../src/core/export/bundle';
import { exportMetadata } from '../../src/core/export/importModel';
import { CHECK_SEQUENCES, checkFileFromModel, sequenceOf, stackSequences } from '../../src/core/export/pytorch';
import { specFromConfig } from '../../src/core/modelConfig';
import { modelToSafetensors } from '../../src/core/safetensors';
import { paramLayout } from '../../src/core/spec';
import { createTask, csvColumn, parseCsv } from '../../src/core/tasks';
import type { TaskData } from '../../src/core/tasks/task';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { forwardReply } from '../../src/train/replies';
import { Trainer } from '../../src/train/trainer';
import { runZip, zipFiles } from '../../src/ui/export/runZip';
import { requireTorchInCi, skipWithoutTorch, TORCH_PYTHON } from '../python/torchPython';

const CORPUS = readFileSync(join(__dirname, '..', '..', 'public', 'corpora', 'code.txt'), 'utf8');
const LINK = 'https://example.org/rnnlab/?v=1';

/** A CSV column of 300 values with a name that needs quoting. */
function csvSeries(): NonNullable<TaskData['series']> {
  const values = Array.from({ length: 300 }, (_, i) => Math.sin(i / 7) + 0.001 * i);
  return { name: 'level, "metres"', values };
}

interface Run {
  label: string;
  config: Config;
  data: TaskData;
  dataFile: string | null;
}

const RUNS: Run[] = [
  { label: 'a generated task (adding)', config: { ...defaultConfig(), task: 'adding', cell: 'lstm', T: 6, B: 3, H: 5, seed: 3 }, data: {}, dataFile: null },
  { label: 'a char task (the shipped code corpus)', config: { ...defaultConfig(), task: 'char', corpus: 'code', cell: 'gru', T: 8, B: 2, H: 6, seed: 4 }, data: { text: CORPUS }, dataFile: 'code.txt' },
  { label: 'a char task (the user\'s text)', config: { ...defaultConfig(), task: 'char', corpus: 'user', cell: 'rnn_tanh', T: 8, B: 2, H: 6, seed: 5 }, data: { text: 'the user text, line one\r\nline two\r\n'.repeat(20) }, dataFile: 'corpus.txt' },
  { label: 'a csv task', config: { ...defaultConfig(), task: 'csv', cell: 'lstm', T: 10, B: 4, H: 4, seed: 6 }, data: { series: csvSeries() }, dataFile: 'data.csv' },
];

/** The bundle's input for a run at step 0 (initial weights from the CPU engine's initialiser). */
async function bundleInput(run: Run, check: string | null): Promise<RunBundleInput> {
  const task = createTask(run.config, run.data);
  const trainer = await Trainer.create(new CpuEngine(), run.config, task, { valBatchSize: 4, valEvery: 1000 });
  const weights = await trainer.exportSafetensors(exportMetadata(run.config, 0));
  trainer.dispose();
  return { config: run.config, spec: specFromConfig(run.config, task), step: 0, weights, link: LINK, data: run.data, check, valBatchSize: 4 };
}

describe('the run archive', () => {
  for (const run of RUNS) {
    test(`${run.label}: exactly the files the script reads, under its names`, async () => {
      const input = await bundleInput(run, '{"step": 0, "x": [], "outputs": []}');
      const files = unzipSync(runZip(input));
      const expected = ['README.txt', 'train.py', 'model.safetensors', ...(run.dataFile ? [run.dataFile] : []), 'check.json', 'config.txt'];
      expect(Object.keys(files).sort()).toEqual([...expected].sort());
      expect(files['model.safetensors']).toEqual(input.weights);
      const script = strFromU8(files['train.py']);
      expect(script).toContain(run.dataFile ? `DATA_FILE = "${run.dataFile}"` : 'DATA_FILE = None');
      expect(script).toContain("parser.add_argument('--weights', default='model.safetensors'");
      expect(script).toContain('python3 train.py --check check.json');
      const readme = strFromU8(files['README.txt']);
      expect(readme).toContain('python3 train.py ');
      expect(readme).toContain('python3 train.py --check check.json');
      expect(readme).toContain('pip install torch');
      expect(strFromU8(files['config.txt'])).toContain(LINK);
      if (run.config.task === 'char') expect(strFromU8(files[run.dataFile!])).toBe(run.data.text);
    });
  }

  test('without a check file, neither the archive nor its README mentions one', async () => {
    const files = unzipSync(runZip(await bundleInput(RUNS[0], null)));
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'config.txt', 'model.safetensors', 'train.py']);
    expect(strFromU8(files['README.txt'])).not.toContain('check.json');
  });

  test('the CSV file reads back to the same column, name and values (quoted, full precision)', () => {
    const series = csvSeries();
    // the page's own parser here; the script's reader in the PyTorch runs below
    expect(Array.from(csvColumn(parseCsv(csvFileText(series)), series.name))).toEqual(series.values);
  });

  test('a char or csv run whose data is not loaded says so', async () => {
    const input = await bundleInput(RUNS[1], null);
    expect(() => runBundleFiles({ ...input, data: {} })).toThrow(/text the run trained on is not loaded/);
    const csv = await bundleInput(RUNS[3], null);
    expect(() => runBundleFiles({ ...csv, data: {} })).toThrow(/CSV column the run trained on is not loaded/);
  });

  test('zip entries are unique', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(() => zipFiles([{ name: 'a', bytes }, { name: 'a', bytes }])).toThrow(/two files named a/);
  });

  test('sequences of a time-major batch come apart and back together', () => {
    const T = 3, B = 5, n = 2;
    const x = Float32Array.from({ length: T * B * n }, (_, i) => i);
    const rows = Array.from({ length: B }, (_, b) => sequenceOf(x, T, B, b));
    expect(Array.from(rows[1])).toEqual([2, 3, 12, 13, 22, 23]);
    expect(stackSequences(rows, T)).toEqual(x);
  });
});

const skip = skipWithoutTorch('export-bundle');

describe.skipIf(skip)('the run archive in PyTorch', () => {
  test('PyTorch is there (in CI it must be)', () => requireTorchInCi());

  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Trains a few steps on the CPU engine, takes check.json as the page does, zips, unzips into a fresh folder. */
  async function unzippedRun(run: Run, name: string): Promise<string> {
    const task = createTask(run.config, run.data);
    const trainer = await Trainer.create(new CpuEngine(), run.config, task, { valBatchSize: 4, valEvery: 1000 });
    for (let i = 0; i < 3; i++) await trainer.stepOnce();
    const weights = await trainer.exportSafetensors(exportMetadata(run.config, trainer.step));
    const { batch } = await trainer.snapshot();
    const forward = async (x: Float32Array, T: number) => {
      const { message } = await forwardReply(trainer, 1, x, T);
      if (message.type !== 'forwardResult' || !message.outputs) throw new Error('no forward result');
      return message.outputs;
    };
    const check = await checkFileFromModel(batch, trainer.step, forward);
    expect((JSON.parse(check) as { x: unknown[][] }).x[0]).toHaveLength(Math.min(CHECK_SEQUENCES, batch.B));
    const zip = runZip({ config: run.config, spec: specFromConfig(run.config, task), step: trainer.step, weights, link: LINK, data: run.data, check, valBatchSize: 4 });
    trainer.dispose();
    const folder = join(dir, name);
    mkdirSync(folder);
    for (const [file, bytes] of Object.entries(unzipSync(zip))) writeFileSync(join(folder, file), bytes);
    return folder;
  }

  const python = (folder: string, args: string[]) => spawnSync(TORCH_PYTHON, ['train.py', ...args], { cwd: folder, encoding: 'utf8', timeout: 120_000 });

  for (const [i, run] of RUNS.entries()) {
    test(`${run.label}: python3 train.py --steps 3 runs in the unzipped folder; --check and --pure-check agree`, async () => {
      const folder = await unzippedRun(run, `run${i}`);
      const train = python(folder, ['--steps', '3']);
      expect(train.status, train.stderr).toBe(0);
      expect(train.stdout).toContain('loaded model.safetensors (trained for 3 steps)');
      expect(train.stdout).toContain('saved model_trained.safetensors');
      for (const option of ['--check', '--pure-check']) {
        const check = python(folder, [option, 'check.json']);
        expect(check.status, `${option}: ${check.stdout}${check.stderr}`).toBe(0);
        expect(JSON.parse(check.stdout.trim().split('\n').pop()!).max_abs_diff).toBeLessThan(1e-4);
      }
    });
  }

  test('a model.safetensors of another size: one line on stderr naming the mismatch, exit 1, no traceback', async () => {
    const run = RUNS[0];
    const folder = await unzippedRun(run, 'mismatch');
    const other: Config = { ...run.config, H: run.config.H + 3 };
    const spec = specFromConfig(other, createTask(other, {}));
    writeFileSync(join(folder, 'model.safetensors'), modelToSafetensors(spec, new Float32Array(paramLayout(spec).size), exportMetadata(other, 7)));
    for (const args of [['--steps', '3'], ['--pure-check', 'check.json']]) {
      const result = python(folder, args);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr).not.toContain('Traceback');
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^model\.safetensors does not fit this script's model: /);
      expect(lines[0]).toContain(`H=${other.H}`);
      const X = spec.inputSize;
      expect(lines[0]).toContain(`rnn.weight_ih_l0 is (${4 * other.H}, ${X}) in the file, (${4 * run.config.H}, ${X}) here`);
    }
    writeFileSync(join(folder, 'model.safetensors'), 'not a weights file');
    const garbage = python(folder, ['--steps', '0']);
    expect(garbage.status).toBe(1);
    expect(garbage.stderr.trim().split('\n')).toHaveLength(1);
    expect(garbage.stderr).toMatch(/^model\.safetensors is not a safetensors file of F32 tensors/);
  });
});
