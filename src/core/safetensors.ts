// safetensors read/write (https://huggingface.co/docs/safetensors): an 8-byte little-endian u64 header length N,
// N bytes of JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}},
// then the tensor bytes (offsets relative to the end of the header). We write F32 only; on read F64, F16 and
// BF16 are converted to F32. Every file is treated as hostile: each check throws an Error that says what is
// wrong, and nothing loops on a number taken from the file without bounding it first.
import { CELLS, cellInfo, LSTM_VARIANTS, DEFAULT_ESN, paramLayout, validateSpec, type CellKind, type LstmVariant, type ModelSpec } from './spec';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContents {
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  metadata: Record<string, string>;
}

/** A header larger than this is refused before it is decoded. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const MAX_RANK = 8;

const DTYPE_BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

export function writeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new Error(`metadata "${k}" must be a string`);
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const seen = new Set<string>();
  for (const t of tensors) {
    if (t.name === '__metadata__' || t.name === '') throw new Error(`invalid tensor name "${t.name}"`);
    if (seen.has(t.name)) throw new Error(`duplicate tensor name "${t.name}"`);
    seen.add(t.name);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor "${t.name}": shape [${t.shape}] needs ${count} numbers, got ${t.data.length}`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts on an 8-byte boundary.
  const padded = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + padded + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, 0, true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return bytes;
}

export function readSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new Error('safetensors: expected bytes');
  if (bytes.length < 8) throw new Error(`safetensors: file too short (${bytes.length} bytes; the header length alone takes 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > MAX_HEADER_BYTES) throw new Error(`safetensors: header length ${headerLength} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLength > bytes.length) {
    throw new Error(`safetensors: header length ${headerLength} runs past the end of the file (${bytes.length} bytes): truncated or not a safetensors file`);
  }
  if (headerLength < 2) throw new Error('safetensors: header is empty');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new Error('safetensors: header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`safetensors: header is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('safetensors: header must be a JSON object');

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('safetensors: "__metadata__" must be an object of strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new Error(`safetensors: metadata "${clip(k)}" must be a string, got ${describe(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, value, dataLength));
  }

  // Tensors may not share bytes.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end) {
      throw new Error(`safetensors: tensors "${clip(sorted[i - 1].name)}" and "${clip(sorted[i].name)}" overlap in the data buffer`);
    }
  }

  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const e of entries) {
    tensors.set(e.name, { shape: e.shape, data: decode(view, dataStart + e.begin, e.dtype, (e.end - e.begin) / DTYPE_BYTES[e.dtype]) });
  }
  return { tensors, metadata };
}

function parseEntry(name: string, value: unknown, dataLength: number): { name: string; dtype: string; shape: number[]; begin: number; end: number } {
  const where = `safetensors: tensor "${clip(name)}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: entry must be an object`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') throw new Error(`${where}: missing dtype`);
  if (!(dtype in DTYPE_BYTES)) throw new Error(`${where}: dtype ${clip(dtype)} is not supported (F32, F64, F16 and BF16 are read; rnnlab writes F32)`);
  if (!Array.isArray(shape)) throw new Error(`${where}: shape must be an array`);
  if (shape.length > MAX_RANK) throw new Error(`${where}: rank ${shape.length} is above the limit of ${MAX_RANK}`);
  let count = 1;
  for (const d of shape) {
    if (!(typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) throw new Error(`${where}: shape [${clip(String(shape))}] must hold non-negative integers`);
    count *= d; // stays exact or becomes huge; either way it is compared with the byte range below
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
    throw new Error(`${where}: data_offsets must be [begin, end] with non-negative integers`);
  }
  const [begin, end] = offsets as number[];
  if (end < begin) throw new Error(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) throw new Error(`${where}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes): truncated or lying header`);
  const bytes = count * DTYPE_BYTES[dtype];
  if (bytes !== end - begin) {
    throw new Error(`${where}: shape [${shape.join(', ')}] of ${dtype} needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

function decode(view: DataView, at: number, dtype: string, count: number): Float32Array {
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(at + 2 * i, true));
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(at + 2 * i, true) << 16, true);
        out[i] = word.getFloat32(0, true);
      }
      break;
    }
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

// ---------------------------------------------------------------------------------------------------------
// Models: PyTorch state_dict names from paramLayout, the cell and sizes in the metadata.

/** The metadata keys of a model file (values are strings, as safetensors requires). */
export function modelMetadata(spec: ModelSpec): Record<string, string> {
  const meta: Record<string, string> = {
    format: 'pt',
    cell: spec.cell,
    inputSize: String(spec.inputSize),
    hiddenSize: String(spec.hiddenSize),
    outputSize: String(spec.outputSize),
    numLayers: String(spec.numLayers),
  };
  if (cellInfo(spec.cell).lstmVariants) meta.variant = spec.variant;
  if (cellInfo(spec.cell).reservoir) {
    meta.esnSpectralRadius = String(spec.esn.spectralRadius);
    meta.esnLeak = String(spec.esn.leak);
    meta.esnInputScale = String(spec.esn.inputScale);
  }
  return meta;
}

export function modelToSafetensors(spec: ModelSpec, params: Float32Array, extraMetadata: Record<string, string> = {}): Uint8Array {
  const layout = paramLayout(spec);
  if (params.length !== layout.size) throw new Error(`expected ${layout.size} parameters for this model, got ${params.length}`);
  const tensors = layout.tensors.map((t) => ({ name: t.name, shape: t.shape, data: params.subarray(t.offset, t.offset + t.size) }));
  return writeSafetensors(tensors, { ...extraMetadata, ...modelMetadata(spec) });
}

