// Importing a model file: round trips, and every way a file can be wrong gets a clear message, never a throw.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeConfig, defaultConfig, encodeConfig } from '../../src/core/config';
import { configPatchForModel, exportMetadata, importModel, MAX_MODEL_BYTES, taskMismatch } from '../../src/core/export/importModel';
import { Rng } from '../../src/core/rng';
import { modelToSafetensors, writeSafetensors } from '../../src/core/safetensors';
import { makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';

const spec: ModelSpec = makeSpec({ cell: 'lstm', variant: 'vanilla', inputSize: 2, hiddenSize: 4, outputSize: 1, numLayers: 2 });
const rng = new Rng(3);
const params = new Float32Array(paramLayout(spec).size).map(() => rng.uniform(-1, 1));
const config = { ...defaultConfig(), cell: 'lstm' as const, variant: 'vanilla' as const, H: 4, layers: 2, lr: 0.01 };
const good = modelToSafetensors(spec, params, exportMetadata(config, 250));

/** A file with a hand-written header (and `data` bytes after it). */
function withHeader(header: unknown, data = new Uint8Array(0), claimedLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, claimedLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function errorOf(bytes: Uint8Array, maxBytes?: number): string {
  const result = importModel(bytes, maxBytes);
  if (result.ok) throw new Error('expected the import to fail');
  return result.error;
}

describe('importModel: round trips', () => {
  test('an exported model comes back bit for bit, with its settings and step', () => {
    const result = importModel(good);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.model.spec).toEqual(spec);
    expect(result.model.params).toEqual(params);
    expect(result.model.step).toBe(250);
    expect(result.model.config).toEqual(decodeConfig(encodeConfig(config)).config);
    expect(result.model.notes).toEqual([]);
  });

  test('every cell and variant round-trips', () => {
    for (const cell of ['rnn_tanh', 'rnn_relu', 'gru', 'esn'] as const) {
      const esn = cell === 'esn' ? { esn: { spectralRadius: 1.1, leak: 0.3, inputScale: 0.5 } } : {}; // only an ESN writes these
      const s = makeSpec({ cell, inputSize: 3, hiddenSize: 2, outputSize: 2, ...esn });
      const p = new Float32Array(paramLayout(s).size).map((_, i) => Math.sin(i));
      const result = importModel(modelToSafetensors(s, p));
      expect(result.ok && result.model.spec).toEqual(s);
      expect(result.ok && result.model.params).toEqual(p);
    }
    for (const variant of ['none', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'np', 'cifg', 'fgr'] as const) {
      const s = makeSpec({ cell: 'lstm', variant, inputSize: 1, hiddenSize: 3, outputSize: 1, numLayers: 3 });
      const p = new Float32Array(paramLayout(s).size).map((_, i) => i / 100);
      const result = importModel(modelToSafetensors(s, p));
      expect(result.ok && result.model.spec).toEqual(s);
    }
  });

  test('a file from elsewhere (no rnnlab settings) imports, with a note', () => {
    const result = importModel(modelToSafetensors(spec, params));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.model.config).toBeNull();
    expect(result.model.step).toBeNull();
    expect(result.model.notes[0]).toMatch(/no rnnlab settings/);
  });

  test('the settings of the file are made to agree with the model it holds', () => {
    const lying = modelToSafetensors(spec, params, { config: 'cell=gru&H=99&lr=0.5' });
    const result = importModel(lying);
    expect(result.ok && result.model.config).toMatchObject({ cell: 'lstm', variant: 'vanilla', H: 4, layers: 2, lr: 0.5 });
    expect(configPatchForModel(makeSpec({ cell: 'esn', inputSize: 1, hiddenSize: 5, outputSize: 1, esn: { spectralRadius: 0.8, leak: 0.2, inputScale: 2 } }))).toEqual({
      cell: 'esn', H: 5, layers: 1, rho: 0.8, leak: 0.2, inScale: 2,
    });
  });

  test('taskMismatch names both sides', () => {
    expect(taskMismatch(spec, { name: 'adding', inputSize: 2, outputSize: 1 })).toBeNull();
    expect(taskMismatch(spec, { name: 'copy', inputSize: 10, outputSize: 10 })).toMatch(/reads 2 inputs and predicts 1 output, but the "copy" task gives 10 and needs 10/);
  });
});

