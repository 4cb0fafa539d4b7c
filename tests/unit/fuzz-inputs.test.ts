// Hostile input, fuzzed: whatever a user drops or pastes, each reader answers with a value or an Error that
// names the problem — never another kind of exception, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeConfig } from '../../src/core/config';
import { importModel } from '../../src/core/export/importModel';
import { Rng } from '../../src/core/rng';
import { modelToSafetensors } from '../../src/core/safetensors';
import { makeSpec, paramLayout } from '../../src/core/spec';
import { seriesFromCsvBytes } from '../../src/core/tasks/csv';
import { decodeUserTextBytes } from '../../src/core/tasks/text';

/** Runs f; it may return or throw an Error with a message, and must be quick. */
function answersCleanly(f: () => unknown, budgetMs = 2000): void {
  const start = performance.now();
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message.length).toBeGreaterThan(5);
  }
  expect(performance.now() - start).toBeLessThan(budgetMs);
}

const csvLike = fc
  .array(fc.array(fc.oneof(fc.double().map(String), fc.string({ maxLength: 6 }), fc.constantFrom('', '"a,b"', 'NaN', '1e999', '2024-01-01', '"')), { maxLength: 5 }), { maxLength: 40 })
  .map((rows) => new TextEncoder().encode(rows.map((r) => r.join(fc.sample(fc.constantFrom(',', ';', '\t'), 1)[0])).join('\n')));

describe('fuzzed user files', () => {
  it('CSV: random bytes and CSV-shaped noise', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), csvLike), (bytes) => answersCleanly(() => seriesFromCsvBytes(bytes))), { numRuns: 400 });
  });

  it('text: random bytes, random Unicode', () => {
    const unicode = fc.string({ unit: 'binary', maxLength: 600 }).map((s) => new TextEncoder().encode(s));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), unicode), (bytes) => answersCleanly(() => decodeUserTextBytes(bytes))), { numRuns: 400 });
  });

  it('safetensors: random bytes, truncations and corrupted headers of a real model', () => {
    const spec = makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2, numLayers: 2 });
    const rng = new Rng(1);
    const good = modelToSafetensors(spec, new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-1, 1)));
    expect(importModel(good).ok).toBe(true);
    const mutated = fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: good.length })).map(([at, byte, cut]) => {
      const b = good.slice(0, Math.max(1, cut));
      if (at < b.length) b[at] = byte;
      return b;
    });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), mutated), (bytes) => {
      const start = performance.now();
      const result = importModel(bytes);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(5);
      expect(performance.now() - start).toBeLessThan(2000);
    }), { numRuns: 600 });
  });

  it('a header that promises gigantic shapes is refused without allocating them', () => {
    const header = JSON.stringify({ 'head.weight': { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4] } });
    const bytes = new Uint8Array(8 + header.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(new TextEncoder().encode(header), 8);
    const result = importModel(bytes);
    expect(result.ok).toBe(false);
  });

  it('URLs: arbitrary strings decode to a Config', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => answersCleanly(() => decodeConfig(s))), { numRuns: 400 });
  });
});
