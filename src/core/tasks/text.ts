// Char-level language modelling: vocabulary, encoding, batches of next-character prediction,
// bits per character, sampling, and the checks user text goes through. Characters are Unicode
// code points (not UTF-16 units), so an emoji or a CJK character is one symbol, never two halves.
import type { Batch } from '../batch';
import type { Rng } from '../rng';
import { meanCrossEntropy } from './metrics';
import { checkBatchSize, type ForwardOne, type Task, type TaskMetric } from './task';

export const MAX_TEXT_BYTES = 2 * 1024 * 1024;
export const MAX_VOCAB = 256; // including the unknown symbol when there is one
export const MIN_TEXT_CHARS = 200;
export const TEXT_TRAIN_FRACTION = 0.9;
export const UNKNOWN_CHAR = '\uFFFD'; // how the unknown symbol is shown

/** Code points of a string (surrogate pairs joined). */
export function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0)!);
  return out;
}

export class Vocabulary {
  /** The symbols, sorted by code point; the unknown symbol (when present) is last. */
  readonly symbols: string[];
  readonly unknownId: number; // −1 when every symbol of the corpus fits
  private readonly ids: Map<number, number>;

  constructor(kept: number[], hasUnknown: boolean) {
    const sorted = [...kept].sort((a, b) => a - b);
    this.symbols = sorted.map((cp) => String.fromCodePoint(cp));
    this.ids = new Map(sorted.map((cp, i) => [cp, i]));
    this.unknownId = hasUnknown ? sorted.length : -1;
    if (hasUnknown) this.symbols.push(UNKNOWN_CHAR);
  }

  get size(): number {
    return this.symbols.length;
  }

  idOf(codePoint: number): number {
    const id = this.ids.get(codePoint);
    if (id !== undefined) return id;
    if (this.unknownId < 0) throw new Error(`the character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} is not in the vocabulary`);
    return this.unknownId;
  }

  encode(text: string): Int32Array {
    const cps = codePoints(text);
    const out = new Int32Array(cps.length);
    for (let i = 0; i < cps.length; i++) out[i] = this.idOf(cps[i]);
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.symbols[ids[i]] ?? UNKNOWN_CHAR;
    return s;
  }
}

/**
 * The vocabulary of a text: its distinct code points, sorted. If there are more than `maxSize`, the
 * maxSize − 1 most frequent are kept (ties: the lower code point) and the rest share one unknown symbol.
 */
export function buildVocabulary(text: string, maxSize = MAX_VOCAB): Vocabulary {
  const counts = new Map<number, number>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    counts.set(cp, (counts.get(cp) ?? 0) + 1);
  }
  if (counts.size <= maxSize) return new Vocabulary([...counts.keys()], false);
  const byFrequency = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return new Vocabulary(byFrequency.slice(0, maxSize - 1).map(([cp]) => cp), true);
}

// ---- User text ----

/** Byte offset of the first invalid UTF-8 sequence, or −1 when the bytes are valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= bytes.length) return i; // truncated at the end
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** A dropped .txt file → text: size limit first, then binary and UTF-8 checks, each with a clear message. */
export function decodeUserTextBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new Error('The file is empty.');
  if (bytes.length > MAX_TEXT_BYTES) {
    throw new Error(`The text is ${(bytes.length / (1024 * 1024)).toFixed(1)} MB; the limit is ${MAX_TEXT_BYTES / (1024 * 1024)} MB. Use a shorter excerpt.`);
  }
  if (bytes.includes(0)) throw new Error('This looks like a binary file, not text (it contains NUL bytes). Use a plain-text .txt file.');
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) throw new Error(`The file is not valid UTF-8 (the first bad byte is at offset ${bad}). Save it as UTF-8 text.`);
  return prepareUserText(new TextDecoder('utf-8').decode(bytes));
}

/**
 * Pasted or decoded text → the corpus: byte-order mark dropped, line ends unified, Unicode NFC
 * (so "é" typed two ways is one symbol), lone surrogate halves replaced, size and length checked.
 */
export function prepareUserText(text: string): string {
  let s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  s = s.replace(/\r\n?/g, '\n');
  s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, UNKNOWN_CHAR);
  s = s.normalize('NFC');
  if (s.includes('\u0000')) throw new Error('The text contains NUL characters; it looks like binary data, not text.');
  const bytes = new TextEncoder().encode(s).length;
  if (bytes > MAX_TEXT_BYTES) {
    throw new Error(`The text is ${(bytes / (1024 * 1024)).toFixed(1)} MB; the limit is ${MAX_TEXT_BYTES / (1024 * 1024)} MB. Use a shorter excerpt.`);
  }
  const length = codePoints(s).length;
  if (s.trim() === '') throw new Error('The text is empty.');
  if (length < MIN_TEXT_CHARS) throw new Error(`The text has ${length} characters; at least ${MIN_TEXT_CHARS} are needed to learn from.`);
  return s;
}

// ---- The task ----

/** The fewest characters for which both the training and the validation part hold a window of T + 1. */
export function minimumTextLength(T: number): number {
  let n = 2 * (T + 1);
  while (Math.floor(n * TEXT_TRAIN_FRACTION) < T + 1 || n - Math.floor(n * TEXT_TRAIN_FRACTION) < T + 1) n++;
  return n;
}

