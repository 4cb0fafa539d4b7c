def make_series(n, rng):
    """A pure sine whose period (16-32 steps) and phase come from the rng."""
    period = rng.uniform(16, 32)
    phase = rng.uniform(0, 2 * math.pi)
    return [math.sin((2 * math.pi * i) / period + phase) for i in range(n)]
