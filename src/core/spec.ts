// ModelSpec and the one parameter layout shared by both engines and the safetensors format.
// Shape legend: B batch, T timesteps, X input, H hidden, Y output, G gates.

export const CELLS = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru', 'esn'] as const;
export type CellKind = (typeof CELLS)[number];

/**
 * LSTM variants of Greff et al. (2017), "LSTM: A Search Space Odyssey".
 * `none` is PyTorch's nn.LSTM (no peepholes). `vanilla` is Greff's V: PyTorch's LSTM plus peepholes.
 * Every other variant is V with one change (so they all have peepholes, except NP).
 */
export const LSTM_VARIANTS = ['none', 'vanilla', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'np', 'cifg', 'fgr'] as const;
export type LstmVariant = (typeof LSTM_VARIANTS)[number];

/** The switches a variant turns into. The cell code reads only these. */
export interface LstmFlags {
  peepholes: boolean; // i, f look at c_{t-1}; o looks at c_t (diagonal weights)
  inputGate: boolean; // false: i = 1 (NIG)
  forgetGate: boolean; // false: f = 1 (NFG)
  outputGate: boolean; // false: o = 1 (NOG)
  inputActivation: boolean; // false: g = pre-activation, no tanh (NIAF)
  outputActivation: boolean; // false: h = o ⊙ c, no tanh (NOAF)
  coupled: boolean; // true: f = 1 − i (CIFG)
  fullGateRecurrence: boolean; // true: i, f, o also see i, f, o of t−1 (FGR)
}

export function lstmFlags(variant: LstmVariant): LstmFlags {
  const base: LstmFlags = {
    peepholes: variant !== 'none' && variant !== 'np',
    inputGate: true,
    forgetGate: true,
    outputGate: true,
    inputActivation: true,
    outputActivation: true,
    coupled: false,
    fullGateRecurrence: false,
  };
  switch (variant) {
    case 'nig': return { ...base, inputGate: false };
    case 'nfg': return { ...base, forgetGate: false };
    case 'nog': return { ...base, outputGate: false };
    case 'niaf': return { ...base, inputActivation: false };
    case 'noaf': return { ...base, outputActivation: false };
    case 'cifg': return { ...base, coupled: true };
    case 'fgr': return { ...base, fullGateRecurrence: true };
    default: return base;
  }
}

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

/** Gates stacked in the rows of W_ih / W_hh: LSTM i,f,g,o; GRU r,z,n; RNN and ESN one block. */
export function gateCount(cell: CellKind): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
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
  const G = gateCount(spec.cell);
  const flags = spec.cell === 'lstm' ? lstmFlags(spec.variant) : null;
  const rnnTrainable = spec.cell !== 'esn';
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
    if (flags?.peepholes) add(`rnn.weight_peep_l${l}`, [3, H], 'peephole', l);
    if (flags?.fullGateRecurrence) add(`rnn.weight_gg_l${l}`, [3 * H, 3 * H], 'weight_gg', l);
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
  if (!int(spec.inputSize, 1, 4096)) return `inputSize must be an integer in 1..4096, got ${spec.inputSize}`;
  if (!int(spec.hiddenSize, 1, 4096)) return `hiddenSize must be an integer in 1..4096, got ${spec.hiddenSize}`;
  if (!int(spec.outputSize, 1, 4096)) return `outputSize must be an integer in 1..4096, got ${spec.outputSize}`;
  if (!int(spec.numLayers, 1, 3)) return `numLayers must be 1, 2 or 3, got ${spec.numLayers}`;
  if (spec.cell === 'esn' && spec.numLayers !== 1) return 'an echo-state network has exactly one layer';
  if (spec.cell === 'lstm' && !(LSTM_VARIANTS as readonly string[]).includes(spec.variant)) {
    return `unknown LSTM variant "${spec.variant}" (expected one of ${LSTM_VARIANTS.join(', ')})`;
  }
  return null;
}
