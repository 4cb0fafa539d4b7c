# ---- Task: copy memory (10 symbols recalled after a delay of T) ----


class CopyTask:
    """Symbols: 0 blank, 1-8 data, 9 delimiter. Input: 10 data symbols, T - 1 blanks, the delimiter, 10 blanks
    (T + 20 steps). Target: the 10 data symbols during the last 10 steps, which alone carry loss.
    Chance: log 8 nats per recalled symbol."""

    name = 'copy'
    input_size = 10
    output_size = 10
    loss = 'xent'
    loss_steps = 'all'

    def batch(self, split, B, T, rng):
        r = stream_for(split, rng)
        steps = T + 20
        x = zeros(steps, B, 10)  # (T + 20, B, 10) one-hot
        labels = [[-1] * B for _ in range(steps)]  # (T + 20, B); -1 = no loss
        mask = zeros(steps, B)  # (T + 20, B): 1 on the last 10 steps
        out_start = T + 10
        for b in range(B):
            data = []
            for t in range(steps):
                symbol = 0
                if t < 10:
                    symbol = 1 + r.int(8)
                    data.append(symbol)
                elif t == out_start - 1:
                    symbol = 9
                x[t][b][symbol] = 1.0
            for k in range(10):
                labels[out_start + k][b] = data[k]
                mask[out_start + k][b] = 1.0
        return {'T': steps, 'B': B, 'x': x, 'y': None, 'labels': labels, 'mask': mask, 'loss': 'xent', 'loss_steps': 'all'}


def make_task(args):
    return CopyTask()
