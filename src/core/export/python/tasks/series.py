# ---- Time series: one-step-ahead prediction on windows of T steps ----

TRAIN_FRACTION = 0.8


class SeriesTask:
    """x_t is the value at time s + t, the target the value at s + t + 1 (mse on every step). The series is
    z-scored with its training part's mean and spread; the first 80% trains, the rest validates."""

    input_size = 1
    output_size = 1
    loss = 'mse'
    loss_steps = 'all'

    def __init__(self, name, raw, T):
        n = len(raw)
        self.name = name
        self.split = math.floor(n * TRAIN_FRACTION)
        if self.split < T + 1:
            raise ValueError(f'{name}: {n} values are too few for windows of {T}')
        mean = 0.0
        for i in range(self.split):  # a plain loop: the same rounding as the playground
            mean += raw[i]
        mean /= self.split
        variance = 0.0
        for i in range(self.split):
            variance += (raw[i] - mean) ** 2
        std = math.sqrt(variance / self.split)
        self.mean = mean
        self.std = std if std > 1e-12 * max(1.0, abs(mean)) else 1.0
        self.values = [f32((v - self.mean) / self.std) for v in raw]

    def window_starts(self, split, T):
        n = len(self.values)
        if split == 'train':
            return 0, self.split - T - 1
        hi = n - T - 1
        return max(self.split - T, min(self.split, hi)), hi

    def batch(self, split, B, T, rng):
        lo, hi = self.window_starts(split, T)
        x = zeros(T, B, 1)  # (T, B, 1)
        y = zeros(T, B, 1)  # (T, B, 1)
        mask = zeros(T, B) if split == 'val' else None  # (T, B): targets inside the validation part
        masked = False
        for b in range(B):
            start = lo + rng.int(hi - lo + 1)
            for t in range(T):
                x[t][b][0] = self.values[start + t]
                y[t][b][0] = self.values[start + t + 1]
                if mask is not None:
                    in_val = start + t + 1 >= self.split
                    mask[t][b] = 1.0 if in_val else 0.0
                    masked = masked or not in_val
        return {'T': T, 'B': B, 'x': x, 'y': y, 'labels': None, 'mask': mask if masked else None, 'loss': 'mse', 'loss_steps': 'all'}
