// The cell registry: one descriptor per cell kind, the only place that knows what a kind is. The layer code,
// both engines, the memory budget, the file formats, the exported script, the inside-the-cell views and the tests
// read these attributes instead of branching on the name. Adding a cell = its CPU file (forward next to backward),
// its step in the recurrent shaders, its Python module if PyTorch has none, and one entry here.
import ELMAN_RNN_PY from '../export/python/cells/elman_rnn.py?raw';
import GREFF_LSTM_PY from '../export/python/cells/greff_lstm.py?raw';
import LEAKY_ESN_PY from '../export/python/cells/leaky_esn.py?raw';
import MGU_PY from '../export/python/cells/mgu.py?raw';
import type { ModelSpec, TensorInfo } from '../spec';
import type { Cell } from './cell';
import { esnCell } from './esn';
import { gruCell } from './gru';
import { lstmCell } from './lstm';
import { lstmFlags, type LstmVariant } from './lstmVariants';
import { mguCell } from './mgu';
import { rnnCell } from './rnn';

/** One block of rows in W_ih / W_hh (a gate, or the candidate): what the inside-the-cell views call it. */
export interface GateBlock {
  name: string; // 'i', 'f', 'g', 'o' / 'r', 'z', 'n'
  label: string; // what a student reads: 'input gate'
  /** sigmoid gates live in [0, 1]; tanh blocks (LSTM g, GRU n) in [−1, 1]. */
  activation: 'sigmoid' | 'tanh';
}

/** A tensor a cell adds after the four shared ones of each layer (peepholes, gate-to-gate weights). */
export interface ExtraTensor {
  suffix: string; // rnn.<suffix>_l{k}
  shape: (H: number) => number[];
  role: TensorInfo['role'];
}

export interface CellDescriptor {
  /** Short, for race legends and titles: 'LSTM', 'RNN (tanh)'. */
  label: string;
  /** In words, for menus: 'echo-state network'. */
  name: string;
  /** The blocks stacked in the rows of W_ih and W_hh, in PyTorch's order; G = blocks.length. */
  blocks: readonly GateBlock[];
  /**
   * The block through which h_{t−1} feeds the new content (LSTM g, GRU n, MGU n; the only block of an RNN): the
   * closest analogue of a vanilla RNN's W_rec, whose spectral radius the charts report.
   */
  candidateBlock: number;
  /** Names and widths (in units of H) of the state carried between chunks and batches; h first. */
  stateShape(spec: ModelSpec): Record<string, number>;
  /** The cell's own tensors per layer, after weight_ih, weight_hh, bias_ih, bias_hh. */
  extraTensors(spec: ModelSpec): ExtraTensor[];
  /** true when the recurrent side's pre-activation gradient differs from the input side's (a gate multiplies W_hn h). */
  separateRecurrentGrad: boolean;
  /** A fixed reservoir (ESN): untrained recurrent weights scaled by spectral radius, one layer, a fitted readout. */
  reservoir: boolean;
  /** Pascanu et al.'s Ω regulariser applies (it is defined for h_t = act(W h_{t−1} + …)). */
  omega: boolean;
  /** Reads `spec.variant` (the Greff et al. variants) and the gate-bias initialisations (Config `bias`). */
  lstmVariants: boolean;
  /** Carries a cell state c, whose total gradient ‖∂L/∂c_t‖ is reported next to ‖∂L/∂h_t‖. */
  cellState: boolean;
  /**
   * The WebGPU side: `code`, the value of the `CELL` override that selects this cell's step in the recurrent
   * shaders (named in shaders/common.wgsl); `actsWidth`, the floats per (step, row) the forward kernel saves for
   * backward, the gate activations first (G·H of them, which forward() returns for the inside-the-cell views).
   */
  wgsl: { code: number; actsWidth: (H: number) => number };
  /**
   * How the exported script builds the recurrent layers: `build`, the Python expression of `self.rnn` (an nn class
   * where PyTorch has the cell), and `module`, the .py source of the class the script defines where it has not
   * (or null). `omega`: Pascanu's Ω is on, so the Elman RNN is written out to expose every h_t.
   */
  torch(spec: ModelSpec, omega: boolean): { build: string; module: string | null };
  /** The CPU reference cell for a spec (its forward next to its backward). */
  cpu(spec: ModelSpec): Cell;
}

/** Types one entry against the interface while REGISTRY keeps its literal keys. */
const describe = (d: CellDescriptor): CellDescriptor => d;

const HIDDEN_ONLY = () => ({ h: 1 });
const NO_EXTRA = () => [];
const ELMAN_BLOCK: GateBlock[] = [{ name: 'h', label: 'hidden state', activation: 'tanh' }];

const elman = (activation: 'tanh' | 'relu', wgslCode: number): CellDescriptor => ({
  label: activation === 'tanh' ? 'RNN (tanh)' : 'RNN (ReLU)',
  name: activation === 'tanh' ? 'RNN (tanh)' : 'RNN (ReLU)',
  blocks: ELMAN_BLOCK,
  candidateBlock: 0,
  stateShape: HIDDEN_ONLY,
  extraTensors: NO_EXTRA,
  separateRecurrentGrad: false,
  reservoir: false,
  omega: true,
  lstmVariants: false,
  cellState: false,
  wgsl: { code: wgslCode, actsWidth: () => 1 }, // an Elman step saves nothing: backward reads h_t
  torch: (_spec, omega) =>
    omega
      ? { build: 'ElmanRNN(INPUT_SIZE, HIDDEN, LAYERS)', module: ELMAN_RNN_PY }
      : { build: `nn.RNN(INPUT_SIZE, HIDDEN, num_layers=LAYERS${activation === 'relu' ? ", nonlinearity='relu'" : ''})`, module: null },
  cpu: () => rnnCell(activation),
});

