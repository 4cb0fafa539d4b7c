class ReberTask:
    """Each batch row is a stream of embedded Reber strings; the label at each step is the next symbol.
    Only the repeated T/P needs memory (about 10 steps back)."""

    name = 'reber'
    input_size = 7
    output_size = 7
    loss = 'xent'
    loss_steps = 'all'

    def batch(self, split, B, T, rng):
        r = stream_for(split, rng)
        x = zeros(T, B, 7)  # (T, B, 7) one-hot of the current symbol
        labels = [[0] * B for _ in range(T)]  # (T, B): the next symbol
        for b in range(B):
            stream = []
            while len(stream) < T + 1:
                stream += embedded_reber_string(r)
            for t in range(T):
                x[t][b][stream[t]] = 1.0
                labels[t][b] = stream[t + 1]
        return {'T': T, 'B': B, 'x': x, 'y': None, 'labels': labels, 'mask': None, 'loss': 'xent', 'loss_steps': 'all'}


def make_task(args):
    return ReberTask()
