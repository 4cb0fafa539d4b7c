// The gate saturation figure's view logic (ui/figures/saturationView.ts): dots, the counts in words, CSV, panel size.
import { describe, expect, test } from 'vitest';
import { SaturationCounter, type SaturationFigure } from '../../src/core/figures/saturation';
import { describeSaturation, dotsOf, panelSize, saturationCsv, unitsLeftSaturated } from '../../src/ui/figures/saturationView';

/** LSTM, H = 2, one step: unit 0's forget gate open (0.95), unit 1's closed (0.05); i and o in between or saturated. */
function result(f: [number, number]) {
  const counter = new SaturationCounter('lstm', 2, 1);
  counter.add([Float32Array.from([0.5, 0.5, f[0], f[1], 0, 0, 0.95, 0.5])], 1, 1); // i, f, g, o blocks
  return counter.result();
}

const figure: SaturationFigure = { trained: result([0.95, 0.05]), fresh: result([0.5, 0.5]), engines: { trained: 'webgpu', fresh: 'cpu' }, windows: 1, windowLength: 1 };

describe('saturation view', () => {
  test('a dot per unit: x = fraction left-saturated, y = 1 − fraction right-saturated (px)', () => {
    const forget = figure.trained.layers[0].gates[0];
    expect(forget.gate).toBe('f');
    expect(dotsOf(forget, 100)).toEqual([
      { unit: 0, x: 0, y: 0 },
      { unit: 1, x: 100, y: 100 },
    ]);
    expect(unitsLeftSaturated(figure.trained, 'f', 0.5)).toBe(1);
    expect(unitsLeftSaturated(figure.fresh, 'f', 0.5)).toBe(0);
  });

  test('the counts in words, for both networks', () => {
    const text = describeSaturation(figure);
    expect(text).toMatch(/Trained network: forget gate: 1 of 2 units above 0.9 and 1 below 0.1 more than 50% of the time; input gate: 0 of 2 units above 0.9 and 0 below 0.1/);
    expect(text).toMatch(/output gate: 1 of 2 units above 0.9 and 0 below 0.1/);
    expect(text).toMatch(/Fresh network \(same settings and seed, untrained\): forget gate: 0 of 2 units above 0.9 and 0 below 0.1/);
  });

  test('CSV: one row per network, layer, gate and unit', () => {
    const lines = saturationCsv(figure).trim().split('\n');
    expect(lines[0]).toBe('network,layer,gate,unit,fraction_left_saturated,fraction_right_saturated');
    expect(lines).toHaveLength(1 + 2 * 3 * 2);
    expect(lines[1]).toBe('trained,0,f,0,0,1');
    expect(lines[2]).toBe('trained,0,f,1,1,0');
    expect(lines[7]).toBe('fresh,0,f,0,0,0');
  });

  test('three panels fit the width, within bounds', () => {
    expect(panelSize(1000, 22, 44)).toBe(150);
    expect(panelSize(390, 22, 44)).toBe(100);
    expect(panelSize(100, 22, 44)).toBe(70);
  });
});
