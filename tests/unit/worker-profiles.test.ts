// The training worker (src/train/worker.ts) run in Node on the CPU engine: its message handler is called as the
// page's postMessage would, and what it posts is collected. These tests send the orders of commands that race
// (a W_rec change and a pause at once, play and pause at once, a pause during a rebuild) and check what the page
// would show. The CPU engine resolves in microtasks, so commands land between steps or between the awaits of a
// command; that a step in flight finishes before a command runs is the worker's serial() queue.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/core/batch';
import { defaultConfig, type Config } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { takeNewerProfiles, type ShownProfile } from '../../src/state/profiles';
import type { FromWorker, GradientProfile } from '../../src/train/protocol';
import { specFromConfig } from '../../src/core/modelConfig';
import { stepOptionsFromConfig } from '../../src/train/trainer';
import { sleep, startWorker, stopWorker, waitFor, type TestWorker } from './workerHarness';

/** The profile the page would show after these messages (the controller's rule, src/state/profiles.ts). */
function shownAfter(messages: readonly FromWorker[]): ShownProfile {
  let shown: ShownProfile = { profile: null, newestVersion: -1 };
  for (const m of messages) {
    if (m.type === 'frames') shown = takeNewerProfiles(shown, m.profiles, m.weightsVersion);
    else if (m.type === 'profile') shown = takeNewerProfiles(shown, [m.profile]);
    else if ((m.type === 'ready' && m.rebuilt) || m.type === 'rewound') shown = { ...shown, profile: null };
  }
  return shown;
}

function profilesIn(messages: readonly FromWorker[]): GradientProfile[] {
  return messages.flatMap((m) => (m.type === 'frames' ? m.profiles : m.type === 'profile' ? [m.profile] : []));
}

/** The worker's current weights, through its own checkpoint command. */
async function weightsOf(worker: TestWorker, id: number): Promise<Float32Array> {
  worker.post({ type: 'checkpoint', id });
  const reply = await waitFor('the checkpoint', () => worker.sent.find((m): m is Extract<FromWorker, { type: 'checkpoint' }> => m.type === 'checkpoint' && m.id === id));
  expect(reply.checkpoint).not.toBeNull();
  return reply.checkpoint!.params;
}

/** ‖∂L/∂h_t‖ of given weights on the worker's preview batch, computed by a CPU engine of our own. */
async function previewOf(config: Config, params: Float32Array): Promise<Float64Array> {
  const task = createTask(config);
  const engine = new CpuEngine();
  await engine.init(specFromConfig(config, task), params);
  const batch: Batch = task.batch('train', config.B, config.T, new Rng(config.seed ^ 0x5eed));
  const result = await engine.step(batch, { ...stepOptionsFromConfig(config), update: false });
  engine.dispose();
  return result.dhNorm[0];
}

const base: Config = { ...defaultConfig(), engine: 'cpu', T: 10, B: 4, H: 8, wrec: 0.5, opt: 'sgd', lr: 0.05, clip: 'norm' };

