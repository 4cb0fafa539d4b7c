// The long-range memory tasks: shapes, determinism, chance baselines measured, metrics on known outputs.
import { describe, expect, test } from 'vitest';
import { validateBatch, type Batch } from '../../src/core/batch';
import { Rng } from '../../src/core/rng';
import { AddingTask, addingAccuracy, ADDING_CHANCE_MSE } from '../../src/core/tasks/adding';
import { CopyTask, copyAccuracy, copyPaperBaseline, COPY_BLANK, COPY_CHANCE_XENT, COPY_DELIMITER } from '../../src/core/tasks/copy';
import { argmax } from '../../src/core/tasks/metrics';
import { embeddedReberString, ReberTask, reberScores, reberSuccessors, REBER_SYMBOLS } from '../../src/core/tasks/reber';
import { TemporalOrderTask, temporalPositions } from '../../src/core/tasks/temporalOrder';
import type { Task } from '../../src/core/tasks/task';

function expectDeterministic(task: Task, B: number, T: number) {
  const a = task.batch('train', B, T, new Rng(7));
  const b = task.batch('train', B, T, new Rng(7));
  const c = task.batch('train', B, T, new Rng(8));
  const v = task.batch('val', B, T, new Rng(7));
  expect(a.x).toEqual(b.x);
  expect(a.labels ?? a.y).toEqual(b.labels ?? b.y);
  expect(a.x).not.toEqual(c.x);
  expect(a.x).not.toEqual(v.x); // validation is a different stream, not the training batch again
}

/** Logits (T, B, Y) that put `scale` on the given class at each step. */
function logitsFor(batch: Batch, Y: number, classOf: (t: number, b: number) => number, scale = 20): Float32Array {
  const out = new Float32Array(batch.T * batch.B * Y);
  for (let t = 0; t < batch.T; t++) for (let b = 0; b < batch.B; b++) {
    const k = classOf(t, b);
    if (k >= 0) out[(t * batch.B + b) * Y + k] = scale;
  }
  return out;
}

describe('adding problem', () => {
  const task = new AddingTask();

  test('shapes: x (T,B,2), y (T,B,1), exactly one marker in each half, target = sum of marked values', () => {
    const T = 30, B = 64;
    const batch = task.batch('train', B, T, new Rng(1));
    expect(validateBatch(batch, 1)).toBeNull();
    expect(batch.x.length).toBe(T * B * 2);
    for (let b = 0; b < B; b++) {
      const marked: number[] = [];
      for (let t = 0; t < T; t++) if (batch.x[(t * B + b) * 2 + 1] === 1) marked.push(t);
      expect(marked.length).toBe(2);
      expect(marked[0]).toBeLessThan(T / 2);
      expect(marked[1]).toBeGreaterThanOrEqual(T / 2);
      const sum = batch.x[(marked[0] * B + b) * 2] + batch.x[(marked[1] * B + b) * 2];
      expect(batch.y![(T - 1) * B + b]).toBeCloseTo(sum, 6);
    }
  });

  test('deterministic by seed; val is a separate stream', () => expectDeterministic(task, 8, 20));

  test('predicting 1 scores MSE ≈ 0.167 (chance), measured on 20,000 sequences', () => {
    const batch = task.batch('train', 20000, 10, new Rng(3));
    const ones = new Float32Array(batch.T * batch.B).fill(1);
    const m = task.metric(ones, batch);
    expect(m.chance).toBeCloseTo(ADDING_CHANCE_MSE, 10);
    expect(Math.abs(m.value - 1 / 6)).toBeLessThan(0.01);
    expect(m.higherIsBetter).toBe(false);
  });

  test('perfect outputs score 0 and accuracy 1; T = 2 works', () => {
    const batch = task.batch('val', 32, 2, new Rng(4));
    expect(task.metric(batch.y!, batch).value).toBe(0);
    expect(addingAccuracy(batch.y!, batch)).toBe(1);
    expect(() => task.batch('train', 4, 1, new Rng(1))).toThrow(/T must be/);
  });
});

