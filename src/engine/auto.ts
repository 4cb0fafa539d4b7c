// Picks the engine for a run. 'auto' times both engines briefly on the actual model and keeps the faster one;
// on a software WebGPU adapter (SwiftShader, WARP) the CPU engine often wins, and the reason says so.
// Imports nothing Node-only: in Node the caller passes `gpu` (from webgpu/nodeGpu.ts).
import type { Batch } from '../core/batch';
import { Rng } from '../core/rng';
import type { ModelSpec } from '../core/spec';
import { CpuEngine } from './cpu/cpuEngine';
import type { Engine, StepOptions } from './engine';
import { acquireDevice, type GpuContext } from './webgpu/device';
import { WebGpuEngine } from './webgpu/webgpuEngine';

export type EngineChoice = 'auto' | 'webgpu' | 'cpu';

export interface CreateEngineOptions {
  spec: ModelSpec;
  params: Float32Array;
  /** navigator.gpu in a browser (the default), nodeGpu() in Node; undefined where WebGPU is missing. */
  gpu?: GPU;
  /** A device to share instead of requesting one. */
  context?: GpuContext;
  /** A representative batch and options to time (the run's own); a synthetic batch otherwise. */
  probe?: { batch: Batch; opts: StepOptions };
  /** Rough time budget of the measurement per engine, in milliseconds. */
  budgetMs?: number;
  onLost?: (message: string) => void;
}

export interface CreatedEngine {
  engine: Engine;
  /** For people: which engine and why, e.g. "CPU: faster than the software WebGPU adapter SwiftShader (12 vs 3 steps/s)". */
  reason: string;
  /** Measured steps/s when 'auto' timed the engines. */
  measured?: { cpu: number; webgpu: number };
}

const PROBE_OPTIONS: StepOptions = {
  optimizer: { kind: 'adam', lr: 1e-3, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
  clip: { mode: 'none', threshold: 1 },
  penalty: { l2: 0, omega: 0 },
  bptt: { mode: 'full' },
  carryState: false,
  update: false, // timing must not change the weights
};

function syntheticBatch(spec: ModelSpec): Batch {
  const T = 32;
  const B = 8;
  const rng = new Rng(1);
  const x = new Float32Array(T * B * spec.inputSize).map(() => rng.uniform(-1, 1));
  const y = new Float32Array(T * B * spec.outputSize).map(() => rng.uniform(-1, 1));
  return { T, B, X: spec.inputSize, x, y, loss: 'mse', lossSteps: 'all' };
}

/** Steps per second of `engine` on the probe: one untimed warm-up step, then steps until the budget is spent. */
async function stepsPerSecond(engine: Engine, batch: Batch, opts: StepOptions, budgetMs: number): Promise<number> {
  await engine.step(batch, opts);
  const start = performance.now();
  let steps = 0;
  do {
    await engine.step(batch, opts);
    steps++;
  } while (performance.now() - start < budgetMs && steps < 50);
  return steps / ((performance.now() - start) / 1000);
}

function adapterName(ctx: GpuContext): string {
  return ctx.description.replace(/\s*\(software adapter\)$/, '');
}

const fmt = (v: number) => (v >= 10 ? v.toFixed(0) : v.toPrecision(2));

async function cpuEngine(o: CreateEngineOptions): Promise<CpuEngine> {
  const cpu = new CpuEngine();
  await cpu.init(o.spec, o.params);
  return cpu;
}

async function webGpuEngine(o: CreateEngineOptions): Promise<WebGpuEngine> {
  const gpu = o.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  const context = o.context ?? (await acquireDevice(gpu));
  const engine = new WebGpuEngine({ context, ownsContext: !o.context, onLost: o.onLost });
  try {
    await engine.init(o.spec, o.params);
  } catch (e) {
    engine.dispose(); // destroys a device made here
    throw e;
  }
  return engine;
}

export async function createEngine(choice: EngineChoice, o: CreateEngineOptions): Promise<CreatedEngine> {
  if (choice === 'cpu') return { engine: await cpuEngine(o), reason: 'CPU: chosen in the settings' };
  const gpuMissing = !o.context && !(o.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined));
  if (gpuMissing) return { engine: await cpuEngine(o), reason: 'CPU: WebGPU not available in this browser' };

  let gpu: WebGpuEngine;
  try {
    gpu = await webGpuEngine(o);
  } catch (e) {
    return { engine: await cpuEngine(o), reason: `CPU: WebGPU could not run this model (${(e as Error).message})` };
  }
  const ctx = gpu.context!;
  if (choice === 'webgpu') return { engine: gpu, reason: `WebGPU: chosen in the settings (${adapterName(ctx)})` };

  const { batch, opts } = o.probe ? { batch: o.probe.batch, opts: { ...o.probe.opts, update: false } } : { batch: syntheticBatch(o.spec), opts: PROBE_OPTIONS };
  const budget = o.budgetMs ?? 400;
  const cpu = await cpuEngine(o);
  let gpuRate: number;
  try {
    gpuRate = await stepsPerSecond(gpu, batch, opts, budget);
  } catch (e) {
    gpu.dispose();
    return { engine: cpu, reason: `CPU: WebGPU failed while measuring (${(e as Error).message})` };
  }
  const cpuRate = await stepsPerSecond(cpu, batch, opts, budget);
  const measured = { cpu: cpuRate, webgpu: gpuRate };
  const rates = (a: number, b: number) => `${fmt(a)} vs ${fmt(b)} steps/s`;
  const adapter = ctx.software ? `the software WebGPU adapter ${adapterName(ctx)}` : `WebGPU on ${adapterName(ctx)}`;
  gpu.resetState(true);
  cpu.resetState(true);
  if (gpuRate >= cpuRate) {
    cpu.dispose();
    return { engine: gpu, reason: `WebGPU: faster than the CPU on ${adapterName(ctx)} (${rates(gpuRate, cpuRate)})`, measured };
  }
  gpu.dispose();
  return { engine: cpu, reason: `CPU: faster than ${adapter} (${rates(cpuRate, gpuRate)})`, measured };
}