describe('the training worker: the gradient profile shown is of the current weights', () => {
  it('a W_rec change and a pause sent together: the page ends on the preview of the rescaled weights, though the old weights’ last steps are posted after it', async () => {
    const worker = await startWorker();
    worker.post({ type: 'init', config: base, data: {} });
    worker.post({ type: 'play' });
    let config = base;
    let oldAfterPreview = 0; // rounds where profiles of the old weights went out after the preview of the new ones
    try {
      // alternate the scale, and vary where the two commands land: between steps, or a microtask into the change
      for (let round = 0; round < 12; round++) {
        const from = worker.sent.length;
        await waitFor('steps at the current scale', () => profilesIn(worker.sent.slice(from)).length >= 2);
        await sleep(round % 4);
        config = { ...config, wrec: round % 2 ? 0.5 : 10 };
        const changedAt = worker.sent.length;
        worker.post({ type: 'configure', config, data: {} });
        if (round % 3 === 1) await Promise.resolve();
        worker.post({ type: 'pause' });
        const paused = await waitFor('the paused status', () =>
          worker.sent.slice(changedAt).find((m): m is Extract<FromWorker, { type: 'status' }> => m.type === 'status' && m.status === 'paused'),
        );
        await sleep(20); // anything the loop still had to post
        const since = worker.sent.slice(changedAt);
        const preview = since.findIndex((m) => m.type === 'profile');
        if (preview >= 0 && profilesIn(since.slice(preview + 1)).length > 0) oldAfterPreview++;

        const shown = shownAfter(worker.sent);
        const newest = Math.max(...profilesIn(worker.sent).map((p) => p.weightsVersion));
        expect(shown.profile, `round ${round}`).not.toBeNull();
        expect(shown.profile!.weightsVersion, `round ${round}`).toBe(newest);
        // it is what the weights the worker holds now give, not a profile of the weights before the change
        const expected = await previewOf(config, await weightsOf(worker, 1000 + round));
        expect(Array.from(shown.profile!.dh[0]), `round ${round}`).toEqual(Array.from(expected));
        // and no step was made after the pause
        const steps = since.flatMap((m) => (m.type === 'frames' ? m.steps.map((s) => s.step) : []));
        expect(steps.every((step) => step <= paused.step), `round ${round}`).toBe(true);
        worker.post({ type: 'play' });
      }
    } finally {
      await stopWorker(worker).catch(() => undefined); // a failure above is the one to report
    }
    // the order the version stamp is for did occur (the pause flushes the steps recorded before the change)
    expect(oldAfterPreview).toBeGreaterThan(0);
  }, 60_000);

  it('a W_rec change applied while running and a pause before any step on the new weights: the pause previews them', async () => {
    const worker = await startWorker();
    worker.post({ type: 'speed', stepsPerSecond: 20 }); // steps far apart: the pause can land before the next one
    worker.post({ type: 'init', config: base, data: {} });
    let happened = 0;
    for (let attempt = 0; attempt < 5 && !happened; attempt++) {
      const from = worker.sent.length;
      worker.post({ type: 'play' });
      await waitFor('training', () => profilesIn(worker.sent.slice(from)).length >= 2);
      const versionBefore = Math.max(...profilesIn(worker.sent).map((p) => p.weightsVersion));
      const config = { ...base, wrec: attempt % 2 ? 0.5 : 10 };
      worker.post({ type: 'checkpoint', id: 100 + attempt }); // queued just before the change: says the step there
      worker.post({ type: 'configure', config, data: {} });
      // The CPU engine resolves in microtasks: by the next turn of the event loop the rescale is done while running
      // (no preview), and the loop's next step waits on a timer.
      await new Promise((r) => setImmediate(r));
      const beforePause = worker.sent.length;
      worker.post({ type: 'pause' });
      const paused = await waitFor('the paused status', () =>
        worker.sent.slice(beforePause).find((m): m is Extract<FromWorker, { type: 'status' }> => m.type === 'status' && m.status === 'paused'),
      );
      const atChange = worker.sent.find((m) => m.type === 'checkpoint' && m.id === 100 + attempt);
      const shown = shownAfter(worker.sent);
      expect(shown.profile?.weightsVersion).toBeGreaterThan(versionBefore); // in every case: never the old weights'
      if (atChange?.type !== 'checkpoint' || atChange.step !== paused.step) continue; // a step ran between: try again
      happened++;
      // nothing of the new weights was posted before the pause, and what the page shows is their preview
      expect(profilesIn(worker.sent.slice(0, beforePause)).every((p) => p.weightsVersion <= versionBefore)).toBe(true);
      const expected = await previewOf(config, await weightsOf(worker, 200 + attempt));
      expect(Array.from(shown.profile!.dh[0])).toEqual(Array.from(expected));
    }
    expect(happened).toBe(1);
    await stopWorker(worker);
  }, 60_000);

  it('play and pause sent together: the pause wins (it acts at once, the play in turn)', async () => {
    const worker = await startWorker();
    worker.post({ type: 'init', config: base, data: {} });
    worker.post({ type: 'play' });
    await waitFor('training', () => profilesIn(worker.sent).length >= 3);
    worker.post({ type: 'pause' });
    worker.post({ type: 'play' });
    worker.post({ type: 'pause' });
    await sleep(100);
    const statuses = worker.sent.filter((m) => m.type === 'status');
    expect(statuses.at(-1)).toMatchObject({ status: 'paused' });
    const stepAt = statuses.at(-1)!.step;
    await sleep(100);
    const steps = worker.sent.flatMap((m) => (m.type === 'frames' ? m.steps.map((s) => s.step) : []));
    expect(Math.max(...steps)).toBe(stepAt); // no step after the last pause
  }, 60_000);

  it('a pause sent while a live change rebuilds the model holds: the run does not resume after the rebuild', async () => {
    const worker = await startWorker();
    worker.post({ type: 'init', config: base, data: {} });
    worker.post({ type: 'play' });
    await waitFor('training', () => profilesIn(worker.sent).length >= 3);
    const from = worker.sent.length;
    worker.post({ type: 'configure', config: { ...base, H: 12 }, data: {} }); // a new model: rebuilt
    await Promise.resolve(); // the pause lands while the model is being rebuilt
    worker.post({ type: 'pause' });
    const rebuilt = await waitFor('the rebuilt model', () => {
      const i = worker.sent.findIndex((m, k) => k >= from && m.type === 'ready' && m.rebuilt);
      return i >= 0 ? i + 1 : null;
    });
    await sleep(100);
    const after = worker.sent.slice(rebuilt);
    expect(after.filter((m) => m.type === 'frames' && m.steps.length > 0)).toEqual([]);
    const statuses = worker.sent.filter((m) => m.type === 'status');
    expect(statuses.at(-1)).toMatchObject({ type: 'status', status: 'paused', step: 0 });
    await stopWorker(worker);
  }, 60_000);
});
