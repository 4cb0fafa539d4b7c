import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_HEADER_BYTES, modelFromSafetensors, modelToSafetensors, parseCell, readSafetensors, writeSafetensors } from '../../src/core/safetensors';
import { initParams } from '../../src/core/init';
import { Rng } from '../../src/core/rng';
import { makeSpec, paramLayout, type ModelSpec } from '../../src/core/spec';

/** A file from a header object and a data buffer, the way another tool (or an attacker) would write it. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, lengthOverride ?? json.length, true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

describe('writeSafetensors / readSafetensors', () => {
  it('round-trips tensors and metadata exactly, with an 8-byte aligned header', () => {
    const tensors = [
      { name: 'a', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, Infinity]) },
      { name: 'b', shape: [0], data: new Float32Array(0) },
      { name: 'scalar', shape: [], data: Float32Array.from([Math.PI]) },
    ];
    const bytes = writeSafetensors(tensors, { hello: 'world', n: '3' });
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + headerLength) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ hello: 'world', n: '3' });
    for (const t of tensors) {
      const got = back.tensors.get(t.name)!;
      expect(got.shape).toEqual(t.shape);
      expect(Array.from(got.data)).toEqual(Array.from(t.data));
    }
  });

  it('reads F64, F16 and BF16 as F32', () => {
    const f64 = new Uint8Array(Float64Array.from([1.5, -2.25]).buffer);
    const f16 = new Uint8Array(Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x7c00]).buffer); // 1, −2, 2⁻²⁴, +∞
    const bf16 = new Uint8Array(Uint16Array.from([0x3f80, 0xc040]).buffer); // 1, −3
    const data = new Uint8Array([...f64, ...f16, ...bf16]);
    const header = {
      d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      h: { dtype: 'F16', shape: [4], data_offsets: [16, 24] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [24, 28] },
    };
    const { tensors } = readSafetensors(rawFile(header, data));
    expect(Array.from(tensors.get('d')!.data)).toEqual([1.5, -2.25]);
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2, 2 ** -24, Infinity]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, -3]);
  });

  const hostile: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /too short/],
    ['header length past the end', rawFile({}, new Uint8Array(0), 1000), /past the end/],
    ['header length above the limit', rawFile({}, new Uint8Array(0), MAX_HEADER_BYTES + 1), /exceeds/],
    ['u64 header length with high bits', (() => { const b = rawFile({}); new DataView(b.buffer).setUint32(4, 1, true); return b; })(), /exceeds/],
    ['not JSON', rawFile('{"a": [1, 2'), /not valid JSON/],
    ['JSON array', rawFile([1, 2]), /JSON object/],
    ['unsupported dtype', rawFile({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /dtype I64 is not supported/],
    ['offsets past the data', rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /run past the end/],
    ['offsets not matching the shape', rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes/],
    ['reversed offsets', rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, new Uint8Array(8)), /end before/],
    [
      'overlapping tensors',
      rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
      /overlap/,
    ],
    ['gigantic shape', rawFile({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs .* bytes/],
    ['negative dimension', rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), /non-negative integers/],
    ['fractional offsets', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, new Uint8Array(8)), /data_offsets must be/],
    ['non-string metadata', rawFile({ __metadata__: { cell: 3 } }), /metadata "cell" must be a string, got number/],
    ['metadata not an object', rawFile({ __metadata__: 'x' }), /must be an object/],
    ['entry not an object', rawFile({ a: 5 }), /entry must be an object/],
    ['shape missing', rawFile({ a: { dtype: 'F32', data_offsets: [0, 0] } }), /shape must be an array/],
    ['invalid UTF-8', (() => { const b = rawFile('{"a":1}'); b[9] = 0xff; return b; })(), /UTF-8/],
  ];
  for (const [label, bytes, message] of hostile) {
    it(`rejects ${label} with a clear message`, () => {
      expect(() => readSafetensors(bytes)).toThrow(message);
    });
  }

  it('never hangs or throws anything but an Error on random and truncated bytes', () => {
    const good = modelToSafetensors(makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 1 }), new Float32Array(paramLayout(makeSpec({ cell: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 1 })).size));
    for (let cut = 0; cut < good.length; cut += 7) {
      expect(() => readSafetensors(good.subarray(0, cut))).toThrow(Error);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 400 }), (junk, claimed) => {
        const bytes = new Uint8Array(8 + junk.length);
        new DataView(bytes.buffer).setUint32(0, claimed, true);
        bytes.set(junk, 8);
        try {
          readSafetensors(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message).toMatch(/^safetensors: /);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('modelToSafetensors / modelFromSafetensors', () => {
  const specs: ModelSpec[] = [
    makeSpec({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 4, outputSize: 1 }),
    makeSpec({ cell: 'rnn_relu', inputSize: 3, hiddenSize: 5, outputSize: 2, numLayers: 2 }),
    makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 3, numLayers: 3, variant: 'fgr' }),
    makeSpec({ cell: 'lstm', inputSize: 1, hiddenSize: 2, outputSize: 1, variant: 'cifg' }),
    makeSpec({ cell: 'gru', inputSize: 4, hiddenSize: 3, outputSize: 2 }),
    makeSpec({ cell: 'esn', inputSize: 2, hiddenSize: 6, outputSize: 1, esn: { spectralRadius: 1.2, leak: 0.3, inputScale: 0.5 } }),
  ];
  for (const spec of specs) {
    it(`round-trips ${spec.cell} ${spec.variant} L=${spec.numLayers}`, () => {
      const params = initParams(spec, { init: 'pytorch', wrec: 0 }, new Rng(1));
      const back = modelFromSafetensors(modelToSafetensors(spec, params));
      expect(back.spec).toEqual(spec.cell === 'lstm' ? spec : { ...spec, variant: 'none', esn: spec.cell === 'esn' ? spec.esn : back.spec.esn });
      expect(Array.from(back.params)).toEqual(Array.from(params));
      const names = [...readSafetensors(modelToSafetensors(spec, params)).tensors.keys()];
      expect(names).toEqual(paramLayout(spec).tensors.map((t) => t.name));
    });
  }

  function fileFor(spec: ModelSpec, metadata: Record<string, string>, drop?: string, extra?: { name: string; shape: number[] }, reshape?: string) {
    const layout = paramLayout(spec);
    const tensors = layout.tensors
      .filter((t) => t.name !== drop)
      .map((t) => ({ name: t.name, shape: t.name === reshape ? [t.size] : t.shape, data: new Float32Array(t.size) }));
    if (extra) tensors.push({ ...extra, data: new Float32Array(extra.shape.reduce((a, b) => a * b, 1)) });
    return writeSafetensors(tensors, metadata);
  }
  const lstm = makeSpec({ cell: 'lstm', inputSize: 2, hiddenSize: 3, outputSize: 1 });
  const meta = { cell: 'LSTM', inputSize: '2', hiddenSize: '3', outputSize: '1' };

  it('accepts PyTorch-style cell names and defaults numLayers to 1', () => {
    expect(modelFromSafetensors(fileFor(lstm, meta)).spec).toEqual(lstm);
    expect(parseCell('RNN_TANH')).toBe('rnn_tanh');
    expect(parseCell('RNN_RELU')).toBe('rnn_relu');
    expect(parseCell('nn.GRU')).toBe('gru');
    expect(parseCell('RNN', 'relu')).toBe('rnn_relu');
    expect(() => parseCell('transformer')).toThrow(/unknown cell "transformer"/);
  });

  it('names the tensor and the expected shape when something does not fit', () => {
    expect(() => modelFromSafetensors(fileFor(lstm, meta, 'rnn.bias_hh_l0'))).toThrow(/missing tensor "rnn.bias_hh_l0" \(expected shape \[12\]/);
    expect(() => modelFromSafetensors(fileFor(lstm, meta, undefined, { name: 'rnn.weight_extra', shape: [2] }))).toThrow(/unexpected tensor "rnn.weight_extra"/);
    expect(() => modelFromSafetensors(fileFor(lstm, { ...meta, numLayers: '1' }, undefined, { name: 'rnn.weight_ih_l1', shape: [12, 3] }))).toThrow(/unexpected tensor "rnn.weight_ih_l1"/);
    // Without numLayers the layer count comes from the tensors, so a lone layer-1 tensor reads as a missing rest.
    expect(() => modelFromSafetensors(fileFor(lstm, meta, undefined, { name: 'rnn.weight_ih_l1', shape: [12, 3] }))).toThrow(/missing tensor "rnn.weight_hh_l1" \(expected shape \[12, 3\]/);
    expect(() => modelFromSafetensors(fileFor(lstm, meta, undefined, undefined, 'rnn.weight_hh_l0'))).toThrow(/"rnn.weight_hh_l0" has shape \[36\], expected \[12, 3\]/);
    expect(() => modelFromSafetensors(fileFor(lstm, { ...meta, hiddenSize: '4' }))).toThrow(/shape \[12, 2\], expected \[16, 2\]/);
    expect(() => modelFromSafetensors(fileFor(lstm, { ...meta, cell: 'mamba' }))).toThrow(/unknown cell "mamba"/);
    expect(() => modelFromSafetensors(fileFor(lstm, { ...meta, inputSize: 'two' }))).toThrow(/"inputSize" must be an integer/);
    expect(() => modelFromSafetensors(fileFor(lstm, { ...meta, numLayers: '9' }))).toThrow(/numLayers must be 1, 2 or 3/);
    expect(() => modelFromSafetensors(fileFor(lstm, { inputSize: '2' }))).toThrow(/no "cell"/);
  });
});
