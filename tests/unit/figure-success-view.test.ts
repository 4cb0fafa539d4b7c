// The success figure's view logic (ui/figures/successView.ts): positions, the figure in words, the CSV.
import { describe, expect, test } from 'vitest';
import type { SuccessCurve } from '../../src/core/figures/successVsLength';
import { describeSuccess, successCsv, successGeometry, xOfLag, yOfFraction } from '../../src/ui/figures/successView';
import { PALETTE } from '../../src/ui/palette';

const curves: SuccessCurve[] = [
  {
    cell: 'rnn_tanh',
    label: 'RNN (tanh)',
    points: [
      { T: 5, runs: 5, solved: 5, fraction: 1, stepsToSolve: [275, 300, 400, 275, 350], diverged: 0 },
      { T: 80, runs: 5, solved: 0, fraction: 0, stepsToSolve: [], diverged: 1 },
    ],
  },
  {
    cell: 'lstm',
    label: 'LSTM',
    points: [
      { T: 5, runs: 2, solved: 2, fraction: 1, stepsToSolve: [150, 175], diverged: 0 },
      { T: 80, runs: 0, solved: 0, fraction: NaN, stepsToSolve: [], diverged: 0 },
    ],
  },
];

describe('success against T: the chart', () => {
  test('T on a log axis over the Ts (padded), the fraction from the bottom (0) to the top (1)', () => {
    expect(xOfLag(5, [5, 20, 80], 100)).toBeCloseTo(6, 9);
    expect(xOfLag(80, [5, 20, 80], 100)).toBeCloseTo(94, 9);
    expect(xOfLag(20, [5, 20, 80], 100)).toBeCloseTo(50, 9); // 20 is the geometric middle of 5 and 80
    expect(xOfLag(40, [40], 100)).toBe(50);
    expect([yOfFraction(0, 200), yOfFraction(1, 200), yOfFraction(0.25, 200), yOfFraction(1.5, 200)]).toEqual([200, 0, 150, 0]);
  });

  test('a dot per finished (cell, T), dodged per cell; a line through them; colours per cell', () => {
    const g = successGeometry(curves, [80, 5], 100, 200);
    expect(g.xTicks).toEqual([{ T: 5, x: 6 }, { T: 80, x: 94 }]);
    expect(g.yTicks.map((t) => t.y)).toEqual([200, 150, 100, 50, 0]);
    const [rnn, lstm] = g.series;
    expect(rnn.color).toBe(PALETTE.vermilion);
    expect(lstm.color).toBe(PALETTE.blue);
    expect(rnn.dots.map((d) => [d.x, d.y])).toEqual([[3.5, 0], [91.5, 200]]);
    expect(rnn.line).toBe('M3.5,0.0L91.5,200.0');
    expect(lstm.dots.map((d) => [d.T, d.x, d.y])).toEqual([[5, 8.5, 0]]); // T = 80 has no finished run yet
  });

  test('in words and as CSV: runs solved of runs per (cell, T), the steps each solved run took', () => {
    expect(describeSuccess(curves, 1000)).toBe(
      'Fraction of runs solved within 1000 steps against the lag T. RNN (tanh): T = 5, 5 of 5 solved (1); T = 80, 0 of 5 solved (0). LSTM: T = 5, 2 of 2 solved (1)',
    );
    expect(describeSuccess([], 300)).toMatch(/no run has finished yet/);
    expect(successCsv(curves).split('\n')).toEqual([
      'cell,T,runs,solved,fraction,steps_to_solve,diverged',
      'rnn_tanh,5,5,5,1,275 300 400 275 350,0',
      'rnn_tanh,80,5,0,0,,1',
      'lstm,5,2,2,1,150 175,0',
      '',
    ]);
  });
});
