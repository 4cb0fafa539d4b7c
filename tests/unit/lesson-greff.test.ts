// The Greff lesson's race, asserted: on the continual embedded Reber stream (state never reset) the full LSTM and
// CIFG reach accuracy 0.95 on the repeated symbol within the lesson's budget, and the LSTM without a forget gate
// (NFG) does not: it stays below the lesson's bar, its claim holds, and it is the worst of the three. The race is
// the lab's (runRace, identical data and seed), on the CPU engine through the Trainer, for three seeds.
import { describe, expect, test } from 'vitest';
import { Evidence, lessonConfig } from '../../src/core/lessons';
import { greff } from '../../src/core/lessons/greff';
import { runRace, targetReadout, type MakeTrainer } from '../../src/core/inspect/race';
import { createTask } from '../../src/core/tasks';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { Trainer } from '../../src/train/trainer';

describe('greff: forgetting matters on a stream that is never reset', () => {
  test('the lesson races LSTM, CIFG and NFG on the continual task', () => {
    expect(greff.config.task).toBe('continual_reber');
    expect(greff.config.variant).toBe('nfg');
    expect(greff.race!.map((c) => c.variant)).toEqual(['none', 'cifg', 'nfg']);
    expect(createTask(lessonConfig(greff)).continual).toBe(true);
  });

  test.each([1, 2, 3])('seed %i: LSTM and CIFG reach 0.95 on the repeated symbol, NFG does not and its claim holds', async (seed) => {
    const config = { ...lessonConfig(greff), seed };
    const evidence: Evidence[] = [];
    const best: number[][] = [];
    const make: MakeTrainer = async (c, task) => {
      const trainer = await Trainer.create(new CpuEngine(), c, task, { statsEvery: 1e9 });
      const k = evidence.length;
      evidence.push(new Evidence(greff.targets));
      best.push([]);
      return {
        engine: trainer.engine,
        stepOnce: async () => {
          const frame = await trainer.stepOnce();
          evidence[k].add(frame); // each contestant's run, as the lesson's claim reads it
          if (frame.metric) best[k].push(frame.metric.value);
          return frame;
        },
        validate: () => trainer.validate(),
        dispose: () => trainer.dispose(),
      };
    };
    const target = greff.targets![0];
    const result = await runRace(config, greff.race!, createTask(config), greff.budget, make, { target });
    const [full, cifg, nfg] = result.series;
    const readout = result.series.map((_, k) => targetReadout(result, k)).join('; ');
    expect(full.reachedAt, readout).not.toBeNull();
    expect(cifg.reachedAt, readout).not.toBeNull();
    expect(nfg.reachedAt, readout).toBeNull();
    expect(nfg.diverged).toBeNull();
    expect(result.steps).toBe(greff.budget); // the NFG trained the whole budget
    expect(targetReadout(result, 2)).toBe(`not within ${greff.budget} steps`);
    // The NFG is the worst: its best validation accuracy is below the others' (which reached the target).
    const nfgBest = Math.max(...best[2]);
    expect(nfgBest).toBeLessThan(Math.min(Math.max(...best[0]), Math.max(...best[1])));
    // The lesson's claim, judged on the NFG's run, holds at the end of the budget.
    const verdict = greff.claim(evidence[2]);
    expect(verdict.status, verdict.text).toBe('holds');
    expect(evidence[2].step).toBe(greff.budget);
    // …and the same claim read on the full LSTM's run says it is not so there.
    expect(greff.claim(evidence[0]).status).toBe('contradicted');
  }, 180_000);
});
