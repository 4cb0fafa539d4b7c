// The lag sweep: scoring against chance, the job queue, lag parsing, chart rows, and a real trial.
import { describe, expect, test } from 'vitest';
import { defaultConfig } from '../../src/core/config';
import { gapClosed, isSolved, parseLags, sweepChartRows, sweepJobs, type SweepResult } from '../../src/core/tasks/sweep';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { runTrial } from '../../src/ui/tasks/sweepTrial';

describe('sweep logic', () => {
  test('gap closed: 0 at chance (or worse), 1 at perfect, for both kinds of metric', () => {
    expect(gapClosed({ value: 1 / 6, chance: 1 / 6, higherIsBetter: false })).toBeCloseTo(0, 12);
    expect(gapClosed({ value: 0.3, chance: 1 / 6, higherIsBetter: false })).toBe(0);
    expect(gapClosed({ value: 0, chance: 1 / 6, higherIsBetter: false })).toBe(1);
    expect(gapClosed({ value: 0.625, chance: 0.25, higherIsBetter: true })).toBeCloseTo(0.5, 12);
    expect(gapClosed({ value: NaN, chance: 0.5, higherIsBetter: true })).toBe(0);
    expect(isSolved({ value: 0.01, chance: 1 / 6, higherIsBetter: false })).toBe(true);
    expect(isSolved({ value: 0.9, chance: 0.25, higherIsBetter: true })).toBe(false);
    expect(isSolved({ value: 0.93, chance: 0.25, higherIsBetter: true })).toBe(true);
  });

  test('jobs by lag with cells interleaved; lags parsed with clear messages', () => {
    expect(sweepJobs(['rnn_tanh', 'lstm'], [20, 5, 20])).toEqual([
      { cell: 'rnn_tanh', T: 5 }, { cell: 'lstm', T: 5 }, { cell: 'rnn_tanh', T: 20 }, { cell: 'lstm', T: 20 },
    ]);
    expect(parseLags('5, 10;20  40')).toEqual([5, 10, 20, 40]);
    expect(() => parseLags('  ')).toThrow(/at least one lag/);
    expect(() => parseLags('5, x')).toThrow('"x" is not a whole number from 1 to 1000.');
    expect(() => parseLags('3', 4)).toThrow(/from 4 to 1000/);
  });

  test('chart rows: one per lag, a column per cell, empty until run', () => {
    const metric = { name: 'mse', value: 0.01, chance: 1 / 6, higherIsBetter: false };
    const results: SweepResult[] = [{ cell: 'lstm', T: 10, metric, gap: 0.94, solved: true, steps: 100, diverged: false }];
    expect(sweepChartRows(results, ['rnn_tanh', 'lstm'], [20, 10])).toEqual([
      { T: 10, rnn_tanh: undefined, lstm: 0.94 },
      { T: 20, rnn_tanh: undefined, lstm: undefined },
    ]);
  });
});

describe('a real trial on the CPU engine', () => {
  test('LSTM on adding at T = 8 is solved within its budget and stops early', async () => {
    const config = { ...defaultConfig(), task: 'adding' as const, H: 16, lr: 0.01, clip: 'norm' as const };
    const seen: number[] = [];
    const result = await runTrial(new CpuEngine(), { config, cell: 'lstm', T: 8, steps: 1500, checkEvery: 25 }, (s) => seen.push(s));
    expect(result).toMatchObject({ cell: 'lstm', T: 8, solved: true, diverged: false });
    expect(result.steps).toBeLessThan(1500);
    expect(result.metric.value).toBeLessThan(0.1 * result.metric.chance);
    expect(seen[0]).toBe(25);
  });

  test('a budget too small to learn leaves the trial unsolved, near chance; stop requests are honoured', async () => {
    const config = { ...defaultConfig(), task: 'temporal_order' as const, H: 8 };
    const result = await runTrial(new CpuEngine(), { config, cell: 'rnn_tanh', T: 30, steps: 20, checkEvery: 10 });
    expect(result.solved).toBe(false);
    expect(result.steps).toBe(20);
    let calls = 0;
    const stopped = await runTrial(new CpuEngine(), { config, cell: 'rnn_tanh', T: 30, steps: 20, checkEvery: 10 }, undefined, () => ++calls > 3);
    expect(stopped.steps).toBe(3);
  });
});