describe('importModel: files that do not fit', () => {
  test('empty, and over the size limit (refused on the length alone)', () => {
    expect(errorOf(new Uint8Array(0))).toBe('The file is empty.');
    expect(errorOf(good, good.length - 1)).toMatch(/the limit for a model is/);
    expect(MAX_MODEL_BYTES).toBeGreaterThan(50 * 1024 * 1024);
  });

  test('a huge claimed header length and a header that runs past the end', () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 0xffff, true); // ~2^48 bytes of header claimed
    expect(errorOf(huge)).toMatch(/not a safetensors file.*exceeds/);
    expect(errorOf(withHeader({}, new Uint8Array(0), 5000))).toMatch(/cut short/);
  });

  test('truncated at every length: a clear error each time, never a throw', () => {
    for (let n = 1; n < good.length; n += 7) {
      const result = importModel(good.subarray(0, n));
      expect(result.ok, `cut at ${n}`).toBe(false);
    }
  });

  test('a lying header: offsets past the data, overlapping tensors, shape and byte count disagree', () => {
    expect(errorOf(withHeader({ 'head.bias': { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }))).toMatch(/cut short.*run past the end/);
    const eight = new Uint8Array(8);
    expect(errorOf(withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight))).toMatch(/overlap/);
    expect(errorOf(withHeader({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight))).toMatch(/needs 12 bytes/);
    expect(errorOf(withHeader('{"a": [1, 2', eight))).toMatch(/not a safetensors file \(its header cannot be read\)/);
  });

  test('wrong shapes, missing and extra tensors', () => {
    const tensors = paramLayout(spec).tensors.map((t) => ({ name: t.name, shape: t.shape, data: params.subarray(t.offset, t.offset + t.size) }));
    const meta = { cell: 'lstm', variant: 'vanilla', inputSize: '2', hiddenSize: '4', outputSize: '1', numLayers: '2' };
    const reshaped = tensors.map((t) => (t.name === 'rnn.weight_hh_l1' ? { ...t, shape: [4, 16] } : t));
    expect(errorOf(writeSafetensors(reshaped, meta))).toMatch(/do not match.*"rnn.weight_hh_l1" has shape \[4, 16\], expected \[16, 4\]/);
    expect(errorOf(writeSafetensors(tensors.filter((t) => t.name !== 'rnn.weight_peep_l0'), meta))).toMatch(/missing tensor "rnn.weight_peep_l0"/);
    expect(errorOf(writeSafetensors([...tensors, { name: 'rnn.extra', shape: [1], data: new Float32Array(1) }], meta))).toMatch(/unexpected tensor "rnn.extra"/);
  });

  test('unknown cells and variants, unreadable metadata, unsupported dtypes', () => {
    const one = (meta: Record<string, string>) => writeSafetensors([{ name: 'head.bias', shape: [1], data: new Float32Array(1) }], meta);
    expect(errorOf(one({ cell: 'transformer' }))).toMatch(/does not describe a network the playground has: unknown cell "transformer"/);
    expect(errorOf(one({ cell: 'lstm', variant: 'xyz' }))).toMatch(/unknown LSTM variant "xyz"/);
    expect(errorOf(one({}))).toMatch(/no "cell"/);
    expect(errorOf(one({ cell: 'gru', hiddenSize: 'many', inputSize: '1', outputSize: '1' }))).toMatch(/"hiddenSize" must be an integer/);
    expect(errorOf(withHeader({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)))).toMatch(/format the playground does not read.*I64/);
  });

  test('non-finite weights and models larger than the playground trains', () => {
    const bad = Float32Array.from(params);
    bad[7] = NaN;
    expect(errorOf(modelToSafetensors(spec, bad))).toMatch(/tensor "rnn.weight_ih_l0" holds NaN at element 7/);
    const big = makeSpec({ cell: 'rnn_tanh', inputSize: 1, hiddenSize: 1100, outputSize: 1 });
    expect(errorOf(modelToSafetensors(big, new Float32Array(paramLayout(big).size)))).toMatch(/1100 hidden units; the playground trains at most 1024/);
  });

  test('random damage to a good file never throws (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(good.length), (edits, cut) => {
        const bytes = Uint8Array.from(good.subarray(0, Math.max(1, cut)));
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        const result = importModel(bytes);
        if (result.ok) expect(result.model.params.length).toBe(paramLayout(result.model.spec).size);
        else expect(result.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 300 },
    );
  });
});
