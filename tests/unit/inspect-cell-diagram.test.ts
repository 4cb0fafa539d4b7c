// The cell diagram's values, extracted from a real CPU-engine forward pass, obey the cell equations.
import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { cellStepValues, contrastRatio, paintValue, shortValue, TEXT_CONTRAST, type GruStepValues, type LstmStepValues } from '../../src/ui/inside/cellDiagram';

async function forwardOf(spec: ModelSpec, T: number, B: number) {
  const rng = new Rng(4);
  const engine = new CpuEngine();
  await engine.init(spec, new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-0.8, 0.8)));
  const x = new Float32Array(T * B * spec.inputSize).map(() => rng.uniform(-1, 1));
  return engine.forward({ T, B, X: spec.inputSize, x, y: new Float32Array(T * B * spec.outputSize), loss: 'mse', lossSteps: 'all' });
}

describe('cellStepValues', () => {
  test('LSTM: c = f·c₋₁ + i·g and h = o·tanh(c) at every step, for the chosen unit and row', async () => {
    const fwd = await forwardOf(makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 3, outputSize: 1, numLayers: 2 }), 5, 2);
    const steps = cellStepValues(fwd, { cell: 'lstm', T: 5, B: 2, H: 3, layer: 1, b: 1, unit: 2 }) as LstmStepValues[];
    expect(steps).toHaveLength(5);
    expect(steps[0].cPrev).toBe(0);
    expect(steps[0].hPrev).toBe(0);
    for (const s of steps) {
      expect(s.c).toBeCloseTo(s.f * s.cPrev + s.i * s.g, 5);
      expect(s.h).toBeCloseTo(s.o * Math.tanh(s.c), 5);
      expect(s.kept + s.written).toBeCloseTo(s.c, 5);
      expect(s.squashed).toBeCloseTo(Math.tanh(s.c), 6);
    }
    for (let t = 1; t < 5; t++) expect(steps[t].cPrev).toBe(steps[t - 1].c);
    expect(steps[4].h).toBeCloseTo(fwd.hidden[1][(4 * 2 + 1) * 3 + 2], 6);
  });

  test('GRU: h = (1 − z)·n + z·h₋₁', async () => {
    const fwd = await forwardOf(makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 1 }), 4, 1);
    const steps = cellStepValues(fwd, { cell: 'gru', T: 4, B: 1, H: 3, unit: 0 }) as GruStepValues[];
    for (const s of steps) {
      expect(s.h).toBeCloseTo((1 - s.z) * s.n + s.z * s.hPrev, 5);
      expect(s.kept + s.written).toBeCloseTo(s.h, 5);
      for (const v of [s.r, s.z]) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  test('NOAF draws c itself where the others draw tanh(c)', async () => {
    const spec = makeSpec({ cell: 'lstm', variant: 'noaf', inputSize: 2, hiddenSize: 2, outputSize: 1 });
    const fwd = await forwardOf(spec, 3, 1);
    const steps = cellStepValues(fwd, { cell: 'lstm', variant: 'noaf', T: 3, B: 1, H: 2, unit: 1 }) as LstmStepValues[];
    for (const s of steps) {
      expect(s.squashed).toBe(s.c);
      expect(s.h).toBeCloseTo(s.o * s.c, 5);
    }
  });

  test('errors name the problem', async () => {
    const fwd = await forwardOf(makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 1 }), 2, 1);
    expect(() => cellStepValues(fwd, { cell: 'gru', T: 2, B: 1, H: 3, unit: 3 })).toThrow(/unit 3/);
    expect(() => cellStepValues(fwd, { cell: 'lstm', T: 2, B: 1, H: 3, unit: 0 })).toThrow(/T·B·G·H/);
  });
});

describe('paint', () => {
  test('gates darken as they open; signs map to opposite ends; text stays readable', () => {
    const closed = paintValue(0, 'unit');
    const open = paintValue(1, 'unit');
    expect(closed.text).toBe('#111111');
    expect(open.text).toBe('#ffffff');
    expect(paintValue(2, 'signed').fill).not.toBe(paintValue(-2, 'signed').fill);
    expect(paintValue(NaN, 'signed').fill).toBe('#bdbdbd');
    expect(shortValue(-0.001)).toBe('0.00');
    expect(shortValue(-0.5)).toBe('−0.50');
    expect(shortValue(1234)).toBe('1e3');
  });

  test('every value’s text reaches WCAG AA (4.5:1): on its fill, or on a halo of the other colour where the fill is a mid-tone', () => {
    let halos = 0;
    for (const range of ['unit', 'signed'] as const) {
      for (let k = 0; k <= 200; k++) {
        const value = range === 'unit' ? k / 200 : (k - 100) / 25;
        const paint = paintValue(value, range);
        const ground = paint.halo ?? paint.fill;
        expect(contrastRatio(paint.text, ground), `${range} ${value}: ${paint.text} on ${ground}`).toBeGreaterThanOrEqual(TEXT_CONTRAST);
        if (paint.halo) halos++;
      }
    }
    // the mid blues of a half-open gate need it; most fills do not
    expect(paintValue(0.73, 'unit').halo).not.toBeNull();
    expect(halos).toBeLessThan(100);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 6);
  });
});
