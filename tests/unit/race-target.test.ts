// Races run to a target: each contestant trains until its validation metric reaches the target (≤ for MSE,
// ≥ for an accuracy) or the budget is spent, and the readout says "steps to reach <target>: N" or "not within
// <budget> steps". On the CPU engine through the Trainer, and with scripted trainers for the metric's direction.
import { describe, expect, test } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { reachedTarget, runRace, targetReadout, formatTarget, defaultRaceTarget, type Contestant, type MakeTrainer, type RaceFrame, type RaceTrainer } from '../../src/core/inspect/race';
import { LabSession, type FromLab } from '../../src/core/inspect/lab';
import { createTask } from '../../src/core/tasks';
import type { TaskMetric } from '../../src/core/tasks/task';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { RaceSetup, RaceView } from '../../src/ui/inside/RaceView';

const base: Config = { ...defaultConfig(), task: 'adding', T: 6, B: 8, H: 8, opt: 'adam', lr: 0.02, seed: 3 };
const pair: Contestant[] = [{ cell: 'gru', variant: 'none' }, { cell: 'lstm', variant: 'none' }];

function cpuTrainers(valEvery = 5) {
  let alive = 0;
  let steps = 0;
  const make: MakeTrainer = async (config, task) => {
    const trainer = await Trainer.create(new CpuEngine(), config, task, { valEvery, valBatchSize: 32, statsEvery: 1e9 });
    alive++;
    return {
      engine: trainer.engine,
      stepOnce: () => {
        steps++;
        return trainer.stepOnce();
      },
      validate: () => trainer.validate(),
      dispose: () => {
        alive--;
        trainer.dispose();
      },
    };
  };
  return { make, alive: () => alive, steps: () => steps };
}

/** The first step at which a series of validation values (null where none) reaches the target. */
function firstCrossing(metric: (number | null)[], target: number, higherIsBetter: boolean): number | null {
  const i = metric.findIndex((v) => v !== null && reachedTarget(v, target, higherIsBetter));
  return i < 0 ? null : i + 1;
}

describe('a race runs to a target (CPU engine, real Trainers)', () => {
  test('each contestant stops at its first validation at or below the target; the race ends when all have', async () => {
    const budget = 200;
    const free = await runRace(base, pair, createTask(base), budget, cpuTrainers().make);
    expect(free.target).toBeNull();
    expect(free.steps).toBe(budget);
    expect(free.higherIsBetter).toBe(false);
    // A target both contestants cross within the budget, at different steps (read off the untargeted race).
    const worstBest = Math.max(...free.series.map((s) => Math.min(...s.metric.filter((v): v is number => v !== null))));
    const first = free.series[0].metric.find((v): v is number => v !== null)!;
    const target = (worstBest + Math.min(first, 0.2)) / 2;
    const expected = free.series.map((s) => firstCrossing(s.metric, target, false));
    expect(expected.every((n) => n !== null)).toBe(true);
    expect(expected[0]).not.toBe(expected[1]); // the two stop at different steps

    const counted = cpuTrainers();
    const seen: number[] = [];
    const raced = await runRace(base, pair, createTask(base), budget, counted.make, { target, onStep: (r) => seen.push(r.steps) });
    expect(raced.target).toBe(target);
    expect(raced.series.map((s) => s.reachedAt)).toEqual(expected);
    // Identical training up to the stop, nothing after it, and the race ends at the last contestant's step.
    const last = Math.max(...(expected as number[]));
    expect(raced.steps).toBe(last);
    expect(seen.at(-1)).toBe(last);
    expect(counted.steps()).toBe((expected as number[]).reduce((a, b) => a + b, 0));
    raced.series.forEach((s, k) => {
      const stop = expected[k]!;
      expect(s.loss).toHaveLength(last);
      expect(s.loss.slice(0, stop)).toEqual(free.series[k].loss.slice(0, stop));
      expect(s.loss.slice(stop).every(Number.isNaN)).toBe(true);
      expect(s.metric[stop - 1]).toBeLessThanOrEqual(target);
      expect(targetReadout(raced, k)).toBe(`steps to reach ${formatTarget(target)}: ${stop}`);
    });
    expect(counted.alive()).toBe(0);
  });

  test('a target out of reach: both train the whole budget and read "not within N steps"', async () => {
    const raced = await runRace(base, pair, createTask(base), 20, cpuTrainers().make, { target: 1e-9 });
    expect(raced.steps).toBe(20);
    expect(raced.series.map((s) => s.reachedAt)).toEqual([null, null]);
    expect(raced.series.every((s) => s.loss.every(Number.isFinite))).toBe(true);
    expect(targetReadout(raced, 0)).toBe('not within 20 steps');
    expect(targetReadout(raced, 0, true)).toBe('not yet at 1e-9: step 20 of 20');
    // The page shows the readout per model, and the target in the header.
    const html = renderToString(createElement(RaceView, { result: raced, running: false }));
    expect(html).toContain('data-testid="race-readout"');
    expect(html).toContain('not within 20 steps');
    expect(html).toMatch(/until MSE of the sum ≤ 1e-9/);
    expect(renderToString(createElement(RaceSetup, { initial: pair, initialTarget: 0.01, onStart: () => undefined }))).toContain('value="0.01"');
  });

  test('cancel: the readout says how far the race got', async () => {
    const controller = new AbortController();
    const raced = await runRace(base, pair, createTask(base), 100, cpuTrainers().make, {
      target: 1e-9,
      signal: controller.signal,
      onStep: (r) => r.steps === 7 && controller.abort(),
    });
    expect(raced.cancelled).toBe(true);
    expect(raced.steps).toBe(7);
    expect(targetReadout(raced, 1)).toBe('not within 7 steps (stopped)');
  });

  test('the lab passes the target through; progress messages then a final one', async () => {
    const messages: FromLab[] = [];
    const session = new LabSession((m) => messages.push(m), cpuTrainers().make, { postEveryMs: 0 });
    await session.handle({ type: 'race', id: 1, base, contestants: pair, steps: 30, target: 1e-9 });
    const races = messages.filter((m) => m.type === 'race');
    expect(races.length).toBeGreaterThan(1);
    const final = races.at(-1)!;
    expect(final.type === 'race' && final.done && final.result.target === 1e-9 && final.result.budget === 30).toBe(true);
  });
});

