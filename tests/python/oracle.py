#!/usr/bin/env python3
"""An independent PyTorch float64 oracle for rnnlab's gradients (tests/unit/torch-oracle.test.ts, tests/gpu/...).

    /usr/bin/python3 oracle.py JOBS.json   -> one JSON result per job, as a list, on stdout

Everything here is written from the papers and PyTorch's documentation, in plain torch with autograd; nothing is
translated from rnnlab's TypeScript or taken from its exported script (src/core/export). The only things shared
with rnnlab are the *conventions* of the file format: tensor names and shapes, the gate order inside a stacked
tensor, and what the metadata keys mean (README "Conventions", docs/MATH.md).

A job is {"kind": "grad", ...} or {"kind": "spectral", ...}.

grad: {"model": {"cell", "variant", "inputSize", "hiddenSize", "outputSize", "numLayers", "esnLeak"},
       "tensors": {name: {"shape": [...], "data": [flat, row-major]}},
       "batch": {"T", "B", "X", "x": flat (T, B, X), "loss": "mse"|"xent", "lossSteps": "all"|"last",
                 "y": flat (T, B, Y) | "labels": flat (T, B), "mask": flat (T, B) or absent},
       "bptt": {"k1", "k2"} or absent (full BPTT)}
  -> {"chunks": [{"start", "end", "window", "loss", "count", "grads": {name: flat}, "dh": [L][T], "dc": [L][T] or null}]}
  Full BPTT is one chunk [0, T). Truncated BPTT(k1, k2) (Williams & Peng; Sutskever 2013) gives one entry per
  chunk [s, e) = [s, min(T, s + k1)): L_c = the mean loss over the chunk's scored steps, and its gradient through
  the window [w0, e), w0 = max(0, e − k2): the state before w0 is a constant, and (k2 < k1) so are the chunk's
  outputs before w0 (they count in L_c, but no gradient flows from them). dh/dc are ‖∂L_c/∂h_t‖, ‖∂L_c/∂c_t‖
  for t in the window (0 elsewhere). grads are ∂L_c/∂θ (0 for fixed tensors: the ESN reservoir). A chunk with
  no scored step has count 0, loss 0 and zero gradients.

spectral: {"matrices": [{"rows", "cols", "data"}]} -> {"sigmaMax": [...], "spectralRadius": [... or null]}
  σ_max = largest singular value (torch.linalg.svdvals); spectral radius = max |eigenvalue| for square matrices.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

# Greff et al. (2017), "LSTM: A Search Space Odyssey", section 2 and table of variants. Every variant except
# `none` (PyTorch's nn.LSTM) and NP has peephole connections; each named variant changes one thing of V.
PEEPHOLES = {'vanilla', 'nig', 'nfg', 'nog', 'niaf', 'noaf', 'cifg', 'fgr'}


def tensor(tensors, name):
    t = tensors[name]
    return torch.tensor(t['data'], dtype=torch.float64).reshape(t['shape']).requires_grad_(True)


def lstm_step(variant, W, x, h, c, a_prev):
    """One step of Greff's LSTM block, in PyTorch's gate order i, f, g, o (g is Greff's block input z)."""
    H = h.shape[1]
    pre = x @ W['w_ih'].T + W['b_ih'] + h @ W['w_hh'].T + W['b_hh']  # (B, 4H)
    pi, pf, pg, po = pre[:, :H], pre[:, H:2 * H], pre[:, 2 * H:3 * H], pre[:, 3 * H:]
    if variant == 'fgr':
        # Full gate recurrence: every gate also sees the previous step's i, f, o activations.
        # W_gg (3H, 3H): row block = gate being computed (i, f, o), column block = gate of t−1 it reads.
        rec = a_prev @ W['w_gg'].T  # (B, 3H)
        pi, pf, po = pi + rec[:, :H], pf + rec[:, H:2 * H], po + rec[:, 2 * H:]
    peep = variant in PEEPHOLES
    if peep:
        p = W['w_peep']  # (3, H): rows p_i, p_f, p_o
        pi = pi + p[0] * c  # input and forget gates look at c_{t−1}
        pf = pf + p[1] * c
    i = torch.ones_like(c) if variant == 'nig' else torch.sigmoid(pi)
    if variant == 'cifg':
        f = 1 - i  # coupled input and forget gate; the f rows of the weights are unused
    elif variant == 'nfg':
        f = torch.ones_like(c)
    else:
        f = torch.sigmoid(pf)
    g = pg if variant == 'niaf' else torch.tanh(pg)
    c_new = f * c + i * g
    if peep:
        po = po + p[2] * c_new  # the output gate looks at the new cell state c_t
    o = torch.ones_like(c) if variant == 'nog' else torch.sigmoid(po)
    h_new = o * (c_new if variant == 'noaf' else torch.tanh(c_new))
    return h_new, c_new, torch.cat([i, f, o], dim=1)


def gru_step(W, x, h):
    """torch.nn.GRU's documented equations, gate order r, z, n."""
    H = h.shape[1]
    gi = x @ W['w_ih'].T + W['b_ih']
    gh = h @ W['w_hh'].T + W['b_hh']
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h


def mgu_step(W, x, h):
    """Zhou et al.'s minimal gated unit, gate order f, n, with the gate applied as torch.nn.GRU applies r."""
    H = h.shape[1]
    gi = x @ W['w_ih'].T + W['b_ih']
    gh = h @ W['w_hh'].T + W['b_hh']
    f = torch.sigmoid(gi[:, :H] + gh[:, :H])
    n = torch.tanh(gi[:, H:] + f * gh[:, H:])
    return (1 - f) * h + f * n


def elman_step(act, W, x, h):
    """torch.nn.RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh)."""
    return act(x @ W['w_ih'].T + W['b_ih'] + h @ W['w_hh'].T + W['b_hh'])


def esn_step(leak, W, x, h):
    """Jaeger's leaky-integrator reservoir: h' = (1 − a) h + a tanh(W_in x + b_in + W_res h + b_res)."""
    return (1 - leak) * h + leak * torch.tanh(x @ W['w_ih'].T + W['b_ih'] + h @ W['w_hh'].T + W['b_hh'])


def grad_job(job):
    m = job['model']
    cell, variant = m['cell'], m.get('variant', 'none')
    H, Y, L = m['hiddenSize'], m['outputSize'], m['numLayers']
    bt = job['batch']
    T, B, X = bt['T'], bt['B'], bt['X']
    x = torch.tensor(bt['x'], dtype=torch.float64).reshape(T, B, X)
    tensors = job['tensors']
    names = list(tensors.keys())
    layers = []
    for k in range(L):
        W = {
            'w_ih': tensor(tensors, f'rnn.weight_ih_l{k}'),
            'w_hh': tensor(tensors, f'rnn.weight_hh_l{k}'),
            'b_ih': tensor(tensors, f'rnn.bias_ih_l{k}'),
            'b_hh': tensor(tensors, f'rnn.bias_hh_l{k}'),
        }
        if f'rnn.weight_peep_l{k}' in tensors:
            W['w_peep'] = tensor(tensors, f'rnn.weight_peep_l{k}')
        if f'rnn.weight_gg_l{k}' in tensors:
            W['w_gg'] = tensor(tensors, f'rnn.weight_gg_l{k}')
        layers.append(W)
    head_w = tensor(tensors, 'head.weight')
    head_b = tensor(tensors, 'head.bias')
    by_name = {'head.weight': head_w, 'head.bias': head_b}
    for k, W in enumerate(layers):
        by_name[f'rnn.weight_ih_l{k}'] = W['w_ih']
        by_name[f'rnn.weight_hh_l{k}'] = W['w_hh']
        by_name[f'rnn.bias_ih_l{k}'] = W['b_ih']
        by_name[f'rnn.bias_hh_l{k}'] = W['b_hh']
        if 'w_peep' in W:
            by_name[f'rnn.weight_peep_l{k}'] = W['w_peep']
        if 'w_gg' in W:
            by_name[f'rnn.weight_gg_l{k}'] = W['w_gg']
    fixed = {n for n in names if cell == 'esn' and n.startswith('rnn.')}  # the reservoir does not learn

    # Which (t, b) are scored, and the targets.
    scored = torch.ones(T, B, dtype=torch.bool)
    if bt['lossSteps'] == 'last':
        scored[:T - 1] = False
    if bt.get('mask') is not None:
        scored &= torch.tensor(bt['mask']).reshape(T, B) != 0
    if bt['loss'] == 'xent':
        labels = torch.tensor(bt['labels'], dtype=torch.long).reshape(T, B)
        scored &= labels >= 0
    else:
        y = torch.tensor(bt['y'], dtype=torch.float64).reshape(T, B, Y)

    def step_fn(W, inp, state):
        if cell == 'lstm':
            h, c, a = lstm_step(variant, W, inp, state['h'], state['c'], state['a'])
            return {'h': h, 'c': c, 'a': a}
        if cell == 'gru':
            return {'h': gru_step(W, inp, state['h'])}
        if cell == 'mgu':
            return {'h': mgu_step(W, inp, state['h'])}
        if cell == 'rnn_tanh':
            return {'h': elman_step(torch.tanh, W, inp, state['h'])}
        if cell == 'rnn_relu':
            return {'h': elman_step(torch.relu, W, inp, state['h'])}
        if cell == 'esn':
            return {'h': esn_step(float(m['esnLeak']), W, inp, state['h'])}
        raise ValueError(f'unknown cell {cell}')

    def zero_state():
        s = {'h': torch.zeros(B, H)}
        if cell == 'lstm':
            s['c'] = torch.zeros(B, H)
            s['a'] = torch.zeros(B, 3 * H)  # FGR: the gates "before t = 0" are 0, like h and c
        return s

    bptt = job.get('bptt')
    k1 = bptt['k1'] if bptt else T
    k2 = bptt['k2'] if bptt else T
    chunks = []
    # The states after every step of a plain forward pass (values only), to start a window from.
    with torch.no_grad():
        states = []  # states[t][layer] = state after step t
        cur = [zero_state() for _ in range(L)]
        for t in range(T):
            inp = x[t]
            nxt = []
            for k in range(L):
                s = step_fn(layers[k], inp, cur[k])
                nxt.append(s)
                inp = s['h']
            states.append(nxt)
            cur = nxt
    s0 = 0
    while s0 < T:
        e = min(T, s0 + k1)
        w0 = max(0, e - k2)
        start = [zero_state() for _ in range(L)] if w0 == 0 else [{k: v.detach() for k, v in st.items()} for st in states[w0 - 1]]
        hs = [[None] * T for _ in range(L)]
        cs = [[None] * T for _ in range(L)]
        cur = start
        outs = []
        # k2 < k1: the chunk's steps before the window count in its loss, as constants (no gradient, not even the head's).
        with torch.no_grad():
            for t in range(s0, w0):
                outs.append(states[t][L - 1]['h'] @ head_w.T + head_b)
        for t in range(w0, e):
            inp = x[t]
            nxt = []
            for k in range(L):
                s = step_fn(layers[k], inp, cur[k])
                s['h'].retain_grad()
                hs[k][t] = s['h']
                if 'c' in s:
                    s['c'].retain_grad()
                    cs[k][t] = s['c']
                nxt.append(s)
                inp = s['h']
            cur = nxt
            if t >= s0:
                outs.append(inp @ head_w.T + head_b)  # (B, Y)
        out = torch.stack(outs)  # (e − s0, B, Y): the chunk's steps
        sel = scored[s0:e]
        y_c = None if bt['loss'] == 'xent' else y[s0:e]
        count = int(sel.sum())
        for p in by_name.values():
            p.grad = None
        dh = [[0.0] * T for _ in range(L)]
        dc = [[0.0] * T for _ in range(L)] if cell == 'lstm' else None
        grads = {n: [0.0] * len(tensors[n]['data']) for n in names}
        loss_value = 0.0
        if count > 0:
            if bt['loss'] == 'mse':
                err = (out - y_c) ** 2  # (steps, B, Y)
                loss = err[sel].sum() / (count * Y)  # the mean over every scored element
            else:
                ce = F.cross_entropy(out.reshape(-1, Y), labels[s0:e].clamp(min=0).reshape(-1), reduction='none').reshape(sel.shape)
                loss = ce[sel].sum() / count  # the mean over the scored (t, b)
            loss.backward()
            loss_value = loss.item()
            for n in names:
                g = by_name[n].grad
                if g is not None and n not in fixed:
                    grads[n] = g.reshape(-1).tolist()
            for k in range(L):
                for t in range(w0, e):  # the backward window (k2 > k1: into earlier chunks); 0 outside it
                    g = hs[k][t].grad
                    dh[k][t] = 0.0 if g is None else torch.linalg.norm(g).item()  # Frobenius over (B, H)
                    if dc is not None:
                        g = cs[k][t].grad
                        dc[k][t] = 0.0 if g is None else torch.linalg.norm(g).item()
        chunks.append({'start': s0, 'end': e, 'window': w0, 'loss': loss_value, 'count': count, 'grads': grads, 'dh': dh, 'dc': dc})
        s0 = e
    return {'chunks': chunks}


def spectral_job(job):
    sig, rad = [], []
    for mtx in job['matrices']:
        A = torch.tensor(mtx['data'], dtype=torch.float64).reshape(mtx['rows'], mtx['cols'])
        sig.append(torch.linalg.svdvals(A)[0].item())
        rad.append(torch.linalg.eigvals(A).abs().max().item() if mtx['rows'] == mtx['cols'] else None)
    return {'sigmaMax': sig, 'spectralRadius': rad}


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    run = {'grad': grad_job, 'spectral': spectral_job}
    json.dump([run[job['kind']](job) for job in jobs], sys.stdout)


if __name__ == '__main__':
    main()
