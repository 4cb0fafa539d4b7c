// Which engine a run trains on, and in words why: 'auto' times both engines on this model (engine/auto.ts) and
// keeps the faster; a model the GPU engine cannot take goes to the CPU engine, saying why.
import type { Config } from '../core/config';
import { initParams } from '../core/init';
import { specFromConfig } from '../core/modelConfig';
import { Rng } from '../core/rng';
import type { ModelSpec } from '../core/spec';
import { createTask } from '../core/tasks';
import type { Task, TaskData } from '../core/tasks/task';
import { createEngine, type CreateEngineOptions } from '../engine/auto';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import type { Engine } from '../engine/engine';
import type { EngineInfo } from './protocol';
import { stepOptionsFromConfig, Trainer } from './trainer';

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Called once when a WebGPU engine's device is lost. */
export type OnDeviceLost = (message: string) => void;

/** The engine a choice asks for, and why. `params` are only for the timing; the Trainer sets its own. */
export function pickEngine(choice: Config['engine'], spec: ModelSpec, params: Float32Array, onLost: OnDeviceLost, probe?: CreateEngineOptions['probe']): Promise<{ engine: Engine; reason: string }> {
  return createEngine(choice, { spec, params, probe, onLost });
}

export function describeEngine(engine: Engine, reason: string): EngineInfo {
  // auto.ts starts its reasons with the engine's name, which the badge already shows
  return { kind: engine.kind, description: engine.description, reason: reason.replace(/^(CPU|WebGPU):\s*/, '') };
}

/** Parameters and a batch like the run's own, for timing the engines before the Trainer exists. */
function probeFor(config: Config, task: Task, spec: ModelSpec) {
  const rng = new Rng(config.seed);
  const params = initParams(spec, { init: config.init, wrec: config.wrec }, rng);
  const batch = task.batch('train', config.B, config.T, rng);
  return { params, probe: { batch, opts: stepOptionsFromConfig(config) } };
}

/** A Trainer on the chosen engine; if the GPU engine cannot take this model, the CPU engine does, saying why. */
export async function buildTrainer(config: Config, data: TaskData, onLost: OnDeviceLost): Promise<{ trainer: Trainer; engineInfo: EngineInfo }> {
  const task = createTask(config, data);
  const spec = specFromConfig(config, task);
  const { params, probe } = probeFor(config, task, spec);
  const { engine, reason } = await pickEngine(config.engine, spec, params, onLost, probe);
  try {
    const trainer = await Trainer.create(engine, config, task);
    return { trainer, engineInfo: describeEngine(engine, reason) };
  } catch (e) {
    if (engine.kind !== 'webgpu') throw e;
    engine.dispose();
    const fallback = new CpuEngine();
    const trainer = await Trainer.create(fallback, config, task);
    return { trainer, engineInfo: describeEngine(fallback, `WebGPU could not run this model: ${errorText(e).split('\n')[0]}`) };
  }
}
