// createTask: every task in the Config table builds, yields valid batches for its sizes, and scores them.
import { describe, expect, test } from 'vitest';
import { validateBatch } from '../../src/core/batch';
import { defaultConfig, TASKS } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import type { TaskData } from '../../src/core/tasks/task';

const dataFor: Record<string, TaskData> = {
  csv: { series: { name: 'price', values: Float64Array.from({ length: 400 }, (_, i) => 100 + Math.sin(i / 7) + i / 50) } },
  char: { text: loadCorpusFromDisk('grammar') },
};

describe('createTask', () => {
  test.each(TASKS)('%s: valid train and val batches, a finite metric on zero outputs', (name) => {
    const T = 24, B = 3;
    const task = createTask({ ...defaultConfig(), task: name, T, corpus: 'grammar' }, dataFor[name]);
    for (const split of ['train', 'val'] as const) {
      const batch = task.batch(split, B, T, new Rng(1));
      expect(validateBatch(batch, task.outputSize)).toBeNull();
      expect(batch.X).toBe(task.inputSize);
      expect(batch.loss).toBe(task.loss);
      expect(batch.lossSteps).toBe(task.lossSteps);
      const m = task.metric(new Float32Array(batch.T * B * task.outputSize), batch);
      expect(Number.isFinite(m.value), `${name} ${split} ${m.name}`).toBe(true);
      expect(Number.isFinite(m.chance)).toBe(true);
    }
    expect(() => task.metric(new Float32Array(5), task.batch('train', B, T, new Rng(1)))).toThrow(/outputs have 5 numbers/);
  });

  test('tasks that need a minimum length say so', () => {
    expect(() => createTask({ ...defaultConfig(), task: 'temporal_order', T: 3 })).toThrow('temporal order needs T ≥ 4 (got 3)');
    expect(() => createTask({ ...defaultConfig(), task: 'reber', T: 9 })).toThrow(/needs T ≥ 10/);
  });
});
