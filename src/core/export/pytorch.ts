// The generated PyTorch script: a readable, runnable train_<task>.py that takes a run out of the playground.
// It defines the module (names = the safetensors names of paramLayout), loads model.safetensors, re-creates
// the task's data generator (same random stream, so the same batches for the same seed), and trains with the
// run's loss, optimiser, clipping, penalties and BPTT — and samples text for char models.
// The Python pieces live in pythonTasks.ts and pythonModel.ts; this file assembles them.
import { encodeRun } from '../lessons';
import type { Batch } from '../batch';
import { type Config } from '../config';
import { modelMetadata } from '../safetensors';
import type { ModelSpec } from '../spec';
import { PY_RNG, pythonTaskSource } from './pythonTasks';
import { pythonModelSource, pythonPureForwardSource, usesExplicitModule } from './pythonModel';

export interface ScriptOptions {
  /** Also emit `pure_forward` (plain-Python forward, no torch) and the `--pure-check` option. */
  pureForward?: boolean;
  /** CSV task: the column the run trained on, and the data file's name. */
  csvColumn?: string;
  /** CSV/char tasks: the data file the script reads by default. */
  dataFile?: string;
  /** The Trainer's validation batch size (its DEFAULT_TRAINER_OPTIONS.valBatchSize unless the page changed it). */
  valBatchSize?: number;
}

/**
 * The file for the script's --check: the playground's inputs and head outputs, nested (T, B, X) and (T, B, Y).
 * The script recomputes the outputs from model.safetensors and reports the largest difference.
 */
export function checkFileJson(batch: Pick<Batch, 'T' | 'B' | 'X' | 'x'>, outputs: Float32Array, step: number): string {
  const { T, B, X } = batch;
  const Y = outputs.length / (T * B);
  if (!Number.isInteger(Y) || Y < 1) throw new Error(`outputs hold ${outputs.length} numbers, not a multiple of T·B = ${T * B}`);
  const nest = (a: Float32Array, inner: number) =>
    Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from(a.subarray((t * B + b) * inner, (t * B + b + 1) * inner))));
  return JSON.stringify({ step, x: nest(batch.x, X), outputs: nest(outputs, Y) });
}

/** The file name the page offers: train_<task>.py. */
export function scriptFileName(config: Config): string {
  return `train_${config.task}.py`;
}

const py = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
const pyStr = (s: string) => JSON.stringify(s);

function defaultDataFile(config: Config, options: ScriptOptions): string | null {
  if (options.dataFile) return options.dataFile;
  if (config.task === 'csv') return 'data.csv';
  if (config.task === 'char') return config.corpus === 'user' ? 'corpus.txt' : `${config.corpus}.txt`;
  return null;
}

