// The cliff figure's view logic (src/ui/figures/cliffView.ts): positions on the log–log panels, the step's
// landings, the figure in words, the CSV and the surface's cells.
import { describe, expect, it } from 'vitest';
import { cliffScales, singleUnitSurface, type CliffResult } from '../../src/core/figures/cliff';
import { buildLut, NONFINITE_RGB } from '../../src/ui/colormap';
import { cliffCsv, cliffGeometry, describeCliff, gradientRise, surfaceCells, xOf } from '../../src/ui/figures/cliffView';

/** A curve shaped like the measured one: flat below σ_max ≈ 1.5, then up by decades; a raw step off the chart. */
function result(): CliffResult {
  const points = cliffScales(40).map((s) => ({ sigmaMax: s, loss: 1 + 0.1 * Math.log10(s + 1), gradNorm: s < 1.5 ? 3 : 3 * 10 ** (3 * (s - 1.5)), finite: true }));
  return {
    points,
    current: { from: { sigmaMax: 2, loss: 1.25 }, gradNorm: 135, lr: 0.1, clipAt: 1, raw: { sigmaMax: 20, loss: 1.8 }, clipped: { sigmaMax: 2.02, loss: 1.3 } },
  };
}

describe('cliffView', () => {
  const r = result();
  const g = cliffGeometry(r, 400, 150);

  it('puts σ_max on a log axis from 0.1 to 10: 1 in the middle, ticks at the decades', () => {
    expect(xOf(0.1, 400)).toBe(0);
    expect(xOf(10, 400)).toBe(400);
    expect(g.xOne).toBeCloseTo(200, 9);
    expect(g.xTicks.map((t) => t.value)).toEqual([0.1, 1, 10]);
  });

  it('draws a point per σ_max, the gradient norm on whole decades, the loss on a tight range', () => {
    expect(g.gradNorm.line.match(/[ML]/g)).toHaveLength(40);
    expect(g.gradNorm.yDomain[0]).toBe(1);
    expect(Math.log10(g.gradNorm.yDomain[1]) % 1).toBe(0);
    expect(g.loss.yDomain[1] / g.loss.yDomain[0]).toBeLessThan(2);
    expect(g.loss.yTicks.length).toBeGreaterThanOrEqual(2);
    for (const t of g.loss.yTicks) expect(t.value >= g.loss.yDomain[0] && t.value <= g.loss.yDomain[1]).toBe(true);
  });

  it('marks the current point, the clipped landing near it, and the raw one pinned to the edge when off the chart', () => {
    expect(g.loss.current.x).toBeCloseTo(xOf(2, 400), 9);
    expect(g.loss.current.placement).toBe('in');
    expect(g.loss.clipped.placement).toBe('in');
    expect(Math.abs(g.loss.clipped.x - g.loss.current.x)).toBeLessThan(2);
    expect(g.loss.raw.placement).toBe('above');
    expect(g.loss.raw.x).toBe(400);
    expect(g.loss.raw.y).toBeLessThan(g.loss.clipped.y); // a higher loss is drawn higher
  });

  it('says the figure in words and writes its numbers as CSV', () => {
    expect(gradientRise(r)).toBeGreaterThan(1e3);
    const words = describeCliff(r);
    expect(words).toMatch(/40 points/);
    expect(words).toMatch(/clipped at 1, at σ_max 2\.02/);
    const csv = cliffCsv(r).trim().split('\n');
    expect(csv[0]).toBe('kind,sigma_max,loss,grad_norm');
    expect(csv).toHaveLength(1 + 40 + 3);
    expect(csv[1].split(',').map(Number).slice(1)).toEqual([r.points[0].sigmaMax, r.points[0].loss, r.points[0].gradNorm]);
    expect(csv[43]).toBe('clipped_step_at_1,2.02,1.3,');
  });

  it('colours every cell of the surface, largest b at the top', () => {
    const surface = singleUnitSurface({ w: [0, 12], b: [-9, 1], columns: 6, rows: 5 });
    const { cells, lo, hi } = surfaceCells(surface, buildLut());
    expect(cells).toHaveLength(30);
    expect(hi).toBeGreaterThan(lo);
    expect(cells.every((c) => c.rgb !== NONFINITE_RGB)).toBe(true);
    expect(cells[0]).toMatchObject({ column: 0, row: 4 }); // the first row of the grid is the smallest b
    // at w = 0 the loss is (b − 0.7)²: b = −9 (bottom) is far worse than b = 1 (top), so it is brighter
    const bottom = cells.find((c) => c.column === 0 && c.row === 4)!;
    const top = cells.find((c) => c.column === 0 && c.row === 0)!;
    expect(bottom.rgb[1]).toBeGreaterThan(top.rgb[1]);
  });
});
