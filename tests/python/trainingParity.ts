// Training parity, shared by tests/unit/torch-training.test.ts (CPU engine against the float64 script) and
// tests/gpu/torch-training.test.ts (WebGPU engine against the float32 script): N steps of the real training path
// (the Trainer, as `rnnlab train` and the page drive it) against the exported PyTorch script's own train_step /
// train_step_truncated for the same N steps (tests/python/torch_check.py "train"), compared step by step — loss,
// gradient norm — and on the final weights.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeConfig, type Config } from '../../src/core/config';
import { pytorchScript } from '../../src/core/export/pytorch';
import { paramLayout } from '../../src/core/spec';
import { createTask } from '../../src/core/tasks';
import type { Engine } from '../../src/engine/engine';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { specFromConfig } from '../../src/core/modelConfig';
import { Trainer } from '../../src/train/trainer';
import { expect } from 'vitest';
import { TORCH_PYTHON } from './torchPython';

const CHECK = join(__dirname, 'torch_check.py');
const VAL_BATCH = 4;

export interface ParityCase {
  name: string;
  /** The run, as a playground link's query. */
  query: string;
  steps: number;
}

const base = 'B=3&H=5&seed=11';
/** Every optimiser, clipping mode, L2, Ω, TBPTT k2 < k1, k2 = k1 with loss-free chunks, k2 > k1, stacked layers, ESN, gate-bias inits, a continual stream. */
export const PARITY_CASES: ParityCase[] = [
  { name: 'sgd, rnn_tanh, adding', query: `${base}&task=adding&T=8&cell=rnn_tanh&opt=sgd&lr=0.1`, steps: 15 },
  { name: 'momentum, gru, sine', query: `${base}&task=sine&T=10&cell=gru&opt=momentum&lr=0.05`, steps: 15 },
  { name: 'rmsprop, lstm, temporal order', query: `${base}&task=temporal_order&T=10&cell=lstm&opt=rmsprop&lr=0.003`, steps: 15 },
  { name: 'adam, lstm, clip by norm', query: `${base}&task=adding&T=8&cell=lstm&opt=adam&lr=0.01&clip=norm&clipAt=0.05`, steps: 15 },
  { name: 'adam, rnn_relu, clip by value', query: `${base}&task=sine&T=8&cell=rnn_relu&init=identity&wrec=0.9&opt=adam&lr=0.01&clip=value&clipAt=0.02`, steps: 15 },
  { name: 'adam, gru, L2', query: `${base}&task=random_walk&T=8&cell=gru&opt=adam&lr=0.01&l2=0.05`, steps: 15 },
  { name: 'sgd, rnn_tanh, Ω', query: `${base}&task=temporal_order&T=10&cell=rnn_tanh&opt=sgd&lr=0.1&omega=0.5`, steps: 15 },
  { name: 'TBPTT k2 < k1 (k1=4, k2=3), gru, rmsprop', query: `${base}&task=reber&T=12&cell=gru&opt=rmsprop&bptt=truncated&k1=4&k2=3`, steps: 12 },
  { name: 'TBPTT k2 = k1 = 5, loss-free chunks: the adding repro (lstm, adam)', query: 'task=adding&T=20&cell=lstm&H=8&seed=8&bptt=truncated&k1=5&k2=5', steps: 25 },
  { name: 'TBPTT k2 = k1 = 5, loss-free chunks: gru, momentum', query: 'task=adding&T=20&cell=gru&H=8&seed=8&bptt=truncated&k1=5&k2=5&opt=momentum&lr=0.02', steps: 25 },
  { name: 'TBPTT k2 > k1 (k1=3, k2=7), lstm, adam', query: `${base}&task=sine&T=12&cell=lstm&bptt=truncated&k1=3&k2=7&lr=0.01`, steps: 12 },
  { name: 'TBPTT k2 > k1 (k1=2, k2=5), rnn_tanh, Ω, L2', query: `${base}&task=sine&T=9&cell=rnn_tanh&bptt=truncated&k1=2&k2=5&omega=0.3&l2=0.01&opt=momentum&lr=0.02`, steps: 12 },
  { name: '3 stacked LSTM layers', query: `${base}&task=adding&T=8&cell=lstm&layers=3&lr=0.01`, steps: 12 },
  { name: '2 stacked rnn_relu layers, rmsprop', query: `${base}&task=sine&T=8&cell=rnn_relu&layers=2&opt=rmsprop&lr=0.002`, steps: 12 },
  { name: 'ESN, adam (the readout learns)', query: `${base}&task=sine&T=10&cell=esn&rho=0.95&leak=0.7&lr=0.01`, steps: 15 },
  { name: 'LSTM peepholes (vanilla), momentum', query: `${base}&task=adding&T=8&cell=lstm&variant=vanilla&opt=momentum&lr=0.05`, steps: 12 },
  { name: 'LSTM FGR, adam, clip by norm', query: `${base}&task=sine&T=8&cell=lstm&variant=fgr&lr=0.01&clip=norm&clipAt=0.1`, steps: 12 },
  { name: 'LSTM bias=forget1 (init=pytorch)', query: `${base}&task=adding&T=10&cell=lstm&init=pytorch&bias=forget1&lr=0.01`, steps: 15 },
  { name: 'LSTM bias=chrono (T_max = T = 12)', query: `${base}&task=adding&T=12&cell=lstm&bias=chrono&lr=0.01`, steps: 15 },
  { name: 'CIFG bias=chrono, 2 layers', query: `${base}&task=sine&T=10&cell=lstm&variant=cifg&layers=2&bias=chrono&opt=rmsprop&lr=0.003`, steps: 12 },
  // a continual stream: the state is carried from batch to batch (the Greff lesson's task and optimiser)
  { name: 'continual Reber, NFG, adam, clip by norm: the state carried', query: `${base}&task=continual_reber&T=10&cell=lstm&variant=nfg&lr=0.01&clip=norm&clipAt=1`, steps: 12 },
  { name: 'continual Reber, TBPTT k2 > k1 (k1=3, k2=5), gru: the state carried', query: `${base}&task=continual_reber&T=10&cell=gru&bptt=truncated&k1=3&k2=5&lr=0.01`, steps: 10 },
];

