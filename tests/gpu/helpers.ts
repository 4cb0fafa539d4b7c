// Shared pieces of the WebGPU tests: one Dawn device per test file (SwiftShader in CI), random models and
// batches, and a comparison that reports what differed.
import { Rng } from '../../src/core/rng';
import type { ModelSpec } from '../../src/core/spec';
import { gradOnly, randomBatch, randomParams as randomParams64 } from '../unit/gradcheck';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { StepResult } from '../../src/engine/engine';
import { acquireDevice, type GpuContext } from '../../src/engine/webgpu/device';
import { nodeGpu } from '../../src/engine/webgpu/nodeGpu';
import { WebGpuEngine } from '../../src/engine/webgpu/webgpuEngine';

let shared: Promise<GpuContext> | null = null;

/** One device for the whole test file (creating a Dawn device per engine is slow). */
export function sharedContext(): Promise<GpuContext> {
  shared ??= nodeGpu().then((gpu) => acquireDevice(gpu, 'rnnlab-tests'));
  return shared;
}

/** The unit tests' random models, as the float32 parameters an engine takes. */
export function randomParams(spec: ModelSpec, rng: Rng, scale = 0.6): Float32Array {
  return Float32Array.from(randomParams64(spec, rng, scale));
}

export { gradOnly, randomBatch };

/** max |a − b| relative to max |b| (with a floor, so all-zero references compare absolutely). */
export function maxRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / Math.max(m, 1e-3);
}

/** Names every field of two step results that differ by more than `tol` (relative); [] when they agree. */
export function compareSteps(gpu: StepResult, cpu: StepResult, tol = 1e-4): string[] {
  const bad: string[] = [];
  const scalar = (name: string, a: number, b: number) => {
    if (!(Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-3))) bad.push(`${name}: gpu ${a} vs cpu ${b}`);
  };
  scalar('loss', gpu.loss, cpu.loss);
  scalar('penalty', gpu.penalty, cpu.penalty);
  scalar('gradNorm', gpu.gradNorm, cpu.gradNorm);
  scalar('clipFactor', gpu.clipFactor, cpu.clipFactor);
  if (gpu.updates !== cpu.updates) bad.push(`updates: ${gpu.updates} vs ${cpu.updates}`);
  if (gpu.finite !== cpu.finite) bad.push(`finite: ${gpu.finite} vs ${cpu.finite}`);
  const arrays = (name: string, a: Float64Array[] | undefined, b: Float64Array[] | undefined) => {
    if (!a !== !b) return bad.push(`${name}: present on one engine only`);
    a?.forEach((x, l) => {
      const e = maxRelativeDiff(x, b![l]);
      if (!(e <= tol)) bad.push(`${name}[${l}]: rel ${e.toExponential(2)}`);
    });
  };
  arrays('dhNorm', gpu.dhNorm, cpu.dhNorm);
  arrays('dcNorm', gpu.dcNorm, cpu.dcNorm);
  if (cpu.grads) {
    const e = gpu.grads ? maxRelativeDiff(gpu.grads, cpu.grads) : Infinity;
    if (!(e <= tol)) bad.push(`grads: rel ${e.toExponential(2)}`);
  }
  return bad;
}

/** A CPU and a WebGPU engine on the same model and parameters. */
export async function enginePair(spec: ModelSpec, params: Float32Array, profile?: 'gpu' | 'software', subgroups?: boolean, globalState?: boolean): Promise<{ cpu: CpuEngine; gpu: WebGpuEngine }> {
  const cpu = new CpuEngine();
  await cpu.init(spec, params);
  const gpu = new WebGpuEngine({ context: await sharedContext(), profile, subgroups, globalState });
  await gpu.init(spec, params);
  return { cpu, gpu };
}

export { Rng };
