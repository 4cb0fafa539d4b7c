// The browser half of the benchmark: our WebGPU and CPU engines and TensorFlow.js (webgpu and cpu backends;
// one recurrent layer + TimeDistributed Dense, Adam, MSE, trainOnBatch) on the same workloads.
// Query: ?w=W1,W2&quick=1&engines=webgpu,cpu,tfjs-webgpu,tfjs-cpu. Results land in window.__bench.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { CpuEngine } from '../src/engine/cpu/cpuEngine';
import { WebGpuEngine } from '../src/engine/webgpu/webgpuEngine';
import { WORKLOADS, benchEngine, benchLine, timeSteps, type BenchLine, type Workload } from './workloads';

interface BenchState {
  done: boolean;
  error: string | null;
  lines: BenchLine[];
  adapter: string;
}

const state: BenchState = { done: false, error: null, lines: [], adapter: '' };
(window as unknown as { __bench: BenchState }).__bench = state;

const out = document.getElementById('out')!;
function emit(line: BenchLine): void {
  state.lines.push(line);
  out.textContent += JSON.stringify(line) + '\n';
  console.log(`bench-line ${JSON.stringify(line)}`);
}

/** TF.js: the same model shape, trained with trainOnBatch (Adam, MSE). */
async function benchTfjs(backend: 'webgpu' | 'cpu', w: Workload, o: { warmup: number; seconds: number; minSteps: number; maxSteps: number }): Promise<void> {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tf.sequential();
  const recurrent =
    w.cell === 'lstm'
      ? tf.layers.lstm({ units: w.H, returnSequences: true, inputShape: [w.T, w.X] })
      : tf.layers.simpleRNN({ units: w.H, returnSequences: true, inputShape: [w.T, w.X], activation: 'tanh' });
  model.add(recurrent);
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: w.Y }) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const xs = tf.randomUniform([w.B, w.T, w.X], -1, 1);
  const ys = tf.randomUniform([w.B, w.T, w.Y], -1, 1);
  const t = await timeSteps(() => model.trainOnBatch(xs, ys), o);
  emit(benchLine(w, `tfjs-${backend}`, 'browser', t, null, backend === 'webgpu' ? state.adapter : undefined));
  xs.dispose();
  ys.dispose();
  model.dispose();
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const quick = q.get('quick') === '1';
  const names = (q.get('w') ?? 'W1,W2,W3').split(',');
  const engines = (q.get('engines') ?? 'webgpu,cpu,tfjs-webgpu,tfjs-cpu').split(',');
  const ours = quick ? { warmup: 1, seconds: 1, minSteps: 2, maxSteps: 50 } : { warmup: 2, seconds: 4, minSteps: 3, maxSteps: 500 };
  // TF.js on a software adapter takes seconds per step: one warm-up and one or two timed steps.
  const peer = quick ? { warmup: 1, seconds: 0, minSteps: 1, maxSteps: 1 } : { warmup: 1, seconds: 5, minSteps: 2, maxSteps: 20 };
  const adapter = await navigator.gpu?.requestAdapter();
  state.adapter = adapter ? [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' ') : 'none';
  for (const w of WORKLOADS.filter((x) => names.includes(x.name))) {
    if (engines.includes('webgpu') && navigator.gpu) {
      const gpu = new WebGpuEngine({ gpu: navigator.gpu });
      const t = await benchEngine(gpu, w, ours);
      emit(benchLine(w, 'rnnlab-webgpu', 'browser', t, gpu.stats().dispatchesPerStep, gpu.description));
      gpu.dispose();
    }
    if (engines.includes('cpu')) {
      const cpu = new CpuEngine();
      const t = await benchEngine(cpu, w, quick ? { ...ours, minSteps: 1, maxSteps: 3 } : ours);
      emit(benchLine(w, 'rnnlab-cpu', 'browser', t, 0));
      cpu.dispose();
    }
    if (engines.includes('tfjs-webgpu') && navigator.gpu) await benchTfjs('webgpu', w, peer);
    if (engines.includes('tfjs-cpu')) await benchTfjs('cpu', w, peer);
  }
}

main()
  .catch((e: Error) => {
    state.error = e.stack ?? e.message;
    console.log(`bench-error ${state.error}`);
  })
  .finally(() => {
    state.done = true;
  });
