import { describe, expect, it } from 'vitest';
import { interpolateViridis } from 'd3-scale-chromatic';
import { DecimatingSeries, thinForDisplay } from '../../src/state/decimate';
import { domainOf, linearTicks, logTicks, niceStep, powerOfTenLabel, project } from '../../src/ui/axes';
import { buildLut, colorOf, colorPosition, growColorRange, heatmapRange, NONFINITE_RGB, paintHeatmap, parseColor } from '../../src/ui/colormap';
import { summarizeFlow } from '../../src/core/flow';
import { pathOf, thinCaps } from '../../src/ui/plotPath';
import { formatFactor, formatRate, formatSteps, formatTicks, formatValue } from '../../src/ui/format';
import { positionOfScale, scaleOfPosition, trackFraction, WREC_POSITIONS } from '../../src/ui/logSlider';

describe('DecimatingSeries', () => {
  it('keeps every point until full', () => {
    const s = new DecimatingSeries(8);
    for (let i = 1; i <= 7; i++) s.push(i, i * 10);
    expect(s.snapshot().map((p) => p.value)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(s.currentStride).toBe(1);
  });

  it('stays bounded over 10,000+ steps and keeps the newest step', () => {
    const s = new DecimatingSeries(100);
    for (let i = 1; i <= 12_345; i++) s.push(i, 1 / i);
    expect(s.length).toBeLessThanOrEqual(101);
    const points = s.snapshot();
    expect(points[points.length - 1].step).toBe(12_345);
    // steps strictly increase and the values follow the curve (means of neighbours)
    for (let i = 1; i < points.length; i++) expect(points[i].step).toBeGreaterThan(points[i - 1].step);
    expect(points[0].value).toBeGreaterThan(points[points.length - 1].value);
  });

  it('merges by averaging, so the mean of a constant stays the constant', () => {
    const s = new DecimatingSeries(4);
    for (let i = 1; i <= 50; i++) s.push(i, 2.5);
    for (const p of s.snapshot()) expect(p.value).toBeCloseTo(2.5, 12);
  });

  it('keeps a non-finite value visible through merging', () => {
    const s = new DecimatingSeries(4);
    for (let i = 1; i <= 40; i++) s.push(i, i === 17 ? Infinity : 1);
    expect(s.snapshot().some((p) => p.value === Infinity)).toBe(true);
  });

  it('truncates after a rewind', () => {
    const s = new DecimatingSeries(10);
    for (let i = 1; i <= 9; i++) s.push(i, i);
    s.truncateAfter(5);
    expect(s.snapshot().map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    s.push(6, 0);
    expect(s.snapshot().at(-1)).toEqual({ step: 6, value: 0 });
  });

  it('rejects a capacity it cannot halve', () => {
    expect(() => new DecimatingSeries(7)).toThrow(/even/);
  });
});

describe('thinForDisplay', () => {
  const pts = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, value: i }));
  it('leaves short series alone', () => {
    const p = pts(10);
    expect(thinForDisplay(p, 20)).toBe(p);
  });
  it('keeps about max points, the first and the last', () => {
    const out = thinForDisplay(pts(1000), 100);
    expect(out.length).toBeGreaterThanOrEqual(99);
    expect(out.length).toBeLessThanOrEqual(101);
    expect(out[0].step).toBe(1);
    expect(out[out.length - 1].step).toBe(1000);
  });
  it('never drops a non-finite point', () => {
    const p = pts(1000);
    p[457] = { step: 458, value: Infinity };
    expect(thinForDisplay(p, 50).some((q) => q.value === Infinity)).toBe(true);
  });
});

