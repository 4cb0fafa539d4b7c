/// <reference lib="webworker" />
// The lab worker: races and sweeps (LabSession) in a worker of their own, so the page's training keeps
// its worker and its speed. Each contestant trains on a CPU engine of its own: a race compares models,
// not engines, and several small CPU models share two cores better than they share one GPU queue.
import { LabSession, type FromLab, type ToLab } from '../core/inspect/lab';
import { CpuEngine } from '../engine/cpu/cpuEngine';
import { Trainer } from './trainer';

declare const self: DedicatedWorkerGlobalScope;

const session = new LabSession(
  (message: FromLab) => self.postMessage(message),
  (config, task) => Trainer.create(new CpuEngine(), config, task),
);

self.onmessage = (event: MessageEvent<ToLab>) => {
  // a job's own failures come back as { type: 'error' } messages; nothing else can reject here
  session.handle(event.data).catch(() => undefined);
};
