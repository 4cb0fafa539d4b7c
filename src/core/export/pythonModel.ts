// The model in the exported PyTorch script: nn.RNN/LSTM/GRU where PyTorch has the cell, a small explicit
// module where it does not (Greff LSTM variants, the leaky echo-state reservoir, and the Elman RNN when
// Pascanu's Ω needs every h_t). Parameter names always match paramLayout (src/core/spec.ts), so the
// playground's model.safetensors loads with load_state_dict. Also, behind a flag, the same forward in
// plain Python lists, which the tests run against the CPU engine where torch is not installed.
import { lstmFlags, type LstmFlags, type ModelSpec } from '../spec';

const py = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));

/** True when the script writes the recurrent layers out by hand rather than using an nn class. */
export function usesExplicitModule(spec: ModelSpec, omega: number): boolean {
  if (spec.cell === 'esn') return true;
  if (spec.cell === 'lstm') return spec.variant !== 'none';
  if (spec.cell === 'rnn_tanh' || spec.cell === 'rnn_relu') return omega > 0;
  return false;
}

function describeVariant(flags: LstmFlags): string[] {
  const parts: string[] = [];
  if (flags.peepholes) parts.push('peepholes (i, f look at c_{t-1}; o looks at c_t)');
  if (!flags.inputGate) parts.push('no input gate (i = 1)');
  if (!flags.forgetGate) parts.push('no forget gate (f = 1)');
  if (!flags.outputGate) parts.push('no output gate (o = 1)');
  if (!flags.inputActivation) parts.push('no input activation (g = pre-activation)');
  if (!flags.outputActivation) parts.push('no output activation (h = o * c)');
  if (flags.coupled) parts.push('coupled input and forget gates (f = 1 - i)');
  if (flags.fullGateRecurrence) parts.push('full gate recurrence (i, f, o also see i, f, o of step t-1)');
  return parts;
}

