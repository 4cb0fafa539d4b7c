// The CLI's batch file: {"loss": "mse"|"xent", "lossSteps": "all"|"last", "x": [T][B][X], "y": [T][B][Y]}
// for mse, or "labels": [T][B] of class indices for xent (−1 = no loss at that (t, b)); optional "mask": [T][B]
// of 0/1. Every problem is reported with the path of the offending value, e.g. x[3][0][1].
import type { Batch, LossKind, LossSteps } from '../core/batch';
import type { ModelSpec } from '../core/spec';
import { CliError, short } from './args';

export function parseBatchJson(text: string, spec: ModelSpec): Batch {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CliError(`batch file is not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliError('batch file must hold a JSON object with "loss", "lossSteps", "x" and "y" or "labels"');
  const obj = raw as Record<string, unknown>;

  const loss = obj.loss;
  if (loss !== 'mse' && loss !== 'xent') throw new CliError(`batch "loss" must be "mse" or "xent", got ${describe(loss)}`);
  const lossSteps = obj.lossSteps ?? 'all';
  if (lossSteps !== 'all' && lossSteps !== 'last') throw new CliError(`batch "lossSteps" must be "all" or "last", got ${describe(lossSteps)}`);

  const X = spec.inputSize;
  const Y = spec.outputSize;
  if (!('x' in obj)) throw new CliError('batch has no "x" ([T][B][X] inputs)');
  const dims = leadingDims(obj.x, 'x');
  const [T, B] = dims;
  const x = readTensor3(obj.x, 'x', T, B, X, `the model's inputSize`);
  const batch: Batch = { T, B, X, x, loss: loss as LossKind, lossSteps: lossSteps as LossSteps };

  if (loss === 'mse') {
    if (!('y' in obj)) throw new CliError('mse batch has no "y" ([T][B][Y] targets)');
    batch.y = readTensor3(obj.y, 'y', T, B, Y, `the model's outputSize`);
  } else {
    if (!('labels' in obj)) throw new CliError('xent batch has no "labels" ([T][B] class indices)');
    const labels = readTensor2(obj.labels, 'labels', T, B);
    const out = new Int32Array(T * B);
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i];
      if (!(Number.isInteger(c) && c >= -1 && c < Y)) {
        throw new CliError(`labels[${Math.floor(i / B)}][${i % B}] = ${c} is not a class index in 0..${Y - 1} (the model's outputSize is ${Y}; −1 means no loss)`);
      }
      out[i] = c;
    }
    batch.labels = out;
  }
  if (obj.mask !== undefined) {
    const mask = readTensor2(obj.mask, 'mask', T, B);
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] !== 0 && mask[i] !== 1) throw new CliError(`mask[${Math.floor(i / B)}][${i % B}] = ${mask[i]} must be 0 or 1`);
    }
    batch.mask = Float32Array.from(mask);
  }
  return batch;
}

/** T and B from x: a non-empty array of non-empty arrays. */
function leadingDims(v: unknown, name: string): [number, number] {
  if (!Array.isArray(v)) throw new CliError(`batch "${name}" must be an array [T][B][…], got ${describe(v)}`);
  if (v.length === 0) throw new CliError(`batch "${name}" is empty (T must be at least 1)`);
  if (!Array.isArray(v[0])) throw new CliError(`${name}[0] must be an array of B rows, got ${describe(v[0])}`);
  if (v[0].length === 0) throw new CliError(`${name}[0] is empty (B must be at least 1)`);
  return [v.length, v[0].length];
}

function checkArray(v: unknown, path: string, length: number, meaning: string): unknown[] {
  if (!Array.isArray(v)) throw new CliError(`${path} must be an array, got ${describe(v)}`);
  if (v.length !== length) throw new CliError(`${path} has ${v.length} entries, expected ${meaning}`);
  return v;
}

function number(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CliError(`${path} is ${describe(v)}, expected a finite number`);
  return v;
}

/** (T, B, D) from nested arrays, row-major. */
function readTensor3(v: unknown, name: string, T: number, B: number, D: number, what: string): Float32Array {
  const out = new Float32Array(T * B * D);
  const outer = checkArray(v, name, T, `T = ${T} steps (from x)`);
  for (let t = 0; t < T; t++) {
    const rows = checkArray(outer[t], `${name}[${t}]`, B, `B = ${B} rows (from x[0])`);
    for (let b = 0; b < B; b++) {
      const row = checkArray(rows[b], `${name}[${t}][${b}]`, D, `${D} numbers (${what})`);
      const base = (t * B + b) * D;
      for (let d = 0; d < D; d++) out[base + d] = number(row[d], `${name}[${t}][${b}][${d}]`);
    }
  }
  return out;
}

/** (T, B) from nested arrays. */
function readTensor2(v: unknown, name: string, T: number, B: number): Float64Array {
  const out = new Float64Array(T * B);
  const outer = checkArray(v, name, T, `T = ${T} steps (from x)`);
  for (let t = 0; t < T; t++) {
    const row = checkArray(outer[t], `${name}[${t}]`, B, `B = ${B} entries (from x[0])`);
    for (let b = 0; b < B; b++) out[t * B + b] = number(row[b], `${name}[${t}][${b}]`);
  }
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string "${short(v, 20)}"`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}
