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


def train_step(model, optimizer, trainable, data, start=None):
    """Full BPTT: forward over all T steps from `start` (None: a zero state), loss, penalties, backward, clip, one
    update. A batch with no scored step makes no update. Returns (loss, gradient norm before clipping, the state
    after the last step, detached: where a continual task's next batch starts)."""
    optimizer.zero_grad()
    out, state = model(data['x'], start)
    end = detach(state)
    total, count = loss_sum(out, data, 0, out.shape[0])
    if count == 0:
        return 0.0, 0.0, end
    loss = total / count
    objective = loss + l2_penalty(model)
    if OMEGA > 0:  # Pascanu's Omega (omega_penalty): only Elman RNNs, whose model then keeps every h_t
        objective = objective + omega_penalty(loss, model.rnn.steps, model)
    objective.backward()
    grad_norm = clip_and_update(trainable, optimizer)
    return loss.item(), grad_norm, end


def train_step_truncated(model, optimizer, trainable, data, start=None):
    """Sutskever's TBPTT(k1, k2), as the playground does it: the batch's T steps are consumed K1 at a time; after
    each chunk [s, e) the loss of its steps is backpropagated through the window [e - K2, e) and one update is
    made. When K2 > K1 the window reaches into earlier chunks: those steps are recomputed with the current
    weights from the state before the window (the state the latest pass over them reached). A chunk with no
    scored step makes no update: no backward, no optimizer.step(), so the optimiser's moments and step count
    do not move. The batch starts from `start` (None: zeros). Returns (mean loss over the batch, root of summed
    squared gradient norms of the updates, the state after the last step, detached)."""
    x = data['x']
    T = x.shape[0]
    before = [start]  # before[t]: the state before step t (detached) as the latest pass computed it; None = zeros

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
            out_t, state = model(x[t:t + 1], state)
            if OMEGA > 0:  # Omega needs every h_t of the window: the model keeps them in model.rnn.steps
                for k, hs in enumerate(model.rnn.steps):
                    window_steps[k] += hs
            if t >= s:
                outs.append(out_t)
            remember(t, state)
        total, count = loss_sum(torch.cat(outs), data, s, e)
        loss_total += total.item()
        loss_count += count
        if count == 0:
            continue
        loss = total / count
        objective = loss + l2_penalty(model)
        if OMEGA > 0:
            objective = objective + omega_penalty(loss, window_steps, model)
        objective.backward()
        norm_sq += clip_and_update(trainable, optimizer) ** 2
    return (loss_total / loss_count if loss_count else 0.0), math.sqrt(norm_sq), before[T]


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


def training_steps(model, task, train_rng, steps):
    """The training loop: `steps` batches of the playground's stream, one step each, from a fresh optimiser (the
    playground's Adam moments are not in model.safetensors). A continual task (one unbroken stream per batch row)
    carries the state from batch to batch, as the playground does; a resumed run starts it from zeros (the
    playground's carried state is not in model.safetensors). Yields (loss, gradient norm) after each step."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(trainable)
    step_fn = train_step_truncated if BPTT == 'truncated' else train_step
    carried = None
    for _ in range(steps):
        data = to_tensors(task.batch('train', BATCH, T, train_rng))
        loss, grad_norm, end = step_fn(model, optimizer, trainable, data, carried)
        carried = end if getattr(task, 'continual', False) else None
        yield loss, grad_norm


def train(model, task, train_rng, val_batch, steps, first_step, eval_every):
    """Trains `steps` steps after `first_step`, printing the loss, gradient norm and validation every `eval_every`."""
    last = first_step + steps
    for step, (loss, grad_norm) in enumerate(training_steps(model, task, train_rng, steps), start=first_step + 1):
        if step % eval_every == 0 or step == last:
            report = ', '.join(f'{k} {v:.5f}' for k, v in evaluate(model, val_batch).items())
            print(f'step {step:6d}  loss {loss:.5f}  grad norm {grad_norm:.4g}  {report}')
