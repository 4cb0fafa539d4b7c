// Pure view logic for the task views: snapshots (outputs + batch) → what the charts and tables show.
// No React here, so it is unit-tested directly.
import type { Batch } from '../../core/batch';
import { logTicks, niceStep } from '../axes';
import type { Task, TaskMetric } from '../../core/tasks/task';
import { COPY_ALPHABET, COPY_LENGTH } from '../../core/tasks/copy';
import { argmax } from '../../core/tasks/metrics';
import { REBER_SYMBOLS, reberSuccessors } from '../../core/tasks/reber';
import type { SeriesTask } from '../../core/tasks/series';
import { TEMPORAL_CLASSES, TEMPORAL_SYMBOLS } from '../../core/tasks/temporalOrder';
import type { CharTask } from '../../core/tasks/text';

export interface Snapshot {
  outputs: Float32Array; // (T, B, Y)
  batch: Batch;
}

export type TaskFamily = 'series' | 'memory' | 'char';

export function familyOf(taskName: string): TaskFamily {
  if (taskName === 'char') return 'char';
  if (['adding', 'copy', 'temporal_order', 'reber', 'continual_reber'].includes(taskName)) return 'memory';
  return 'series';
}

/** A bounded history of metric values, one point per snapshot; old points are dropped. */
export function appendHistory(history: { n: number; value: number }[], value: number, capacity = 200): { n: number; value: number }[] {
  const n = history.length ? history[history.length - 1].n + 1 : 1;
  const next = [...history, { n, value }];
  return next.length > capacity ? next.slice(next.length - capacity) : next;
}

/** How the metric compares with chance, in words a class can read. */
export function verdict(metric: TaskMetric): string {
  if (!Number.isFinite(metric.value)) return 'not measured yet';
  const better = metric.higherIsBetter ? metric.value > metric.chance : metric.value < metric.chance;
  const ratio = metric.higherIsBetter ? metric.value / metric.chance : metric.chance / Math.max(metric.value, 1e-12);
  // "at chance" only near it: a loss far above chance (a diverging or badly scaled net) says so
  if (!better && ratio < 0.8) return 'worse than chance: the network does harm, not just nothing';
  if (!better || ratio < 1.05) return 'at chance: nothing learnt beyond the baseline yet';
  if (ratio < 2) return 'better than chance';
  return 'far better than chance';
}

/**
 * A calm y-axis for a metric's history. Accuracies get 0–1. Other metrics (all ≥ 0 here) go from 0 to a
 * round number above both the values and the chance line — or, when the history spans more than a
 * factor of 30 (an MSE falling by decades), a log axis at powers of ten.
 */
export function metricAxis(metric: TaskMetric, values: number[]): { scale: 'linear' | 'log'; domain: [number, number]; ticks: number[] } {
  if (metric.higherIsBetter && metric.chance <= 1) return { scale: 'linear', domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] };
  const finite = values.filter((v) => Number.isFinite(v));
  const positive = [...finite, metric.chance].filter((v) => v > 0);
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  if (positive.length > 1 && hi / lo > 30) {
    const domain: [number, number] = [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
    return { scale: 'log', domain, ticks: logTicks(domain[0], domain[1], 6).map((t) => t.value) };
  }
  const top = Math.max(metric.chance, ...finite, 1e-12) * 1.05;
  const step = niceStep(top, 4);
  const max = Math.ceil(top / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(6)));
  return { scale: 'linear', domain: [0, max], ticks };
}

/** Row `b` of a one-step-ahead series batch, in the data's own units. */
export function overlayPoints(task: SeriesTask, snapshot: Snapshot, b = 0): { t: number; input: number; target: number; prediction: number; scored: boolean }[] {
  const { batch, outputs } = snapshot;
  const points = [];
  for (let t = 0; t < batch.T; t++) {
    const i = t * batch.B + b;
    points.push({
      t,
      input: task.denormalize(batch.x[i]),
      target: task.denormalize(batch.y![i]),
      prediction: task.denormalize(outputs[i]),
      scored: !batch.mask || batch.mask[i] !== 0,
    });
  }
  return points;
}

/** Where the free-running forecast starts: the last T values before validation, and what really followed. */
export function forecastAnchor(task: SeriesTask, T: number, horizon: number): { history: Float32Array; truth: Float32Array } {
  const start = Math.max(0, task.split - T);
  const history = task.values.slice(start, task.split);
  const truth = task.values.slice(task.split, Math.min(task.values.length, task.split + horizon));
  return { history, truth };
}

