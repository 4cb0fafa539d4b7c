
# ---- The same forward in plain Python (no torch, no numpy): a check that runs on any python3 ----
# Transcribed from the playground's CPU cells (src/core/cells/*.ts). One step function per cell: it takes the
# input side xi = W_ih x + b_ih and the recurrent side hh = W_hh h + b_hh of one step, both (GATES * H), and the
# state (h, c, a), and returns the next state.


def _sigmoid(v):
    if v >= 0:
        return 1 / (1 + math.exp(-v))
    e = math.exp(v)
    return e / (1 + e)


def _affine(W, b, v, rows, cols):
    """W v + b for W a flat row-major (rows, cols) list."""
    return [b[r] + sum(W[r * cols + j] * v[j] for j in range(cols)) for r in range(rows)]


def _step_rnn_tanh(xi, hh, h, c, a, k, weights):
    return [math.tanh(xi[j] + hh[j]) for j in range(HIDDEN)], c, a


def _step_rnn_relu(xi, hh, h, c, a, k, weights):
    return [max(0.0, xi[j] + hh[j]) for j in range(HIDDEN)], c, a


def _step_esn(xi, hh, h, c, a, k, weights):
    return [(1 - LEAK) * h[j] + LEAK * math.tanh(xi[j] + hh[j]) for j in range(HIDDEN)], c, a


def _step_gru(xi, hh, h, c, a, k, weights):
    H = HIDDEN
    new_h = []
    for j in range(H):
        r = _sigmoid(xi[j] + hh[j])
        z = _sigmoid(xi[H + j] + hh[H + j])
        n = math.tanh(xi[2 * H + j] + r * hh[2 * H + j])
        new_h.append((1 - z) * n + z * h[j])
    return new_h, c, a


def _step_mgu(xi, hh, h, c, a, k, weights):
    H = HIDDEN
    new_h = []
    for j in range(H):
        f = _sigmoid(xi[j] + hh[j])
        n = math.tanh(xi[H + j] + f * hh[H + j])
        new_h.append((1 - f) * h[j] + f * n)
    return new_h, c, a


def _step_lstm(xi, hh, h, c, a, k, weights):
    H = HIDDEN
    pre = [xi[j] + hh[j] for j in range(4 * H)]
    if FULL_GATE_RECURRENCE:
        rec = _affine(weights[f'rnn.weight_gg_l{k}'][1], [0.0] * (3 * H), a, 3 * H, 3 * H)
        for j in range(H):
            pre[j] += rec[j]
            pre[H + j] += rec[H + j]
            pre[3 * H + j] += rec[2 * H + j]
    p = weights[f'rnn.weight_peep_l{k}'][1] if PEEPHOLES else [0.0] * (3 * H)
    new_h, new_c, new_a = [], [], []
    for j in range(H):
        cp = c[j]
        i = _sigmoid(pre[j] + p[j] * cp) if INPUT_GATE else 1.0
        if COUPLED:
            fg = 1 - i
        else:
            fg = _sigmoid(pre[H + j] + p[H + j] * cp) if FORGET_GATE else 1.0
        g = math.tanh(pre[2 * H + j]) if INPUT_ACTIVATION else pre[2 * H + j]
        cn = fg * cp + i * g
        o = _sigmoid(pre[3 * H + j] + p[2 * H + j] * cn) if OUTPUT_GATE else 1.0
        new_c.append(cn)
        new_h.append(o * (math.tanh(cn) if OUTPUT_ACTIVATION else cn))
        new_a.append((i, fg, o))
    return new_h, new_c, [v[0] for v in new_a] + [v[1] for v in new_a] + [v[2] for v in new_a]


PURE_STEPS = {
    'rnn_tanh': _step_rnn_tanh,
    'rnn_relu': _step_rnn_relu,
    'esn': _step_esn,
    'gru': _step_gru,
    'mgu': _step_mgu,
    'lstm': _step_lstm,
}


def pure_forward(weights, x):
    """weights {name: (shape, flat list)} as read_safetensors gives; x nested (T, B, X) -> outputs (T, B, Y)."""
    step = PURE_STEPS[CELL]
    T, B = len(x), len(x[0])
    H, G = HIDDEN, GATES
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
                h, c, a = step(xi, hh, h, c, a, k, weights)
                out.append(h)
            seq = out
        head_w, head_b = weights['head.weight'][1], weights['head.bias'][1]
        for t in range(T):
            outputs[t][b] = _affine(head_w, head_b, seq[t], OUTPUT_SIZE, H)
    return outputs