const REGISTRY = {
  rnn_tanh: elman('tanh', 0),
  rnn_relu: elman('relu', 1),
  lstm: describe({
    label: 'LSTM',
    name: 'LSTM',
    blocks: [
      { name: 'i', label: 'input gate', activation: 'sigmoid' },
      { name: 'f', label: 'forget gate', activation: 'sigmoid' },
      { name: 'g', label: 'candidate', activation: 'tanh' },
      { name: 'o', label: 'output gate', activation: 'sigmoid' },
    ],
    candidateBlock: 2,
    stateShape: (spec): Record<string, number> => (lstmFlags(spec.variant).fullGateRecurrence ? { h: 1, c: 1, a: 3 } : { h: 1, c: 1 }),
    extraTensors(spec) {
      const flags = lstmFlags(spec.variant);
      const extra: ExtraTensor[] = [];
      if (flags.peepholes) extra.push({ suffix: 'weight_peep', shape: (H) => [3, H], role: 'peephole' });
      if (flags.fullGateRecurrence) extra.push({ suffix: 'weight_gg', shape: (H) => [3 * H, 3 * H], role: 'weight_gg' });
      return extra;
    },
    separateRecurrentGrad: false,
    reservoir: false,
    omega: false,
    lstmVariants: true,
    cellState: true,
    wgsl: { code: 2, actsWidth: (H) => 4 * H }, // i, f, g, o
    torch: (spec) =>
      spec.variant === 'none'
        ? { build: 'nn.LSTM(INPUT_SIZE, HIDDEN, num_layers=LAYERS)', module: null }
        : { build: 'GreffLSTM(INPUT_SIZE, HIDDEN, LAYERS)', module: GREFF_LSTM_PY },
    cpu: (spec) => lstmCell(lstmFlags(spec.variant)),
  }),
  gru: describe({
    label: 'GRU',
    name: 'GRU',
    blocks: [
      { name: 'r', label: 'reset gate', activation: 'sigmoid' },
      { name: 'z', label: 'update gate', activation: 'sigmoid' },
      { name: 'n', label: 'candidate', activation: 'tanh' },
    ],
    candidateBlock: 2,
    stateShape: HIDDEN_ONLY,
    extraTensors: NO_EXTRA,
    separateRecurrentGrad: true,
    reservoir: false,
    omega: false,
    lstmVariants: false,
    cellState: false,
    wgsl: { code: 3, actsWidth: (H) => 4 * H }, // r, z, n, then W_hn h + b_hn
    torch: () => ({ build: 'nn.GRU(INPUT_SIZE, HIDDEN, num_layers=LAYERS)', module: null }),
    cpu: () => gruCell(),
  }),
  mgu: describe({
    label: 'MGU',
    name: 'MGU: minimal gated unit',
    blocks: [
      { name: 'f', label: 'forget gate', activation: 'sigmoid' },
      { name: 'n', label: 'candidate', activation: 'tanh' },
    ],
    candidateBlock: 1,
    stateShape: HIDDEN_ONLY,
    extraTensors: NO_EXTRA,
    separateRecurrentGrad: true,
    reservoir: false,
    omega: false,
    lstmVariants: false,
    cellState: false,
    wgsl: { code: 5, actsWidth: (H) => 3 * H }, // f, n, then W_hn h + b_hn
    torch: () => ({ build: 'MGU(INPUT_SIZE, HIDDEN, LAYERS)', module: MGU_PY }),
    cpu: () => mguCell(),
  }),
  esn: describe({
    label: 'ESN',
    name: 'echo-state network',
    blocks: ELMAN_BLOCK,
    candidateBlock: 0,
    stateShape: HIDDEN_ONLY,
    extraTensors: NO_EXTRA,
    separateRecurrentGrad: false,
    reservoir: true,
    omega: false,
    lstmVariants: false,
    cellState: false,
    wgsl: { code: 4, actsWidth: (H) => H }, // u = tanh(pre), before the leak
    torch: () => ({ build: 'LeakyESN(INPUT_SIZE, HIDDEN)', module: LEAKY_ESN_PY }),
    cpu: (spec) => esnCell(spec.esn.leak),
  }),
} satisfies Record<string, CellDescriptor>;

export type CellKind = keyof typeof REGISTRY;

/** Every cell kind, in the order menus list them. */
export const CELLS = Object.keys(REGISTRY) as CellKind[];

export function cellInfo(cell: CellKind): CellDescriptor {
  return REGISTRY[cell];
}

/** Gates stacked in the rows of W_ih / W_hh: LSTM i,f,g,o; GRU r,z,n; MGU f,n; RNN and ESN one block. */
export function gateCount(cell: CellKind): number {
  return REGISTRY[cell].blocks.length;
}

/** "LSTM", "LSTM CIFG", "LSTM V (peepholes)", "GRU", "RNN (tanh)": the cell and, for LSTM, its Greff variant. */
export function cellLabel(cell: CellKind, variant: LstmVariant): string {
  const { label, lstmVariants } = REGISTRY[cell];
  if (!lstmVariants || variant === 'none') return label;
  return `${label} ${variant === 'vanilla' ? 'V (peepholes)' : variant.toUpperCase()}`;
}

/** Cells with more than one block (gates to look inside). */
export function isGated(cell: CellKind): boolean {
  return gateCount(cell) > 1;
}
