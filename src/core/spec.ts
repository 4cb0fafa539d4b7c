// ModelSpec and the one parameter layout shared by both engines and the safetensors format.
// Shape legend: B batch, T timesteps, X input, H hidden, Y output, G gates.

import { CELLS, cellInfo, type CellKind } from './cells/registry';
import { LSTM_VARIANTS, type LstmVariant } from './cells/lstmVariants';

export { CELLS, cellInfo, cellLabel, gateCount, isGated, type CellDescriptor, type CellKind, type GateBlock } from './cells/registry';
export { LSTM_VARIANTS, lstmFlags, type LstmFlags, type LstmVariant } from './cells/lstmVariants';

export interface EsnSpec {
  spectralRadius: number; // ρ(W_res) after scaling
  leak: number; // a in h_t = (1−a) h_{t−1} + a tanh(...)
  inputScale: number; // W_in entries drawn in [−s, s]
}

export interface ModelSpec {
  cell: CellKind;
  inputSize: number; // X
  hiddenSize: number; // H
  outputSize: number; // Y
  numLayers: number; // L, 1–3 (ESN: 1)
  variant: LstmVariant; // only read when cell = 'lstm'
  esn: EsnSpec; // only read when cell = 'esn'
}

export const DEFAULT_ESN: EsnSpec = { spectralRadius: 0.9, leak: 1, inputScale: 1 };

export function makeSpec(partial: Partial<ModelSpec> & Pick<ModelSpec, 'cell' | 'inputSize' | 'hiddenSize' | 'outputSize'>): ModelSpec {
  return { numLayers: 1, variant: 'none', esn: DEFAULT_ESN, ...partial };
}

export interface TensorInfo {
  name: string; // PyTorch state_dict name
  shape: number[];
  offset: number; // into the flat parameter array (elements)
  size: number;
  trainable: boolean; // ESN reservoir tensors are fixed
  /** What the tensor is, so code never parses names. */
  role: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh' | 'peephole' | 'weight_gg' | 'head_weight' | 'head_bias';
  layer: number; // −1 for the head
}

export interface ParamLayout {
  tensors: TensorInfo[];
  size: number; // total elements
}

/**
 * The single parameter layout: per layer weight_ih (G·H, X or H), weight_hh (G·H, H), bias_ih (G·H),
 * bias_hh (G·H), then for peephole LSTMs `rnn.weight_peep_l{k}` (3, H) rows p_i, p_f, p_o, and for FGR
 * `rnn.weight_gg_l{k}` (3H, 3H): rows i,f,o of this step from columns i,f,o of the previous step.
 * Then head.weight (Y, H) and head.bias (Y). LSTM variants keep all four gate blocks so the file stays
 * loadable by nn.LSTM; the rows of a removed gate simply receive zero gradient.
 */
export function paramLayout(spec: ModelSpec): ParamLayout {
  const H = spec.hiddenSize;
  const cell = cellInfo(spec.cell);
  const G = cell.blocks.length;
  const extra = cell.extraTensors(spec);
  const rnnTrainable = !cell.reservoir;
  const tensors: TensorInfo[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], role: TensorInfo['role'], layer: number, trainable = rnnTrainable) => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset, size, trainable, role, layer });
    offset += size;
  };
  for (let l = 0; l < spec.numLayers; l++) {
    const inSize = l === 0 ? spec.inputSize : H;
    add(`rnn.weight_ih_l${l}`, [G * H, inSize], 'weight_ih', l);
    add(`rnn.weight_hh_l${l}`, [G * H, H], 'weight_hh', l);
    add(`rnn.bias_ih_l${l}`, [G * H], 'bias_ih', l);
    add(`rnn.bias_hh_l${l}`, [G * H], 'bias_hh', l);
    for (const e of extra) add(`rnn.${e.suffix}_l${l}`, e.shape(H), e.role, l);
  }
  add('head.weight', [spec.outputSize, H], 'head_weight', -1, true);
  add('head.bias', [spec.outputSize], 'head_bias', -1, true);
  return { tensors, size: offset };
}

export function findTensor(layout: ParamLayout, role: TensorInfo['role'], layer: number): TensorInfo | undefined {
  return layout.tensors.find((t) => t.role === role && t.layer === layer);
}

/** Checks sizes before anything is allocated; returns a message naming the problem, or null. */
export function validateSpec(spec: ModelSpec): string | null {
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!(CELLS as readonly string[]).includes(spec.cell)) return `unknown cell "${spec.cell}" (expected one of ${CELLS.join(', ')})`;
  const cell = cellInfo(spec.cell);
  if (!int(spec.inputSize, 1, 4096)) return `inputSize must be an integer in 1..4096, got ${spec.inputSize}`;
  if (!int(spec.hiddenSize, 1, 4096)) return `hiddenSize must be an integer in 1..4096, got ${spec.hiddenSize}`;
  if (!int(spec.outputSize, 1, 4096)) return `outputSize must be an integer in 1..4096, got ${spec.outputSize}`;
  if (!int(spec.numLayers, 1, 3)) return `numLayers must be 1, 2 or 3, got ${spec.numLayers}`;
  if (cell.reservoir && spec.numLayers !== 1) return `an echo-state network has exactly one layer`;
  if (cell.lstmVariants && !(LSTM_VARIANTS as readonly string[]).includes(spec.variant)) {
    return `unknown LSTM variant "${spec.variant}" (expected one of ${LSTM_VARIANTS.join(', ')})`;
  }
  return null;
}
