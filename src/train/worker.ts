/// <reference lib="webworker" />
// The training worker: a TrainingSession (session.ts) that posts to the page, fed every message the page sends.
import { liveBufferCount } from '../engine/webgpu/resources';
import { WebGpuEngine } from '../engine/webgpu/webgpuEngine';
import type { ToWorker } from './protocol';
import { TrainingSession } from './session';

declare const self: DedicatedWorkerGlobalScope;

const session = new TrainingSession((message, transfer = []) => self.postMessage(message, transfer));

self.onmessage = (event: MessageEvent<ToWorker>) => session.handle(event.data);

/**
 * For the fault and soak tests and the console (self.rnnlabTest in the worker): the live GPU buffer count and
 * faults on demand. Nothing in the page calls them.
 */
(self as unknown as { rnnlabTest: object }).rnnlabTest = {
  liveGpuBuffers: () => liveBufferCount(),
  step: () => session.currentTrainer?.step ?? 0,
  /** Destroys the WebGPU engine's device, as a driver reset would; false when the run is not on WebGPU. */
  loseDevice: (): boolean => {
    const engine = session.currentTrainer?.engine;
    if (!(engine instanceof WebGpuEngine) || !engine.context) return false;
    engine.context.device.destroy();
    return true;
  },
  /** An uncaught error, as a bug would throw: the page restarts the worker. */
  crash: (): void => {
    setTimeout(() => {
      throw new Error('rnnlab test hook: the training worker crashed');
    });
  },
};
