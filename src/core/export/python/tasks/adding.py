# ---- Task: the adding problem (targets scored at the last step only) ----


class AddingTask:
    """Each step carries (value ~ U(0, 1), marker); two steps are marked, one in each half.
    The target at the last step is the sum of the two marked values. Chance (predicting 1): MSE 1/6."""

    name = 'adding'
    input_size = 2
    output_size = 1
    loss = 'mse'
    loss_steps = 'last'

    def batch(self, split, B, T, rng):
        r = stream_for(split, rng)
        x = zeros(T, B, 2)  # (T, B, 2): value, marker
        y = zeros(T, B, 1)  # (T, B, 1): the sum at t = T - 1
        half = T // 2
        for b in range(B):
            for t in range(T):
                x[t][b][0] = f32(r.next())
            first = r.int(half)
            second = half + r.int(T - half)
            x[first][b][1] = 1.0
            x[second][b][1] = 1.0
            y[T - 1][b][0] = f32(x[first][b][0] + x[second][b][0])
        return {'T': T, 'B': B, 'x': x, 'y': y, 'labels': None, 'mask': None, 'loss': 'mse', 'loss_steps': 'last'}


def make_task(args):
    return AddingTask()
