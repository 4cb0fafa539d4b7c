// Unit activations over the input text, after Karpathy, Johnson & Fei-Fei (2015), "Visualizing and
// Understanding Recurrent Networks": read one hidden (or cell) unit along a char-LM's forward pass over a
// piece of text, and rank the units by how well they track simple features of the text (inside quotes,
// inside brackets, position in the line) — Pearson correlation of the unit with the feature over the text.
import type { Batch } from '../batch';
import type { CharTask } from '../tasks/text';

/**
 * A feature's value at character i is the state AFTER reading character i, as the hidden state h_i
 * (which has seen x_i) is: the opening quote is already inside the quote, the closing one is outside.
 */
export interface TextFeature {
  id: 'quote' | 'bracket' | 'depth' | 'line';
  label: string;
  values: Float64Array; // (N) one number per character
}

const OPENING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSING = new Set([')', ']', '}']);
const QUOTES = new Set(['"', "'", '`']);

/**
 * The features of a text given as characters (code points, as the char model reads them).
 * - quote: 1 inside "…", '…' or `…` (a quote closes on the same character; a newline ends " and ' quotes,
 *   so an apostrophe in prose does not leave the rest of the text "quoted" forever; a backslash escapes).
 * - bracket: 1 while any of ( [ { is open; depth: how many are open (a stray closer never goes below 0).
 * - line: characters since the last newline (0 at the newline itself).
 */
export function textFeatures(chars: readonly string[]): TextFeature[] {
  const N = chars.length;
  const quote = new Float64Array(N);
  const bracket = new Float64Array(N);
  const depth = new Float64Array(N);
  const line = new Float64Array(N);
  let openQuote: string | null = null;
  let escaped = false;
  let open = 0;
  let column = 0;
  for (let i = 0; i < N; i++) {
    const ch = chars[i];
    if (openQuote !== null) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === openQuote || (ch === '\n' && openQuote !== '`')) openQuote = null;
    } else if (QUOTES.has(ch)) {
      openQuote = ch;
    } else if (ch in OPENING) {
      open++;
    } else if (CLOSING.has(ch)) {
      open = Math.max(0, open - 1);
    }
    column = ch === '\n' ? 0 : column + 1;
    quote[i] = openQuote !== null ? 1 : 0;
    bracket[i] = open > 0 ? 1 : 0;
    depth[i] = open;
    line[i] = column;
  }
  return [
    { id: 'quote', label: 'inside quotes', values: quote },
    { id: 'bracket', label: 'inside brackets', values: bracket },
    { id: 'depth', label: 'bracket depth', values: depth },
    { id: 'line', label: 'position in the line', values: line },
  ];
}

/** The activations of one unit along the sequence of batch row b: states (T, B, H) → (T). */
export function unitSeries(states: ArrayLike<number>, T: number, B: number, H: number, b: number, unit: number): Float64Array {
  if (states.length !== T * B * H) throw new Error(`states have ${states.length} values, expected T·B·H = ${T * B * H}`);
  if (!(unit >= 0 && unit < H)) throw new Error(`unit ${unit} is not in 0..${H - 1}`);
  if (!(b >= 0 && b < B)) throw new Error(`batch row ${b} is not in 0..${B - 1}`);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) out[t] = states[(t * B + b) * H + unit];
  return out;
}

/** Pearson correlation; 0 when either side is constant (a constant tracks nothing). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error(`pearson: lengths differ (${n} vs ${b.length})`);
  if (n < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0 && sbb > 0)) return 0;
  const r = sab / Math.sqrt(saa * sbb);
  return Number.isFinite(r) ? r : 0;
}

export interface UnitScore {
  unit: number;
  r: number; // Pearson correlation with the feature (sign kept: a unit may track a feature by switching off)
}

export interface FeatureRanking {
  feature: TextFeature['id'];
  label: string;
  /** The best units by |r|, best first. */
  top: UnitScore[];
  /** r for every unit, indexed by unit: (H). */
  all: Float64Array;
}

/**
 * For each feature, every unit's correlation with it along batch row b of states (T, B, H), and the
 * `top` units by |r|. The features must describe the same T characters the states were computed on.
 */
export function rankUnits(states: ArrayLike<number>, T: number, B: number, H: number, features: TextFeature[], top = 5, b = 0): FeatureRanking[] {
  const series = Array.from({ length: H }, (_, j) => unitSeries(states, T, B, H, b, j));
  return features.map((f) => {
    if (f.values.length !== T) throw new Error(`feature "${f.id}" has ${f.values.length} values for ${T} steps`);
    const all = new Float64Array(H);
    for (let j = 0; j < H; j++) all[j] = pearson(series[j], f.values);
    const order = Array.from({ length: H }, (_, j) => j).sort((p, q) => Math.abs(all[q]) - Math.abs(all[p]) || p - q);
    return { feature: f.id, label: f.label, top: order.slice(0, top).map((unit) => ({ unit, r: all[unit] })), all };
  });
}

export interface TextProbe {
  batch: Batch; // (N, 1, V) one-hot of the characters, labels = next characters (−1 at the end)
  chars: string[]; // (N) the characters, as the vocabulary shows them
}

/**
 * A single sequence of `length` characters of the task's corpus starting at `start`, ready for
 * engine.forward: the worker forwards it and sends hidden/cells with `chars` to the UnitText view.
 * Defaults to the start of the validation part (text the model has not trained on).
 */
export function textProbe(task: CharTask, length: number, start = task.split): TextProbe {
  const n = task.ids.length;
  const s = Math.max(0, Math.min(start, n - 1));
  const N = Math.max(1, Math.min(length, n - s));
  const ids = task.ids.subarray(s, s + N);
  const labels = new Int32Array(N);
  for (let t = 0; t < N; t++) labels[t] = s + t + 1 < n ? task.ids[s + t + 1] : -1;
  return {
    batch: { T: N, B: 1, X: task.vocab.size, x: task.oneHot(ids), labels, loss: 'xent', lossSteps: 'all' },
    chars: Array.from(ids, (id) => task.vocab.symbols[id]),
  };
}
