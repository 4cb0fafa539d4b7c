// One trial of the lag sweep: a fresh model of the given cell trained on the task at lag T for a step
// budget, stopping early once solved. Runs wherever a Trainer can (the sweep's Web Worker, or Node).
import type { Config } from '../../core/config';
import type { CellKind } from '../../core/spec';
import { createTask } from '../../core/tasks';
import { gapClosed, isSolved, type SweepResult } from '../../core/tasks/sweep';
import type { Engine } from '../../engine/engine';
import { Trainer } from '../../train/trainer';

export interface TrialRequest {
  config: Config; // the page's settings; cell and T are replaced by the trial's
  cell: CellKind;
  T: number;
  steps: number; // budget
  checkEvery: number; // validate (and maybe stop) this often
}

export async function runTrial(
  engine: Engine,
  request: TrialRequest,
  onProgress: (step: number) => void = () => {},
  shouldStop: () => boolean = () => false,
): Promise<SweepResult> {
  const config: Config = { ...request.config, cell: request.cell, T: request.T };
  const task = createTask(config);
  const trainer = await Trainer.create(engine, config, task, { valEvery: request.checkEvery, valBatchSize: 128, checkpointEvery: 1_000_000, statsEvery: 1_000_000 });
  let metric = (await trainer.validate()).metric;
  let diverged = false;
  let step = 0;
  while (step < request.steps && !shouldStop()) {
    const frame = await trainer.stepOnce();
    step = frame.step;
    if (frame.diverged) {
      diverged = true;
      break;
    }
    if (frame.metric) {
      metric = frame.metric;
      onProgress(step);
      if (isSolved(metric)) break;
    }
  }
  if (!diverged) metric = (await trainer.validate()).metric;
  trainer.dispose();
  return { cell: request.cell, T: request.T, metric, gap: diverged ? 0 : gapClosed(metric), solved: !diverged && isSolved(metric), steps: step, diverged };
}
