// Unit activations over the input text, after Karpathy, Johnson & Fei-Fei (2015), "Visualizing and
// Understanding Recurrent Networks": read one hidden (or cell) unit along a char-LM's forward pass over a
// passage of text, and rank the units by how well they track simple features of the text (inside a string,
// inside a comment, inside ( ), bracket depth, position in the line) — Pearson correlation of the unit with
// the feature over the text. The passages (probePassages) are the ones the unit view offers.
import type { Batch } from '../batch';
import type { CharTask } from '../tasks/text';

/**
 * A feature's value at character i is the state AFTER reading character i, as the hidden state h_i
 * (which has seen x_i) is: the opening quote is already inside the quote, the closing one is outside.
 */
export interface TextFeature {
  id: 'quote' | 'comment' | 'bracket' | 'depth' | 'line';
  label: string;
  values: Float64Array; // (N) one number per character
}

const OPENING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSING = new Set([')', ']', '}']);
const WORD_CHAR = /[\p{L}\p{N}_$]/u;

/**
 * The features of a text given as characters (code points, as the char model reads them), read by one scan
 * that knows strings and comments, so that each feature means one thing:
 * - quote: 1 inside a string: "…" always; '…' and `…` only when the quote does not follow a letter, digit or
 *   _ (so the apostrophe of "don't" or "model's" opens nothing). A string closes on its own quote; a newline
 *   ends " and ' strings; a backslash escapes.
 * - comment: 1 inside a // line comment (from its second slash to the newline) or a block comment
 *   (from its star to the closing slash). Quotes and brackets inside comments count for nothing.
 * - bracket: 1 while the innermost open bracket is a round one "(" (inside a call's or a condition's
 *   parentheses), 0 at depth 0 or when the innermost is [ or {.
 * - depth: how many brackets ( [ { are open, of every kind (a stray closer never goes below 0).
 * - line: characters since the last newline (0 at the newline itself).
 * Strings and comments hide brackets, so depth is the code's nesting, not the prose's.
 */
export function textFeatures(chars: readonly string[]): TextFeature[] {
  const N = chars.length;
  const quote = new Float64Array(N);
  const comment = new Float64Array(N);
  const bracket = new Float64Array(N);
  const depth = new Float64Array(N);
  const line = new Float64Array(N);
  let openQuote: string | null = null;
  let inComment: 'line' | 'block' | null = null;
  let commentFrom = -1; // where the comment began (its second slash, or the star of /*)
  let escaped = false;
  const stack: string[] = [];
  let column = 0;
  for (let i = 0; i < N; i++) {
    const ch = chars[i];
    const prev = i > 0 ? chars[i - 1] : '';
    // a slash opens a comment only where the slash before it was plain code (not a string's or a comment's)
    const codeBefore = i > 0 && quote[i - 1] === 0 && comment[i - 1] === 0;
    let closesComment = false;
    if (inComment === 'line') {
      if (ch === '\n') inComment = null;
    } else if (inComment === 'block') {
      if (ch === '/' && prev === '*' && i - 1 > commentFrom) closesComment = true;
    } else if (openQuote !== null) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === openQuote || (ch === '\n' && openQuote !== '`')) openQuote = null;
    } else if ((ch === '/' || ch === '*') && prev === '/' && codeBefore) {
      inComment = ch === '/' ? 'line' : 'block';
      commentFrom = i;
    } else if (ch === '"' || ((ch === "'" || ch === '`') && !WORD_CHAR.test(prev))) {
      openQuote = ch;
    } else if (ch in OPENING) {
      stack.push(ch);
    } else if (CLOSING.has(ch)) {
      stack.pop();
    }
    column = ch === '\n' ? 0 : column + 1;
    quote[i] = openQuote !== null ? 1 : 0;
    comment[i] = inComment !== null ? 1 : 0; // the closing slash of a block comment still belongs to it
    if (closesComment) inComment = null;
    bracket[i] = stack.length > 0 && stack[stack.length - 1] === '(' ? 1 : 0;
    depth[i] = stack.length;
    line[i] = column;
  }
  return [
    { id: 'quote', label: 'inside a string', values: quote },
    { id: 'comment', label: 'inside a comment', values: comment },
    { id: 'bracket', label: 'inside ( )', values: bracket },
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

/** A stretch of the validation text the unit view can read: where it starts, how long, and how to name it. */
export interface ProbePassage {
  start: number; // index into task.ids
  length: number;
  label: string; // e.g. 'passage 2: "far = ([walk [(fox…"'
}

/** Characters the unit view reads by default: long enough for a statement or two, short enough to draw. */
export const PROBE_LENGTH = 400;

/** Characters shown in a passage's label. */
const LABEL_CHARS = 18;

/**
 * `count` passages of `length` characters spread evenly over the validation part (text the model has not
 * trained on). Each starts at the beginning of a line that opens at the left margin with something other than
 * a closing bracket (a new statement in code or in the grammar corpus, a new line in prose), so a passage read
 * from a zero state begins where the text itself is at depth 0; where no such line is near, at a line start,
 * else where it falls. Passages do not overlap; fewer come back when the validation text is short.
 */
export function probePassages(task: CharTask, count = 6, length = PROBE_LENGTH): ProbePassage[] {
  const n = task.ids.length;
  const lo = task.split;
  const L = Math.max(1, Math.min(length, n - lo));
  const symbols = task.vocab.symbols;
  const ch = (i: number) => symbols[task.ids[i]];
  const lastStart = n - L;
  const isLineStart = (i: number) => i === 0 || ch(i - 1) === '\n';
  const isStatementStart = (i: number) => isLineStart(i) && !/\s/u.test(ch(i)) && !CLOSING.has(ch(i));
  // the first statement start at or after `from` (within reach), else the last one before it (not before
  // `floor`, the end of the previous passage); then the same for any line start; else `from` itself
  const snap = (from: number, floor: number): number => {
    const end = Math.min(lastStart, from + Math.max(L, 200));
    for (const test of [isStatementStart, isLineStart]) {
      for (let i = from; i <= end; i++) if (test(i)) return i;
      for (let i = from - 1; i >= floor; i--) if (test(i)) return i;
    }
    return from;
  };
  const passages: ProbePassage[] = [];
  const span = lastStart - lo;
  const wanted = Math.max(1, Math.floor(count));
  let next = lo;
  for (let k = 0; k < wanted; k++) {
    const target = Math.max(next, lo + Math.floor((span * k) / wanted));
    if (target > lastStart) break;
    const start = snap(target, next);
    if (start > lastStart) break;
    passages.push({ start, length: L, label: '' });
    next = start + L;
  }
  return passages.map((p, k) => {
    let head = '';
    for (let i = p.start; i < p.start + p.length && head.length < LABEL_CHARS; i++) head += ch(i) === '\n' ? ' ' : ch(i);
    return { ...p, label: `passage ${k + 1}: “${head.trim()}…”` };
  });
}