describe('axes', () => {
  it('labels powers of ten with superscripts', () => {
    expect(powerOfTenLabel(0)).toBe('1');
    expect(powerOfTenLabel(1)).toBe('10');
    expect(powerOfTenLabel(-3)).toBe('10⁻³');
    expect(powerOfTenLabel(12)).toBe('10¹²');
  });

  it('puts log ticks on decades covering the range', () => {
    expect(logTicks(0.003, 2).map((t) => t.value)).toEqual([1e-3, 1e-2, 1e-1, 1, 10]);
  });

  it('thins log ticks over many decades to round exponents', () => {
    const ticks = logTicks(1e-20, 1e5, 6);
    expect(ticks.length).toBeLessThanOrEqual(6);
    expect(ticks.map((t) => t.label)).toEqual(['10⁻²⁰', '10⁻¹⁵', '10⁻¹⁰', '10⁻⁵', '1', '10⁵']);
    expect(logTicks(1e-41, 1, 9).map((t) => t.value)).toEqual([1e-40, 1e-35, 1e-30, 1e-25, 1e-20, 1e-15, 1e-10, 1e-5, 1]);
  });

  it('returns no log ticks for non-positive ranges', () => {
    expect(logTicks(0, 1)).toEqual([]);
    expect(logTicks(NaN, 1)).toEqual([]);
  });

  it('chooses 1-2-5 linear steps', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(0.7, 5)).toBeCloseTo(0.2);
    expect(linearTicks(0, 10, 5).map((t) => t.value)).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('pins non-finite and out-of-range values to the edges', () => {
    expect(project(Infinity, [1, 10], 100, true)).toEqual({ px: 100, placement: 'nonfinite' });
    expect(project(NaN, [1, 10], 100, true).placement).toBe('nonfinite');
    expect(project(1e9, [1, 10], 100, true)).toEqual({ px: 100, placement: 'above' });
    expect(project(0, [1, 10], 100, true)).toEqual({ px: 0, placement: 'below' });
    expect(project(Math.sqrt(10), [1, 10], 100, true).px).toBeCloseTo(50);
    expect(project(5, [0, 10], 100, false).px).toBeCloseTo(50);
  });

  it('fits a log domain to whole decades ignoring non-finite values', () => {
    expect(domainOf([0.02, 3, NaN, Infinity, 0], true)).toEqual([0.01, 10]);
    expect(domainOf([NaN], true)).toEqual([1e-3, 1]);
    const [lo, hi] = domainOf([1, 2, 3], false);
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(3);
  });
});

