// The training worker's inspections (src/train/worker.ts in Node on the CPU engine): a long heat map reports its
// passes, and a newer request cancels it between passes — the page then gets only the newer answer.
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import type { FromWorker } from '../../src/train/protocol';
import { sleep, startWorker, stopWorker, waitFor } from './workerHarness';

type Inspection = Extract<FromWorker, { type: 'inspection' }>;

describe('the training worker: inspections', () => {
  it('a heat map in progress is cancelled by a newer request, which alone is answered', async () => {
    const text = 'if (a[i] > "b") { return f(x, y); }\n'.repeat(40);
    const config: Config = { ...defaultConfig(), engine: 'cpu', task: 'char', corpus: 'user', cell: 'lstm', H: 24, T: 64, B: 4 };
    const worker = await startWorker();
    try {
      worker.post({ type: 'init', config, data: { text } });
      await waitFor('the model', () => worker.sent.some((m) => m.type === 'ready'));
      worker.post({ type: 'inspect', id: 1, request: { layer: 0, unit: 0, window: 64, matrix: true } });
      const progress = await waitFor('the first pass of the heat map', () => worker.sent.find((m) => m.type === 'inspectProgress' && m.id === 1));
      expect(progress.type === 'inspectProgress' && progress.total).toBeGreaterThan(2);
      worker.post({ type: 'inspect', id: 2, request: { layer: 0, unit: 3, window: 64, matrix: false } });
      const answer = await waitFor('the newer inspection', () => worker.sent.find((m): m is Inspection => m.type === 'inspection'));
      expect(answer.id).toBe(2);
      expect(answer.error).toBeNull();
      expect(answer.snapshot!.unit).toBe(3);
      expect(answer.snapshot!.matrix).toBeNull();
      await sleep(50);
      expect(worker.sent.filter((m) => m.type === 'inspection').map((m) => (m as Inspection).id)).toEqual([2]);
      const passesOfFirst = worker.sent.filter((m) => m.type === 'inspectProgress' && m.id === 1);
      expect(passesOfFirst.length).toBeLessThan((progress as Extract<FromWorker, { type: 'inspectProgress' }>).total);
    } finally {
      await stopWorker(worker).catch(() => undefined);
    }
  }, 30_000);
});
