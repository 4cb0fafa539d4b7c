// The pure parts of the lessons: the evidence a claim is judged on, and the words a verdict is written in.
import { describe, expect, test } from 'vitest';
import { carriedToStart, Evidence, flowWords, LESSONS, neighbours, lessonNumber, type LessonFrame } from '../../src/core/lessons';
import { summarizeFlow } from '../../src/core/flow';
import { againstChance, num } from '../../src/core/lessons/words';

function frame(step: number, over: Partial<LessonFrame> = {}): LessonFrame {
  return { step, loss: 1, gradNorm: 1, clipped: false, dhNormTop: [0.25, 0.5, 1], dcNormTop: null, sigmaMax: [1], metric: null, diverged: false, message: null, ...over };
}
const mse = (value: number) => ({ name: 'MSE', value, chance: 1 / 6, higherIsBetter: false });

describe('Evidence', () => {
  test('keeps the first and latest frames, the best metric and the first step each target was reached', () => {
    const e = new Evidence([0.05, 0.01]);
    e.add(frame(1));
    e.add(frame(10, { metric: mse(0.1) }));
    e.add(frame(20, { metric: mse(0.04), clipped: true }));
    e.add(frame(30, { metric: mse(0.06) }));
    expect(e.first?.step).toBe(1);
    expect(e.latest?.step).toBe(30);
    expect(e.best).toBe(0.04);
    expect(e.metric?.value).toBe(0.06);
    expect([...e.reachedAt]).toEqual([[0.05, 20]]);
    expect(e.clippedSteps).toBe(1);
  });

  test('a higher-is-better metric is best when highest; the first divergence is kept with its profile', () => {
    const e = new Evidence([0.95]);
    e.add(frame(10, { metric: { name: 'acc', value: 0.5, chance: 0.25, higherIsBetter: true } }));
    e.add(frame(20, { metric: { name: 'acc', value: 0.97, chance: 0.25, higherIsBetter: true } }));
    e.add(frame(21, { diverged: true, message: 'diverged at step 21', gradNorm: 5e6, dhNormTop: [8, 4, 2, 1] }));
    e.add(frame(22, { diverged: true }));
    expect(e.best).toBe(0.97);
    expect(e.reachedAt.get(0.95)).toBe(20);
    expect(e.divergence).toMatchObject({ step: 21, gradNorm: 5e6, message: 'diverged at step 21' });
    expect(e.divergence?.flow.verdict).toBe('exploding');
  });

  test('the smoothed factor per step back follows the trend of the profile, not one batch', () => {
    const e = new Evidence();
    for (let s = 1; s <= 400; s++) e.add(frame(s, { dhNormTop: Array.from({ length: 20 }, (_, t) => 0.9 ** (19 - t)) }));
    expect(e.smoothedFactor).toBeCloseTo(0.9, 6);
    e.add(frame(401, { dhNormTop: Array.from({ length: 20 }, () => 1) })); // one flat profile moves it only a little
    expect(e.smoothedFactor).toBeGreaterThan(0.9);
    expect(e.smoothedFactor).toBeLessThan(0.91);
  });
});

describe('words of a verdict', () => {
  test('the profile in words', () => {
    expect(flowWords(summarizeFlow([0.25, 0.5, 1]))).toBe('the error shrinks ×0.50 per step back: vanishing');
    expect(flowWords(summarizeFlow([4, 2, 1]))).toBe('the error grows ×2.00 per step back: exploding');
    expect(flowWords(summarizeFlow([1, 1, 1]))).toBe('the error keeps its size ×1.000 per step back: stable');
    expect(flowWords(summarizeFlow([0, 0, 1]))).toBe('2 steps get exactly zero gradient: vanished');
    expect(flowWords(summarizeFlow([Infinity, 1, 1]))).toMatch(/overflowed to Inf\/NaN: exploding$/);
  });
  test('numbers and chance: "at chance" only near it', () => {
    expect(num(2.9e6)).toBe('2.9e6');
    expect(num(0.0123)).toBe('0.012');
    expect(againstChance(0.01, 1 / 6)).toBe('×17 below chance (0.17)');
    expect(againstChance(0.17, 1 / 6)).toBe('at chance (0.17)');
    expect(againstChance(1.7, 1 / 6)).toBe('×10 worse than chance (0.17)');
    expect(againstChance(0.01, 0.04, 'persistence')).toBe('×4 below persistence (0.04)');
  });
  test('the carousel: how much of ∂L/∂c reaches t = 0', () => {
    expect(carriedToStart([0.5, 1, 0.25])).toBe(0.5);
    expect(carriedToStart([0, 0])).toBe(0);
  });
});

describe('the course', () => {
  test('twelve lessons in the course order, ids unique, each with a question, papers and a budget', () => {
    expect(LESSONS.map((l) => l.id)).toEqual(['rnn', 'vanishing', 'exploding', 'clipping', 'tbptt', 'penalties', 'irnn', 'esn', 'lstm', 'gru', 'char', 'greff']);
    for (const l of LESSONS) {
      expect(l.question.endsWith('?'), l.id).toBe(true);
      expect(l.papers.length, l.id).toBeGreaterThan(0);
      for (const p of l.papers) expect(p.url, `${l.id}: ${p.cite}`).toMatch(/^https:\/\//);
      expect(l.budget, l.id).toBeGreaterThanOrEqual(1);
      expect(l.lookAt.charts.length, l.id).toBeGreaterThan(0);
    }
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    expect(neighbours(LESSONS[0])).toEqual({ previous: null, next: LESSONS[1] });
    expect(lessonNumber(LESSONS[11])).toBe(12);
  });
  test('before any frame every claim says "pending", never holds', () => {
    for (const l of LESSONS) expect(l.claim(new Evidence(l.targets)).status, l.id).toBe('pending');
  });
});
