// The task views: pure view logic on real task batches, and every view rendered (server-side) without error.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { defaultConfig, TASKS } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import type { SeriesTask } from '../../src/core/tasks/series';
import type { CharTask } from '../../src/core/tasks/text';
import { DataInput, TaskView } from '../../src/ui/tasks/TaskView';
import {
  addingScatter, appendHistory, metricAxis, charGuesses, copyRows, familyOf, forecastAnchor, overlayPoints, reberSteps, snapshotFits, temporalRows, verdict, visibleChar,
} from '../../src/ui/tasks/viewLogic';

const grammar = loadCorpusFromDisk('grammar');
const series = { name: 'price', values: Float64Array.from({ length: 400 }, (_, i) => 50 + 10 * Math.sin(i / 9)) };

function setup(task: (typeof TASKS)[number], T = 24) {
  const config = { ...defaultConfig(), task, T, corpus: 'grammar' as const };
  const t = createTask(config, { series, text: grammar });
  const batch = t.batch('train', 4, T, new Rng(1));
  return { config, task: t, batch };
}

describe('view logic', () => {
  test('families, verdicts and a bounded history', () => {
    expect(TASKS.map(familyOf)).toEqual(['memory', 'memory', 'memory', 'memory', 'memory', 'series', 'series', 'series', 'series', 'series', 'char']);
    expect(verdict({ name: 'mse', value: 0.166, chance: 0.167, higherIsBetter: false })).toMatch(/at chance/);
    expect(verdict({ name: 'mse', value: 0.01, chance: 0.167, higherIsBetter: false })).toBe('far better than chance');
    expect(verdict({ name: 'acc', value: 0.4, chance: 0.25, higherIsBetter: true })).toBe('better than chance');
    expect(verdict({ name: 'acc', value: NaN, chance: 0.25, higherIsBetter: true })).toBe('not measured yet');
    // ten times worse than chance is not "at chance"
    expect(verdict({ name: 'mse', value: 1.67, chance: 0.167, higherIsBetter: false })).toMatch(/^worse than chance/);
    expect(verdict({ name: 'mse', value: 0.18, chance: 0.167, higherIsBetter: false })).toMatch(/^at chance/);
    let h: { n: number; value: number }[] = [];
    for (let i = 0; i < 10; i++) h = appendHistory(h, i, 4);
    expect(h.map((p) => p.n)).toEqual([7, 8, 9, 10]);
    expect(metricAxis({ name: 'acc', value: 0.3, chance: 0.25, higherIsBetter: true }, [0.3])).toEqual({ scale: 'linear', domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] });
    expect(metricAxis({ name: 'mse', value: 0.01, chance: 1 / 6, higherIsBetter: false }, [0.3, 0.01])).toEqual({ scale: 'linear', domain: [0, 0.4], ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    const falling = metricAxis({ name: 'mse', value: 0.002, chance: 0.04, higherIsBetter: false }, [0.4, 0.05, 0.002]);
    expect(falling.scale).toBe('log');
    expect(falling.domain).toEqual([1e-3, 1]);
    expect(falling.ticks[0]).toBeCloseTo(1e-3, 12);
    expect(metricAxis({ name: 'bpc', value: 3, chance: 4.2, higherIsBetter: false }, [NaN, 5.5]).domain).toEqual([0, 6]);
    expect(visibleChar('\n') + visibleChar(' ') + visibleChar('a')).toBe('↵␣a');
  });

  test('series: overlay in data units (target = next input), forecast anchored at the validation split', () => {
    const { task, batch } = setup('csv');
    const s = task as SeriesTask;
    const points = overlayPoints(s, { batch, outputs: batch.y! });
    expect(points).toHaveLength(24);
    for (let t = 0; t + 1 < 24; t++) expect(points[t].target).toBeCloseTo(points[t + 1].input, 3);
    expect(points[3].prediction).toBeCloseTo(points[3].target, 6);
    expect(points[0].target).toBeGreaterThan(35);
    const { history, truth } = forecastAnchor(s, 24, 30);
    expect(history).toEqual(s.values.slice(s.split - 24, s.split));
    expect(truth).toEqual(s.values.slice(s.split, s.split + 30));
  });

  test('memory tasks: adding scatter, copy rows, temporal rows, Reber steps', () => {
    const adding = setup('adding');
    const scatter = addingScatter({ batch: adding.batch, outputs: adding.batch.y! });
    expect(scatter).toHaveLength(4);
    for (const p of scatter) expect(p.prediction).toBe(p.truth);

    const copy = setup('copy', 5);
    const perfect = new Float32Array(copy.batch.T * 4 * 10);
    copy.batch.labels!.forEach((c, i) => c >= 0 && (perfect[i * 10 + c] = 9));
    const rows = copyRows({ batch: copy.batch, outputs: perfect });
    expect(rows).toHaveLength(4);
    expect(rows[0].shown).toMatch(/^[1-8]{10}$/);
    expect(rows[0].recalled.map((r) => r.want).join('')).toBe(rows[0].shown);
    expect(rows[0].recalled.every((r) => r.got === r.want)).toBe(true);

    const temporal = setup('temporal_order', 30);
    const trows = temporalRows({ batch: temporal.batch, outputs: new Float32Array(30 * 4 * 4) });
    for (const r of trows) {
      expect(r.sequence).toHaveLength(30);
      expect(r.marks).toHaveLength(2);
      expect(r.want).toBe(r.marks.map((m) => r.sequence[m]).join(''));
      expect(r.got).toBe('XX'); // all-zero logits: class 0
    }

    const reber = setup('reber', 30);
    const oracle = new Float32Array(30 * 4 * 7);
    reber.batch.labels!.forEach((c, i) => (oracle[i * 7 + c] = 9));
    const steps = reberSteps({ batch: reber.batch, outputs: oracle });
    expect(steps[0].symbol).toBe('B');
    expect(steps.every((s) => s.valid)).toBe(true);
  });

  test('char: the text of a row and the guesses for its next characters', () => {
    const { task, batch } = setup('char');
    const c = task as CharTask;
    const V = c.vocab.size;
    const oracle = new Float32Array(24 * 4 * V);
    batch.labels!.forEach((k, i) => (oracle[i * V + k] = 9));
    const g = charGuesses(c, { batch, outputs: oracle });
    expect(Array.from(g.text)).toHaveLength(24);
    expect(grammar.includes(g.text)).toBe(true);
    expect(g.next.slice(0, 23).join('')).toBe(Array.from(g.text).slice(1).join(''));
    expect(g.right.every(Boolean)).toBe(true);
  });

  test('snapshots from another task are recognised as stale', () => {
    const a = setup('adding');
    const r = setup('reber');
    expect(snapshotFits(a.task, { batch: a.batch, outputs: new Float32Array(24 * 4) })).toBe(true);
    expect(snapshotFits(r.task, { batch: a.batch, outputs: new Float32Array(24 * 4) })).toBe(false);
    expect(snapshotFits(r.task, null)).toBe(false);
  });
});

describe('views render', () => {
  test.each(TASKS)('%s: with and without a snapshot', (name) => {
    const { config, task, batch } = setup(name);
    const outputs = new Float32Array(batch.T * batch.B * task.outputSize);
    const empty = renderToString(createElement(TaskView, { task, config, latest: null }));
    const full = renderToString(createElement(TaskView, { task, config, latest: { outputs, batch } }));
    expect(empty.length).toBeGreaterThan(100);
    expect(full).toContain(task.metric(outputs, batch).name); // the metric panel shows the task's metric
    expect(empty).not.toContain('data-testid="task-metric-value"');
    expect(full).toContain('data-testid="task-metric-value"');
    const family = familyOf(name);
    expect(full).toContain(`data-testid="${family}-view"`);
  });

  test('DataInput appears only for tasks that need user data', () => {
    const onData = () => {};
    expect(renderToString(createElement(DataInput, { config: { ...defaultConfig(), task: 'csv' }, onData }))).toContain('csv-input');
    expect(renderToString(createElement(DataInput, { config: { ...defaultConfig(), task: 'char', corpus: 'user' }, onData }))).toContain('text-input');
    expect(renderToString(createElement(DataInput, { config: { ...defaultConfig(), task: 'adding' }, onData }))).toBe('');
  });
});
