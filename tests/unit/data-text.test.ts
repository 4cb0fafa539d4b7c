// Char-level text: vocabulary by code points, user text checks, batches, bits per character, sampling, corpora.
import { describe, expect, test } from 'vitest';
import { validateBatch } from '../../src/core/batch';
import { defaultConfig } from '../../src/core/config';
import { Rng } from '../../src/core/rng';
import { createTask } from '../../src/core/tasks';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import {
  buildVocabulary, CharTask, codePoints, decodeUserTextBytes, firstInvalidUtf8, MAX_TEXT_BYTES, perplexity, prepareUserText,
  sampleFromLogits, sampleText, UNKNOWN_CHAR,
} from '../../src/core/tasks/text';

const utf8 = (s: string) => new TextEncoder().encode(s);
const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(30);

describe('vocabulary', () => {
  test('sorted by code point, stable, and an emoji or astral character is one symbol (not two UTF-16 halves)', () => {
    const text = 'b😀a𝄞b\u00e9';
    const vocab = buildVocabulary(text);
    expect(vocab.symbols).toEqual(['a', 'b', 'é', '😀', '𝄞'].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!));
    expect(vocab.unknownId).toBe(-1);
    expect(Array.from(vocab.encode('😀a'))).toEqual([vocab.symbols.indexOf('😀'), 0]);
    expect(vocab.decode(vocab.encode(text))).toBe(text);
    expect(buildVocabulary('ab😀'.split('').reverse().join('') + 'x').size).toBeGreaterThan(0); // lone halves do not crash
    expect(buildVocabulary(text).symbols).toEqual(vocab.symbols);
  });

  test('more distinct symbols than the limit: the most frequent stay, the rest share the unknown symbol', () => {
    const text = 'aaaa' + 'bbb' + 'cc' + 'd' + 'e';
    const vocab = buildVocabulary(text, 3);
    expect(vocab.symbols).toEqual(['a', 'b', UNKNOWN_CHAR]);
    expect(vocab.unknownId).toBe(2);
    expect(vocab.decode(vocab.encode('abcde'))).toBe(`ab${UNKNOWN_CHAR.repeat(3)}`);
    // 300 distinct CJK characters: capped at 256 symbols in all
    const cjk = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    expect(buildVocabulary(cjk).size).toBe(256);
    expect(() => buildVocabulary('ab').idOf(0x63)).toThrow(/U\+0063 is not in the vocabulary/);
  });
});

