// Races and sweeps orchestrate real Trainers on the CPU engine: tiny runs give aligned series, identical
// data (two identical contestants train identically), progress that reaches 1, and they stop on cancel.
import { describe, expect, test } from 'vitest';
import { decodeConfig, defaultConfig, encodeConfig, type Config } from '../../src/core/config';
import { decodeRace, encodeRace, gradientReach, takeRace, withRace, runRace, type Contestant, type MakeTrainer, type RaceTrainer } from '../../src/core/inspect/race';
import { parseSweepValues, runSweep, type SweepProgress } from '../../src/core/inspect/sweep';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';

const base: Config = { ...defaultConfig(), task: 'adding', T: 5, B: 4, H: 4, opt: 'adam', lr: 0.01 };

/** The real thing: a Trainer on a CPU engine, counting how many are still alive. */
function cpuTrainers() {
  let alive = 0;
  const make: MakeTrainer = async (config, task) => {
    const trainer = await Trainer.create(new CpuEngine(), config, task, { valEvery: 2, valBatchSize: 8 });
    alive++;
    const wrapped: RaceTrainer = {
      engine: trainer.engine,
      stepOnce: () => trainer.stepOnce(),
      validate: () => trainer.validate(),
      dispose: () => {
        alive--;
        trainer.dispose();
      },
    };
    return wrapped;
  };
  return { make, alive: () => alive };
}

const cells: Contestant[] = [
  { cell: 'rnn_tanh', variant: 'none' },
  { cell: 'lstm', variant: 'cifg' },
  { cell: 'gru', variant: 'none' },
];

