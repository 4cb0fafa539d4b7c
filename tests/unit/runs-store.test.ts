// The run store on IndexedDB (fake-indexeddb in Node): save, list, load, rename, delete, reopen, a resumed
// checkpoint that trains on exactly as before, full storage degrading with a message, and the autosaver.
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { defaultConfig, encodeConfig } from '../../src/core/config';
import type { MetricRecord } from '../../src/core/export/metrics';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout } from '../../src/core/spec';
import { AddingTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { stepOptionsFromConfig } from '../../src/train/trainer';
import { Autosaver, isQuotaError, newRunId, RunStore, snapshotBytes, thinMetrics, type AutosaveHost, type RunSnapshot } from '../../src/state/runs/runStore';

const spec = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 4, outputSize: 1 });
const size = paramLayout(spec).size;

function records(n: number): MetricRecord[] {
  return Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), valLoss: i % 10 === 9 ? 0.5 : null, gradNorm: 1, sigmaMax: [1.1], spectralRadius: [0.9] }));
}

function snapshot(id: string, overrides: Partial<RunSnapshot> = {}): RunSnapshot {
  const rng = new Rng(id.length);
  return {
    id,
    name: `run ${id}`,
    config: encodeConfig({ ...defaultConfig(), cell: 'lstm', H: 4 }),
    step: 10,
    checkpoint: {
      spec,
      params: new Float32Array(size).map(() => rng.uniform(-1, 1)),
      optimizer: { kind: 'adam', step: 10, slots: [new Float32Array(size).fill(0.1), new Float32Array(size).fill(0.2)] },
    },
    metrics: records(10),
    ...overrides,
  };
}

function clock(start = 1_000) {
  let t = start;
  return () => (t += 1000);
}

describe('RunStore', () => {
  test('save, list (newest first), load with Float32Arrays intact', async () => {
    const store = await RunStore.open({ factory: new IDBFactory(), clock: clock() });
    const a = snapshot('a');
    expect((await store.save(a)).ok).toBe(true);
    expect((await store.save(snapshot('b'))).ok).toBe(true);
    const list = await store.list();
    expect(list.map((r) => r.id)).toEqual(['b', 'a']);
    expect(list[1]).toMatchObject({ name: 'run a', step: 10, hasCheckpoint: true, hasOptimizer: true, bytes: snapshotBytes(a) });
    expect('metrics' in list[1]).toBe(false); // listing stays light
    const loaded = (await store.load('a'))!;
    expect(loaded.checkpoint!.params).toBeInstanceOf(Float32Array);
    expect(loaded.checkpoint!.params).toEqual(a.checkpoint!.params);
    expect(loaded.checkpoint!.optimizer!.slots[1]).toEqual(a.checkpoint!.optimizer!.slots[1]);
    expect(loaded.checkpoint!.spec).toEqual(spec);
    expect(loaded.metrics).toEqual(a.metrics);
    expect(await store.load('nope')).toBeNull();
    store.close();
  });

  test('saving again keeps the creation time; rename and delete', async () => {
    const store = await RunStore.open({ factory: new IDBFactory(), clock: clock() });
    await store.save(snapshot('a'));
    const created = (await store.list())[0].createdAt;
    await store.save(snapshot('a', { step: 20, checkpoint: null }));
    const [row] = await store.list();
    expect(row).toMatchObject({ createdAt: created, step: 20, hasCheckpoint: false });
    expect(row.updatedAt).toBeGreaterThan(created);
    expect((await store.load('a'))!.checkpoint).toBeNull();
    await store.rename('a', '  adding, LSTM  ');
    expect((await store.list())[0].name).toBe('adding, LSTM');
    await expect(store.rename('a', '   ')).rejects.toThrow(/needs a name/);
    await expect(store.rename('zzz', 'x')).rejects.toThrow(/no longer saved/);
    await store.delete('a');
    expect(await store.list()).toEqual([]);
    expect(await store.load('a')).toBeNull();
    store.close();
  });

  test('a reload loses nothing: a second connection to the same database sees the run', async () => {
    const factory = new IDBFactory();
    const first = await RunStore.open({ factory });
    await first.save(snapshot('kept'));
    first.close();
    const second = await RunStore.open({ factory });
    expect((await second.load('kept'))!.checkpoint!.params).toEqual(snapshot('kept').checkpoint!.params);
    second.close();
  });

  test('a saved checkpoint resumes training exactly where it stopped', async () => {
    const config = { ...defaultConfig(), task: 'adding' as const, T: 6, B: 4 };
    const task = new AddingTask();
    const rng = new Rng(1);
    const original = new CpuEngine();
    await original.init(spec, new Float32Array(size).map(() => rng.uniform(-0.5, 0.5)));
    const data = new Rng(2);
    const opts = stepOptionsFromConfig(config);
    for (let i = 0; i < 3; i++) await original.step(task.batch('train', 4, 6, data), opts);
    const cp = await original.readCheckpoint();
    await original.writeCheckpoint(cp); // the CPU engine holds float64: both sides continue from the float32 checkpoint
    const store = await RunStore.open({ factory: new IDBFactory() });
    await store.save({ ...snapshot('r'), checkpoint: { spec: cp.spec, params: cp.params, optimizer: cp.optimizer } });
    const loaded = (await store.load('r'))!.checkpoint!;
    const resumed = new CpuEngine();
    await resumed.writeCheckpoint({ spec: loaded.spec, params: loaded.params, optimizer: loaded.optimizer!, state: [] });
    const batch = task.batch('train', 4, 6, data);
    const a = await original.step(batch, opts);
    const b = await resumed.step(batch, opts);
    expect(b.loss).toBe(a.loss);
    expect(await resumed.readParams()).toEqual(await original.readParams()); // Adam's moments came back too
    store.close();
  });

  test('history is thinned to a bound, keeping the first and the newest rows', () => {
    const thin = thinMetrics(records(10_001), 100);
    expect(thin.length).toBeLessThanOrEqual(100);
    expect(thin[0].step).toBe(1);
    expect(thin[thin.length - 1].step).toBe(10_001);
    expect(thinMetrics(records(5), 100)).toHaveLength(5);
  });

  test('storage full: drops the optimiser state, then history, with a message; else keeps the previous save', async () => {
    const big = snapshot('big', { metrics: records(1000) });
    const full = snapshotBytes(big);
    const noOptimizer = snapshotBytes({ ...big, checkpoint: { ...big.checkpoint!, optimizer: null } });
    const store = await RunStore.open({ factory: new IDBFactory(), maxBytes: noOptimizer + 10 });
    const outcome = await store.save(big);
    expect(outcome).toMatchObject({ ok: true, kept: 'no-optimizer' });
    expect(outcome.ok && outcome.message).toMatch(/without its optimiser state/);
    expect((await store.load('big'))!.checkpoint!.optimizer).toBeNull();
    expect(full).toBeGreaterThan(noOptimizer);

    const tight = await RunStore.open({ factory: new IDBFactory(), maxBytes: noOptimizer - 1000 });
    expect(await tight.save(big)).toMatchObject({ ok: true, kept: 'short-history' });
    expect((await tight.load('big'))!.metrics.length).toBeLessThanOrEqual(200);

    const factory = new IDBFactory();
    const room = await RunStore.open({ factory, maxBytes: 8000 });
    const small = snapshot('s', { checkpoint: null });
    expect((await room.save(small)).ok).toBe(true);
    const tooBig = await room.save({ ...big, id: 's' });
    expect(tooBig).toMatchObject({ ok: false, quota: true });
    expect(!tooBig.ok && tooBig.message).toMatch(/Storage is full: this run .* was not saved; it is still here until you close the page/);
    expect((await room.load('s'))!.metrics).toEqual(small.metrics); // the previous save is whole
    room.close();
    store.close();
    tight.close();
  });

  test('quota errors are recognised by name', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new Error('other'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
    expect(newRunId(0)).toMatch(/^run-0-/);
    expect(newRunId(5)).not.toBe(newRunId(5));
  });
});

