/// <reference lib="webworker" />
// The lag sweep's own Web Worker: runs the trial queue on the CPU engine, off the main thread and apart
// from the training worker. Cancel = the page terminates this worker (immediate, nothing to clean up).
import { CpuEngine } from '../../engine/cpu/cpuEngine';
import { runTrial, type TrialRequest } from './sweepTrial';

declare const self: DedicatedWorkerGlobalScope;

export type ToSweepWorker = { type: 'run'; trials: TrialRequest[] };
export type FromSweepWorker =
  | { type: 'progress'; index: number; step: number }
  | { type: 'result'; index: number; result: Awaited<ReturnType<typeof runTrial>> }
  | { type: 'error'; index: number; message: string }
  | { type: 'done' };

self.onmessage = async (event: MessageEvent<ToSweepWorker>) => {
  if (event.data.type !== 'run') return;
  const send = (m: FromSweepWorker) => self.postMessage(m);
  for (let index = 0; index < event.data.trials.length; index++) {
    try {
      const result = await runTrial(new CpuEngine(), event.data.trials[index], (step) => send({ type: 'progress', index, step }));
      send({ type: 'result', index, result });
    } catch (e) {
      send({ type: 'error', index, message: e instanceof Error ? e.message : String(e) });
    }
  }
  send({ type: 'done' });
};
