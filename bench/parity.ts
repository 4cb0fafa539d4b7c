// The WebGPU engine against the CPU engine inside a real browser (navigator.gpu), for tests/gpu/chromium.test.ts.
// Each case trains two steps with Adam on both engines and reports the largest relative differences.
// Results land in window.__parity.
import type { Batch } from '../src/core/batch';
import { Rng } from '../src/core/rng';
import { makeSpec, paramLayout, type ModelSpec } from '../src/core/spec';
import { CpuEngine } from '../src/engine/cpu/cpuEngine';
import type { StepOptions, StepResult } from '../src/engine/engine';
import { WebGpuEngine } from '../src/engine/webgpu/webgpuEngine';

interface CaseResult {
  name: string;
  adapter: string;
  loss: number; // relative differences
  gradNorm: number;
  grads: number;
  dhNorm: number;
  params: number;
}

const state: { done: boolean; error: string | null; results: CaseResult[] } = { done: false, error: null, results: [] };
(window as unknown as { __parity: typeof state }).__parity = state;

function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / Math.max(m, 1e-3);
}

function batchFor(spec: ModelSpec, T: number, B: number, rng: Rng, xent: boolean): Batch {
  const x = new Float32Array(T * B * spec.inputSize).map(() => rng.uniform(-1, 1));
  if (xent) return { T, B, X: spec.inputSize, x, loss: 'xent', lossSteps: 'all', labels: new Int32Array(T * B).map(() => rng.int(spec.outputSize)) };
  return { T, B, X: spec.inputSize, x, loss: 'mse', lossSteps: 'all', y: new Float32Array(T * B * spec.outputSize).map(() => rng.uniform(-1, 1)) };
}

const OPTS: StepOptions = {
  optimizer: { kind: 'adam', lr: 0.01, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
  clip: { mode: 'norm', threshold: 1 },
  penalty: { l2: 0.01, omega: 0 },
  bptt: { mode: 'full' },
  carryState: false,
  update: true,
};

async function runCase(name: string, spec: ModelSpec, xent: boolean): Promise<void> {
  const rng = new Rng(11);
  const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-0.5, 0.5));
  const cpu = new CpuEngine();
  await cpu.init(spec, params);
  const gpu = new WebGpuEngine({ gpu: navigator.gpu });
  await gpu.init(spec, params);
  const worst = { loss: 0, gradNorm: 0, grads: 0, dhNorm: 0 };
  for (let s = 0; s < 2; s++) {
    const batch = batchFor(spec, 8, 3, rng, xent);
    const a: StepResult = await gpu.step(batch, OPTS, true);
    const b: StepResult = await cpu.step(batch, OPTS, true);
    worst.loss = Math.max(worst.loss, Math.abs(a.loss - b.loss) / Math.abs(b.loss));
    worst.gradNorm = Math.max(worst.gradNorm, Math.abs(a.gradNorm - b.gradNorm) / Math.abs(b.gradNorm));
    worst.grads = Math.max(worst.grads, rel(a.grads!, b.grads!));
    a.dhNorm.forEach((d, l) => (worst.dhNorm = Math.max(worst.dhNorm, rel(d, b.dhNorm[l]))));
  }
  const paramsDiff = rel(await gpu.readParams(), await cpu.readParams());
  state.results.push({ name, adapter: gpu.description, ...worst, params: paramsDiff });
  gpu.dispose();
}

async function main(): Promise<void> {
  if (!navigator.gpu) throw new Error('navigator.gpu is missing');
  await runCase('lstm vanilla ×2 xent', makeSpec({ cell: 'lstm', variant: 'vanilla', inputSize: 3, hiddenSize: 8, outputSize: 4, numLayers: 2 }), true);
  await runCase('gru mse', makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 6, outputSize: 2 }), false);
  await runCase('rnn_tanh mse', makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 16, outputSize: 1 }), false);
}

main()
  .catch((e: Error) => (state.error = e.stack ?? e.message))
  .finally(() => {
    document.getElementById('out')!.textContent = JSON.stringify(state, null, 1);
    state.done = true;
  });
