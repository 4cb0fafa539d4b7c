def make_series(n, rng):
    """A sum of three sines, periods log-uniform over 8-80 steps, random amplitudes and phases."""
    parts = []
    for _ in range(3):
        period = math.exp(rng.uniform(math.log(8), math.log(80)))
        amplitude = rng.uniform(0.3, 1)
        phase = rng.uniform(0, 2 * math.pi)
        parts.append((period, amplitude, phase))
    out = [0.0] * n
    for i in range(n):
        for period, amplitude, phase in parts:
            out[i] += amplitude * math.sin((2 * math.pi * i) / period + phase)
    return out