function header(config: Config, spec: ModelSpec, options: ScriptOptions): string {
  const file = scriptFileName(config);
  const cellText =
    spec.cell === 'lstm' ? `LSTM${spec.variant === 'none' ? '' : ` (Greff variant ${spec.variant})`}` : spec.cell === 'esn' ? 'echo-state network' : spec.cell.toUpperCase().replace('_', ' ');
  const dataFile = defaultDataFile(config, options);
  const dataNote = dataFile
    ? `\nData: this task reads ${dataFile} (--data to point elsewhere)${config.task === 'csv' ? `, column ${pyStr(options.csvColumn ?? 'value')} (--column)` : ''}.\n` +
      `Put the same file next to the script: the vocabulary / normalisation come from it and must match the model.\n`
    : '';
  return `#!/usr/bin/env python3
"""An rnnlab run, taken to PyTorch: task ${config.task}, ${cellText}, H=${spec.hiddenSize}, ${spec.numLayers} layer(s).

The playground's settings (its URL query):
    ${encodeRun(config)}

This script
  * defines the model; its parameter names are those of model.safetensors, so the playground's weights load
    with load_state_dict,
  * re-creates the task's data generator with the playground's random stream (same seed, same batches),
  * trains with the run's loss, optimiser, clipping, penalties and backprop-through-time settings,
  * evaluates on validation batches, saves the trained weights in the same format (importable by the
    playground)${config.task === 'char' ? ',\n  * and samples text with a temperature (--sample)' : ''}.

Run:
    pip install torch
    python3 ${file}                      # load model.safetensors if present, train, evaluate
    python3 ${file} --steps 0            # evaluate only
    python3 ${file} --check check.json   # compare outputs with the playground's (see --help)${config.task === 'char' ? `
    python3 ${file} --steps 0 --sample 300 --temperature 0.8 --prime "the "` : ''}
${dataNote}
Differences from the playground, worth knowing:
  * The playground computes in float64 (CPU engine) or float32 (WebGPU); PyTorch here in float32 (DTYPE;
    --dtype float64 computes in float64 and then follows the CPU engine step by step). In float32 losses agree
    to about 1e-5 and long training runs drift apart slowly.
  * L2 is the penalty lambda/2 * ||W||^2 added to the loss, on weight matrices only (not biases or peepholes),
    so its gradient lambda * W joins the gradient before clipping and before Adam's moments. That is not
    torch.optim's weight_decay (applied inside the optimiser, to every parameter) nor AdamW's decoupled decay.
  * Truncated BPTT, as in the playground: a chunk with no scored step makes no update (the optimiser's moments
    and step count do not move); with K2 > K1 the earlier steps of a window are recomputed with the current
    weights from the state before the window.
  * Clipping by norm multiplies by CLIP_AT / norm (torch.nn.utils.clip_grad_norm_ would divide by norm + 1e-6).
"""`;
}

function imports(config: Config): string {
  const extra = config.task === 'csv' ? '\nimport csv\nimport io' : config.task === 'char' ? '\nimport unicodedata' : '';
  return `
import argparse${extra}
import json
import math
import os
import struct
import sys

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # the data generators, the file reader and the plain-Python check work without torch
    torch = None

    class nn:  # a stand-in so that the classes below can be defined; running them needs torch
        Module = object
`;
}

