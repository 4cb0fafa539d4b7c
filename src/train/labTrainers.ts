// The lab's trainers (races and sweeps): on the engine the page is running (config.engine, which the page sets
// to its active engine), so what a race shows is computed where the run's own numbers are — WebGPU kernels when
// the page trains on WebGPU. WebGPU contestants share one device; without one the lab trains on the CPU.
// Each model is checked against the memory budget first (a sweep over H or T can reach sizes the page's own
// run never had), so an oversized one is refused with a message instead of exhausting the worker.
import type { MakeTrainer } from '../core/inspect/race';
import { checkMemoryBudget } from '../engine/budget';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import { acquireDevice, type GpuContext } from '../engine/webgpu/device';
import { WebGpuEngine } from '../engine/webgpu/webgpuEngine';
import { specFromConfig } from '../core/modelConfig';
import { Trainer } from './trainer';

export function labTrainers(gpu: GPU | undefined): MakeTrainer {
  let context: Promise<GpuContext | null> | null = null;
  const sharedDevice = (): Promise<GpuContext | null> => {
    context ??= acquireDevice(gpu, 'rnnlab-lab').then(
      (ctx) => {
        ctx.lost.then(() => (context = null)); // a lost device: the next job asks for a new one
        return ctx;
      },
      () => null,
    );
    return context;
  };
  return async (config, task) => {
    const ctx = config.engine === 'webgpu' ? await sharedDevice() : null;
    const check = checkMemoryBudget(specFromConfig(config, task), config.T, config.B, { engine: ctx ? 'webgpu' : 'cpu', gpuLimits: ctx?.device.limits ?? null });
    if (!check.ok) throw new Error(`the lab cannot train this model: ${check.problems.join('; ')}`);
    return Trainer.create(ctx ? new WebGpuEngine({ context: ctx }) : new CpuEngine(), config, task);
  };
}
