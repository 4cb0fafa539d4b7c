// The race/sweep worker's message handling, with real Trainers on the CPU engine; the page's lab trainers.
import { describe, expect, test } from 'vitest';
import { defaultConfig, type Config } from '../../src/core/config';
import { LabSession, type FromLab } from '../../src/core/inspect/lab';
import type { MakeTrainer } from '../../src/core/inspect/race';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { createTask } from '../../src/core/tasks';
import { labTrainers } from '../../src/train/labTrainers';
import { Trainer } from '../../src/train/trainer';

const makeTrainer: MakeTrainer = (config, task) => Trainer.create(new CpuEngine(), config, task, { valEvery: 5, valBatchSize: 8 });
const base: Config = { ...defaultConfig(), task: 'adding', T: 5, B: 4, H: 4 };

function session(postEveryMs = 0) {
  const messages: FromLab[] = [];
  // Cloned at post time, as postMessage does: later steps must not change what was sent.
  const lab = new LabSession((m) => messages.push(structuredClone(m)), makeTrainer, { postEveryMs });
  return { lab, messages };
}

describe('LabSession', () => {
  test('a race posts updates and one final message', async () => {
    const { lab, messages } = session();
    await lab.handle({ type: 'race', id: 1, base, contestants: [{ cell: 'rnn_tanh', variant: 'none' }, { cell: 'gru', variant: 'none' }], steps: 4 });
    const race = messages.filter((m) => m.type === 'race');
    expect(race.length).toBe(5); // one per step (no throttling here) + the final one
    const last = race.at(-1)!;
    expect(last.type === 'race' && last.done && last.result.steps === 4).toBe(true);
    expect(race.slice(0, -1).every((m) => m.type === 'race' && !m.done)).toBe(true);
  });

  test('updates are throttled but the final message always comes', async () => {
    const { lab, messages } = session(60_000);
    await lab.handle({ type: 'race', id: 2, base, contestants: [{ cell: 'lstm', variant: 'none' }, { cell: 'gru', variant: 'none' }], steps: 6 });
    expect(messages.length).toBe(2); // the first update, then the final one
    expect(messages[1].type === 'race' && messages[1].done).toBe(true);
  });

  test('cancel ends a sweep early; a new job cancels the running one', async () => {
    const { lab, messages } = session();
    const plan = { base, setting: 'H' as const, values: [2, 3, 4, 5], contestants: [{ cell: 'gru' as const, variant: 'none' as const }], steps: 3 };
    const running = lab.handle({ type: 'sweep', id: 3, plan });
    await lab.handle({ type: 'cancel', id: 3 });
    await running;
    const final = messages.filter((m) => m.type === 'sweep' && m.done);
    expect(final).toHaveLength(1);
    expect(final[0].type === 'sweep' && final[0].result.cancelled).toBe(true);

    messages.length = 0;
    const first = lab.handle({ type: 'sweep', id: 4, plan });
    const second = lab.handle({ type: 'race', id: 5, base, contestants: [{ cell: 'rnn_tanh', variant: 'none' }, { cell: 'gru', variant: 'none' }], steps: 2 });
    await Promise.all([first, second]);
    const done = messages.filter((m) => m.type !== 'error' && m.done);
    expect(done.map((m) => [m.type, m.id])).toEqual([
      ['sweep', 4],
      ['race', 5],
    ]);
    expect(done[0].type === 'sweep' && done[0].result.cancelled).toBe(true);
  });

  test('a job that cannot start says why', async () => {
    const { lab, messages } = session();
    await lab.handle({ type: 'race', id: 6, base: { ...base, task: 'char', corpus: 'user' }, contestants: [{ cell: 'rnn_tanh', variant: 'none' }, { cell: 'gru', variant: 'none' }], steps: 2 });
    expect(messages).toHaveLength(1);
    expect(messages[0].type).toBe('error');
    expect(messages[0].type === 'error' && messages[0].message).toMatch(/your text/);
  });
});

describe('the page\'s lab trainers', () => {
  test('a sweep value over the memory budget is refused with a message naming the limit, before allocating', async () => {
    const make = labTrainers(undefined); // no WebGPU: the CPU engine and its budget
    const big = { ...defaultConfig(), task: 'adding' as const, engine: 'cpu' as const, H: 1024, T: 1000, B: 64 };
    await expect(make(big, createTask(big))).rejects.toThrow(/the lab cannot train this model: H=1024.*memory budget/);
    const small = { ...big, H: 4, T: 5, B: 2 };
    const trainer = await make(small, createTask(small));
    expect(trainer.engine.kind).toBe('cpu');
    trainer.dispose();
    // a page on WebGPU without a device here: the lab falls back to the CPU engine
    const fallback = await make({ ...small, engine: 'webgpu' }, createTask(small));
    expect(fallback.engine.kind).toBe('cpu');
    fallback.dispose();
  });
});