/** A trainer whose validation metric follows a script (one value per validation, every step). */
function scripted(values: number[], higherIsBetter: boolean, diverge: number | null = null) {
  let step = 0;
  const trainer: RaceTrainer = {
    engine: { kind: 'cpu', description: 'scripted' },
    async stepOnce(): Promise<RaceFrame> {
      step++;
      const metric: TaskMetric = { name: 'accuracy', value: values[Math.min(step, values.length) - 1], chance: 0.5, higherIsBetter };
      const diverged = diverge === step;
      return { step, loss: 1 / step, gradNorm: 1, dhNormTop: Float64Array.of(1, 1), dcNormTop: null, valLoss: 1, metric, diverged, message: diverged ? `diverged at step ${step}` : null };
    },
    validate: async () => ({ valLoss: 1, metric: { name: 'accuracy', value: 0, chance: 0.5, higherIsBetter } }),
    dispose: () => undefined,
  };
  return trainer;
}

describe('the stopping rule in the metric’s direction', () => {
  test('higher is better: ≥ the target stops; a diverged contestant stops too; the race ends when all have', async () => {
    const scripts = [scripted([0.5, 0.7, 0.95, 0.99], true), scripted([0.5, 0.6, 0.6, 0.6, 0.6, 0.96], true), scripted([0.5, 0.5], true, 3)];
    let k = 0;
    const contestants: Contestant[] = [{ cell: 'gru', variant: 'none' }, { cell: 'lstm', variant: 'none' }, { cell: 'rnn_tanh', variant: 'none' }];
    const raced = await runRace(base, contestants, createTask(base), 50, async () => scripts[k++], { target: 0.95 });
    expect(raced.higherIsBetter).toBe(true);
    expect(raced.series.map((s) => s.reachedAt)).toEqual([3, 6, null]);
    expect(raced.steps).toBe(6);
    expect(targetReadout(raced, 0)).toBe('steps to reach 0.95: 3');
    expect(targetReadout(raced, 2)).toBe('diverged before reaching 0.95');
  });

  test('reachedTarget, the target in words, and the default targets', () => {
    expect(reachedTarget(0.01, 0.01, false)).toBe(true);
    expect(reachedTarget(0.0101, 0.01, false)).toBe(false);
    expect(reachedTarget(0.95, 0.95, true)).toBe(true);
    expect(reachedTarget(0.2, 0.95, true)).toBe(false);
    expect(reachedTarget(NaN, 0.95, true)).toBe(false);
    expect(formatTarget(0.01)).toBe('0.01');
    expect(formatTarget(1e-4)).toBe('1e-4');
    expect(defaultRaceTarget('adding')).toBe(0.01);
    expect(defaultRaceTarget('continual_reber')).toBe(0.95);
    expect(defaultRaceTarget('char')).toBeNull();
  });

  test('a target must be a number', async () => {
    await expect(runRace(base, pair, createTask(base), 5, cpuTrainers().make, { target: NaN })).rejects.toThrow(/finite/);
  });
});