export interface ParityResult {
  name: string;
  /** Largest |Δ| / max(1, |torch|) over the steps' losses, gradient norms, and over the final weights. */
  loss: number;
  gradNorm: number;
  weights: number;
  /** How far training moved the weights (so the comparison is about something). */
  moved: number;
  updates: number[];
}

/**
 * Runs each case through the Trainer on a fresh engine (`makeEngine`) and through the exported script in `dtype`,
 * and measures the differences. Files go to `dir`.
 */
export async function trainingParity(cases: ParityCase[], makeEngine: () => Engine, dtype: 'float32' | 'float64', dir: string): Promise<ParityResult[]> {
  const jobs: object[] = [];
  const ours: { config: Config; losses: number[]; gradNorms: number[]; updates: number[]; before: Float32Array; after: ArrayLike<number>; spec: ReturnType<typeof specFromConfig> }[] = [];
  for (const c of cases) {
    const { config, notices } = decodeConfig(c.query);
    if (notices.length) throw new Error(`${c.name}: ${notices.join('; ')}`);
    const task = createTask(config);
    const engine = makeEngine();
    const trainer = await Trainer.create(engine, config, task, { valBatchSize: VAL_BATCH, valEvery: 1_000_000 });
    const slug = c.name.replace(/\W+/g, '_');
    const weights = join(dir, `${slug}.safetensors`);
    writeFileSync(weights, await trainer.exportSafetensors());
    const before = await trainer.engine.readParams();
    const script = join(dir, `${slug}.py`);
    writeFileSync(script, pytorchScript(config, trainer.spec, { valBatchSize: VAL_BATCH }));
    const losses: number[] = [];
    const gradNorms: number[] = [];
    const updates: number[] = [];
    for (let s = 0; s < c.steps; s++) {
      const frame = await trainer.stepOnce();
      if (frame.diverged) throw new Error(`${c.name}: the Trainer stopped at step ${frame.step}: ${frame.message}`);
      losses.push(frame.loss);
      gradNorms.push(frame.gradNorm);
      updates.push(frame.updates);
    }
    const after = trainer.engine instanceof CpuEngine ? trainer.engine.readParams64() : await trainer.engine.readParams();
    ours.push({ config, losses, gradNorms, updates, before, after, spec: trainer.spec });
    trainer.dispose();
    jobs.push({ kind: 'train', script, weights, steps: c.steps, dtype });
  }
  const file = join(dir, `train-jobs-${dtype}.json`);
  writeFileSync(file, JSON.stringify(jobs));
  const answers = JSON.parse(execFileSync(TORCH_PYTHON, [CHECK, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as {
    losses: number[];
    grad_norms: number[];
    params: Record<string, number[]>;
  }[];
  return cases.map((c, i) => {
    const o = ours[i];
    const a = answers[i];
    const rel = (x: number, y: number) => Math.abs(x - y) / Math.max(1, Math.abs(y));
    let loss = 0;
    let gradNorm = 0;
    for (let s = 0; s < c.steps; s++) {
      loss = Math.max(loss, rel(o.losses[s], a.losses[s]));
      gradNorm = Math.max(gradNorm, rel(o.gradNorms[s], a.grad_norms[s]));
    }
    let weights = 0;
    let moved = 0;
    for (const t of paramLayout(o.spec).tensors) {
      const theirs = a.params[t.name];
      if (!theirs || theirs.length !== t.size) throw new Error(`${c.name}: the script has no tensor ${t.name} of ${t.size} numbers`);
      for (let k = 0; k < t.size; k++) {
        weights = Math.max(weights, rel(o.after[t.offset + k], theirs[k]));
        moved = Math.max(moved, Math.abs(o.after[t.offset + k] - o.before[t.offset + k]));
      }
    }
    return { name: c.name, loss, gradNorm, weights, moved, updates: o.updates };
  });
}

/**
 * Asserts every run's loss, gradient norm and final weights agree within `tol` (and that training moved the
 * weights at all), and that the adding repro made one update per step; prints the worst over all runs.
 */
export function expectParity(results: ParityResult[], tol: number, label: string): void {
  const worst = { loss: 0, gradNorm: 0, weights: 0 };
  for (const r of results) {
    if (process.env.RNNLAB_EXPORT_VERBOSE) console.info(`${r.name}: loss ${r.loss.toExponential(1)}, grad norm ${r.gradNorm.toExponential(1)}, weights ${r.weights.toExponential(1)} (moved ${r.moved.toExponential(1)})`);
    expect(r.moved, `${r.name}: training moved the weights`).toBeGreaterThan(1e-3);
    expect(r.loss, `${r.name}: losses`).toBeLessThan(tol);
    expect(r.gradNorm, `${r.name}: gradient norms`).toBeLessThan(tol);
    expect(r.weights, `${r.name}: final weights`).toBeLessThan(tol);
    worst.loss = Math.max(worst.loss, r.loss);
    worst.gradNorm = Math.max(worst.gradNorm, r.gradNorm);
    worst.weights = Math.max(worst.weights, r.weights);
  }
  console.info(`training parity, ${label}, worst over ${results.length} runs: loss ${worst.loss.toExponential(1)}, gradient norm ${worst.gradNorm.toExponential(1)}, weights ${worst.weights.toExponential(1)}`);
  // The adding repro: 3 of every 4 chunks carry no loss, so each step makes exactly one update.
  const repro = results.find((r) => r.name.includes('adding repro'))!;
  expect(repro.updates.every((u) => u === 1)).toBe(true);
}