describe('colormap', () => {
  it('parses both colour forms d3 returns', () => {
    expect(parseColor('#440154')).toEqual([0x44, 0x01, 0x54]);
    expect(parseColor('rgb(1, 2, 3)')).toEqual([1, 2, 3]);
    expect(() => parseColor('red')).toThrow();
  });

  it('builds a viridis table from dark purple to yellow', () => {
    const lut = buildLut(interpolateViridis, 256);
    expect(lut.length).toBe(256 * 3);
    expect(Array.from(lut.slice(0, 3))).toEqual(parseColor(interpolateViridis(0)));
    expect(Array.from(lut.slice(-3))).toEqual(parseColor(interpolateViridis(1)));
    // perceptually ordered: brightness (sum of channels) rises end to end
    expect(lut[255 * 3] + lut[255 * 3 + 1] + lut[255 * 3 + 2]).toBeGreaterThan(lut[0] + lut[1] + lut[2]);
  });

  it('maps norms on a log scale and clamps', () => {
    expect(colorPosition(1e-2, -4, 0)).toBeCloseTo(0.5);
    expect(colorPosition(1e3, -4, 0)).toBe(1);
    expect(colorPosition(0, -4, 0)).toBe(0);
    expect(colorPosition(NaN, -4, 0)).toBeNull();
  });

  it('draws non-finite norms in the overflow colour', () => {
    const lut = buildLut();
    expect(colorOf(Infinity, -3, 0, lut)).toEqual(NONFINITE_RGB);
    expect(colorOf(1, -3, 0, lut)).toEqual(Array.from(lut.slice(-3)));
  });

  it('widens a flat range to at least one decade', () => {
    const [lo, hi] = heatmapRange([new Float64Array([1, 1, 1])]);
    expect(hi - lo).toBeCloseTo(1);
    expect(heatmapRange([new Float64Array([1e-6, 10, NaN])])).toEqual([-6, 1]);
  });

  it('grows the colour range over a run and never narrows it, so drawn columns keep their colours', () => {
    const col = (...norms: number[]) => Float64Array.from(norms);
    const first = growColorRange(null, [col(1e-4, 1e-2)], [1])!;
    expect([first.lo, first.hi]).toEqual([-4, -2]);
    // a wider column widens it
    const wider = growColorRange(first, [col(1e-4, 1e-2), col(1e-6, 1)], [1, 2])!;
    expect([wider.lo, wider.hi]).toEqual([-6, 0]);
    // the wide column scrolls out of the history: the range stays
    const later = growColorRange(wider, [col(1e-3, 1e-2)], [3])!;
    expect([later.lo, later.hi]).toEqual([-6, 0]);
    // nothing new: the same object, so a component's state does not change
    expect(growColorRange(later, [col(1e-3, 1e-2)], [3])).toBe(later);
    // a reset empties the charts; a rewind goes back in steps: both start afresh
    expect(growColorRange(later, [], [])).toBeNull();
    const rewound = growColorRange(later, [col(1e-3, 1e-1)], [2])!;
    expect([rewound.lo, rewound.hi]).toEqual([-3, -1]);
  });

  it('paints columns as steps and rows as t', () => {
    const lut = buildLut();
    const cols = [new Float64Array([1e-3, 1]), new Float64Array([1, Infinity])];
    const px = paintHeatmap(cols, 2, -3, 0, lut);
    expect(px.length).toBe(2 * 2 * 4);
    // (t=0, step 0) is the lowest colour, (t=1, step 1) the overflow colour
    expect(Array.from(px.slice(0, 3))).toEqual(Array.from(lut.slice(0, 3)));
    const o = (1 * 2 + 1) * 4;
    expect(Array.from(px.slice(o, o + 3))).toEqual(NONFINITE_RGB);
  });
});

describe('summarizeFlow', () => {
  const profile = (factor: number, T: number) => Float64Array.from({ length: T }, (_, t) => factor ** (T - 1 - t));

  it('reads a profile that shrinks back in time as vanishing', () => {
    const s = summarizeFlow(profile(0.5, 50));
    expect(s.verdict).toBe('vanishing');
    expect(s.factorPerStepBack).toBeCloseTo(0.5, 6);
    expect(s.slope).toBeCloseTo(Math.log10(2), 6);
    expect(s.decadesAcross).toBeCloseTo(49 * Math.log10(0.5), 6);
  });

  it('reads a profile that grows back in time as exploding', () => {
    const s = summarizeFlow(profile(1.3, 50));
    expect(s.verdict).toBe('exploding');
    expect(s.factorPerStepBack).toBeCloseTo(1.3, 6);
  });

  it('calls a flat profile stable and flags non-finite values', () => {
    expect(summarizeFlow(new Float64Array(20).fill(0.1)).verdict).toBe('stable');
    const withInf = profile(2, 10);
    withInf[0] = Infinity;
    const s = summarizeFlow(withInf);
    expect(s.verdict).toBe('overflow');
    expect(s.nonFinite).toBe(1);
    expect(summarizeFlow([]).verdict).toBe('unknown');
  });

  it('reads exactly-zero gradients (saturated units) as vanished', () => {
    const s = summarizeFlow([0, 0, 0, 0, 0.3]);
    expect(s.verdict).toBe('vanishing');
    expect(s.zeros).toBe(4);
    expect(Number.isNaN(s.slope)).toBe(true);
  });
});

