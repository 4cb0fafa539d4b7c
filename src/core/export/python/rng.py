# ---- The playground's random stream (sfc32 seeded through splitmix32), bit for bit ----

MASK32 = 0xFFFFFFFF


class Rng:
    """Same numbers as the playground's Rng for the same seed, so batches can be reproduced exactly."""

    def __init__(self, seed):
        s = seed & MASK32

        def splitmix32():
            nonlocal s
            s = (s + 0x9E3779B9) & MASK32
            z = s
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK32
            return (z ^ (z >> 16)) & MASK32

        self.a, self.b, self.c, self.d = splitmix32(), splitmix32(), splitmix32(), splitmix32()
        self.spare_normal = None
        for _ in range(12):
            self.next_uint32()

    def next_uint32(self):
        t = (self.a + self.b + self.d) & MASK32
        self.d = (self.d + 1) & MASK32
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & MASK32
        self.c = ((self.c << 21) & MASK32) | (self.c >> 11)
        self.c = (self.c + t) & MASK32
        return t

    def next(self):
        """Uniform in [0, 1)."""
        return self.next_uint32() / 4294967296

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.next()

    def int(self, n):
        """Integer in [0, n)."""
        return math.floor(self.next() * n)

    def normal(self):
        """Standard normal (Box-Muller, the spare kept for the next call)."""
        if self.spare_normal is not None:
            v, self.spare_normal = self.spare_normal, None
            return v
        u = 0.0
        while u == 0.0:
            u = self.next()
        v = self.next()
        r = math.sqrt(-2 * math.log(u))
        self.spare_normal = r * math.sin(2 * math.pi * v)
        return r * math.cos(2 * math.pi * v)

    def fork(self):
        """An independent stream derived from this one."""
        return Rng(self.next_uint32())


VAL_SALT = 0x6A09E667


def stream_for(split, rng):
    """Generated tasks draw validation sequences from a stream derived from (not shared with) the caller's."""
    return rng if split == 'train' else Rng((rng.next_uint32() ^ VAL_SALT) & MASK32)


def zeros(*shape):
    """Nested lists of 0.0 with the given shape."""
    if len(shape) == 1:
        return [0.0] * shape[0]
    return [zeros(*shape[1:]) for _ in range(shape[0])]


def f32(v):
    """Rounds to float32, as the playground stores batch values."""
    return struct.unpack('<f', struct.pack('<f', v))[0]


def js_round(v):
    """JavaScript's Math.round (halves go up; Python's round() goes to even)."""
    return math.floor(v + 0.5)