/** Cell names as rnnlab writes them, and as other tools might (PyTorch class names, modes). Case-insensitive. */
const CELL_ALIASES: Record<string, CellKind> = {
  ...(Object.fromEntries(CELLS.map((c) => [c, c])) as Record<string, CellKind>),
  rnn: 'rnn_tanh',
  rnntanh: 'rnn_tanh',
  tanh: 'rnn_tanh',
  rnnrelu: 'rnn_relu',
  relu: 'rnn_relu',
};

export function parseCell(raw: string, nonlinearity?: string): CellKind {
  const key = raw.trim().toLowerCase().replace(/^nn\./, '').replace(/[-\s]/g, '_');
  const cell = CELL_ALIASES[key];
  if (!cell) throw new Error(`unknown cell "${clip(raw)}" (expected one of ${CELLS.join(', ')}, or RNN_TANH, RNN_RELU, LSTM, GRU)`);
  // nn.RNN(nonlinearity='relu') written as cell "RNN" plus a nonlinearity key.
  if (key === 'rnn' && nonlinearity !== undefined) {
    const nl = nonlinearity.trim().toLowerCase();
    if (nl === 'relu') return 'rnn_relu';
    if (nl !== 'tanh') throw new Error(`unknown nonlinearity "${clip(nonlinearity)}" (expected tanh or relu)`);
  }
  return cell;
}

/** The model a safetensors file holds: spec from the metadata, parameters checked tensor by tensor against paramLayout. */
export function modelFromSafetensors(bytes: Uint8Array): { spec: ModelSpec; params: Float32Array; metadata: Record<string, string> } {
  const { tensors, metadata } = readSafetensors(bytes);
  const spec = specFromMetadata(metadata, tensors);
  const problem = validateSpec(spec);
  if (problem) throw new Error(`model metadata: ${problem}`);
  const layout = paramLayout(spec);
  const params = new Float32Array(layout.size);
  const describeModel = `${spec.cell}${cellInfo(spec.cell).lstmVariants && spec.variant !== 'none' ? ` (${spec.variant})` : ''} X=${spec.inputSize} H=${spec.hiddenSize} Y=${spec.outputSize} layers=${spec.numLayers}`;
  for (const t of layout.tensors) {
    const found = tensors.get(t.name);
    if (!found) throw new Error(`model file is missing tensor "${t.name}" (expected shape [${t.shape.join(', ')}] for ${describeModel})`);
    if (found.shape.length !== t.shape.length || found.shape.some((d, i) => d !== t.shape[i])) {
      throw new Error(`tensor "${t.name}" has shape [${found.shape.join(', ')}], expected [${t.shape.join(', ')}] for ${describeModel}`);
    }
    params.set(found.data, t.offset);
  }
  const expected = new Set(layout.tensors.map((t) => t.name));
  for (const name of tensors.keys()) {
    if (!expected.has(name)) throw new Error(`model file has an unexpected tensor "${clip(name)}" (not part of ${describeModel})`);
  }
  return { spec, params, metadata };
}

function specFromMetadata(meta: Record<string, string>, tensors: Map<string, { shape: number[] }>): ModelSpec {
  if (meta.cell === undefined) throw new Error('model metadata has no "cell" (expected e.g. rnn_tanh, lstm, gru)');
  const cell = parseCell(meta.cell, meta.nonlinearity);
  const int = (key: string, fallback?: number): number => {
    const raw = meta[key];
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw new Error(`model metadata has no "${key}"`);
    }
    const v = Number(raw.trim());
    if (raw.trim() === '' || !Number.isSafeInteger(v)) throw new Error(`model metadata "${key}" must be an integer, got "${clip(raw)}"`);
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const raw = meta[key];
    if (raw === undefined) return fallback;
    const v = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(v)) throw new Error(`model metadata "${key}" must be a number, got "${clip(raw)}"`);
    return v;
  };
  // Sizes may be left out when the tensors make them plain: X from weight_ih_l0, H from weight_hh_l0, Y from head.weight.
  const shapeOf = (name: string) => tensors.get(name)?.shape;
  const inferred = {
    inputSize: shapeOf('rnn.weight_ih_l0')?.[1],
    hiddenSize: shapeOf('rnn.weight_hh_l0')?.[1],
    outputSize: shapeOf('head.weight')?.[0],
  };
  let layers = 0;
  while (tensors.has(`rnn.weight_ih_l${layers}`)) layers++;
  let variant: LstmVariant = 'none';
  if (meta.variant !== undefined) {
    const v = meta.variant.trim().toLowerCase();
    if (!(LSTM_VARIANTS as readonly string[]).includes(v)) throw new Error(`unknown LSTM variant "${clip(meta.variant)}" (expected one of ${LSTM_VARIANTS.join(', ')})`);
    variant = v as LstmVariant;
  }
  return {
    cell,
    inputSize: int('inputSize', inferred.inputSize),
    hiddenSize: int('hiddenSize', inferred.hiddenSize),
    outputSize: int('outputSize', inferred.outputSize),
    numLayers: int('numLayers', layers > 0 ? layers : 1),
    variant,
    esn: {
      spectralRadius: num('esnSpectralRadius', DEFAULT_ESN.spectralRadius),
      leak: num('esnLeak', DEFAULT_ESN.leak),
      inputScale: num('esnInputScale', DEFAULT_ESN.inputScale),
    },
  };
}