describe('copy memory', () => {
  const task = new CopyTask();

  test('layout: 10 data symbols, T−1 blanks, delimiter, 10 blanks; targets on the last 10 steps only', () => {
    const T = 15, B = 8;
    const batch = task.batch('train', B, T, new Rng(2));
    expect(batch.T).toBe(T + 20);
    expect(validateBatch(batch, 10)).toBeNull();
    for (let b = 0; b < B; b++) {
      const sym = (t: number) => argmax(batch.x, (t * B + b) * 10, 10);
      for (let t = 0; t < 10; t++) {
        expect(sym(t)).toBeGreaterThanOrEqual(1);
        expect(sym(t)).toBeLessThanOrEqual(8);
      }
      for (let t = 10; t < T + 9; t++) expect(sym(t)).toBe(COPY_BLANK);
      expect(sym(T + 9)).toBe(COPY_DELIMITER);
      for (let t = T + 10; t < T + 20; t++) expect(sym(t)).toBe(COPY_BLANK);
      for (let t = 0; t < T + 20; t++) {
        const scoredStep = t >= T + 10;
        expect(batch.mask![t * B + b]).toBe(scoredStep ? 1 : 0);
        expect(batch.labels![t * B + b]).toBe(scoredStep ? sym(t - T - 10) : -1);
      }
    }
  });

  test('deterministic by seed; val is a separate stream', () => expectDeterministic(task, 4, 5));

  test('chance: guessing uniformly among the 8 data symbols scores log 8; the paper baseline rescales it', () => {
    const batch = task.batch('train', 16, 10, new Rng(5));
    const guess = logitsFor(batch, 10, () => -1); // all zero…
    for (let i = 0; i < guess.length; i += 10) { guess[i] = -1e9; guess[i + 9] = -1e9; } // …except blank and delimiter impossible
    const m = task.metric(guess, batch);
    expect(m.value).toBeCloseTo(Math.log(8), 6);
    expect(m.chance).toBeCloseTo(COPY_CHANCE_XENT, 10);
    expect(copyPaperBaseline(100)).toBeCloseTo((10 * Math.log(8)) / 120, 10);
    // perfect recall
    const perfect = logitsFor(batch, 10, (t, b) => batch.labels![t * batch.B + b]);
    expect(task.metric(perfect, batch).value).toBeLessThan(1e-6);
    expect(copyAccuracy(perfect, batch)).toBe(1);
  });
});

describe('temporal order', () => {
  const task = new TemporalOrderTask();

  test('B first, E last, X/Y only at t1 ∈ [0.1T, 0.2T] and t2 ∈ [0.5T, 0.6T]; class from their order', () => {
    const T = 100, B = 64;
    const batch = task.batch('train', B, T, new Rng(6));
    expect(validateBatch(batch, 4)).toBeNull();
    for (let b = 0; b < B; b++) {
      const sym = (t: number) => argmax(batch.x, (t * B + b) * 8, 8);
      expect(sym(0)).toBe(0);
      expect(sym(T - 1)).toBe(1);
      const xy = [];
      for (let t = 1; t < T - 1; t++) if (sym(t) >= 6) xy.push(t);
      expect(xy.length).toBe(2);
      expect(xy[0]).toBeGreaterThanOrEqual(10);
      expect(xy[0]).toBeLessThanOrEqual(20);
      expect(xy[1]).toBeGreaterThanOrEqual(50);
      expect(xy[1]).toBeLessThanOrEqual(60);
      expect(batch.labels![(T - 1) * B + b]).toBe(2 * (sym(xy[0]) - 6) + (sym(xy[1]) - 6));
      for (let t = 0; t < T - 1; t++) expect(batch.labels![t * B + b]).toBe(-1);
    }
  });

  test('classes are balanced (chance 1/4) and a reader of the two symbols scores 1', () => {
    const T = 20, B = 8000;
    const batch = task.batch('train', B, T, new Rng(9));
    const counts = [0, 0, 0, 0];
    for (let b = 0; b < B; b++) counts[batch.labels![(T - 1) * B + b]]++;
    for (const c of counts) expect(Math.abs(c / B - 0.25)).toBeLessThan(0.02);
    const perfect = logitsFor(batch, 4, (t, b) => (t === T - 1 ? batch.labels![t * B + b] : -1));
    const m = task.metric(perfect, batch);
    expect(m).toMatchObject({ value: 1, chance: 0.25, higherIsBetter: true });
    expect(task.metric(new Float32Array(T * B * 4), batch).value).toBeCloseTo(counts[0] / B, 10); // ties → class 0
  });

  test('deterministic; short T keeps the two positions distinct and inside', () => {
    expectDeterministic(task, 4, 12);
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const [a, b] = temporalPositions(4, rng);
      expect(a).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(2);
      expect(a).toBeLessThan(b);
    }
    expect(() => task.batch('train', 2, 3, new Rng(1))).toThrow(/T must be/);
  });
});