/** Predicted vs true sum at the last step, one point per sequence (the adding problem's scatter). */
export function addingScatter(snapshot: Snapshot, max = 200): { truth: number; prediction: number }[] {
  const { batch, outputs } = snapshot;
  const last = (batch.T - 1) * batch.B;
  const points = [];
  for (let b = 0; b < Math.min(batch.B, max); b++) points.push({ truth: batch.y![last + b], prediction: outputs[last + b] });
  return points;
}

const COPY_GLYPHS = ['·', '1', '2', '3', '4', '5', '6', '7', '8', ':'];

/** For copy memory: the symbols shown, what had to be recalled and what the model recalled, per row. */
export function copyRows(snapshot: Snapshot, rows = 4): { shown: string; recalled: { want: string; got: string }[] }[] {
  const { batch, outputs } = snapshot;
  const V = COPY_ALPHABET;
  const out = [];
  for (let b = 0; b < Math.min(rows, batch.B); b++) {
    let shown = '';
    for (let t = 0; t < COPY_LENGTH; t++) shown += COPY_GLYPHS[argmax(batch.x, (t * batch.B + b) * V, V)];
    const recalled = [];
    for (let t = batch.T - COPY_LENGTH; t < batch.T; t++) {
      const i = t * batch.B + b;
      recalled.push({ want: COPY_GLYPHS[batch.labels![i]], got: COPY_GLYPHS[argmax(outputs, i * V, V)] });
    }
    out.push({ shown, recalled });
  }
  return out;
}

/** For temporal order: the sequence with its two informative symbols, the true and predicted class. */
export function temporalRows(snapshot: Snapshot, rows = 5): { sequence: string; marks: number[]; want: string; got: string }[] {
  const { batch, outputs } = snapshot;
  const V = TEMPORAL_SYMBOLS.length;
  const Y = TEMPORAL_CLASSES.length;
  const out = [];
  for (let b = 0; b < Math.min(rows, batch.B); b++) {
    let sequence = '';
    const marks: number[] = [];
    for (let t = 0; t < batch.T; t++) {
      const s = TEMPORAL_SYMBOLS[argmax(batch.x, (t * batch.B + b) * V, V)];
      if (s === 'X' || s === 'Y') marks.push(t);
      sequence += s;
    }
    const last = (batch.T - 1) * batch.B + b;
    out.push({ sequence, marks, want: TEMPORAL_CLASSES[batch.labels![last]], got: TEMPORAL_CLASSES[argmax(outputs, last * Y, Y)] });
  }
  return out;
}

/** For the Reber grammar: each step of one row with the model's guess, and whether it was valid. */
export function reberSteps(snapshot: Snapshot, b = 0): { symbol: string; guess: string; valid: boolean; penultimate: boolean }[] {
  const { batch, outputs } = snapshot;
  const V = REBER_SYMBOLS.length;
  const stream = Array.from({ length: batch.T }, (_, t) => argmax(batch.x, (t * batch.B + b) * V, V));
  const { valid, penultimate } = reberSuccessors(stream);
  return stream.map((s, t) => {
    const guess = argmax(outputs, (t * batch.B + b) * V, V);
    return { symbol: REBER_SYMBOLS[s], guess: REBER_SYMBOLS[guess], valid: (valid[t] & (1 << guess)) !== 0, penultimate: penultimate[t] === 1 };
  });
}

/** For the char model: one row of text and the model's top guess for each next character. */
export function charGuesses(task: CharTask, snapshot: Snapshot, b = 0): { text: string; next: string[]; right: boolean[] } {
  const { batch, outputs } = snapshot;
  const V = task.vocab.size;
  const ids: number[] = [];
  const next: string[] = [];
  const right: boolean[] = [];
  for (let t = 0; t < batch.T; t++) {
    const i = t * batch.B + b;
    ids.push(argmax(batch.x, i * V, V));
    const guess = argmax(outputs, i * V, V);
    next.push(task.vocab.symbols[guess]);
    right.push(guess === batch.labels![i]);
  }
  return { text: task.vocab.decode(ids), next, right };
}

/** Makes whitespace visible in a one-character cell. */
export function visibleChar(ch: string): string {
  if (ch === '\n') return '↵';
  if (ch === ' ') return '␣';
  if (ch === '\t') return '⇥';
  return ch;
}

/** The snapshot fits the task (same sizes); stale snapshots from a previous task are ignored. */
export function snapshotFits(task: Task, snapshot: Snapshot | null): snapshot is Snapshot {
  if (!snapshot) return false;
  const { batch, outputs } = snapshot;
  return batch.X === task.inputSize && outputs.length === batch.T * batch.B * task.outputSize;
}

/** Chart text in rem, so presenter mode (a larger root font) enlarges the charts' labels too. */
export const CHART_FONT = '0.8rem';
