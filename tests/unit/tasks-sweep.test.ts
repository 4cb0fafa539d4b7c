// The lag sweep: scoring against chance, the run order, lag parsing, chart rows, and real runs of a sweep of T
// that stop once solved.
import { describe, expect, test } from 'vitest';
import { defaultConfig } from '../../src/core/config';
import type { MakeTrainer } from '../../src/core/inspect/race';
import { gapClosed, isSolved, runSweep, sweepRuns, type SweepPoint, type SweepProgress } from '../../src/core/inspect/sweep';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';
import { lagChartRows, lagSweepPlan, parseLags } from '../../src/ui/tasks/lagSweepPlan';

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

  test('runs by lag with cells interleaved; lags parsed with clear messages', () => {
    const plan = lagSweepPlan(defaultConfig(), 'adding', ['rnn_tanh', 'lstm'], [20, 5, 20], 100);
    expect(plan.values).toEqual([5, 20]);
    expect(sweepRuns(plan).map((r) => ({ cell: plan.contestants[r.contestant].cell, T: r.value }))).toEqual([
      { cell: 'rnn_tanh', T: 5 }, { cell: 'lstm', T: 5 }, { cell: 'rnn_tanh', T: 20 }, { cell: 'lstm', T: 20 },
    ]);
    expect(parseLags('5, 10;20  40')).toEqual([5, 10, 20, 40]);
    expect(() => parseLags('  ')).toThrow(/at least one lag/);
    expect(() => parseLags('5, x')).toThrow('"x" is not a whole number from 1 to 1000.');
    expect(() => parseLags('3', 4)).toThrow(/from 4 to 1000/);
  });

  test('chart rows: one per lag, a column per cell, empty until run', () => {
    const point: SweepPoint = { value: 10, finalLoss: 0.01, valLoss: 0.01, metric: 0.01, chance: 1 / 6, gap: 0.94, solved: true, diverged: null, steps: 100 };
    expect(lagChartRows([{ cell: 'lstm', T: 10, point }], ['rnn_tanh', 'lstm'], [20, 10])).toEqual([
      { T: 10, rnn_tanh: undefined, lstm: 0.94 },
      { T: 20, rnn_tanh: undefined, lstm: undefined },
    ]);
  });
});

const cpuTrainer: MakeTrainer = (config, task) => Trainer.create(new CpuEngine(), config, task);

describe('real runs on the CPU engine', () => {
  test('LSTM on adding at T = 8 is solved within its budget and stops early', async () => {
    const config = { ...defaultConfig(), H: 16, lr: 0.01, clip: 'norm' as const };
    const seen: SweepProgress[] = [];
    const result = await runSweep(lagSweepPlan(config, 'adding', ['lstm'], [8], 1500), (c) => createTask(c), cpuTrainer, { onProgress: (p) => seen.push(p), yieldMs: 0 });
    const [point] = result.curves[0].points;
    expect(point).toMatchObject({ value: 8, solved: true, diverged: null });
    expect(point.steps).toBeLessThan(1500);
    expect(point.steps % 25).toBe(0); // stopped at a check
    expect(point.metric).toBeLessThan(0.1 * point.chance);
    expect(seen.at(-1)!.fraction).toBe(1);
  });

  test('a budget too small to learn leaves the run unsolved, near chance; a cancel is honoured', async () => {
    const config = { ...defaultConfig(), H: 8 };
    const plan = { ...lagSweepPlan(config, 'temporal_order', ['rnn_tanh'], [30], 20), solvedCheckEvery: 10 };
    const result = await runSweep(plan, (c) => createTask(c), cpuTrainer);
    const [point] = result.curves[0].points;
    expect(point.solved).toBe(false);
    expect(point.steps).toBe(20);
    const controller = new AbortController();
    let steps = 0;
    const cancelled = await runSweep(plan, (c) => createTask(c), async (c, task) => {
      const trainer = await cpuTrainer(c, task);
      return { engine: trainer.engine, validate: () => trainer.validate(), dispose: () => trainer.dispose(), stepOnce: () => (++steps === 3 && controller.abort(), trainer.stepOnce()) };
    }, { signal: controller.signal });
    expect(steps).toBe(3);
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.curves[0].points).toEqual([]);
  });
});
