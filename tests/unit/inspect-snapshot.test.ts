// The worker's one-call inspection: from a live Trainer's engine and parameters to everything the views draw.
import { describe, expect, test } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { connectivity } from '../../src/core/inspect/connectivity';
import { batchRow, inputLabels, inspectSnapshot } from '../../src/core/inspect/snapshot';
import { textProbe } from '../../src/core/inspect/units';
import { createTask } from '../../src/core/tasks';
import { CharTask } from '../../src/core/tasks/text';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';

async function trained(config: Config, text?: string) {
  const task = createTask(config, { text });
  const trainer = await Trainer.create(new CpuEngine(), config, task, { valEvery: 1000, valBatchSize: 4 });
  for (let i = 0; i < 3; i++) await trainer.stepOnce();
  return { trainer, task };
}

describe('inspectSnapshot', () => {
  test('char LSTM: gates, text rankings for h and c, connectivity of the live parameters', async () => {
    const text = 'say "hi" (to [me]) now;\n'.repeat(20);
    const config: Config = { ...defaultConfig(), task: 'char', corpus: 'user', T: 10, B: 2, H: 5, cell: 'lstm', variant: 'cifg' };
    const { trainer, task } = await trained(config, text);
    const params = await trainer.readParams();
    const { batch } = await trainer.snapshot();
    const snap = await inspectSnapshot(trainer.spec, task, trainer.engine, params, batch, { layer: 0, unit: 9, textLength: 16, matrix: true });
    expect(snap.T).toBe(16);
    expect(snap.unit).toBe(4); // clamped to H − 1
    expect(snap.inputLabels).toHaveLength(16);
    expect(snap.text!.chars.join('')).toBe(snap.inputLabels.join(''));
    expect(snap.text!.hidden.map((r) => r.feature)).toEqual(['quote', 'comment', 'bracket', 'depth', 'line']);
    expect(snap.text!.start).toBe(snap.text!.passages[0].start); // the first passage unless one is asked for
    expect(snap.text!.cells).not.toBeNull();
    expect(snap.gateStats.map((g) => g.gate.name)).toEqual(['i', 'f', 'g', 'o']);
    expect(snap.gatePopulation).toEqual({ T: 10, B: 4 }); // the whole validation batch, not just the text shown
    expect(snap.gateNotes.f).toMatch(/1 − i/);
    expect(snap.hidden).toHaveLength(16 * 5);
    expect(snap.connectivity.t).toBe(15);
    expect(snap.connectivity.mean).toHaveLength(16);
    expect(snap.matrix!.map((r) => r.length)).toEqual(Array.from({ length: 16 }, (_, t) => t + 1));
    // the connectivity is that of the trained parameters, not of a fresh model
    expect(task).toBeInstanceOf(CharTask);
    const again = await connectivity(trainer.spec, params, textProbe(task as CharTask, 16, snap.text!.start).batch, 15);
    // (the engine hands back float32 squared norms; the reference keeps float64)
    expect(snap.connectivity.mean).toHaveLength(again.mean.length);
    again.mean.forEach((v, s) => expect(Math.abs(snap.connectivity.mean[s] - v)).toBeLessThan(1e-6 * v));
    expect(Array.from(snap.matrix![15])).toEqual(Array.from(snap.connectivity.mean)); // the same row, computed once
    trainer.dispose();
  });

  test('char task: the text is the passage asked for (by its start), else the first', async () => {
    const text = Array.from({ length: 200 }, (_, k) => `v${k % 7} = ("a" [b ${k}]);\n`).join('');
    const config: Config = { ...defaultConfig(), task: 'char', corpus: 'user', T: 10, B: 2, H: 4, cell: 'lstm' };
    const { trainer, task } = await trained(config, text);
    const params = await trainer.readParams();
    const { batch } = await trainer.snapshot();
    const first = await inspectSnapshot(trainer.spec, task, trainer.engine, params, batch, { layer: 0, unit: 0, textLength: 20 });
    const passages = first.text!.passages;
    expect(passages.length).toBeGreaterThan(1);
    expect(first.text!.start).toBe(passages[0].start);
    const pick = passages[passages.length - 1];
    const second = await inspectSnapshot(trainer.spec, task, trainer.engine, params, batch, { layer: 0, unit: 0, textLength: 20, textStart: pick.start });
    expect(second.text!.start).toBe(pick.start);
    expect(second.text!.chars.join('')).toBe(textProbe(task as CharTask, 20, pick.start).chars.join(''));
    expect(second.text!.chars[0]).toBe('v'); // a passage opens at a statement
    const stray = await inspectSnapshot(trainer.spec, task, trainer.engine, params, batch, { layer: 0, unit: 0, textLength: 20, textStart: pick.start + 1 });
    expect(stray.text!.start).toBe(passages[0].start);
    trainer.dispose();
  });

  test('adding with a tanh RNN: no gates, numbers as input labels, row 0 of the given batch', async () => {
    const config: Config = { ...defaultConfig(), task: 'adding', T: 6, B: 3, H: 4, cell: 'rnn_tanh' };
    const { trainer, task } = await trained(config);
    const { batch } = await trainer.snapshot();
    const snap = await inspectSnapshot(trainer.spec, task, trainer.engine, await trainer.readParams(), batch, { layer: 5, unit: 0, t: 3, window: 5, matrix: true });
    expect(snap.layer).toBe(0);
    expect(snap.gateStats).toEqual([]);
    expect(snap.gates).toBeNull();
    expect(snap.text).toBeNull();
    expect(snap.T).toBe(6);
    expect(snap.inputLabels[0]).toBe(`${Number(batch.x[0].toFixed(2))}, ${batch.x[1]}`);
    expect(snap.connectivity.mean).toHaveLength(4);
    expect(snap.window).toBe(5);
    expect(snap.matrix).toHaveLength(5); // rows t < window
    trainer.dispose();
  });
});

describe('helpers', () => {
  test('batchRow takes one sequence out of (T, B, ·)', () => {
    const batch = { T: 2, B: 2, X: 1, x: Float32Array.from([1, 2, 3, 4]), y: Float32Array.from([5, 6, 7, 8]), loss: 'mse' as const, lossSteps: 'all' as const };
    const row = batchRow(batch, 1);
    expect(Array.from(row.x)).toEqual([2, 4]);
    expect(Array.from(row.y!)).toEqual([6, 8]);
    expect(() => batchRow(batch, 2)).toThrow(/row 2/);
  });

  test('input labels: symbols for one-hot rows, numbers otherwise', () => {
    expect(inputLabels(Float32Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0]), 3, 3, ['a', 'b', 'c'])).toEqual(['b', 'c', '∅']);
    expect(inputLabels(Float32Array.from([0, 1]), 1, 2)).toEqual(['#1']);
    expect(inputLabels(Float32Array.from([0.123, 1]), 1, 2)).toEqual(['0.12, 1']);
  });
});