/** A window stand-in: listeners and one interval that the test fires by hand. */
function fakeHost(visibility = 'visible') {
  const listeners = new Map<string, () => void>();
  let tick: (() => void) | null = null;
  const host: AutosaveHost & { fire(type: string): void; tick(): void; state: string } = {
    state: visibility,
    addEventListener: (type, fn) => void listeners.set(type, fn),
    removeEventListener: (type) => void listeners.delete(type),
    setInterval: (fn) => ((tick = fn), 1),
    clearInterval: () => (tick = null),
    visibility: () => host.state,
    fire: (type) => listeners.get(type)?.(),
    tick: () => tick?.(),
  };
  return host;
}

describe('Autosaver', () => {
  test('saves on the interval, when the page is hidden, and on pagehide; stops cleanly', async () => {
    const store = await RunStore.open({ factory: new IDBFactory(), clock: clock() });
    let step = 0;
    const saved: number[] = [];
    const autosaver = new Autosaver(store, async () => snapshot('live', { step: ++step }), { onSaved: (o, s) => o.ok && saved.push(s.step) });
    const host = fakeHost();
    autosaver.start(host);
    host.tick();
    await autosaver.saveNow(); // waits for the tick's save too (saves run one after another)
    expect(saved).toEqual([1, 2]);
    host.fire('visibilitychange'); // still visible: nothing
    host.state = 'hidden';
    host.fire('visibilitychange');
    host.fire('pagehide');
    await autosaver.saveNow();
    expect((await store.list())[0].step).toBe(step);
    expect(saved.length).toBeGreaterThanOrEqual(5); // urgent saves of the held snapshot, plus fresh ones
    autosaver.stop();
    host.tick();
    host.fire('pagehide');
    const before = saved.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(saved.length).toBe(before);
    store.close();
  });

  test('nothing to save: no write', async () => {
    const store = await RunStore.open({ factory: new IDBFactory() });
    const autosaver = new Autosaver(store, () => null);
    expect(await autosaver.saveNow()).toBeNull();
    expect(await store.list()).toEqual([]);
    store.close();
  });
});
