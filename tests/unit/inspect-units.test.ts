// Unit activations over text: the features are right on hand-checked strings and differ from one another on
// the shipped corpora, the probe passages start where statements do, and a synthetic unit that equals a
// feature is ranked first for it with r = ±1.
import { describe, expect, test } from 'vitest';
import { pearson, probePassages, rankUnits, textFeatures, textProbe, unitSeries } from '../../src/core/inspect/units';
import { loadCorpusFromDisk } from '../../src/cli/corpus';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout } from '../../src/core/spec';
import { CharTask } from '../../src/core/tasks/text';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';

const feature = (text: string, id: string) => Array.from(textFeatures(Array.from(text)).find((f) => f.id === id)!.values);

describe('textFeatures', () => {
  test('strings: the opening quote is inside, the closing one outside; escapes and newlines', () => {
    expect(feature('a"bc"d', 'quote')).toEqual([0, 1, 1, 1, 0, 0]);
    expect(feature('"a\\"b"c', 'quote')).toEqual([1, 1, 1, 1, 1, 0, 0]); // \" does not close
    expect(feature("x = 'ab\nc", 'quote')).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0]); // a ' string ends at the newline
    expect(feature('"(a"(', 'depth')).toEqual([0, 0, 0, 0, 1]); // brackets inside strings do not count
  });

  test("an apostrophe after a letter is not a quote: identifiers and prose stay outside strings", () => {
    expect(feature("it's ok", 'quote')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(feature("the model's weights = f('w')", 'quote').join('')).toBe('0'.repeat(24) + '1100');
    expect(feature('a`b` `c`', 'quote')).toEqual([0, 0, 0, 0, 0, 1, 1, 0]); // a backtick after a letter opens nothing either
  });

  test('comments: // to the end of the line and /* … */; their quotes and brackets count for nothing', () => {
    expect(feature('a // b\nc', 'comment')).toEqual([0, 0, 0, 1, 1, 1, 0, 0]);
    expect(feature('a/*b*/c', 'comment')).toEqual([0, 0, 1, 1, 1, 1, 0]);
    expect(feature('/*/ x */y', 'comment')).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 0]); // "/*/" does not close
    expect(feature("// don't (ever\nf(x)", 'depth')).toEqual([...Array(14).fill(0), 0, 0, 1, 1, 0]);
    expect(feature("// it's\n'a'", 'quote')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
    expect(feature('"//"x', 'comment')).toEqual([0, 0, 0, 0, 0]); // slashes in a string open no comment
  });

  test('inside ( ) is the innermost bracket; depth counts every kind; position in the line', () => {
    expect(feature('f(a[b])c)', 'bracket')).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(feature('f(a[b])c)', 'depth')).toEqual([0, 1, 1, 2, 2, 1, 0, 0, 0]); // the stray ) stays at 0
    expect(feature('{(x)}', 'bracket')).toEqual([0, 1, 1, 0, 0]);
    expect(feature('ab\ncde\n', 'line')).toEqual([1, 2, 0, 1, 2, 3, 0]);
  });

  test('on the shipped corpora\'s probe passages no two features are the same row: |r| between any two < 0.7 on the grammar corpus', () => {
    for (const corpus of ['grammar', 'code'] as const) {
      const task = new CharTask(loadCorpusFromDisk(corpus), 50);
      const passages = probePassages(task);
      expect(passages.length).toBe(6);
      const chars = passages.flatMap((p) => textProbe(task, p.length, p.start).chars);
      const feats = textFeatures(chars);
      for (let a = 0; a < feats.length; a++) {
        for (let b = a + 1; b < feats.length; b++) {
          const r = pearson(feats[a].values, feats[b].values);
          expect(Math.abs(r), `${corpus}: ${feats[a].id} vs ${feats[b].id}`).toBeLessThan(corpus === 'grammar' ? 0.7 : 0.9);
          expect(Array.from(feats[a].values)).not.toEqual(Array.from(feats[b].values));
        }
      }
    }
  });
});