describe('user text', () => {
  test('valid UTF-8 with unusual Unicode passes; NFC joins the two spellings of é; CRLF becomes LF', () => {
    const text = decodeUserTextBytes(utf8('\uFEFF' + 'e\u0301 ' + prose + ' 😀 مرحبا 你好\r\n'));
    expect(text.startsWith('\u00e9 ')).toBe(true);
    expect(text.includes('\r')).toBe(false);
    expect(codePoints(text)).toContain(0x1f600);
  });

  test('invalid UTF-8 is reported with the offset of the first bad byte', () => {
    expect(firstInvalidUtf8(utf8('ok 😀'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc3]))).toBe(1); // truncated
    expect(firstInvalidUtf8(Uint8Array.from([0xc0, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2); // an encoded surrogate
    expect(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // beyond U+10FFFF
    const bytes = new Uint8Array([...utf8(prose), 0xff, ...utf8(prose)]);
    expect(() => decodeUserTextBytes(bytes)).toThrow(`The file is not valid UTF-8 (the first bad byte is at offset ${utf8(prose).length}). Save it as UTF-8 text.`);
  });

  test('too large, binary, empty or too short', () => {
    expect(() => decodeUserTextBytes(new Uint8Array(MAX_TEXT_BYTES + 1).fill(0x61))).toThrow('The text is 2.0 MB; the limit is 2 MB. Use a shorter excerpt.');
    expect(() => prepareUserText('é'.repeat(MAX_TEXT_BYTES / 2 + 1))).toThrow(/limit is 2 MB/); // 2 bytes per é in UTF-8
    expect(() => decodeUserTextBytes(utf8('abc\u0000def' + prose))).toThrow(/binary file/);
    expect(() => decodeUserTextBytes(new Uint8Array(0))).toThrow('The file is empty.');
    expect(() => prepareUserText('   \n ')).toThrow('The text is empty.');
    expect(() => prepareUserText('😀'.repeat(150))).toThrow('The text has 150 characters; at least 200 are needed to learn from.');
    expect(prepareUserText('a\uD800b' + prose).slice(0, 3)).toBe(`a${UNKNOWN_CHAR}b`); // a lone surrogate half
  });
});

describe('CharTask', () => {
  const text = prose + 'Pack my box with five dozen liquor jugs! '.repeat(20);

  test('batches: x one-hot (T,B,V) of a window, labels the next character; deterministic; val from the last 10%', () => {
    const task = new CharTask(text, 16);
    const V = task.vocab.size;
    const batch = task.batch('train', 4, 16, new Rng(1));
    expect(validateBatch(batch, V)).toBeNull();
    expect(batch.x.length).toBe(16 * 4 * V);
    for (let b = 0; b < 4; b++) {
      let window = '';
      for (let t = 0; t < 16; t++) {
        let id = -1;
        for (let k = 0; k < V; k++) if (batch.x[(t * 4 + b) * V + k] === 1) id = k;
        window += task.vocab.symbols[id];
        if (t > 0) expect(batch.labels![(t - 1) * 4 + b]).toBe(id);
      }
      expect(text.includes(window)).toBe(true);
    }
    expect(task.batch('train', 4, 16, new Rng(1)).x).toEqual(batch.x);
    const val = task.batch('val', 64, 16, new Rng(2));
    const valPart = task.vocab.decode(task.ids.subarray(task.split));
    for (let b = 0; b < 64; b++) {
      let first = -1;
      for (let k = 0; k < V; k++) if (val.x[b * V + k] === 1) first = k;
      expect(valPart.includes(task.vocab.symbols[first])).toBe(true);
    }
  });

  test('bits per character: uniform logits score log2 V; chance is the unigram entropy; perplexity = 2^bpc', () => {
    const task = new CharTask(text, 16);
    const V = task.vocab.size;
    const batch = task.batch('val', 8, 16, new Rng(3));
    const m = task.metric(new Float32Array(16 * 8 * V), batch);
    expect(m.value).toBeCloseTo(Math.log2(V), 5);
    expect(m.higherIsBetter).toBe(false);
    expect(m.chance).toBeGreaterThan(3);
    expect(m.chance).toBeLessThan(Math.log2(V));
    expect(new CharTask('ab'.repeat(200), 4).unigramBits).toBeCloseTo(1, 10);
    expect(perplexity(3)).toBe(8);
  });

  test('windows longer than the text are refused with numbers', () => {
    expect(() => new CharTask(prose, 200)).toThrow(/The text has 1350 characters, too few for windows of 200: at least 2001 are needed/);
    expect(() => new CharTask('ab'.repeat(1000) + 'a', 200)).not.toThrow(); // exactly 2001
    expect(() => new CharTask('ab'.repeat(1000), 200)).toThrow(/has 2000 characters/);
    const config = { ...defaultConfig(), task: 'char' as const, corpus: 'user' as const, T: 100 };
    expect(() => createTask(config)).toThrow(/needs your text/);
    expect(() => createTask({ ...config, corpus: 'code' })).toThrow(/"code" corpus text/);
    expect(() => createTask(config, { text: 'short' })).toThrow(/at least 200 are needed/);
  });
});

describe('sampling', () => {
  test('temperature 0 is greedy; temperature 1 follows the softmax; high temperature flattens it', () => {
    const logits = Float32Array.from([0, Math.log(3), -Infinity]);
    expect(sampleFromLogits(logits, 0, new Rng(1))).toBe(1);
    const rng = new Rng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampleFromLogits(logits, 1, rng)]++;
    expect(counts[1] / 20000).toBeCloseTo(0.75, 1.5);
    expect(counts[2]).toBe(0);
    const hot = [0, 0, 0];
    for (let i = 0; i < 20000; i++) hot[sampleFromLogits(logits, 100, rng)]++;
    expect(Math.abs(hot[1] / 20000 - 0.5)).toBeLessThan(0.02);
    expect(() => sampleFromLogits([], 1, rng)).toThrow(/no logits/);
  });

  test('sampleText continues the prime with a model; greedy with a successor model spells the alphabet', async () => {
    const task = new CharTask('abcdefghij'.repeat(40), 8);
    const V = task.vocab.size;
    const calls: number[] = [];
    // The "model": logits favour the successor of the last character it sees (a bigram rule).
    const forward = async (x: Float32Array, T: number) => {
      calls.push(T);
      const out = new Float32Array(T * V);
      for (let t = 0; t < T; t++) {
        let id = 0;
        for (let k = 0; k < V; k++) if (x[t * V + k] === 1) id = k;
        out[t * V + ((id + 1) % V)] = 10;
      }
      return out;
    };
    const streamed: string[] = [];
    const s = await sampleText(task, forward, 'abc', 12, 0, new Rng(1), 8, (ch) => streamed.push(ch));
    expect(s).toBe('defghijabcde');
    expect(streamed.join('')).toBe(s);
    expect(Math.max(...calls)).toBe(8); // the context never exceeds the window
    expect(await sampleText(task, forward, '😀', 3, 0, new Rng(1), 8)).toHaveLength(3); // unusable prime still samples
  });
});

describe('shipped corpora', () => {
  test('code.txt (≤ 300 KB) and grammar.txt load from disk and build char tasks', () => {
    const code = loadCorpusFromDisk('code');
    const grammar = loadCorpusFromDisk('grammar');
    expect(utf8(code).length).toBeLessThanOrEqual(300 * 1024);
    expect(code).toContain('// ==== src/core/');
    for (const [corpus, text] of [['code', code], ['grammar', grammar]] as const) {
      const task = createTask({ ...defaultConfig(), task: 'char', corpus, T: 50 }, { text });
      expect(task.inputSize).toBe(task.outputSize);
      expect(task.inputSize).toBeLessThanOrEqual(256);
      expect(validateBatch(task.batch('train', 2, 50, new Rng(1)), task.outputSize)).toBeNull();
    }
    expect(() => loadCorpusFromDisk('user')).toThrow(/unknown corpus "user"/);
  });

  test('grammar.txt: brackets balance and nest properly on every statement, quotes pair on every line, lines ≤ 60 wide', () => {
    const grammar = loadCorpusFromDisk('grammar');
    const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
    const stack: string[] = [];
    let inQuote = false;
    for (const ch of grammar) {
      if (ch === '"') inQuote = !inQuote;
      else if (ch === '\n') expect(inQuote).toBe(false);
      else if (inQuote) continue;
      else if ('([{'.includes(ch)) stack.push(ch);
      else if (ch in closing) expect(stack.pop()).toBe(closing[ch]);
      else if (ch === ';') expect(stack).toHaveLength(0);
    }
    expect(stack).toHaveLength(0);
    // Lines wrap before column 60; only closing brackets and ';' (which stay attached) or a single long
    // token on a continuation line may pass it.
    for (const line of grammar.split('\n')) {
      const body = line.replace(/[)\]};]+$/, '');
      if (body.length > 60) expect(body).toMatch(/^\s*[([{]*("[^"]*"|\S+)$/);
    }
  });
});
