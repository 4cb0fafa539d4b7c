# ---- Task: temporal order (Hochreiter & Schmidhuber 1997, experiment 6a) ----

TEMPORAL_SYMBOLS = ['B', 'E', 'a', 'b', 'c', 'd', 'X', 'Y']


def temporal_positions(T, rng):
    """The two informative positions, t1 in [0.1T, 0.2T] and t2 in [0.5T, 0.6T] (inside 1..T-2)."""

    def pick(lo, hi):
        a = min(max(js_round(lo * T), 1), T - 2)
        b = min(max(js_round(hi * T), a), T - 2)
        return a + rng.int(b - a + 1)

    t1 = pick(0.1, 0.2)
    t2 = pick(0.5, 0.6)
    if t2 <= t1:
        t2 = t1 + 1
    return t1, t2


class TemporalOrderTask:
    """B, distractors a-d, X or Y at two positions, E. The class at the last step is the order seen:
    XX, XY, YX or YY. Chance: 1 in 4."""

    name = 'temporal_order'
    input_size = 8
    output_size = 4
    loss = 'xent'
    loss_steps = 'last'

    def batch(self, split, B, T, rng):
        r = stream_for(split, rng)
        x = zeros(T, B, 8)  # (T, B, 8) one-hot
        labels = [[-1] * B for _ in range(T)]  # (T, B): the class at t = T - 1 only
        for b in range(B):
            t1, t2 = temporal_positions(T, r)
            first = r.int(2)  # 0 = X, 1 = Y
            second = r.int(2)
            for t in range(T):
                if t == 0:
                    symbol = 0
                elif t == T - 1:
                    symbol = 1
                elif t == t1:
                    symbol = 6 + first
                elif t == t2:
                    symbol = 6 + second
                else:
                    symbol = 2 + r.int(4)
                x[t][b][symbol] = 1.0
            labels[T - 1][b] = 2 * first + second
        return {'T': T, 'B': B, 'x': x, 'y': None, 'labels': labels, 'mask': None, 'loss': 'xent', 'loss_steps': 'last'}


def make_task(args):
    return TemporalOrderTask()
