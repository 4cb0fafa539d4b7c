// The lab's trainers (races and sweeps): on the engine the page is running (config.engine, which the page sets
// to its active engine), so what a race shows is computed where the run's own numbers are — WebGPU kernels when
// the page trains on WebGPU. WebGPU contestants share one device; without one the lab trains on the CPU.
import type { MakeTrainer } from '../core/inspect/race';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import { acquireDevice, type GpuContext } from '../engine/webgpu/device';
import { WebGpuEngine } from '../engine/webgpu/webgpuEngine';
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
    if (config.engine === 'webgpu') {
      const ctx = await sharedDevice();
      if (ctx) return Trainer.create(new WebGpuEngine({ context: ctx }), config, task);
    }
    return Trainer.create(new CpuEngine(), config, task);
  };
}