describe('probePassages', () => {
  test('non-overlapping passages of the validation text, each at the start of a statement', () => {
    const task = new CharTask(loadCorpusFromDisk('grammar'), 50);
    const passages = probePassages(task, 6, 400);
    expect(passages).toHaveLength(6);
    for (let k = 0; k < passages.length; k++) {
      const p = passages[k];
      expect(p.start).toBeGreaterThanOrEqual(task.split);
      expect(p.start + p.length).toBeLessThanOrEqual(task.ids.length);
      if (k > 0) expect(p.start).toBeGreaterThanOrEqual(passages[k - 1].start + passages[k - 1].length);
      const chars = textProbe(task, p.length, p.start).chars;
      expect(task.vocab.symbols[task.ids[p.start - 1]]).toBe('\n');
      expect(chars[0]).toMatch(/[a-z]/); // "name = …": a statement of the grammar opens at depth 0
      expect(p.label).toMatch(new RegExp(`^passage ${k + 1}: “`));
    }
    // a short text gives what fits
    const small = new CharTask('abc (de) "fg"\n'.repeat(30), 10);
    const few = probePassages(small, 6, 400);
    expect(few.length).toBe(1);
    expect(few[0].start + few[0].length).toBeLessThanOrEqual(small.ids.length);
  });
});

describe('rankUnits', () => {
  test('a unit equal to a feature is ranked first for it, with r = 1 (or −1 when it is the negation)', () => {
    const text = 'x = f("a (b)", [1, 2]);\nif (y) { z = "q"; }\n' + 'print("done")\n';
    const chars = Array.from(text);
    const feats = textFeatures(chars);
    const T = chars.length;
    const H = 5;
    const rng = new Rng(7);
    const quote = feats.find((f) => f.id === 'quote')!.values;
    const line = feats.find((f) => f.id === 'line')!.values;
    const bracket = feats.find((f) => f.id === 'bracket')!.values;
    const states = new Float32Array(T * H); // (T, 1, H)
    for (let t = 0; t < T; t++) {
      states[t * H + 0] = rng.uniform(-1, 1); // noise
      states[t * H + 1] = Math.tanh(2 * quote[t] - 1); // tracks quotes exactly (an affine image)
      states[t * H + 2] = -0.05 * line[t]; // counts the line position down
      states[t * H + 3] = bracket[t] * 0.8 + 0.1;
      states[t * H + 4] = rng.uniform(-1, 1);
    }
    const ranking = rankUnits(states, T, 1, H, feats, 3);
    const byId = Object.fromEntries(ranking.map((r) => [r.feature, r]));
    expect(byId.quote.top[0].unit).toBe(1);
    expect(byId.quote.top[0].r).toBeCloseTo(1, 5);
    expect(byId.line.top[0].unit).toBe(2);
    expect(byId.line.top[0].r).toBeCloseTo(-1, 5);
    expect(byId.bracket.top[0].unit).toBe(3);
    expect(byId.bracket.top[0].r).toBeCloseTo(1, 5);
    expect(byId.quote.top).toHaveLength(3);
    expect(byId.quote.all).toHaveLength(H);
    // |r| is non-increasing down the table
    for (const r of ranking) for (let k = 1; k < r.top.length; k++) expect(Math.abs(r.top[k].r)).toBeLessThanOrEqual(Math.abs(r.top[k - 1].r));
  });

  test('unitSeries reads (T, B, H) along one batch row; pearson of a constant is 0', () => {
    const states = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // T = 2, B = 2, H = 2
    expect(Array.from(unitSeries(states, 2, 2, 2, 1, 0))).toEqual([3, 7]);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(() => unitSeries(states, 2, 2, 2, 0, 2)).toThrow(/unit 2/);
  });
});

describe('textProbe', () => {
  test('one sequence of the validation text, forwarded by the CPU engine, aligned with its characters', async () => {
    const text = 'abc (de) "fg"\n'.repeat(30);
    const task = new CharTask(text, 10);
    const probe = textProbe(task, 25);
    expect(probe.chars.join('')).toBe(Array.from(text).slice(task.split, task.split + 25).join(''));
    expect(probe.batch.T).toBe(25);
    const spec = makeSpec({ cell: 'lstm', inputSize: task.inputSize, hiddenSize: 6, outputSize: task.outputSize });
    const rng = new Rng(1);
    const engine = new CpuEngine();
    await engine.init(spec, new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-0.4, 0.4)));
    const fwd = await engine.forward(probe.batch);
    const ranking = rankUnits(fwd.cells![0], 25, 1, 6, textFeatures(probe.chars), 2);
    expect(ranking).toHaveLength(5);
    for (const r of ranking) for (const s of r.top) expect(Math.abs(s.r)).toBeLessThanOrEqual(1 + 1e-12);
  });
});
