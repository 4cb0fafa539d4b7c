class ContinualReberTask:
    """The continual embedded Reber grammar (Gers, Schmidhuber & Cummins 2000): embedded Reber strings with no
    breaks between them, one endless stream per batch row. Each training batch continues the previous one row
    by row (the stream is kept per random stream, as the playground keeps it), and training carries the hidden
    state from batch to batch (continual = True: training_steps), as the playground does. Validation: a fresh stream per row, T warm-up steps
    (label -1: no loss, not scored), then max(100, 4 T) scored steps."""

    name = 'continual_reber'
    input_size = 7
    output_size = 7
    loss = 'xent'
    loss_steps = 'all'
    continual = True

    def __init__(self):
        self.streams = {}  # id(rng) -> (rng, B, per row the symbols not yet shown as input)

    @staticmethod
    def extend(row, n, rng):
        out = list(row)
        while len(out) < n:
            out += embedded_reber_string(rng)
        return out

    @staticmethod
    def encode(rows, B, T):
        x = zeros(T, B, 7)  # (T, B, 7) one-hot of the current symbol
        labels = [[0] * B for _ in range(T)]  # (T, B): the next symbol
        for b in range(B):
            for t in range(T):
                x[t][b][rows[b][t]] = 1.0
                labels[t][b] = rows[b][t + 1]
        return {'T': T, 'B': B, 'x': x, 'y': None, 'labels': labels, 'mask': None, 'loss': 'xent', 'loss_steps': 'all'}

    def batch(self, split, B, T, rng):
        if split == 'val':
            r = stream_for(split, rng)
            warmup, length = T, T + max(100, 4 * T)
            rows = [self.extend([], length + 1, r) for _ in range(B)]
            batch = self.encode(rows, B, length)
            for t in range(warmup):
                batch['labels'][t] = [-1] * B
            return batch
        entry = self.streams.get(id(rng))
        if entry is None or entry[0] is not rng or entry[1] != B:
            entry = (rng, B, [[] for _ in range(B)])
        rows = [self.extend(row, T + 1, rng) for row in entry[2]]
        self.streams[id(rng)] = (rng, B, [row[T:] for row in rows])  # row[T], the last label, is the next input
        return self.encode(rows, B, T)


def make_task(args):
    return ContinualReberTask()
