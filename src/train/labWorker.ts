/// <reference lib="webworker" />
// The lab worker: races and sweeps (LabSession) in a worker of their own, so the page's training keeps
// its worker and its speed. The contestants train on the page's active engine (labTrainers.ts).
import { LabSession, type FromLab, type ToLab } from '../core/inspect/lab';
import { labTrainers } from './labTrainers';

declare const self: DedicatedWorkerGlobalScope;

const session = new LabSession((message: FromLab) => self.postMessage(message), labTrainers(self.navigator.gpu));

self.onmessage = (event: MessageEvent<ToLab>) => {
  // a job's own failures come back as { type: 'error' } messages; nothing else can reject here
  session.handle(event.data).catch(() => undefined);
};
