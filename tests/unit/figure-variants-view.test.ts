// The LSTM variants figure's view logic (src/ui/figures/variantsView.ts): box geometry on the loss axis (log once
// the losses spread), V's band, diverged marks, the figure in words and the CSV, on small hand-made summaries.
import { describe, expect, test } from 'vitest';
import { variantsConfig, variantsSummary, type GreffVariant } from '../../src/core/figures/variantsCompared';
import type { SweepPoint, SweepResult } from '../../src/core/inspect/sweep';
import { describeVariants, logTicks125, lossAxis, ROW_HEIGHT, variantsCsv, variantsGeometry, VERDICT_COLORS } from '../../src/ui/figures/variantsView';

const point = (valLoss: number, diverged: string | null = null): SweepPoint => ({
  value: 25, finalLoss: diverged ? NaN : valLoss - 0.01, valLoss: diverged ? NaN : valLoss, metric: diverged ? NaN : 0.75, chance: 0.5, gap: 0.5, solved: false, diverged, steps: 100,
});
const curve = (variant: GreffVariant, points: SweepPoint[]) => ({ contestant: { cell: 'lstm' as const, variant }, label: `LSTM ${variant}`, points });
const summary = (curves: ReturnType<typeof curve>[]) => {
  const result: SweepResult = { setting: 'T', engine: 'cpu', metricName: 'accuracy', higherIsBetter: true, cancelled: false, curves };
  return variantsSummary(result, { base: variantsConfig({ engine: 'cpu', seed: 1 }) });
};

describe('the loss axis', () => {
  test('linear while the losses stay within a factor 3, log beyond, ticks inside the domain', () => {
    const near = lossAxis([0.40, 0.42, 0.41]);
    expect(near.log).toBe(false);
    expect(near.domain[0]).toBeLessThan(0.4);
    expect(near.domain[1]).toBeGreaterThan(0.42);
    expect(near.ticks.length).toBeGreaterThanOrEqual(2);
    expect(near.ticks.every((t) => t.value >= near.domain[0] && t.value <= near.domain[1])).toBe(true);
    const far = lossAxis([0.4, 9.1, NaN]);
    expect(far.log).toBe(true);
    expect(far.ticks.map((t) => t.label)).toEqual(['0.5', '1', '2', '5', '10']);
    expect(logTicks125(0.41, 0.43).map((t) => t.value)).toEqual([0.41, 0.43]);
    expect(lossAxis([NaN])).toMatchObject({ log: false, domain: [0, 1] });
  });
});

describe('the geometry', () => {
  test("a row per variant; box, whiskers and dots in loss order; V's middle half as the band; diverged runs counted", () => {
    const boxes = summary([
      curve('vanilla', [point(0.4), point(0.42), point(0.41)]),
      curve('nfg', [point(1), point(2), point(4)]),
      curve('noaf', [point(0.8), point(0, 'diverged at step 9')]),
    ]);
    const g = variantsGeometry(boxes, 300);
    expect(g.log).toBe(true);
    expect(g.height).toBe(3 * ROW_HEIGHT);
    const [v, nfg, noaf] = g.rows;
    expect(v).toMatchObject({ name: 'V', color: VERDICT_COLORS.reference, y: ROW_HEIGHT / 2 });
    expect(nfg).toMatchObject({ name: 'NFG', color: VERDICT_COLORS.worse, diverged: 0 });
    const b = nfg.box!;
    expect(b.x1).toBeLessThan(b.xq1);
    expect(b.xq1).toBeLessThan(b.xMedian);
    expect(b.xMedian).toBeLessThan(b.xq3);
    expect(b.xq3).toBeLessThan(b.x2);
    expect(b.x1).toBeGreaterThan(v.box!.x2);
    expect(b.x2).toBeLessThanOrEqual(300);
    expect(nfg.dots.map((d) => d.seed)).toEqual([1, 2, 3]);
    expect(noaf).toMatchObject({ diverged: 1, color: VERDICT_COLORS.worse }); // one of two diverged: its q1 lies toward +∞
    expect(noaf.dots).toHaveLength(1);
    expect(g.band).toEqual({ x1: v.box!.xq1, x2: v.box!.xq3 });
    expect(variantsGeometry(boxes.slice(1), 300).band).toBeNull();
  });
});

describe('words and numbers', () => {
  const boxes = summary([
    curve('vanilla', [point(0.4), point(0.42)]),
    curve('nfg', [point(1), point(2)]),
    curve('noaf', [point(0.8), point(0, 'diverged at step 9, "loss" NaN')]),
    curve('cifg', []),
  ]);

  test('the figure in words: per variant with runs its median and middle half, diverged runs, ours and the paper', () => {
    expect(describeVariants(boxes, 300)).toBe(
      'Final validation loss after 300 steps on the never-reset Reber stream, one box per LSTM variant. ' +
        'V: 2 runs, median 0.41, middle half 0.405–0.415; the reference. ' +
        'NFG: 2 runs, median 1.5, middle half 1.25–1.75; ours worse, paper worse. ' +
        'NOAF: 2 runs, median 0.8, middle half 0.8–0.8, 1 of 2 diverged; ours worse, paper worse',
    );
    expect(describeVariants(summary([curve('vanilla', [])]), 300)).toMatch(/no run has finished yet$/);
  });

  test('one CSV row per run, diverged message quoted', () => {
    const rows = variantsCsv(boxes).trim().split('\n');
    expect(rows).toEqual([
      'variant,seed,final_val_loss,final_train_loss,accuracy,diverged',
      'vanilla,1,0.4,0.39,0.75,',
      'vanilla,2,0.42,0.41,0.75,',
      'nfg,1,1,0.99,0.75,',
      'nfg,2,2,1.99,0.75,',
      'noaf,1,0.8,0.79,0.75,',
      'noaf,2,NaN,NaN,NaN,"diverged at step 9, ""loss"" NaN"',
    ]);
  });
});
