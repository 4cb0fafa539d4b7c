def make_task(args):
    """The series is drawn once from the seed, from a stream of its own."""
    rng = Rng((SEED ^ 0x51ED270B) & MASK32)
    n = max(4000, 12 * (T + 1))
    return SeriesTask(TASK, make_series(n, rng), T)
