def make_series(n, rng):
    """A Gaussian random walk (unit steps) seen through Gaussian noise of standard deviation 0.5."""
    out = [0.0] * n
    level = 0.0
    for i in range(n):
        level += rng.normal()
        out[i] = level + 0.5 * rng.normal()
    return out