describe('race', () => {
  test('three cells, four steps: aligned series, profiles of length T, trainers disposed', async () => {
    const trainers = cpuTrainers();
    let calls = 0;
    const result = await runRace(base, cells, createTask(base), 4, trainers.make, { onStep: () => calls++ });
    expect(result.steps).toBe(4);
    expect(result.cancelled).toBe(false);
    expect(calls).toBe(4);
    expect(result.series.map((s) => s.label)).toEqual(['RNN (tanh)', 'LSTM CIFG', 'GRU']);
    for (const s of result.series) {
      for (const arr of [s.loss, s.gradNorm, s.reach, s.valLoss, s.metric]) expect(arr).toHaveLength(4);
      expect(s.loss.every(Number.isFinite)).toBe(true);
      expect(s.reach.every((r) => r >= 0 && r <= 1)).toBe(true);
      expect(s.profile).toHaveLength(5);
      expect(s.valLoss[1]).not.toBeNull(); // validated every 2 steps
      expect(s.valLoss[0]).toBeNull();
      expect(s.metricName).toBeTruthy();
    }
    expect(result.series[1].profileC).toHaveLength(5); // LSTM has a cell-state profile
    expect(result.series[0].profileC).toBeNull();
    expect(trainers.alive()).toBe(0);
  });

  test('identical data and seed: two identical contestants produce identical series', async () => {
    const same: Contestant[] = [{ cell: 'gru', variant: 'none' }, { cell: 'gru', variant: 'none' }];
    const result = await runRace(base, same, createTask(base), 3, cpuTrainers().make);
    expect(result.series[0].loss).toEqual(result.series[1].loss);
    expect(result.series[0].gradNorm).toEqual(result.series[1].gradNorm);
  });

  test('cancel stops between steps and still disposes', async () => {
    const trainers = cpuTrainers();
    const controller = new AbortController();
    const result = await runRace(base, cells.slice(0, 2), createTask(base), 50, trainers.make, {
      signal: controller.signal,
      onStep: (r) => {
        if (r.steps === 2) controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.steps).toBe(2);
    for (const s of result.series) expect(s.loss).toHaveLength(2);
    expect(trainers.alive()).toBe(0);
  });

  test('the race URL value round-trips and rejects what it cannot read', () => {
    const value = encodeRace([{ cell: 'lstm', variant: 'none' }, { cell: 'lstm', variant: 'cifg' }, { cell: 'lstm', variant: 'nfg' }]);
    expect(value).toBe('lstm,lstm:cifg,lstm:nfg');
    expect(decodeRace(value).contestants.map((c) => c.variant)).toEqual(['none', 'cifg', 'nfg']);
    const odd = decodeRace('rnn_tanh,banana,gru:cifg,gru');
    expect(odd.contestants.map((c) => c.cell)).toEqual(['rnn_tanh', 'gru']);
    expect(odd.notices).toHaveLength(2);
    expect(decodeRace('lstm').contestants).toEqual([]);
    expect(decodeRace('lstm,gru,rnn_tanh,rnn_relu,esn').contestants).toHaveLength(4);
    expect(gradientReach(Float64Array.from([0.01, 0.1, 1]))).toBeCloseTo(0.01);
    expect(gradientReach(new Float64Array(3))).toBe(0);
  });

  test('a race link: the Config keys plus race=…, split apart again without notices', () => {
    const config: Config = { ...base, cell: 'gru', T: 30 };
    const query = withRace(encodeConfig(config), cells);
    expect(query).toContain('race=rnn_tanh,lstm:cifg,gru');
    const { contestants, notices, query: rest } = takeRace(`https://example.org/rnnlab/?${query}`);
    expect(contestants).toEqual(cells);
    expect(notices).toEqual([]);
    const decoded = decodeConfig(rest);
    expect(decoded.notices).toEqual([]);
    expect(decoded.config).toEqual(config);
    expect(takeRace('?task=copy')).toEqual({ contestants: [], notices: [], query: 'task=copy' });
  });

  test('a race needs 2–4 models', async () => {
    await expect(runRace(base, cells.slice(0, 1), createTask(base), 1, cpuTrainers().make)).rejects.toThrow(/2 to 4/);
  });
});

describe('sweep', () => {
  test('hidden size over two values for two cells: one point per value per cell, progress reaches 1', async () => {
    const trainers = cpuTrainers();
    const seen: SweepProgress[] = [];
    const result = await runSweep(
      { base, setting: 'H', values: [2, 6], contestants: [cells[0], cells[2]], steps: 3 },
      (config) => createTask(config),
      trainers.make,
      { onProgress: (p) => seen.push(p), yieldMs: 0 },
    );
    expect(result.cancelled).toBe(false);
    expect(result.curves.map((c) => c.points.map((p) => p.value))).toEqual([[2, 6], [2, 6]]);
    for (const c of result.curves) {
      for (const p of c.points) {
        expect(Number.isFinite(p.finalLoss)).toBe(true);
        expect(Number.isFinite(p.metric)).toBe(true);
        expect(p.steps).toBe(3);
      }
    }
    expect(result.metricName).toBeTruthy();
    expect(seen.at(-1)!.fraction).toBe(1);
    expect(seen.at(-1)!.runsDone).toBe(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    expect(trainers.alive()).toBe(0);
  });

  test('sweeping T rebuilds the task per run; cancel keeps only finished runs', async () => {
    const trainers = cpuTrainers();
    const controller = new AbortController();
    const Ts: number[] = [];
    const result = await runSweep(
      { base, setting: 'T', values: [3, 4, 5], contestants: [cells[2]], steps: 2 },
      (config) => {
        Ts.push(config.T);
        return createTask(config);
      },
      trainers.make,
      {
        onProgress: (p) => {
          if (p.runsDone === 1) controller.abort();
        },
        signal: controller.signal,
      },
    );
    expect(result.cancelled).toBe(true);
    expect(Ts).toEqual([3]);
    expect(result.curves[0].points.map((p) => p.value)).toEqual([3]);
    expect(trainers.alive()).toBe(0);
  });

  test('values are parsed against the Config ranges', () => {
    expect(parseSweepValues('T', '50, 10 20,20')).toEqual({ values: [10, 20, 50], error: null });
    expect(parseSweepValues('lr', '1e-3 3e-3').values).toEqual([1e-3, 3e-3]);
    expect(parseSweepValues('H', '2.5').error).toMatch(/whole number/);
    expect(parseSweepValues('T', '1').error).toMatch(/outside/);
    expect(parseSweepValues('wrec', 'x').error).toMatch(/not a number/);
    expect(parseSweepValues('wrec', '').error).toMatch(/at least one/);
  });
});
