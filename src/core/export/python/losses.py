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
