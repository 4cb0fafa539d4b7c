// The continual embedded Reber grammar (Gers et al. 2000): one unbroken stream per batch row, continued from
// batch to batch; the grammar holds across the batch boundaries; validation starts a fresh stream with a
// warm-up; the metric's chance level is 1/2; and the Trainer carries the hidden state only for this task.
import { describe, expect, test } from 'vitest';
import { validateBatch, type Batch } from '../../src/core/batch';
import { defaultConfig, type Config } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import { ContinualReberTask, continualReberScores, continualValLength, firstStringStart } from '../../src/core/tasks/continualReber';
import { argmax } from '../../src/core/tasks/metrics';
import { reberSuccessors } from '../../src/core/tasks/reber';
import type { StepOptions } from '../../src/engine/engine';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';

const V = 7;
const symbols = (batch: Batch, b: number) => Array.from({ length: batch.T }, (_, t) => argmax(batch.x, (t * batch.B + b) * V, V));

describe('continual embedded Reber stream', () => {
  test('training batches continue each row: the next batch starts with the last label; the grammar holds across breaks', () => {
    const task = new ContinualReberTask();
    const rng = new Rng(21);
    const T = 17, B = 5; // T shorter than many strings: batches end and start mid-string
    const batches = Array.from({ length: 12 }, () => task.batch('train', B, T, rng));
    for (const batch of batches) expect(validateBatch(batch, V)).toBeNull();
    for (let b = 0; b < B; b++) {
      const stream: number[] = [];
      batches.forEach((batch, k) => {
        const xs = symbols(batch, b);
        for (let t = 0; t + 1 < T; t++) expect(batch.labels![t * B + b]).toBe(xs[t + 1]); // the label is the next symbol
        if (k > 0) expect(xs[0]).toBe(batches[k - 1].labels![(T - 1) * B + b]); // the stream goes on
        stream.push(...xs);
      });
      expect(firstStringStart(stream)).toBe(0);
      expect(() => reberSuccessors(stream)).not.toThrow(); // one valid stream of embedded strings, 204 symbols
    }
    // No resets: some batch starts mid-string (not at B, T|P, B).
    expect(batches.slice(1).some((batch) => firstStringStart(symbols(batch, 0)) > 0)).toBe(true);
  });

  test('one stream per random stream: two trainers of one seed see the same stream, interleaved or not', () => {
    const task = new ContinualReberTask();
    const [a, b] = [new Rng(5), new Rng(5)];
    const alone = new ContinualReberTask();
    const c = new Rng(5);
    for (let k = 0; k < 6; k++) {
      const x = task.batch('train', 3, 12, a);
      const y = task.batch('train', 3, 12, b);
      const z = alone.batch('train', 3, 12, c);
      expect(y.x).toEqual(x.x);
      expect(z.labels).toEqual(x.labels);
    }
  });

  test('validation: a fresh stream from a string start, T warm-up steps without labels, then max(100, 4T) scored', () => {
    const task = createTask({ ...defaultConfig(), task: 'continual_reber', T: 30 });
    expect(task.continual).toBe(true);
    const rng = new Rng(3);
    task.batch('train', 4, 30, rng); // drawing training batches does not move validation
    const val = task.batch('val', 4, 30, new Rng(3));
    expect(continualValLength(30)).toEqual({ warmup: 30, length: 150 });
    expect(val.T).toBe(150);
    expect(validateBatch(val, V)).toBeNull();
    for (let t = 0; t < val.T; t++) for (let b = 0; b < 4; b++) expect(val.labels![t * 4 + b] < 0).toBe(t < 30);
    for (let b = 0; b < 4; b++) {
      expect(firstStringStart(symbols(val, b))).toBe(0);
      expect(() => reberSuccessors(symbols(val, b))).not.toThrow();
    }
    expect(task.batch('val', 4, 30, new Rng(3)).x).toEqual(val.x);
    expect(continualValLength(100)).toEqual({ warmup: 100, length: 500 });
    expect(() => createTask({ ...defaultConfig(), task: 'continual_reber', T: 9 })).toThrow(/T ≥ 10/);
  });

  test('metric: an oracle scores 1; knowing the grammar but not the repeated symbol scores ≈ 1/2 (chance); mid-string starts are skipped', () => {
    const task = new ContinualReberTask();
    const rng = new Rng(8);
    const T = 40, B = 300;
    task.batch('train', B, T, rng);
    const batch = task.batch('train', B, T, rng); // starts mid-string in most rows
    const oracle = new Float32Array(T * B * V);
    for (let i = 0; i < T * B; i++) oracle[i * V + batch.labels![i]] = 5;
    expect(task.metric(oracle, batch)).toMatchObject({ value: 1, chance: 0.5, higherIsBetter: true });
    const noMemory = new Float32Array(T * B * V);
    let skipped = 0;
    for (let b = 0; b < B; b++) {
      const stream = symbols(batch, b);
      const start = firstStringStart(stream);
      skipped += start;
      const { valid, penultimate } = reberSuccessors(stream.slice(start));
      for (let t = start; t < T; t++) {
        const k = t - start;
        const guess = penultimate[k] ? 1 : Math.log2(valid[k] & -valid[k]); // always T at the penultimate step
        noMemory[(t * B + b) * V + guess] = 5;
      }
    }
    expect(skipped).toBeGreaterThan(0);
    const scores = continualReberScores(noMemory, batch);
    expect(scores.scoredSteps).toBe(T * B - skipped);
    expect(scores.validStep).toBeGreaterThan(0.9);
    expect(Math.abs(scores.penultimate - 0.5)).toBeLessThan(0.06);
    // The validation warm-up is not scored: garbage there changes nothing.
    const val = task.batch('val', 8, 20, new Rng(1));
    const right = new Float32Array(val.T * 8 * V);
    for (let i = 0; i < val.T * 8; i++) right[i * V + Math.max(0, val.labels![i])] = 5;
    expect(task.metric(right, val).value).toBe(1);
  });

  test('the Trainer carries the hidden state across batches for this task only', async () => {
    const seen: Record<string, boolean[]> = {};
    for (const name of ['continual_reber', 'reber'] as const) {
      const config: Config = { ...defaultConfig(), task: name, T: 12, B: 2, H: 3, cell: 'lstm' };
      const engine = new CpuEngine();
      const step = engine.step.bind(engine);
      seen[name] = [];
      engine.step = (batch, opts: StepOptions, wantGrads?: boolean) => {
        seen[name].push(opts.carryState);
        return step(batch, opts, wantGrads);
      };
      const trainer = await Trainer.create(engine, config, createTask(config), { statsEvery: 1e9, valEvery: 1e9 });
      for (let i = 0; i < 3; i++) await trainer.stepOnce();
      trainer.dispose();
    }
    expect(seen.continual_reber).toEqual([true, true, true]);
    expect(seen.reber).toEqual([false, false, false]);
  });
});
