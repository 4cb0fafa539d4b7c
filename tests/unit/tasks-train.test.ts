// The tasks are trainable: a small LSTM on the reference CPU engine beats each task's baseline.
import { describe, expect, test } from 'vitest';
import { defaultConfig } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout } from '../../src/core/spec';
import { createTask } from '../../src/core/tasks';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import { reberScores } from '../../src/core/tasks/reber';
import type { Task } from '../../src/core/tasks/task';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import type { StepOptions } from '../../src/engine/engine';

const opts: StepOptions = {
  optimizer: { kind: 'adam', lr: 0.01, momentum: 0, beta1: 0.9, beta2: 0.999, alpha: 0.99, eps: 1e-8 },
  clip: { mode: 'norm', threshold: 1 },
  penalty: { l2: 0, omega: 0 },
  bptt: { mode: 'full' },
  carryState: false,
  update: true,
};

/** Trains an LSTM for `steps` and returns the validation metric before and after. */
async function train(task: Task, T: number, steps: number, H = 16) {
  const spec = makeSpec({ cell: 'lstm', inputSize: task.inputSize, hiddenSize: H, outputSize: task.outputSize });
  const rng = new Rng(1);
  const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-1, 1) / Math.sqrt(H)); // PyTorch's default range
  const engine = new CpuEngine();
  await engine.init(spec, params);
  const data = new Rng(2);
  const evaluate = async () => {
    const batch = task.batch('val', 64, T, new Rng(3));
    return task.metric((await engine.forward(batch)).outputs, batch);
  };
  const before = await evaluate();
  for (let i = 0; i < steps; i++) await engine.step(task.batch('train', 16, T, data), opts);
  const after = await evaluate();
  const batch = task.batch('val', 64, T, new Rng(3));
  const outputs = (await engine.forward(batch)).outputs;
  engine.dispose();
  return { before, after, batch, outputs };
}

describe('tasks train on the CPU engine', () => {
  test('sine: one-step prediction ends far below persistence', async () => {
    const task = createTask({ ...defaultConfig(), task: 'sine', T: 20 });
    const { after } = await train(task, 20, 150);
    expect(after.value).toBeLessThan(0.3 * after.chance);
  });

  test('adding, T = 10: MSE ends below the 0.167 baseline', async () => {
    const task = createTask({ ...defaultConfig(), task: 'adding', T: 10 });
    const { after } = await train(task, 10, 300);
    expect(after.value).toBeLessThan(0.5 * after.chance);
  });

  test('temporal order, T = 12: accuracy well above 1/4', async () => {
    const task = createTask({ ...defaultConfig(), task: 'temporal_order', T: 12 });
    const { after } = await train(task, 12, 400);
    expect(after.value).toBeGreaterThan(0.6);
  });

  test('copy memory, T = 3: from log 10 down to the memoryless plateau at log 8 (remembering takes far longer)', async () => {
    const task = createTask({ ...defaultConfig(), task: 'copy', T: 3 });
    const { before, after } = await train(task, 3, 200);
    expect(Math.abs(before.value - Math.log(10))).toBeLessThan(0.1);
    expect(Math.abs(after.value - after.chance)).toBeLessThan(0.05);
  });

  test('embedded Reber: the grammar is learnt (top prediction valid on most steps) and the penultimate symbol remembered', async () => {
    const task = createTask({ ...defaultConfig(), task: 'reber', T: 30 });
    const { after, batch, outputs } = await train(task, 30, 300);
    expect(reberScores(outputs, batch).validStep).toBeGreaterThan(0.9);
    expect(after.value).toBeGreaterThan(0.75); // and the LSTM already carries the T/P across the string (0.99 here)
  });

  test('char model on the grammar corpus: bits per character below the unigram entropy', async () => {
    const task = createTask({ ...defaultConfig(), task: 'char', corpus: 'grammar', T: 24 }, { text: loadCorpusFromDisk('grammar') });
    const { after } = await train(task, 24, 150, 32);
    expect(after.value).toBeLessThan(after.chance);
  });
});