export class CharTask implements Task {
  readonly name = 'char';
  readonly loss = 'xent';
  readonly lossSteps = 'all';
  readonly vocab: Vocabulary;
  readonly ids: Int32Array; // the whole corpus, encoded
  readonly split: number; // first validation position
  /** Entropy (bits) of the training part's character frequencies: what a model without context achieves. */
  readonly unigramBits: number;

  /** @param text the corpus; @param T the window it will be asked for (checked here). */
  constructor(text: string, T: number, maxVocab = MAX_VOCAB) {
    this.vocab = buildVocabulary(text, maxVocab);
    this.ids = this.vocab.encode(text);
    const n = this.ids.length;
    this.split = Math.floor(n * TEXT_TRAIN_FRACTION);
    if (n - this.split < T + 1 || this.split < T + 1) {
      throw new Error(
        `The text has ${n} characters, too few for windows of ${T}: at least ${minimumTextLength(T)} are needed ` +
          `(the last 10% validates and must hold one window too). Shorten T or add text.`,
      );
    }
    const counts = new Float64Array(this.vocab.size);
    for (let i = 0; i < this.split; i++) counts[this.ids[i]]++;
    let h = 0;
    for (const c of counts) if (c > 0) h -= (c / this.split) * Math.log2(c / this.split);
    this.unigramBits = h;
  }

  get inputSize(): number {
    return this.vocab.size;
  }

  get outputSize(): number {
    return this.vocab.size;
  }

  batch(split: 'train' | 'val', B: number, T: number, rng: Rng): Batch {
    checkBatchSize('char model', B, T, 1);
    const [lo, hi] = split === 'train' ? [0, this.split - T - 1] : [this.split, this.ids.length - T - 1];
    if (hi < lo) throw new Error(`char model: a window of ${T} does not fit in the ${split === 'train' ? 'training' : 'validation'} text; shorten T`);
    const V = this.vocab.size;
    const x = new Float32Array(T * B * V); // (T, B, V) one-hot of the current character
    const labels = new Int32Array(T * B); // (T, B): the next character
    for (let b = 0; b < B; b++) {
      const start = lo + rng.int(hi - lo + 1);
      for (let t = 0; t < T; t++) {
        x[(t * B + b) * V + this.ids[start + t]] = 1;
        labels[t * B + b] = this.ids[start + t + 1];
      }
    }
    return { T, B, X: V, x, labels, loss: 'xent', lossSteps: 'all' };
  }

  metric(outputs: Float32Array, batch: Batch): TaskMetric {
    return { name: 'bits per character', value: meanCrossEntropy(outputs, batch, this.vocab.size) / Math.LN2, chance: this.unigramBits, higherIsBetter: false };
  }

  /** One-hot (T, 1, V) of a context, for forwarding a single sequence. */
  oneHot(ids: ArrayLike<number>): Float32Array {
    const V = this.vocab.size;
    const x = new Float32Array(ids.length * V);
    for (let t = 0; t < ids.length; t++) x[t * V + ids[t]] = 1;
    return x;
  }
}

export function perplexity(bitsPerChar: number): number {
  return Math.pow(2, bitsPerChar);
}

// ---- Sampling ----

/** A class index from logits: temperature 0 is greedy (argmax); otherwise softmax(logits / temperature). */
export function sampleFromLogits(logits: ArrayLike<number>, temperature: number, rng: Rng): number {
  const n = logits.length;
  if (n === 0) throw new Error('sampleFromLogits: no logits');
  let best = 0;
  for (let k = 1; k < n; k++) if (logits[k] > logits[best]) best = k;
  if (!(temperature > 0)) return best;
  const weights = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    weights[k] = Math.exp((logits[k] - logits[best]) / temperature);
    sum += weights[k];
  }
  let u = rng.next() * sum;
  for (let k = 0; k < n; k++) {
    u -= weights[k];
    if (u < 0) return k;
  }
  return best; // rounding left a sliver: the mode is as good as any
}

/**
 * Samples `length` characters after `prime`. The model sees at most the last `context` characters
 * (it was trained on windows of T from a zero state), so each new character costs one forward of ≤ T steps.
 * Characters of the prime outside the vocabulary become the unknown symbol (or are dropped if there is none).
 * `onChar` sees each character as it comes (for streaming); `signal.aborted` stops early.
 */
export async function sampleText(
  task: CharTask,
  forward: ForwardOne,
  prime: string,
  length: number,
  temperature: number,
  rng: Rng,
  context: number,
  onChar?: (ch: string) => void,
  signal?: { readonly aborted: boolean },
): Promise<string> {
  const ids: number[] = [];
  for (const cp of codePoints(prime)) {
    try {
      ids.push(task.vocab.idOf(cp));
    } catch {
      // not in the vocabulary and no unknown symbol: skip it
    }
  }
  if (ids.length === 0) ids.push(task.ids[task.split]); // no usable prime: start from a character of the text
  const V = task.vocab.size;
  let out = '';
  for (let i = 0; i < length && !signal?.aborted; i++) {
    const window = ids.slice(-Math.max(1, context));
    const outputs = await forward(task.oneHot(window), window.length);
    const last = outputs.subarray((window.length - 1) * V, window.length * V);
    const next = sampleFromLogits(last, temperature, rng);
    ids.push(next);
    const ch = task.vocab.symbols[next];
    out += ch;
    onChar?.(ch);
  }
  return out;
}
