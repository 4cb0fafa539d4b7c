// The benchmark workloads and the timing loop shared by the Node runner and the browser page.
import type { Batch } from '../src/core/batch';
import { Rng } from '../src/core/rng';
import { makeSpec, paramLayout, type CellKind, type ModelSpec } from '../src/core/spec';
import type { Engine, StepOptions } from '../src/engine/engine';
import { connectivityMatrix, connectivityOn } from '../src/core/inspect/connectivity';
import { MATRIX_MAX_STEPS } from '../src/core/inspect/snapshot';
import { passMultiplyAdds } from '../src/core/work';

export interface Workload {
  name: string;
  description: string;
  cell: CellKind;
  X: number;
  H: number;
  T: number;
  B: number;
  Y: number;
  /** Only on a real (non-fallback) GPU, or with --all. */
  large?: boolean;
}

export const WORKLOADS: Workload[] = [
  { name: 'W1', description: 'tanh RNN', cell: 'rnn_tanh', X: 1, H: 32, T: 100, B: 16, Y: 1 },
  { name: 'W2', description: 'char LSTM', cell: 'lstm', X: 65, H: 128, T: 64, B: 32, Y: 65 },
  { name: 'W3', description: 'long-memory LSTM', cell: 'lstm', X: 2, H: 64, T: 400, B: 32, Y: 1 },
  { name: 'W4', description: 'large LSTM', cell: 'lstm', X: 128, H: 512, T: 100, B: 64, Y: 128, large: true },
];

export function workloadSpec(w: Workload): ModelSpec {
  return makeSpec({ cell: w.cell, inputSize: w.X, hiddenSize: w.H, outputSize: w.Y });
}

/** Multiply-adds ×2 of one training step: forward (input and recurrent projections, head) ×3 for backward. */
export function flopsPerStep(w: Workload): number {
  return 2 * passMultiplyAdds(workloadSpec(w), w.T, w.B);
}

/** The same data for every engine: inputs in [−1, 1], MSE targets in [−1, 1], small uniform weights. */
export function workloadData(w: Workload, seed = 1): { spec: ModelSpec; params: Float32Array; batch: Batch } {
  const spec = workloadSpec(w);
  const rng = new Rng(seed);
  const scale = 1 / Math.sqrt(w.H);
  const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-scale, scale));
  const x = new Float32Array(w.T * w.B * w.X).map(() => rng.uniform(-1, 1));
  const y = new Float32Array(w.T * w.B * w.Y).map(() => rng.uniform(-1, 1));
  return { spec, params, batch: { T: w.T, B: w.B, X: w.X, x, y, loss: 'mse', lossSteps: 'all' } };
}

/** Adam, full BPTT, no clipping: what TF.js's trainOnBatch does. */
export const BENCH_OPTIONS: StepOptions = {
  optimizer: { kind: 'adam', lr: 1e-3, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-7 },
  clip: { mode: 'none', threshold: 1 },
  penalty: { l2: 0, omega: 0 },
  bptt: { mode: 'full' },
  carryState: false,
  update: true,
};

export interface Timing {
  steps: number;
  seconds: number;
}

/** Runs `warmup` untimed steps, then steps until `seconds` have passed (at least minSteps, at most maxSteps). */
export async function timeSteps(step: () => Promise<unknown>, o: { warmup: number; seconds: number; minSteps: number; maxSteps: number }): Promise<Timing> {
  for (let i = 0; i < o.warmup; i++) await step();
  const start = performance.now();
  let steps = 0;
  while (steps < o.maxSteps && (steps < o.minSteps || performance.now() - start < o.seconds * 1000)) {
    await step();
    steps++;
  }
  return { steps, seconds: (performance.now() - start) / 1000 };
}

export interface BenchLine {
  workload: string;
  engine: string;
  where: 'node' | 'browser';
  adapter?: string;
  stepsPerSec: number;
  msPerStep: number;
  dispatchesPerStep: number | null;
  gflops: number;
  steps: number;
  shape: string;
  ratio?: Record<string, number>; // our steps/s over a peer's
}

export function benchLine(w: Workload, engine: string, where: 'node' | 'browser', t: Timing, dispatches: number | null, adapter?: string): BenchLine {
  const sps = t.steps / t.seconds;
  return {
    workload: w.name,
    engine,
    where,
    adapter,
    stepsPerSec: round(sps),
    msPerStep: round(1000 / sps),
    dispatchesPerStep: dispatches,
    gflops: round((flopsPerStep(w) * sps) / 1e9),
    steps: t.steps,
    shape: `${w.description} ${w.cell} X=${w.X} H=${w.H} T=${w.T} B=${w.B} Y=${w.Y}`,
  };
}

function round(v: number): number {
  return Number(v.toPrecision(4));
}

/**
 * Times the connectivity view (core/inspect/connectivity.ts) on an initialised engine, as the page computes it
 * for one sequence: ‖∂y_t/∂x_s‖ for the last output step, then the heat map over the first
 * min(T, MATRIX_MAX_STEPS) output steps. One untimed warm-up of the single step first.
 */
export async function benchConnectivity(engine: Engine, name: string, w: Workload): Promise<Record<string, unknown>> {
  const { spec, batch } = workloadData(w);
  const sequence = { T: w.T, B: 1, X: w.X, x: new Float32Array(w.T * w.X) };
  for (let t = 0; t < w.T; t++) sequence.x.set(batch.x.subarray(t * w.B * w.X, (t * w.B + 1) * w.X), t * w.X);
  const live = await engine.readParams();
  const vjp = (...a: Parameters<Engine['inputGradientNorms']>) => engine.inputGradientNorms(...a);
  await connectivityOn(vjp, spec, live, sequence, [w.T - 1]);
  let start = performance.now();
  await connectivityOn(vjp, spec, live, sequence, [w.T - 1]);
  const oneStepMs = performance.now() - start;
  const heatSteps = Math.min(w.T, MATRIX_MAX_STEPS);
  let passes = 0;
  start = performance.now();
  await connectivityMatrix(vjp, spec, live, sequence, heatSteps, { onPass: (_, n) => (passes = n) });
  const heatMapMs = performance.now() - start;
  return {
    workload: w.name,
    engine: name,
    what: 'connectivity',
    seeds: Math.min(w.Y, w.H),
    oneStepMs: round(oneStepMs),
    heatMapSteps: heatSteps,
    heatMapMs: round(heatMapMs),
    heatMapPasses: passes,
  };
}

/** Times one of our engines on a workload. */
export async function benchEngine(engine: Engine, w: Workload, o: { warmup: number; seconds: number; minSteps: number; maxSteps: number }): Promise<Timing> {
  const { spec, params, batch } = workloadData(w);
  await engine.init(spec, params);
  return timeSteps(() => engine.step(batch, BENCH_OPTIONS), o);
}
