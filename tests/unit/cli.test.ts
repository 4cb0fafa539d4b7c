// The real `rnnlab` command, spawned as a user would: grad against the CPU engine called directly, train end to
// end, and every error path (exit status 2, one line on stderr, no stack trace).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../src/core/batch';
import { initParams } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { modelFromSafetensors, modelToSafetensors, writeSafetensors } from '../../src/core/safetensors';
import { makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { nodeGpu } from '../../src/engine/webgpu/nodeGpu';

/** Whether Node's WebGPU (Dawn) finds an adapter here: SwiftShader in CI, none on a machine without Vulkan. */
const nodeHasAdapter = await nodeGpu().then((gpu) => gpu.requestAdapter()).then((adapter) => adapter !== null, () => false);

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'rnnlab.mjs');
let dir: string;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function rnnlab(args: string[], via: 'node' | 'npx' = 'node'): Promise<Result> {
  const [cmd, argv] = via === 'node' ? [process.execPath, [BIN, ...args]] : ['npx', ['--no-install', 'rnnlab', ...args]];
  return new Promise((done, fail) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, RNNLAB_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Nested [T][B][D] arrays from a flat (T, B, D) array, and back. */
function nest(flat: ArrayLike<number>, T: number, B: number, D: number): number[][][] {
  return Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from({ length: D }, (_, d) => flat[(t * B + b) * D + d])));
}

function randomCase(spec: ModelSpec, T: number, B: number, loss: 'mse' | 'xent', lossSteps: 'all' | 'last', seed: number) {
  const rng = new Rng(seed);
  const params = initParams(spec, { init: 'pytorch', wrec: 0 }, rng);
  const X = spec.inputSize;
  const Y = spec.outputSize;
  const x = new Float32Array(T * B * X).map(() => rng.uniform(-1, 1));
  const json: Record<string, unknown> = { loss, lossSteps, x: nest(x, T, B, X) };
  const batch: Batch = { T, B, X, x, loss, lossSteps };
  if (loss === 'mse') {
    batch.y = new Float32Array(T * B * Y).map(() => rng.uniform(-1, 1));
    json.y = nest(batch.y, T, B, Y);
  } else {
    batch.labels = new Int32Array(T * B).map(() => rng.int(Y));
    json.labels = Array.from({ length: T }, (_, t) => Array.from(batch.labels!.subarray(t * B, (t + 1) * B)));
  }
  return { params, batch, json };
}

async function direct(spec: ModelSpec, params: Float32Array, batch: Batch) {
  const engine = new CpuEngine();
  await engine.init(spec, params);
  const r = await engine.step(
    batch,
    {
      optimizer: { kind: 'sgd', lr: 0, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
      clip: { mode: 'none', threshold: 1 },
      penalty: { l2: 0, omega: 0 },
      bptt: { mode: 'full' },
      carryState: false,
      update: false,
    },
    true,
  );
  engine.dispose();
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rnnlab-cli-'));
  await rnnlab(['--help']); // builds the bundle once, before the parallel runs below
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('rnnlab grad', () => {
  const cases: [string, ModelSpec, 'mse' | 'xent', 'all' | 'last'][] = [
    ['rnn_tanh, mse on all steps', makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 5, outputSize: 3 }), 'mse', 'all'],
    ['2-layer LSTM, xent on the last step', makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 5, numLayers: 2 }), 'xent', 'last'],
    ['GRU, xent on all steps', makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 4 }), 'xent', 'all'],
    ['peephole LSTM (vanilla), mse on the last step', makeSpec({ cell: 'lstm', variant: 'vanilla', inputSize: 2, hiddenSize: 3, outputSize: 1 }), 'mse', 'last'],
  ];
  cases.forEach(([label, spec, loss, lossSteps], i) => {
    it(`matches the CPU engine called directly: ${label}`, async () => {
      const T = 7;
      const B = 3;
      const { params, batch, json } = randomCase(spec, T, B, loss, lossSteps, 10 + i);
      const model = file(`grad${i}.safetensors`, modelToSafetensors(spec, params));
      const batchPath = file(`grad${i}.json`, JSON.stringify(json));
      const res = await rnnlab(['grad', '--model', model, '--batch', batchPath]);
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      expect(res.stdout.trim().split('\n')).toHaveLength(1);
      const out = JSON.parse(res.stdout);
      const ref = await direct(spec, params, batch);
      expect(out.loss).toBe(ref.loss);
      const layout = paramLayout(spec);
      expect(Object.keys(out.grads)).toEqual(layout.tensors.map((t) => t.name));
      for (const t of layout.tensors) expect(out.grads[t.name]).toEqual(Array.from(ref.grads!.subarray(t.offset, t.offset + t.size)));
      expect(out.dhNorm).toEqual(Array.from(ref.dhNorm[spec.numLayers - 1]));
      expect(out.dhNorm).toHaveLength(T);
      if (spec.cell === 'lstm') expect(out.dcNorm).toEqual(Array.from(ref.dcNorm![spec.numLayers - 1]));
      else expect(out.dcNorm).toBeUndefined();
    });
  });

  it('is found by `npx --no-install rnnlab` from the repository root', async () => {
    const spec = makeSpec({ cell: 'rnn_relu', inputSize: 1, hiddenSize: 2, outputSize: 1 });
    const { params, json } = randomCase(spec, 3, 2, 'mse', 'all', 3);
    const res = await rnnlab(['grad', '--model', file('npx.safetensors', modelToSafetensors(spec, params)), '--batch', file('npx.json', JSON.stringify(json))], 'npx');
    expect(res.status).toBe(0);
    expect(Object.keys(JSON.parse(res.stdout).grads)).toContain('rnn.weight_hh_l0');
  });

  it.skipIf(!nodeHasAdapter)('--engine webgpu agrees with the CPU engine (skips where Node has no WebGPU adapter)', async () => {
    const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 4, outputSize: 3, numLayers: 2 });
    const { params, json } = randomCase(spec, 5, 2, 'xent', 'all', 6);
    const args = ['grad', '--model', file('gpu.safetensors', modelToSafetensors(spec, params)), '--batch', file('gpu.json', JSON.stringify(json))];
    const [gpu, cpu] = await Promise.all([rnnlab([...args, '--engine', 'webgpu']), rnnlab(args)]);
    expect(gpu.status, gpu.stderr).toBe(0);
    const a = JSON.parse(gpu.stdout);
    const b = JSON.parse(cpu.stdout);
    const relative = (x: number[], y: number[]) => Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / y.reduce((s, v) => s + v * v, 0));
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-5);
    for (const name of Object.keys(b.grads)) expect(relative(a.grads[name], b.grads[name])).toBeLessThan(1e-4);
    expect(relative(a.dhNorm, b.dhNorm)).toBeLessThan(1e-4);
    expect(relative(a.dcNorm, b.dcNorm)).toBeLessThan(1e-4);
  });

  it('accepts PyTorch-style metadata (cell "LSTM", no numLayers)', async () => {
    const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 3, outputSize: 2 });
    const { params, json } = randomCase(spec, 4, 2, 'mse', 'all', 4);
    const layout = paramLayout(spec);
    const bytes = writeSafetensors(
      layout.tensors.map((t) => ({ name: t.name, shape: t.shape, data: params.subarray(t.offset, t.offset + t.size) })),
      { cell: 'LSTM', inputSize: '2', hiddenSize: '3', outputSize: '2' },
    );
    const res = await rnnlab(['grad', '--model', file('torch.safetensors', bytes), '--batch', file('torch.json', JSON.stringify(json))]);
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).dcNorm).toHaveLength(4);
  });
});