function settings(config: Config, spec: ModelSpec, options: ScriptOptions): string {
  const taskLength = config.task === 'copy' ? '  # the delay; copy sequences are T + 20 long' : '  # sequence length (the lag / window)';
  return `
# ---- The run's settings ----

SEED = ${config.seed}  # the playground forks Rng(SEED) into streams for init, training batches, validation
VAL_BATCH = ${options.valBatchSize ?? 64}  # the playground validates on one fixed batch of this size
TASK = ${pyStr(config.task)}
T = ${config.T}${taskLength}
BATCH = ${config.B}  # B
CELL = ${pyStr(spec.cell)}${spec.cell === 'lstm' ? `\nVARIANT = ${pyStr(spec.variant)}\nBIAS_INIT = ${pyStr(config.bias)}  # gate biases for a fresh model: 'default', 'forget1' (b_f = 1) or 'chrono'` : ''}
INPUT_SIZE = ${spec.inputSize}  # X
HIDDEN = ${spec.hiddenSize}  # H
OUTPUT_SIZE = ${spec.outputSize}  # Y
LAYERS = ${spec.numLayers}
OPTIMIZER = ${pyStr(config.opt)}
LR = ${py(config.lr)}
MOMENTUM = ${py(config.mom)}  # SGD with momentum only
CLIP = ${pyStr(config.clip)}  # 'none', 'norm' (global L2 norm) or 'value' (each element)
CLIP_AT = ${py(config.clipAt)}
L2 = ${py(config.l2)}  # lambda of lambda/2 * ||W||^2 over weight matrices
OMEGA = ${py(spec.cell === 'rnn_tanh' || spec.cell === 'rnn_relu' ? config.omega : 0)}  # weight of Pascanu's regulariser (Elman RNNs only)
BPTT = ${pyStr(config.bptt)}
K1, K2 = ${config.k1}, ${config.k2}  # truncated BPTT: update every K1 steps, backpropagating K2 steps
STEPS = ${config.steps > 0 ? config.steps : 1000}${config.steps > 0 ? '' : '  # the run had no step limit; choose with --steps'}
${config.task === 'char' ? `USER_TEXT = ${config.corpus === 'user' ? 'True' : 'False'}  # the corpus was the user's own text\n` : ''}METADATA = ${JSON.stringify(modelMetadata(spec))}  # written with the weights
DTYPE = torch.float32 if torch is not None else None  # of the model, the batches and the weights (set_dtype)


def set_dtype(name):
    """'float32' (the default, as the WebGPU engine computes) or 'float64' (as the CPU engine): the dtype of the
    model made after this call, of the batches and of the loaded weights."""
    global DTYPE
    DTYPE = torch.float64 if name == 'float64' else torch.float32
    torch.set_default_dtype(DTYPE)
`;
}

const SAFETENSORS_IO = `
# ---- safetensors files (F32, as the playground writes them), read and written without extra packages ----


def read_safetensors(path):
    """-> ({name: (shape, flat list of floats)}, metadata)."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        if info['dtype'] != 'F32':
            raise ValueError(f'{path}: tensor {name} is {info["dtype"]}; this reader handles F32')
        begin, end = info['data_offsets']
        raw = data[8 + n + begin:8 + n + end]
        tensors[name] = (info['shape'], list(struct.unpack(f'<{len(raw) // 4}f', raw)))
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """tensors [(name, shape, flat list)] -> an F32 safetensors file (importable by the playground)."""
    header = {'__metadata__': metadata}
    offset = 0
    for name, shape, values in tensors:
        header[name] = {'dtype': 'F32', 'shape': list(shape), 'data_offsets': [offset, offset + 4 * len(values)]}
        offset += 4 * len(values)
    raw = json.dumps(header).encode()
    raw += b' ' * (-len(raw) % 8)  # the data starts on an 8-byte boundary
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for _, _, values in tensors:
            f.write(struct.pack(f'<{len(values)}f', *values))


def load_weights(model, path):
    """The playground's weights into the model (strict: every name and shape must match).
    With the safetensors package the same is: model.load_state_dict(safetensors.torch.load_file(path))."""
    tensors, metadata = read_safetensors(path)
    state = {name: torch.tensor(values, dtype=DTYPE).reshape(shape) for name, (shape, values) in tensors.items()}
    model.load_state_dict(state)
    return metadata


def save_weights(model, path):
    tensors = [(name, list(p.shape), p.detach().reshape(-1).tolist()) for name, p in model.state_dict().items()]
    write_safetensors(path, tensors, METADATA)
`;

const GATE_BIASES = `
# ---- LSTM gate biases for a fresh model (the playground's Config "bias") ----


def init_gate_biases(model):
    """BIAS_INIT on a freshly initialised LSTM (gate blocks i, f, g, o; the layer's bias is bias_ih + bias_hh):
    forget1 (Gers et al. 2000; Jozefowicz et al. 2015): b_f = 1, put in bias_ih's f block, bias_hh's f block 0.
    chrono (Tallec & Ollivier 2018): b_f = log(u), u ~ U(1, T - 1) per unit, and b_i = -b_f, both in bias_ih;
    bias_hh's i and f blocks 0. CIFG (f = 1 - i) under forget1 also gets b_i = -1, so that f = sigmoid(1).
    The playground draws chrono with its own generator, so a fresh model here has the same distribution, not the
    same numbers; model.safetensors carries the playground's biases exactly."""
    if BIAS_INIT == 'default':
        return
    H = HIDDEN
    with torch.no_grad():
        for k in range(LAYERS):
            b_ih, b_hh = getattr(model.rnn, f'bias_ih_l{k}'), getattr(model.rnn, f'bias_hh_l{k}')
            if BIAS_INIT == 'forget1':
                b_ih[H:2 * H] = 1.0
                b_hh[H:2 * H] = 0.0
                if VARIANT == 'cifg':
                    b_ih[:H] = -1.0
                    b_hh[:H] = 0.0
            else:
                b_f = torch.log(torch.empty(H).uniform_(1, max(1, T - 1)))
                b_ih[H:2 * H] = b_f
                b_ih[:H] = -b_f
                b_hh[:2 * H] = 0.0
`;

const LOSS = `
# ---- Batches as tensors, and the loss ----


def to_tensors(batch):
    """x (T, B, X); for mse y (T, B, Y) and scored (T, B), 1 where a step carries loss; for cross-entropy
    labels (T, B) with -1 wherever no loss is taken (outside the loss steps, masked, or no label)."""
    T, B = batch['T'], batch['B']
    first = T - 1 if batch['loss_steps'] == 'last' else 0
    mask, labels = batch['mask'], batch['labels']

    def is_scored(t, b):
        return t >= first and (mask is None or mask[t][b] != 0) and (labels is None or labels[t][b] >= 0)

    scored = [[1.0 if is_scored(t, b) else 0.0 for b in range(B)] for t in range(T)]
    data = {'x': torch.tensor(batch['x'], dtype=DTYPE), 'scored': torch.tensor(scored, dtype=DTYPE)}
    if batch['loss'] == 'mse':
        data['y'] = torch.tensor(batch['y'], dtype=DTYPE)
    else:
        data['labels'] = torch.tensor([[labels[t][b] if scored[t][b] else -1 for b in range(B)] for t in range(T)])
    return data


def loss_sum(out, data, t0, t1):
    """Summed loss over steps [t0, t1) (out holds exactly those steps) and how many elements the mean divides by:
    mse: every scored (t, b, y) element of (out - y)^2; cross-entropy: every scored (t, b) of -log softmax(out)[label]."""
    if 'y' in data:
        scored = data['scored'][t0:t1]
        err = (out - data['y'][t0:t1]) ** 2 * scored.unsqueeze(-1)
        return err.sum(), int(scored.sum().item()) * out.shape[-1]
    labels = data['labels'][t0:t1]
    total = F.cross_entropy(out.reshape(-1, out.shape[-1]), labels.reshape(-1), ignore_index=-1, reduction='sum')
    return total, int((labels >= 0).sum().item())


def is_matrix(name):
    """L2 covers the weight matrices: weight_ih, weight_hh, weight_gg and the head's weight."""
    return name == 'head.weight' or name.split('.')[-1].startswith(('weight_ih', 'weight_hh', 'weight_gg'))


def l2_penalty(model):
    """lambda/2 * ||W||^2 over the trainable weight matrices."""
    return 0.5 * L2 * sum((p ** 2).sum() for name, p in model.named_parameters() if p.requires_grad and is_matrix(name))
`;

const OMEGA = `

def omega_penalty(loss, layer_steps, model):
    """Pascanu et al. (2013)'s regulariser over the window's transitions, as the playground computes it:
        Omega = sum_t mean_b (||dL/dh_t * dh_t/dh_{t-1}|| / ||dL/dh_t|| - 1)^2,
    with dL/dh_t * dh_t/dh_{t-1} = (dL/dh_t * act'(pre_t)) W_hh. As in the paper, dL/dh_t and the activation
    are held constant; only the explicit dependence on W_hh is differentiated.
    layer_steps[k][t] is layer k's h_t (tensors inside the graph of loss)."""
    total = 0.0
    for k, steps in enumerate(layer_steps):
        W_hh = getattr(model.rnn, f'weight_hh_l{k}')
        dh = torch.autograd.grad(loss, steps, retain_graph=True)  # total dL/dh_t for each step of the window
        for t in range(1, len(steps)):
            h = steps[t].detach()
            act_grad = (h > 0).to(h.dtype) if CELL == 'rnn_relu' else 1 - h * h
            v = (dh[t] * act_grad) @ W_hh  # (B, H)
            dh_norm = dh[t].norm(dim=1)
            v_norm = v.norm(dim=1)
            counted = dh_norm > 0
            differentiable = counted & (v_norm > 0)  # where ||v|| = 0 the term is the constant 1
            ratio = v_norm[differentiable] / dh_norm[differentiable]
            total = total + (((ratio - 1) ** 2).sum() + (counted & ~differentiable).sum()) / h.shape[0]
    return OMEGA * total
`;

function trainingSource(omegaActive: boolean): string {
  const omegaFull = omegaActive ? `
    if OMEGA > 0:
        objective = objective + omega_penalty(loss, model.rnn.steps, model)` : '';
  const omegaChunk = omegaActive ? `
        if OMEGA > 0:
            objective = objective + omega_penalty(loss, window_steps, model)` : '';
  const collectSteps = omegaActive ? `
            for k, hs in enumerate(model.rnn.steps):
                window_steps[k] += hs` : '';
  return `
# ---- Training: one playground step per batch ----


def make_optimizer(params):
    """PyTorch's optimisers with the playground's hyper-parameters (their update rules are the same)."""
    if OPTIMIZER == 'sgd':
        return torch.optim.SGD(params, lr=LR)
    if OPTIMIZER == 'momentum':
        return torch.optim.SGD(params, lr=LR, momentum=MOMENTUM)
    if OPTIMIZER == 'rmsprop':
        return torch.optim.RMSprop(params, lr=LR, alpha=0.99, eps=1e-8)
    return torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-8)


def clip_and_update(trainable, optimizer):
    """Clips as configured and updates; returns the gradient norm before clipping. A step whose loss or
    gradient is not finite makes no update (as in the playground). Clipping by norm scales by CLIP_AT / norm
    where the norm exceeds CLIP_AT, as the playground does (clip_grad_norm_ would use CLIP_AT / (norm + 1e-6))."""
    grad_norm = torch.norm(torch.stack([p.grad.norm() for p in trainable if p.grad is not None]))
    finite = bool(torch.isfinite(grad_norm))
    if CLIP == 'norm' and finite and grad_norm > CLIP_AT:
        factor = CLIP_AT / grad_norm
        for p in trainable:
            if p.grad is not None:
                p.grad.mul_(factor)
    elif CLIP == 'value' and finite:
        torch.nn.utils.clip_grad_value_(trainable, CLIP_AT)
    if finite:
        optimizer.step()
    return grad_norm.item()


def detach(state):
    """The state with its history cut (the start of a truncated window)."""
    if state is None:
        return None
    if isinstance(state, (list, tuple)):
        return type(state)(detach(s) for s in state)
    return state.detach()


def train_step(model, optimizer, trainable, data):
    """Full BPTT: forward over all T steps from a zero state, loss, penalties, backward, clip, one update.
    A batch with no scored step makes no update. Returns (loss, gradient norm before clipping)."""
    optimizer.zero_grad()
    out, _ = model(data['x'])
    total, count = loss_sum(out, data, 0, out.shape[0])
    if count == 0:
        return 0.0, 0.0
    loss = total / count
    objective = loss + l2_penalty(model)${omegaFull}
    objective.backward()
    grad_norm = clip_and_update(trainable, optimizer)
    return loss.item(), grad_norm


def train_step_truncated(model, optimizer, trainable, data):
    """Sutskever's TBPTT(k1, k2), as the playground does it: the batch's T steps are consumed K1 at a time; after
    each chunk [s, e) the loss of its steps is backpropagated through the window [e - K2, e) and one update is
    made. When K2 > K1 the window reaches into earlier chunks: those steps are recomputed with the current
    weights from the state before the window (the state the latest pass over them reached). A chunk with no
    scored step makes no update: no backward, no optimizer.step(), so the optimiser's moments and step count
    do not move. Returns (mean loss over the batch, root of summed squared gradient norms of the updates)."""
    x = data['x']
    T = x.shape[0]
    before = [None]  # before[t]: the state before step t (detached) as the latest pass computed it; None = zeros

    def remember(t, state):  # the state after step t
        if len(before) == t + 1:
            before.append(detach(state))
        else:
            before[t + 1] = detach(state)

    loss_total, loss_count, norm_sq = 0.0, 0, 0.0
    for s in range(0, T, K1):
        e = min(T, s + K1)
        w0 = max(0, e - K2)
        optimizer.zero_grad()
        outs = []
        # Steps of the chunk before the window (K2 < K1) count in the loss but get no gradient.
        with torch.no_grad():
            for t in range(s, w0):
                out_t, state = model(x[t:t + 1], before[t])
                outs.append(out_t)
                remember(t, state)
        state = before[w0]
        window_steps = [[] for _ in range(LAYERS)]
        for t in range(w0, e):
            out_t, state = model(x[t:t + 1], state)${collectSteps}
            if t >= s:
                outs.append(out_t)
            remember(t, state)
        total, count = loss_sum(torch.cat(outs), data, s, e)
        loss_total += total.item()
        loss_count += count
        if count == 0:
            continue
        loss = total / count
        objective = loss + l2_penalty(model)${omegaChunk}
        objective.backward()
        norm_sq += clip_and_update(trainable, optimizer) ** 2
    return (loss_total / loss_count if loss_count else 0.0), math.sqrt(norm_sq)


def evaluate(model, batch):
    """Loss (and accuracy for classification) on the validation batch, as the playground's val loss."""
    data = to_tensors(batch)
    with torch.no_grad():
        out, _ = model(data['x'])
    total, count = loss_sum(out, data, 0, out.shape[0])
    report = {'val_loss': total.item() / max(count, 1)}
    if 'labels' in data:
        scored = data['labels'] >= 0
        right = (out.argmax(-1) == data['labels']) & scored
        report['accuracy'] = right.sum().item() / max(scored.sum().item(), 1)
        if TASK == 'char':
            report['bits_per_char'] = report['val_loss'] / math.log(2)
    return report


def playground_streams(task, skip):
    """The playground's streams: Rng(SEED) forked into init, training-batch and validation streams; the
    validation batch is drawn once. "skip" training batches are drawn and dropped, so that a run resumed at
    step "skip" sees the batches the playground would have shown it next."""
    root = Rng(SEED)
    root.fork()  # the playground's init stream (the weights come from model.safetensors here)
    train_rng = root.fork()
    val_batch = task.batch('val', VAL_BATCH, T, root.fork())
    for _ in range(skip):
        task.batch('train', BATCH, T, train_rng)
    return train_rng, val_batch


def train(model, task, train_rng, val_batch, steps, first_step, eval_every):
    """Note: the optimiser starts fresh (the playground's Adam moments are not in model.safetensors)."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(trainable)
    step_fn = train_step_truncated if BPTT == 'truncated' else train_step
    for step in range(first_step + 1, first_step + steps + 1):
        data = to_tensors(task.batch('train', BATCH, T, train_rng))
        loss, grad_norm = step_fn(model, optimizer, trainable, data)
        if step % eval_every == 0 or step == first_step + steps:
            report = ', '.join(f'{k} {v:.5f}' for k, v in evaluate(model, val_batch).items())
            print(f'step {step:6d}  loss {loss:.5f}  grad norm {grad_norm:.4g}  {report}')
`;
}

const RIDGE = `
# ---- Echo-state networks: the readout in one shot ----


def fit_readout(model, batch, ridge=1e-6):
    """Ridge regression of the targets (one-hot labels for classification) on the reservoir states of the
    scored steps: [W b] = argmin ||[h 1] [W b]^T - y||^2 + ridge ||W||^2 (the bias is not penalised)."""
    data = to_tensors(batch)
    with torch.no_grad():
        hs, _ = model.rnn(data['x'])  # (T, B, H)
        if 'y' in data:
            chosen = data['scored'] > 0
            targets = data['y'][chosen]
        else:
            chosen = data['labels'] >= 0
            targets = F.one_hot(data['labels'][chosen], OUTPUT_SIZE).to(DTYPE)
        z = torch.cat([hs[chosen], torch.ones(int(chosen.sum()), 1)], dim=1).double()  # (N, H + 1)
        A = z.T @ z + torch.diag(torch.tensor([ridge] * HIDDEN + [1e-9], dtype=torch.float64))
        beta = torch.linalg.solve(A, z.T @ targets.double())  # (H + 1, Y)
        model.head.weight.copy_(beta[:HIDDEN].T.to(DTYPE))
        model.head.bias.copy_(beta[HIDDEN].to(DTYPE))
`;

const SAMPLING = `
# ---- Sampling text ----


def sample_from_logits(logits, temperature, rng):
    """Temperature 0: the most likely character; otherwise a draw from softmax(logits / temperature)."""
    best = max(range(len(logits)), key=lambda k: (logits[k], -k))
    if not temperature > 0:
        return best
    weights = [math.exp((v - logits[best]) / temperature) for v in logits]
    u = rng.next() * sum(weights)
    for k, w in enumerate(weights):
        u -= w
        if u < 0:
            return k
    return best


def sample(model, task, prime, length, temperature, rng):
    """Characters after prime. The model sees the last T characters from a zero state, as in training."""
    known = [task.vocab.ids.get(ch, task.vocab.unknown_id) for ch in prime]
    ids = [i for i in known if i >= 0] or [task.ids[task.split]]  # no usable prime: a character of the text
    text = ''
    for _ in range(length):
        window = ids[-T:]
        with torch.no_grad():
            out, _ = model(torch.tensor(task.one_hot(window), dtype=DTYPE))
        next_id = sample_from_logits(out[-1, 0].tolist(), temperature, rng)
        ids.append(next_id)
        text += task.vocab.symbols[next_id]
    return text
`;

function mainSource(config: Config, options: ScriptOptions): string {
  const dataFile = defaultDataFile(config, options);
  const dataArgs = dataFile
    ? `
    parser.add_argument('--data', default=${pyStr(dataFile)}, help='the data file the run trained on')`
    : '';
  const csvArgs = config.task === 'csv' ? `
    parser.add_argument('--column', default=${pyStr(options.csvColumn ?? 'value')}, help='the CSV column to predict')` : '';
  const charArgs = config.task === 'char' ? `
    parser.add_argument('--sample', type=int, default=0, metavar='N', help='sample N characters after training')
    parser.add_argument('--temperature', type=float, default=0.8)
    parser.add_argument('--prime', default='', help='text to start sampling from')` : '';
  const pureArgs = options.pureForward ? `
    parser.add_argument('--pure-check', metavar='FILE', help='like --check, with the plain-Python forward (no torch needed)')` : '';
  const pureBranch = options.pureForward ? `
    if args.pure_check:
        with open(args.pure_check) as f:
            check = json.load(f)
        weights, _ = read_safetensors(args.weights)
        diff = max_abs_diff(pure_forward(weights, check['x']), check['outputs'])
        print(json.dumps({'max_abs_diff': diff}))
        sys.exit(0 if diff <= args.tol else 1)
` : '';
  const esnArgs = config.cell === 'esn' ? `
    parser.add_argument('--fit-readout', action='store_true', help='fit the head by ridge regression first (as the playground\\'s button)')` : '';
  const esnFit = config.cell === 'esn' ? `
    if args.fit_readout:
        fit_readout(model, task.batch('train', max(BATCH, 64), T, train_rng))
        print('after the ridge readout:', evaluate(model, val_batch))` : '';
  const charTail = config.task === 'char' ? `
    if args.sample > 0:
        print(sample(model, task, args.prime, args.sample, args.temperature, Rng(SEED)))` : '';
  return `
# ---- Command line ----


def max_abs_diff(a, b):
    if isinstance(a, (list, tuple)):
        return max((max_abs_diff(u, v) for u, v in zip(a, b)), default=0.0)
    return abs(a - b)


def main():
    parser = argparse.ArgumentParser(description='Train the rnnlab run in PyTorch.')
    parser.add_argument('--weights', default='model.safetensors', help='the playground\\'s weights (skipped if missing)')
    parser.add_argument('--steps', type=int, default=STEPS, help='training steps (0: evaluate only)')
    parser.add_argument('--fresh-stream', action='store_true',
                        help='start the batch stream at its beginning instead of where the exported run stopped')${esnArgs}
    parser.add_argument('--eval-every', type=int, default=100)
    parser.add_argument('--dtype', choices=['float32', 'float64'], default='float32',
                        help='float64 computes as the playground\\'s CPU engine does (float32: as its WebGPU engine)')
    parser.add_argument('--save', default='model_trained.safetensors', help='where the trained weights go')
    parser.add_argument('--check', metavar='FILE', help='JSON {"x": (T, B, X), "outputs": (T, B, Y)} from the playground: '
                        'compare the model\\'s outputs, exit 1 if they differ by more than --tol')
    parser.add_argument('--tol', type=float, default=1e-4)${pureArgs}${dataArgs}${csvArgs}${charArgs}
    args = parser.parse_args()
${pureBranch}
    if torch is None:
        sys.exit('This script needs PyTorch: pip install torch')
    set_dtype(args.dtype)
    torch.manual_seed(SEED)
    model = Model()
    first_step = 0
    if os.path.exists(args.weights):
        metadata = load_weights(model, args.weights)
        first_step = int(metadata.get('step', '0'))
        print(f'loaded {args.weights} (trained for {first_step} steps)')
    else:
        print(f'{args.weights} not found: starting from PyTorch\\'s default initialisation')${config.cell === 'lstm' ? `
        init_gate_biases(model)` : ''}

    if args.check:
        with open(args.check) as f:
            check = json.load(f)
        with torch.no_grad():
            out, _ = model(torch.tensor(check['x'], dtype=DTYPE))
        diff = max_abs_diff(out.tolist(), check['outputs'])
        print(json.dumps({'max_abs_diff': diff}))
        sys.exit(0 if diff <= args.tol else 1)

    task = make_task(args)
    if (task.input_size, task.output_size) != (INPUT_SIZE, OUTPUT_SIZE):
        sys.exit(f'The data gives X={task.input_size}, Y={task.output_size} but the model has X={INPUT_SIZE}, Y={OUTPUT_SIZE}: '
                 'use the data file the run trained on.')
    skip = 0 if args.fresh_stream else first_step
    if skip:
        print(f'drawing {skip} batches so the data continues where the playground stopped (--fresh-stream skips this)')
    train_rng, val_batch = playground_streams(task, skip)
    print('before:', evaluate(model, val_batch))${esnFit}
    if args.steps > 0:
        train(model, task, train_rng, val_batch, args.steps, first_step, args.eval_every)
        save_weights(model, args.save)
        print(f'saved {args.save}')${charTail}


if __name__ == '__main__':
    main()
`;
}

/**
 * A readable, runnable PyTorch script for a run: python3 + torch (safetensors is read by a few lines of
 * struct, so the safetensors package is optional). Time-major tensors (T, B, X), as nn.RNN's default.
 */
export function pytorchScript(config: Config, spec: ModelSpec, options: ScriptOptions = {}): string {
  const omegaActive = (spec.cell === 'rnn_tanh' || spec.cell === 'rnn_relu') && config.omega > 0;
  const parts = [
    header(config, spec, options),
    imports(config),
    settings(config, spec, options),
    PY_RNG,
    pythonTaskSource(config),
    SAFETENSORS_IO,
    pythonModelSource(spec, omegaActive ? config.omega : 0),
  ];
  if (options.pureForward) parts.push(pythonPureForwardSource(spec));
  if (spec.cell === 'lstm') parts.push(GATE_BIASES);
  parts.push(LOSS);
  if (omegaActive) parts.push(OMEGA);
  parts.push(trainingSource(omegaActive));
  if (spec.cell === 'esn') parts.push(RIDGE);
  if (config.task === 'char') parts.push(SAMPLING);
  parts.push(mainSource(config, options));
  return parts.join('\n').replace(/\n{4,}/g, '\n\n\n');
}

export { usesExplicitModule };