describe('embedded Reber grammar', () => {
  const task = new ReberTask();

  test('generated strings follow the grammar: the second and penultimate symbols agree', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 500; i++) {
      const s = embeddedReberString(rng);
      expect(s[0]).toBe(0);
      expect(s[2]).toBe(0);
      expect(s[s.length - 1]).toBe(6);
      expect(s[s.length - 2]).toBe(s[1]);
      expect(() => reberSuccessors(s)).not.toThrow();
    }
    expect(() => reberSuccessors([0, 1, 0, 3])).toThrow(/breaks the embedded Reber grammar/); // S cannot follow B in state 1
  });

  test('batches: every label is a valid successor; one penultimate step per completed string', () => {
    const T = 40, B = 16;
    const batch = task.batch('train', B, T, new Rng(12));
    expect(validateBatch(batch, 7)).toBeNull();
    let penultimates = 0;
    for (let b = 0; b < B; b++) {
      const stream = Array.from({ length: T }, (_, t) => argmax(batch.x, (t * B + b) * 7, 7));
      const { valid, penultimate } = reberSuccessors(stream);
      for (let t = 0; t < T; t++) {
        expect(valid[t] & (1 << batch.labels![t * B + b])).not.toBe(0);
        if (penultimate[t]) {
          penultimates++;
          const label = batch.labels![t * B + b];
          expect(['T', 'P']).toContain(REBER_SYMBOLS[label]); // the repeated branch symbol…
          expect(valid[t]).toBe(1 << label); // …and the only valid one here
        }
      }
    }
    expect(penultimates).toBeGreaterThan(B);
  });

  test('metric: an oracle scores 1; a grammar-only predictor without memory scores ≈ 1/2 on the penultimate symbol', () => {
    const T = 60, B = 400;
    const batch = task.batch('val', B, T, new Rng(13));
    const oracle = logitsFor(batch, 7, (t, b) => batch.labels![t * B + b]);
    expect(task.metric(oracle, batch)).toMatchObject({ value: 1, chance: 0.5, higherIsBetter: true });
    expect(reberScores(oracle, batch).validStep).toBe(1);
    // Knows which symbols may follow, but at the penultimate step always says T.
    const noMemory = new Float32Array(T * B * 7);
    for (let b = 0; b < B; b++) {
      const stream = Array.from({ length: T }, (_, t) => argmax(batch.x, (t * B + b) * 7, 7));
      const { valid, penultimate } = reberSuccessors(stream);
      for (let t = 0; t < T; t++) {
        const guess = penultimate[t] ? 1 : Math.log2(valid[t] & -valid[t]);
        noMemory[(t * B + b) * 7 + guess] = 5;
      }
    }
    const scores = reberScores(noMemory, batch);
    expect(Math.abs(scores.penultimate - 0.5)).toBeLessThan(0.05);
    expect(scores.validStep).toBeGreaterThan(0.9);
    expect(scores.validStep).toBeLessThan(1);
  });

  test('deterministic by seed; val is a separate stream', () => expectDeterministic(task, 4, 30));
});
