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
