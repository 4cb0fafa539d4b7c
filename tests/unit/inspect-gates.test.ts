// Gate statistics on hand-made gate arrays whose histograms can be counted by eye.
import { describe, expect, test } from 'vitest';
import { gateNotes, gateStatistics } from '../../src/core/inspect/gates';

describe('gateStatistics', () => {
  // LSTM, T = 2, B = 1, H = 2: rows are [i0 i1 | f0 f1 | g0 g1 | o0 o1] per step.
  const gates = Float32Array.from([
    0.05, 0.5, /* f */ 0.95, 0.99, /* g */ -0.95, 0.0, /* o */ 0.5, 0.5, // t = 0
    0.15, 1.0, /* f */ 0.92, 0.2, /* g */ 0.95, 0.3, /* o */ 0.0, 0.55, // t = 1
  ]);

  test('bins, saturation fractions and means per gate', () => {
    const stats = gateStatistics({ cell: 'lstm', gates, T: 2, B: 1, H: 2, bins: 10 });
    expect(stats.map((s) => s.gate.name)).toEqual(['i', 'f', 'g', 'o']);
    const [i, f, g, o] = stats;

    // i: 0.05 → bin 0, 0.5 → bin 5, 0.15 → bin 1, 1.0 → the last bin (closed on the right)
    expect(Array.from(i.counts)).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(i.total).toBe(4);
    expect(i.lowFraction).toBeCloseTo(0.25); // 0.05
    expect(i.highFraction).toBeCloseTo(0.25); // 1.0
    expect(i.mean).toBeCloseTo((0.05 + 0.5 + 0.15 + 1.0) / 4, 6);
    expect(Array.from(i.saturationByStep)).toEqual([0.5, 0.5]);

    // f: 0.95, 0.99, 0.92 open; 0.2 neither
    expect(f.highFraction).toBeCloseTo(0.75);
    expect(f.lowFraction).toBe(0);
    expect(Array.from(f.saturationByStep)).toEqual([1, 0.5]);

    // g is tanh: range [−1, 1], saturated below −0.9 or above 0.9
    expect([g.lo, g.hi]).toEqual([-1, 1]);
    expect(g.counts[0]).toBe(1); // −0.95
    expect(g.counts[9]).toBe(1); // 0.95
    expect(g.counts[5]).toBe(1); // 0.0
    expect(g.counts[6]).toBe(1); // 0.3
    expect(g.lowFraction).toBeCloseTo(0.25);
    expect(g.highFraction).toBeCloseTo(0.25);

    // o: a hard 0 is closed
    expect(o.lowFraction).toBeCloseTo(0.25);
    expect(o.highFraction).toBe(0);
    for (const s of stats) expect(s.counts.reduce((a, b) => a + b, 0)).toBe(s.total);
  });

  test('restricting to one unit and GRU gate order', () => {
    // GRU, T = 1, B = 2, H = 2: [r0 r1 | z0 z1 | n0 n1] per batch row.
    const gru = Float32Array.from([0.01, 0.6, 0.99, 0.4, -0.99, 0.1, 0.02, 0.7, 0.97, 0.5, 0.2, 0.1]);
    const stats = gateStatistics({ cell: 'gru', gates: gru, T: 1, B: 2, H: 2, bins: 4, units: [0] });
    expect(stats.map((s) => s.gate.name)).toEqual(['r', 'z', 'n']);
    expect(stats[0].total).toBe(2);
    expect(stats[0].lowFraction).toBe(1); // r of unit 0 is 0.01 and 0.02
    expect(stats[1].highFraction).toBe(1); // z of unit 0 is 0.99 and 0.97
    expect(Array.from(stats[2].counts)).toEqual([1, 0, 1, 0]); // n: −0.99, 0.2
  });

  test('non-finite values are counted apart, never binned', () => {
    const g = Float32Array.from([NaN, 0.5, Infinity, 0.5, 0.5, 0.5]);
    const [r] = gateStatistics({ cell: 'gru', gates: g, T: 1, B: 1, H: 2, bins: 2 });
    expect(r.nonFinite).toBe(1);
    expect(r.total).toBe(1);
    expect(gateStatistics({ cell: 'gru', gates: g, T: 1, B: 1, H: 2 })[1].nonFinite).toBe(1);
  });

  test('shape errors are named', () => {
    expect(() => gateStatistics({ cell: 'lstm', gates: new Float32Array(5), T: 1, B: 1, H: 1 })).toThrow(/expected T·B·G·H = 4/);
    expect(() => gateStatistics({ cell: 'lstm', gates: new Float32Array(4), T: 1, B: 1, H: 1, units: [1] })).toThrow(/unit 1/);
  });

  test('variant notes explain fixed gates', () => {
    expect(gateNotes('lstm', 'nfg').f).toMatch(/f ≡ 1/);
    expect(gateNotes('lstm', 'cifg').f).toMatch(/1 − i/);
    expect(gateNotes('gru', 'nfg')).toEqual({});
  });
});
