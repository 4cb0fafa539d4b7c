// The network a Config describes. Pure: the page (budget checks, export), the worker and the CLI build the same
// ModelSpec from the same Config.
import type { Config } from './config';
import { cellInfo, makeSpec, type ModelSpec } from './spec';
import type { Task } from './tasks/task';

/** The ModelSpec a Config describes for a task. ESN always has one layer. */
export function specFromConfig(config: Config, task: Pick<Task, 'inputSize' | 'outputSize'>): ModelSpec {
  return makeSpec({
    cell: config.cell,
    inputSize: task.inputSize,
    hiddenSize: config.H,
    outputSize: task.outputSize,
    numLayers: cellInfo(config.cell).reservoir ? 1 : config.layers,
    variant: config.variant,
    esn: { spectralRadius: config.rho, leak: config.leak, inputScale: config.inScale },
  });
}