describe.concurrent('rnnlab errors: exit 2 and one line naming the problem', () => {
  const spec = makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 3, outputSize: 1 });
  let model = '';
  let good: Record<string, unknown> = {};
  beforeAll(() => {
    const c = randomCase(spec, 3, 2, 'mse', 'all', 5);
    model = file('err.safetensors', modelToSafetensors(spec, c.params));
    good = c.json;
  });
  /** A copy of the good batch, changed by `patch`, written to `name`. */
  const withBatch = (name: string, patch: (b: Record<string, unknown>) => void) => () => {
    const b = structuredClone(good);
    patch(b);
    return ['grad', '--model', model, '--batch', file(name, JSON.stringify(b))];
  };
  const withText = (name: string, text: () => string) => () => ['grad', '--model', model, '--batch', file(name, text())];
  const cases: [string, () => string[], RegExp][] = [
    ['no command', () => [], /rnnlab — /], // usage on stdout, status 2
    ['unknown command', () => ['frobnicate'], /^rnnlab: unknown command "frobnicate"/],
    ['unknown flag', () => ['grad', '--modle', 'x'], /^rnnlab: grad: unknown flag --modle/],
    ['missing --batch', () => ['grad', '--model', model], /--batch is required/],
    ['flag without value', () => ['grad', '--model'], /--model needs a value/],
    ['bad --engine', () => ['grad', '--model', model, '--batch', 'b', '--engine', 'tpu'], /--engine must be cpu or webgpu/],
    ['missing model file', () => ['grad', '--model', join(dir, 'nope.safetensors'), '--batch', 'b.json'], /cannot read model file ".*nope.safetensors": no such file/],
    ['model is a directory', () => ['grad', '--model', dir, '--batch', 'b.json'], /is a directory/],
    ['truncated model', () => ['grad', '--model', file('trunc.safetensors', readFileSync(model).subarray(0, 40)), '--batch', 'b.json'], /model file .*: safetensors: /],
    [
      'unknown cell',
      () => [
        'grad',
        '--model',
        file('cell.safetensors', writeSafetensors([{ name: 'head.bias', shape: [1], data: new Float32Array(1) }], { cell: 'mamba', inputSize: '1', hiddenSize: '1', outputSize: '1' })),
        '--batch',
        'b.json',
      ],
      /unknown cell "mamba"/,
    ],
    ['missing batch file', () => ['grad', '--model', model, '--batch', join(dir, 'none.json')], /cannot read batch file/],
    ['malformed JSON', withText('bad1.json', () => '{"loss": "mse", "x": [[[1, 2]'), /batch file is not valid JSON/],
    ['unknown loss', withBatch('bad2.json', (b) => void (b.loss = 'hinge')), /batch "loss" must be "mse" or "xent", got the string "hinge"/],
    ['bad lossSteps', withBatch('bad3.json', (b) => void (b.lossSteps = 'first')), /"lossSteps" must be "all" or "last"/],
    ['ragged x', withBatch('bad4.json', (b) => void (b.x as number[][][])[1].pop()), /x\[1\] has 1 entries, expected B = 2 rows/],
    ['wrong input size', withBatch('bad5.json', (b) => void (b.x as number[][][])[0][0].push(1)), /x\[0\]\[0\] has 3 entries, expected 2 numbers \(the model's inputSize\)/],
    ['NaN as a string', withBatch('bad6.json', (b) => void ((b.x as unknown[][][])[2][1][0] = 'NaN')), /x\[2\]\[1\]\[0\] is the string "NaN", expected a finite number/],
    ['null in targets', withBatch('bad7.json', (b) => void ((b.y as unknown[][][])[0][0][0] = null)), /y\[0\]\[0\]\[0\] is null/],
    ['overflowing number', withText('bad8.json', () => JSON.stringify(good).replace(/"x":\[\[\[[^,]+/, '"x":[[[1e999')), /x\[0\]\[0\]\[0\] is Infinity/],
    ['missing y', withBatch('bad9.json', (b) => void delete b.y), /mse batch has no "y"/],
    ['wrong T in y', withBatch('bad10.json', (b) => void (b.y as unknown[]).pop()), /y has 2 entries, expected T = 3 steps/],
    ['label out of range', withBatch('bad11.json', (b) => { b.loss = 'xent'; b.labels = [[0, 0], [0, 1], [0, 0]]; }), /labels\[1\]\[1\] = 1 is not a class index in 0..0/],
    ['empty x', withBatch('bad12.json', (b) => void (b.x = [])), /"x" is empty/],
    ['train without --config', () => ['train', '--steps', '2'], /--config is required/],
    ['train with bad --steps', () => ['train', '--config', 'task=adding', '--steps', 'many'], /--steps must be a whole number/],
    ['train csv without data', () => ['train', '--config', 'task=csv', '--steps', '2'], /task=csv needs --data/],
    ['lessons: unknown lesson', () => ['lessons', '--only', 'rnn,quantum'], /^rnnlab: lessons: unknown lesson "quantum" \(lessons: rnn, vanishing, /],
    ['lessons: bad --seeds', () => ['lessons', '--seeds', 'many'], /lessons: --seeds takes "1-10" or "1,2,5", got "many"/],
    ['lessons: empty range', () => ['lessons', '--seeds', '5-1'], /lessons: --seeds takes/],
  ];
  for (const [label, argsOf, message] of cases) {
    it(label, async () => {
      const res = await rnnlab(argsOf());
      expect(res.status).toBe(2);
      if (label === 'no command') {
        expect(res.stdout).toMatch(message);
        return;
      }
      const lines = res.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^rnnlab: /);
      expect(lines[0]).toMatch(message);
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(res.stdout).toBe('');
    });
  }

  it('prints help with status 0', async () => {
    for (const args of [['--help'], ['grad', '--help'], ['train', '--help']]) {
      const res = await rnnlab(args);
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/rnnlab (grad|train)/);
    }
  });
});

describe('rnnlab train', () => {
  it('streams one JSON line per step and writes the weights and the config', async () => {
    const out = join(dir, 'run');
    const res = await rnnlab(['train', '--config', 'https://example.org/rnnlab/?task=adding&T=6&H=8&B=4&cell=gru&bogus=1', '--steps', '12', '--out', out]);
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    expect(lines.map((l) => l.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(lines[9].valLoss).toBeGreaterThan(0);
    expect(lines[9].metricName).toBeTruthy();
    expect(lines[0].dhNorm).toHaveLength(6);
    expect(lines[0].sigmaMax).toHaveLength(1);
    expect(res.stderr).toMatch(/notice: unknown setting "bogus" ignored/);
    expect(res.stderr).toMatch(/wrote .*model.safetensors/);
    const saved = modelFromSafetensors(readFileSync(join(out, 'model.safetensors')));
    expect(saved.spec).toMatchObject({ cell: 'gru', hiddenSize: 8, inputSize: 2, outputSize: 1 });
    expect(saved.metadata.step).toBe('12');
    expect(readFileSync(join(out, 'config.txt'), 'utf8')).toMatch(/task=adding|T=6/);
    expect(existsSync(join(out, 'config.txt'))).toBe(true);
  });

  it('gives the same metrics for the same link (bitwise, CPU engine)', async () => {
    const args = ['train', '--config', 'task=temporal_order&T=8&H=6&B=4&cell=lstm&seed=7', '--steps', '4', '--out', join(dir, 'rep')];
    const [a, b] = await Promise.all([rnnlab(args), rnnlab(args)]);
    const strip = (s: string) => s.trim().split('\n').map((l) => ({ ...JSON.parse(l), ms: 0 }));
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
  });
});