describe('format', () => {
  it('formats values compactly', () => {
    expect(formatValue(0.123456)).toBe('0.123');
    expect(formatValue(123456)).toBe('1.23e5');
    expect(formatValue(2.5e-7)).toBe('2.50e-7');
    expect(formatValue(Infinity)).toBe('∞');
    expect(formatValue(NaN)).toBe('NaN');
  });

  it('labels one axis in one notation, chosen from its whole range', () => {
    // a decade axis that reaches below 1e-3 is exponent form throughout, not "1e-4" beside "0.001"
    expect(formatTicks([1e-4, 1e-3, 1e-2, 0.1, 1])).toEqual(['1e-4', '1e-3', '1e-2', '1e-1', '1e0']);
    expect(formatTicks([0, 0.05, 0.1, 0.15, 0.2])).toEqual(['0', '0.05', '0.1', '0.15', '0.2']);
    expect(formatTicks([0, 50000, 100000])).toEqual(['0', '5e4', '1e5']);
    // the fewest mantissa digits that say every tick, the same for the whole axis
    expect(formatTicks([0, 50000, 100000, 150000])).toEqual(['0', '5.0e4', '1.0e5', '1.5e5']);
    expect(formatTicks([2e-4, 2.5e-4, 3e-4])).toEqual(['2.0e-4', '2.5e-4', '3.0e-4']);
    expect(formatTicks([])).toEqual([]);
    for (const ticks of [linearTicks(0, 2e-3, 5), linearTicks(0, 2.4e5, 5), linearTicks(-3, 7, 5)]) {
      const scientific = ticks.filter((t) => t.value !== 0).map((t) => /e/.test(t.label));
      expect(new Set(scientific).size, ticks.map((t) => t.label).join(' ')).toBe(1);
    }
  });

  it('formats steps, rates and factors', () => {
    expect(formatSteps(1234567)).toBe('1\u2009234\u2009567');
    expect(formatRate(123.4)).toBe('123');
    expect(formatRate(12.34)).toBe('12.3');
    expect(formatRate(0)).toBe('0');
    expect(formatFactor(0.6213)).toBe('×0.62');
    expect(formatFactor(1234)).toBe('×1.2e3');
  });
});

describe('W_rec log slider', () => {
  it('puts 1 in the middle of 0.1–10', () => {
    expect(positionOfScale(1)).toBe(WREC_POSITIONS / 2);
    expect(trackFraction(1)).toBeCloseTo(0.5);
  });

  it('round-trips positions and clamps the ends', () => {
    for (const p of [0, 1, 77, 200, 399, 400]) expect(positionOfScale(scaleOfPosition(p))).toBe(p);
    expect(scaleOfPosition(0)).toBeCloseTo(0.1);
    expect(scaleOfPosition(WREC_POSITIONS)).toBeCloseTo(10);
    expect(positionOfScale(50)).toBe(WREC_POSITIONS);
    expect(positionOfScale(0)).toBe(0);
  });
});

describe('pathOf', () => {
  const g = { width: 100, height: 100, xDomain: [0, 10] as [number, number], yDomain: [1, 100] as [number, number], yLog: true };

  it('maps points into the plot with y growing downwards', () => {
    const { d, caps } = pathOf([{ x: 0, y: 1 }, { x: 10, y: 100 }], g);
    expect(d).toBe('M0.0,100.0L100.0,0.0');
    expect(caps).toEqual([]);
  });

  it('caps values above the chart and at infinity, and breaks the line at NaN', () => {
    const { d, caps } = pathOf([{ x: 0, y: 10 }, { x: 5, y: 1e9 }, { x: 6, y: NaN }, { x: 8, y: Infinity }, { x: 10, y: 10 }], g);
    expect(caps.map((c) => c.kind)).toEqual(['above', 'nonfinite', 'nonfinite']);
    expect(caps[0]).toEqual({ x: 50, y: 0, kind: 'above' });
    // the NaN point starts a new sub-path
    expect(d.match(/M/g)!.length).toBe(2);
  });

  it('thins caps evenly', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: 0, kind: 'above' as const }));
    const thin = thinCaps(many, 10);
    expect(thin.length).toBe(10);
    expect(thin[0].x).toBe(0);
    expect(thin[9].x).toBe(999);
  });
});
