// Karpathy, Johnson & Fei-Fei 2015, Fig. 4, on the char lesson's shipped checkpoint (CPU engine): training makes
// forget gates that are right-saturated most of the time (units that keep their cell state); the same network
// freshly initialised (the lesson's Config, seed 1, as Reset gives it) has fewer of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type Config } from '../../src/core/config';
import { importModel } from '../../src/core/export/importModel';
import { gateSaturation, SaturationCounter, saturationGates, saturationVerdict, unitsRightSaturated, validationWindows } from '../../src/core/figures/saturation';
import { lessonConfig } from '../../src/core/lessons';
import { CHAR_CHECKPOINT, charRnn } from '../../src/core/lessons/charRnn';
import { createTask } from '../../src/core/tasks';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import type { CharTask } from '../../src/core/tasks/text';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { FromWorker } from '../../src/train/protocol';
import { Trainer } from '../../src/train/trainer';
import { startWorker, stopWorker, waitFor } from './workerHarness';

const config: Config = { ...lessonConfig(charRnn), seed: 1 };
const text = loadCorpusFromDisk(config.corpus);
const task = createTask(config, { text }) as CharTask;

function readCheckpoint() {
  const read = importModel(new Uint8Array(readFileSync(join('public', CHAR_CHECKPOINT))));
  if (!read.ok) throw new Error(read.error);
  return read.model;
}

describe('gate saturation (Karpathy et al. 2015, Fig. 4)', () => {
  test('counts per unit: left below 0.1, right above 0.9, the forget gate first', () => {
    expect(saturationGates('lstm').map((g) => g.name)).toEqual(['f', 'i', 'o']);
    expect(saturationGates('gru').map((g) => g.name)).toEqual(['r', 'z']);
    // LSTM, H = 2, T = 2, B = 1: blocks i, f, g, o of 2 units each
    const counter = new SaturationCounter('lstm', 2, 1);
    counter.add([Float32Array.from([0.05, 0.5, 0.95, 0.95, 0, 0, 0.5, 0.02, /* t=1 */ 0.5, 0.5, 0.95, 0.05, 0, 0, 0.91, 0.99])], 2, 1);
    const [f, i, o] = counter.result().layers[0].gates;
    expect([f.gate, Array.from(f.left), Array.from(f.right)]).toEqual(['f', [0, 0.5], [1, 0.5]]);
    expect([i.gate, Array.from(i.left), Array.from(i.right)]).toEqual(['i', [0.5, 0], [0, 0]]);
    expect([o.gate, Array.from(o.left), Array.from(o.right)]).toEqual(['o', [0, 0.5], [0.5, 0.5]]);
  });

  test('the validation text, cut into windows from a zero state', () => {
    const batches = validationWindows(task, 500, 8);
    const chars = batches.reduce((s, b) => s + b.T * b.B, 0);
    const valChars = task.ids.length - task.split;
    expect(chars).toBeLessThanOrEqual(valChars);
    expect(chars).toBeGreaterThan(valChars - 501);
    expect(batches[0].labels![0]).toBe(task.ids[task.split + 1]);
  });

  test('the shipped checkpoint has forget gates right-saturated more than half the time; the fresh network has fewer', async () => {
    const read = readCheckpoint();
    const engine = new CpuEngine();
    await engine.init(read.spec, read.params);
    const batches = validationWindows(task);
    const t0 = performance.now();
    const trained = await gateSaturation((b) => engine.forward(b), read.spec, batches);
    const fresh = await Trainer.create(new CpuEngine(), config, task);
    const untrained = await gateSaturation((b) => fresh.engine.forward(b), fresh.spec, batches);
    const report = (r: typeof trained) =>
      r.layers[0].gates.map((g) => `${g.gate}: > 0.5 right ${unitsRightSaturated(r, g.gate, 0.5)}, > 0.5 left ${g.left.filter((v) => v > 0.5).length}, max right ${Math.max(...g.right).toFixed(3)}, max left ${Math.max(...g.left).toFixed(3)}`).join('; ');
    console.log(`${trained.samples} characters, ${(performance.now() - t0).toFixed(0)} ms\n  checkpoint: ${report(trained)}\n  fresh: ${report(untrained)}`);
    // measured (20,000 characters, ≈ 1.4 s): the checkpoint's forget gate is right-saturated > 0.5 of the time in
    // 34 of its 64 units (the most 0.988), its input gate in 42, its output gate in 23; the fresh network in none
    // of any gate (no unit's gate is ever above 0.9 or below 0.1: at initialisation every gate sits near 0.5)
    expect(unitsRightSaturated(trained, 'f', 0.5)).toBeGreaterThanOrEqual(17);
    expect(Math.max(...trained.layers[0].gates[0].right)).toBeGreaterThan(0.9);
    expect(unitsRightSaturated(untrained, 'f', 0.5)).toBeLessThanOrEqual(2);
    expect(unitsRightSaturated(untrained, 'f', 0.5)).toBeLessThan(unitsRightSaturated(trained, 'f', 0.5) / 4);
    // the verdict under the figure says so, with the numbers
    expect(saturationVerdict({ trained, fresh: untrained })).toEqual({
      status: 'agrees',
      text: `Agrees with the paper: ${unitsRightSaturated(trained, 'f', 0.5)} of 64 units of this network keep their forget gate above 0.9 more than 50% of the time, ${unitsRightSaturated(untrained, 'f', 0.5)} of the fresh network's; training made the always-remembering units.`,
    });
    // and a fresh network against itself has none: the figure then says it differs
    expect(saturationVerdict({ trained: untrained, fresh: untrained }).status).toBe('differs');
    engine.dispose();
    fresh.dispose();
  }, 30_000);
});

describe('the training worker: the saturation figure', () => {
  type Saturation = Extract<FromWorker, { type: 'saturation' }>;

  test('answers for the loaded checkpoint and a fresh copy (CPU), with progress over both', async () => {
    const worker = await startWorker();
    try {
      worker.post({ type: 'init', config: { ...config, engine: 'cpu' }, data: { text } });
      await waitFor('the model', () => worker.sent.some((m) => m.type === 'ready'));
      const model = readCheckpoint();
      worker.post({ type: 'loadModel', params: model.params, step: model.step ?? 0 });
      worker.post({ type: 'saturation', id: 1 });
      const answer = await waitFor('the figure', () => worker.sent.find((m): m is Saturation => m.type === 'saturation' && m.id === 1));
      expect(answer.error).toBeNull();
      const figure = answer.result!;
      expect(figure.engines).toEqual({ trained: 'cpu', fresh: 'cpu' });
      expect(figure.windowLength).toBe(500);
      expect(unitsRightSaturated(figure.trained, 'f', 0.5)).toBeGreaterThanOrEqual(17);
      expect(unitsRightSaturated(figure.fresh, 'f', 0.5)).toBeLessThanOrEqual(2);
      const passes = Math.ceil(figure.windows / 8);
      expect(worker.sent.filter((m) => m.type === 'saturationProgress' && m.id === 1)).toHaveLength(2 * passes);
    } finally {
      await stopWorker(worker).catch(() => undefined);
    }
  }, 30_000);
});
