// The memory budget of a Config's sizes (H, layers, T, B) on this machine, checked before anything is allocated.
// The adapter's buffer limits are read once on the main thread (no device is created).
import type { Config } from '../core/config';
import { specFromConfig } from '../core/modelConfig';
import { createTask } from '../core/tasks';
import type { TaskData } from '../core/tasks/task';
import { checkMemoryBudget, type BufferLimits } from '../engine/budget';

export class MemoryBudget {
  private gpuLimits: BufferLimits | null = null; // null without WebGPU (or before they are read)

  async readGpuLimits(): Promise<void> {
    try {
      const adapter = navigator.gpu ? await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
      if (adapter) this.gpuLimits = { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize };
    } catch {
      this.gpuLimits = null; // the worker will say why WebGPU is not used
    }
  }

  /** Why a Config's sizes cannot be run here, naming the limit; null when they fit. */
  problem(config: Config, data: TaskData): string | null {
    let task;
    try {
      task = createTask(config, data);
    } catch {
      return null; // the task cannot be built yet (e.g. a CSV task before its file): the worker says why
    }
    const check = checkMemoryBudget(specFromConfig(config, task), config.T, config.B, { engine: config.engine, gpuLimits: this.gpuLimits });
    return check.ok ? null : check.problems.join('; ');
  }
}