function greffLstm(spec: ModelSpec): string {
  const flags = lstmFlags(spec.variant);
  const peep = flags.peepholes;
  const fgr = flags.fullGateRecurrence;
  const withPeep = (pre: string, row: number, c: string) => (peep ? `${pre} + p[${row}] * ${c}` : pre);
  const lines = {
    i: flags.inputGate ? `i = torch.sigmoid(${withPeep('pre_i', 0, 'c')})` : 'i = torch.ones_like(c)  # no input gate',
    f: flags.coupled
      ? 'f = 1 - i  # coupled input and forget gates'
      : flags.forgetGate
        ? `f = torch.sigmoid(${withPeep('pre_f', 1, 'c')})`
        : 'f = torch.ones_like(c)  # no forget gate',
    g: flags.inputActivation ? 'g = torch.tanh(pre_g)' : 'g = pre_g  # no input activation',
    o: flags.outputGate ? `o = torch.sigmoid(${withPeep('pre_o', 2, 'c')})  # c is already c_t here` : 'o = torch.ones_like(c)  # no output gate',
    h: flags.outputActivation ? 'h = o * torch.tanh(c)' : 'h = o * c  # no output activation',
  };
  const doc = describeVariant(flags).join('; ');
  return `

class GreffLSTM(nn.Module):
    """The LSTM variant '${spec.variant}' of Greff et al. (2017), step by step: ${doc}.
    Parameters as nn.LSTM's (gate rows i, f, g, o)${peep ? ', plus weight_peep_l{k} (3, H): rows p_i, p_f, p_o' : ''}${fgr ? ', plus weight_gg_l{k} (3H, 3H): rows i, f, o of step t from columns i, f, o of step t-1' : ''}.
    The rows of a gate the variant removes stay in the file (so nn.LSTM can load it) and get zero gradient."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        H = hidden_size
        for k in range(num_layers):
            fan_in = input_size if k == 0 else H
            setattr(self, f'weight_ih_l{k}', nn.Parameter(torch.empty(4 * H, fan_in)))
            setattr(self, f'weight_hh_l{k}', nn.Parameter(torch.empty(4 * H, H)))
            setattr(self, f'bias_ih_l{k}', nn.Parameter(torch.empty(4 * H)))
            setattr(self, f'bias_hh_l{k}', nn.Parameter(torch.empty(4 * H)))${peep ? `
            setattr(self, f'weight_peep_l{k}', nn.Parameter(torch.zeros(3, H)))` : ''}${fgr ? `
            setattr(self, f'weight_gg_l{k}', nn.Parameter(torch.empty(3 * H, 3 * H)))` : ''}
        self.reset_parameters()

    def reset_parameters(self):
        """nn.LSTM's default U(-1/sqrt(H), 1/sqrt(H)); peepholes 0; gate-to-gate weights a tenth of that."""
        bound = 1 / math.sqrt(self.hidden_size)
        for name, p in self.named_parameters():
            if name.startswith('weight_peep'):
                nn.init.zeros_(p)
            elif name.startswith('weight_gg'):
                nn.init.uniform_(p, -0.1 * bound, 0.1 * bound)
            else:
                nn.init.uniform_(p, -bound, bound)

    def forward(self, x, state=None):
        """x (T, B, X) -> top layer's h for every step (T, B, H), and the state [(h, c${fgr ? ', a' : ''}) per layer]."""
        T, B, _ = x.shape
        H = self.hidden_size
        if state is None:
            state = [(x.new_zeros(B, H), x.new_zeros(B, H)${fgr ? ', x.new_zeros(B, 3 * H)' : ''}) for _ in range(self.num_layers)]
        new_state = []
        layer_input = x
        for k in range(self.num_layers):
            W_ih, W_hh = getattr(self, f'weight_ih_l{k}'), getattr(self, f'weight_hh_l{k}')
            b_ih, b_hh = getattr(self, f'bias_ih_l{k}'), getattr(self, f'bias_hh_l{k}')${peep ? `
            p = getattr(self, f'weight_peep_l{k}')  # (3, H)` : ''}${fgr ? `
            W_gg = getattr(self, f'weight_gg_l{k}')  # (3H, 3H)` : ''}
            h, c${fgr ? ', a' : ''} = state[k]
            x_proj = layer_input @ W_ih.T + b_ih  # (T, B, 4H): the input side of every step at once
            hs = []
            for t in range(T):
                pre = x_proj[t] + h @ W_hh.T + b_hh  # (B, 4H)
                pre_i, pre_f, pre_g, pre_o = pre.chunk(4, dim=1)${fgr ? `
                gate_rec = a @ W_gg.T  # (B, 3H): i, f, o of step t-1 feeding i, f, o
                pre_i = pre_i + gate_rec[:, :H]
                pre_f = pre_f + gate_rec[:, H:2 * H]
                pre_o = pre_o + gate_rec[:, 2 * H:]` : ''}
                ${lines.i}
                ${lines.f}
                ${lines.g}
                c = f * c + i * g
                ${lines.o}
                ${lines.h}${fgr ? `
                a = torch.cat([i, f, o], dim=1)` : ''}
                hs.append(h)
            layer_input = torch.stack(hs)  # (T, B, H)
            new_state.append((h, c${fgr ? ', a' : ''}))
        return layer_input, new_state
`;
}

function leakyEsn(spec: ModelSpec): string {
  return `

LEAK = ${py(spec.esn.leak)}  # a
SPECTRAL_RADIUS = ${py(spec.esn.spectralRadius)}  # of W_hh, for a fresh reservoir
INPUT_SCALE = ${py(spec.esn.inputScale)}  # W_ih entries in [-s, s], for a fresh reservoir


class LeakyESN(nn.Module):
    """Echo-state reservoir: u_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), h_t = (1 - a) h_{t-1} + a u_t.
    The reservoir is fixed (requires_grad=False); only the head learns. Names as nn.RNN's."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        H = hidden_size
        self.hidden_size = H
        self.num_layers = 1
        self.weight_ih_l0 = nn.Parameter((torch.rand(H, input_size) * 2 - 1) * INPUT_SCALE, requires_grad=False)
        w = torch.randn(H, H) / math.sqrt(H)
        radius = torch.linalg.eigvals(w).abs().max()
        self.weight_hh_l0 = nn.Parameter(w * (SPECTRAL_RADIUS / radius), requires_grad=False)
        self.bias_ih_l0 = nn.Parameter(torch.zeros(H), requires_grad=False)
        self.bias_hh_l0 = nn.Parameter(torch.zeros(H), requires_grad=False)

    def forward(self, x, state=None):
        """x (T, B, X) -> h for every step (T, B, H), and the last h as [h]."""
        T, B, _ = x.shape
        h = x.new_zeros(B, self.hidden_size) if state is None else state[0]
        x_proj = x @ self.weight_ih_l0.T + self.bias_ih_l0  # (T, B, H)
        hs = []
        for t in range(T):
            u = torch.tanh(x_proj[t] + h @ self.weight_hh_l0.T + self.bias_hh_l0)
            h = (1 - LEAK) * h + LEAK * u
            hs.append(h)
        return torch.stack(hs), [h]
`;
}

function elmanRnn(spec: ModelSpec): string {
  const relu = spec.cell === 'rnn_relu';
  return `

class ElmanRNN(nn.Module):
    """nn.RNN(nonlinearity='${relu ? 'relu' : 'tanh'}') written out step by step, with the same parameter names, so that
    Pascanu's regulariser can see every h_t: after a forward, self.steps[k][t] is layer k's h_t."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        H = hidden_size
        bound = 1 / math.sqrt(H)
        for k in range(num_layers):
            fan_in = input_size if k == 0 else H
            setattr(self, f'weight_ih_l{k}', nn.Parameter(torch.empty(H, fan_in).uniform_(-bound, bound)))
            setattr(self, f'weight_hh_l{k}', nn.Parameter(torch.empty(H, H).uniform_(-bound, bound)))
            setattr(self, f'bias_ih_l{k}', nn.Parameter(torch.empty(H).uniform_(-bound, bound)))
            setattr(self, f'bias_hh_l{k}', nn.Parameter(torch.empty(H).uniform_(-bound, bound)))
        self.steps = []

    def forward(self, x, state=None):
        """x (T, B, X) -> top layer's h for every step (T, B, H), and the last h per layer."""
        T, B, _ = x.shape
        if state is None:
            state = [x.new_zeros(B, self.hidden_size) for _ in range(self.num_layers)]
        self.steps = []
        new_state = []
        layer_input = x
        for k in range(self.num_layers):
            W_ih, W_hh = getattr(self, f'weight_ih_l{k}'), getattr(self, f'weight_hh_l{k}')
            b_ih, b_hh = getattr(self, f'bias_ih_l{k}'), getattr(self, f'bias_hh_l{k}')
            h = state[k]
            x_proj = layer_input @ W_ih.T + b_ih  # (T, B, H)
            hs = []
            for t in range(T):
                h = torch.${relu ? 'relu' : 'tanh'}(x_proj[t] + h @ W_hh.T + b_hh)
                hs.append(h)
            self.steps.append(hs)
            layer_input = torch.stack(hs)
            new_state.append(h)
        return layer_input, new_state
`;
}

/** The `self.rnn = …` line of Model.__init__. */
function rnnConstructor(spec: ModelSpec, omega: number): string {
  switch (spec.cell) {
    case 'rnn_tanh':
    case 'rnn_relu':
      if (omega > 0) return 'ElmanRNN(INPUT_SIZE, HIDDEN, LAYERS)';
      return spec.cell === 'rnn_relu' ? "nn.RNN(INPUT_SIZE, HIDDEN, num_layers=LAYERS, nonlinearity='relu')" : 'nn.RNN(INPUT_SIZE, HIDDEN, num_layers=LAYERS)';
    case 'gru':
      return 'nn.GRU(INPUT_SIZE, HIDDEN, num_layers=LAYERS)';
    case 'lstm':
      return spec.variant === 'none' ? 'nn.LSTM(INPUT_SIZE, HIDDEN, num_layers=LAYERS)' : 'GreffLSTM(INPUT_SIZE, HIDDEN, LAYERS)';
    case 'esn':
      return 'LeakyESN(INPUT_SIZE, HIDDEN)';
  }
}

/** The torch model: helper module (when needed) and `class Model`. */
export function pythonModelSource(spec: ModelSpec, omega: number): string {
  let helper = '';
  if (spec.cell === 'lstm' && spec.variant !== 'none') helper = greffLstm(spec);
  else if (spec.cell === 'esn') helper = leakyEsn(spec);
  else if ((spec.cell === 'rnn_tanh' || spec.cell === 'rnn_relu') && omega > 0) helper = elmanRnn(spec);
  const esnHead = spec.cell === 'esn' ? `
        nn.init.zeros_(self.head.weight)  # an untrained readout starts at zero
        nn.init.zeros_(self.head.bias)` : '';
  return `
# ---- The model ----
${helper}

class Model(nn.Module):
    """rnn: the recurrent layers; head: Linear(H, Y) applied to the top layer's h at every step.
    Time-major like the playground: x (T, B, X) -> outputs (T, B, Y) (logits for cross-entropy tasks)."""

    def __init__(self):
        super().__init__()
        self.rnn = ${rnnConstructor(spec, omega)}
        self.head = nn.Linear(HIDDEN, OUTPUT_SIZE)${esnHead}

    def forward(self, x, state=None):
        """Returns the outputs and the recurrent state after the last step (pass it back in to continue)."""
        hs, state = self.rnn(x, state)
        return self.head(hs), state
`;
}

/**
 * The forward pass in plain Python lists (no torch, no numpy), transcribed from src/core/cells/*, for checking
 * the exported weights and math on any python3. Reads the FLAGS_* constants for LSTM variants.
 */
export function pythonPureForwardSource(spec: ModelSpec): string {
  const flags = spec.cell === 'lstm' ? lstmFlags(spec.variant) : null;
  const G = spec.cell === 'lstm' ? 4 : spec.cell === 'gru' ? 3 : 1;
  let stepCode: string;
  switch (spec.cell) {
    case 'rnn_tanh':
      stepCode = `                h = [math.tanh(xi[j] + hh[j]) for j in range(H)]`;
      break;
    case 'rnn_relu':
      stepCode = `                h = [max(0.0, xi[j] + hh[j]) for j in range(H)]`;
      break;
    case 'esn':
      stepCode = `                h = [(1 - ${py(spec.esn.leak)}) * h[j] + ${py(spec.esn.leak)} * math.tanh(xi[j] + hh[j]) for j in range(H)]`;
      break;
    case 'gru':
      stepCode = `                new_h = []
                for j in range(H):
                    r = _sigmoid(xi[j] + hh[j])
                    z = _sigmoid(xi[H + j] + hh[H + j])
                    n = math.tanh(xi[2 * H + j] + r * hh[2 * H + j])
                    new_h.append((1 - z) * n + z * h[j])
                h = new_h`;
      break;
    case 'lstm': {
      const f = flags!;
      const B = (v: boolean) => (v ? 'True' : 'False');
      stepCode = `                pre = [xi[j] + hh[j] for j in range(4 * H)]
                if ${B(f.fullGateRecurrence)}:  # full gate recurrence
                    rec = _affine(weights[f'rnn.weight_gg_l{k}'][1], [0.0] * (3 * H), a, 3 * H, 3 * H)
                    for j in range(H):
                        pre[j] += rec[j]
                        pre[H + j] += rec[H + j]
                        pre[3 * H + j] += rec[2 * H + j]
                p = weights[f'rnn.weight_peep_l{k}'][1] if ${B(f.peepholes)} else [0.0] * (3 * H)
                new_h, new_c, new_a = [], [], []
                for j in range(H):
                    cp = c[j]
                    i = _sigmoid(pre[j] + p[j] * cp) if ${B(f.inputGate)} else 1.0
                    if ${B(f.coupled)}:
                        fg = 1 - i
                    else:
                        fg = _sigmoid(pre[H + j] + p[H + j] * cp) if ${B(f.forgetGate)} else 1.0
                    g = math.tanh(pre[2 * H + j]) if ${B(f.inputActivation)} else pre[2 * H + j]
                    cn = fg * cp + i * g
                    o = _sigmoid(pre[3 * H + j] + p[2 * H + j] * cn) if ${B(f.outputGate)} else 1.0
                    new_c.append(cn)
                    new_h.append(o * (math.tanh(cn) if ${B(f.outputActivation)} else cn))
                    new_a.append((i, fg, o))
                h, c = new_h, new_c
                a = [v[0] for v in new_a] + [v[1] for v in new_a] + [v[2] for v in new_a]`;
      break;
    }
  }
  return `
# ---- The same forward in plain Python (no torch, no numpy): a check that runs on any python3 ----


def _sigmoid(v):
    if v >= 0:
        return 1 / (1 + math.exp(-v))
    e = math.exp(v)
    return e / (1 + e)


def _affine(W, b, v, rows, cols):
    """W v + b for W a flat row-major (rows, cols) list."""
    return [b[r] + sum(W[r * cols + j] * v[j] for j in range(cols)) for r in range(rows)]


def pure_forward(weights, x):
    """weights {name: (shape, flat list)} as read_safetensors gives; x nested (T, B, X) -> outputs (T, B, Y)."""
    T, B = len(x), len(x[0])
    H, G = HIDDEN, ${G}
    outputs = [[None] * B for _ in range(T)]
    for b in range(B):
        seq = [x[t][b] for t in range(T)]  # this sequence's inputs to the current layer
        for k in range(LAYERS):
            W_ih, b_ih = weights[f'rnn.weight_ih_l{k}'][1], weights[f'rnn.bias_ih_l{k}'][1]
            W_hh, b_hh = weights[f'rnn.weight_hh_l{k}'][1], weights[f'rnn.bias_hh_l{k}'][1]
            h, c, a = [0.0] * H, [0.0] * H, [0.0] * (3 * H)
            out = []
            for t in range(T):
                xi = _affine(W_ih, b_ih, seq[t], G * H, len(seq[t]))
                hh = _affine(W_hh, b_hh, h, G * H, H)
${stepCode}
                out.append(h)
            seq = out
        head_w, head_b = weights['head.weight'][1], weights['head.bias'][1]
        for t in range(T):
            outputs[t][b] = _affine(head_w, head_b, seq[t], OUTPUT_SIZE, H)
    return outputs
`;
}
