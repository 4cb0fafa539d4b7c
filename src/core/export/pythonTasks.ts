// Python ports of the playground's random stream (src/core/rng.ts) and task generators (src/core/tasks),
// emitted into the exported PyTorch script. They consume the random stream in exactly the order the
// TypeScript does, so the same seed gives the same batches (tests/unit/export-python.test.ts checks it).
// Batches are plain nested lists in the legend's order: x[t][b][k] (T, B, X).
import type { Config } from '../config';

/** sfc32 seeded through splitmix32, bit for bit as src/core/rng.ts. */
export const PY_RNG = `
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
`;

const ADDING = `
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
`;

const COPY = `
# ---- Task: copy memory (10 symbols recalled after a delay of T) ----


class CopyTask:
    """Symbols: 0 blank, 1-8 data, 9 delimiter. Input: 10 data symbols, T - 1 blanks, the delimiter, 10 blanks
    (T + 20 steps). Target: the 10 data symbols during the last 10 steps, which alone carry loss.
    Chance: log 8 nats per recalled symbol."""

    name = 'copy'
    input_size = 10
    output_size = 10
    loss = 'xent'
    loss_steps = 'all'

    def batch(self, split, B, T, rng):
        r = stream_for(split, rng)
        steps = T + 20
        x = zeros(steps, B, 10)  # (T + 20, B, 10) one-hot
        labels = [[-1] * B for _ in range(steps)]  # (T + 20, B); -1 = no loss
        mask = zeros(steps, B)  # (T + 20, B): 1 on the last 10 steps
        out_start = T + 10
        for b in range(B):
            data = []
            for t in range(steps):
                symbol = 0
                if t < 10:
                    symbol = 1 + r.int(8)
                    data.append(symbol)
                elif t == out_start - 1:
                    symbol = 9
                x[t][b][symbol] = 1.0
            for k in range(10):
                labels[out_start + k][b] = data[k]
                mask[out_start + k][b] = 1.0
        return {'T': steps, 'B': B, 'x': x, 'y': None, 'labels': labels, 'mask': mask, 'loss': 'xent', 'loss_steps': 'all'}
`;

const TEMPORAL_ORDER = `
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
`;

const REBER = `
# ---- Task: the embedded Reber grammar (predict the next symbol at every step) ----

REBER_SYMBOLS = ['B', 'T', 'P', 'S', 'X', 'V', 'E']
# The inner automaton: state -> its two choices (symbol, next state); state 6 ends with E.
REBER_EDGES = {
    1: [(1, 2), (2, 3)],
    2: [(3, 2), (4, 4)],
    3: [(1, 3), (5, 5)],
    4: [(4, 3), (3, 6)],
    5: [(2, 4), (5, 6)],
}


def embedded_reber_string(rng):
    """B, T or P, an inner Reber string B ... E, the same T or P again, E (symbol indices)."""
    branch = 1 if rng.int(2) == 0 else 2
    out = [0, branch, 0]
    state = 1
    while state != 6:
        symbol, state = REBER_EDGES[state][rng.int(2)]
        out.append(symbol)
    out += [6, branch, 6]
    return out


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
`;

const CONTINUAL_REBER = `

class ContinualReberTask:
    """The continual embedded Reber grammar (Gers, Schmidhuber & Cummins 2000): embedded Reber strings with no
    breaks between them, one endless stream per batch row. Each training batch continues the previous one row
    by row (the stream is kept per random stream, as the playground keeps it); the playground also carries the
    hidden state from batch to batch (continual = True). Validation: a fresh stream per row, T warm-up steps
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
`;

const SERIES_CORE = `
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
`;

const GENERATED_SERIES: Record<string, string> = {
  sine: `
def make_series(n, rng):
    """A pure sine whose period (16-32 steps) and phase come from the rng."""
    period = rng.uniform(16, 32)
    phase = rng.uniform(0, 2 * math.pi)
    return [math.sin((2 * math.pi * i) / period + phase) for i in range(n)]
`,
  sines: `
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
`,
  mackey_glass: `
def make_series(n, rng, tau=17, beta=0.2, gamma=0.1, power=10, dt=0.1, washout=1000):
    """Mackey-Glass dx/dt = beta x(t - tau) / (1 + x(t - tau)^power) - gamma x(t), classical RK4 at step dt
    (delayed values at half steps interpolated), sampled once per time unit after a washout."""
    stride = js_round(1 / dt)
    delay = js_round(tau / dt)
    total = js_round(washout / dt) + n * stride
    x = [1.2 + rng.uniform(-0.1, 0.1)] * (delay + total + 1)  # index delay + k is time k dt

    def f(now, delayed):
        return (beta * delayed) / (1 + math.pow(delayed, power)) - gamma * now

    for k in range(total):
        i = delay + k
        d_now, d_next = x[i - delay], x[i - delay + 1]
        d_half = 0.5 * (d_now + d_next)
        k1 = f(x[i], d_now)
        k2 = f(x[i] + 0.5 * dt * k1, d_half)
        k3 = f(x[i] + 0.5 * dt * k2, d_half)
        k4 = f(x[i] + dt * k3, d_next)
        x[i + 1] = x[i] + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
    first = delay + js_round(washout / dt)
    return [x[first + j * stride] for j in range(n)]
`,
  random_walk: `
def make_series(n, rng):
    """A Gaussian random walk (unit steps) seen through Gaussian noise of standard deviation 0.5."""
    out = [0.0] * n
    level = 0.0
    for i in range(n):
        level += rng.normal()
        out[i] = level + 0.5 * rng.normal()
    return out
`,
};

const GENERATED_SERIES_TASK = (name: string) => `

def make_task(args):
    """The series is drawn once from the seed, from a stream of its own."""
    rng = Rng((SEED ^ 0x51ED270B) & MASK32)
    n = max(4000, 12 * (T + 1))
    return SeriesTask(${JSON.stringify(name)}, make_series(n, rng), T)
`;

const CSV_TASK = `

def read_csv_column(path, column):
    """One numeric column of a CSV file with a header row (delimiter , ; or tab; with ; or tab a decimal
    comma is accepted), in file order."""
    with open(path, encoding='utf-8-sig', newline='') as f:
        text = f.read()
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = max([',', ';', '\\t'], key=first_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    if column not in header:
        raise SystemExit(f'There is no column "{column}" in {path}; columns: {", ".join(header)}')
    k = header.index(column)
    values = []
    for row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        cell = row[k].strip()
        if delimiter != ',':
            cell = cell.replace(',', '.', 1)
        values.append(float(cell))
    return values


def make_task(args):
    return SeriesTask('csv', read_csv_column(args.data, args.column), T)
`;

const CHAR_TASK = `
# ---- Task: char-level language model (predict the next character at every step) ----

MAX_VOCAB = 256
UNKNOWN_CHAR = '\\uFFFD'
TEXT_TRAIN_FRACTION = 0.9


def prepare_user_text(text):
    """As the playground prepares pasted text: no byte-order mark, \\n line ends, Unicode NFC."""
    if text.startswith('\\uFEFF'):
        text = text[1:]
    text = text.replace('\\r\\n', '\\n').replace('\\r', '\\n')
    return unicodedata.normalize('NFC', text)


class Vocabulary:
    """Distinct characters (code points) sorted; beyond MAX_VOCAB the most frequent MAX_VOCAB - 1 are kept
    (ties: the lower code point) and the rest share one unknown symbol, placed last."""

    def __init__(self, text):
        counts = {}
        for ch in text:
            counts[ch] = counts.get(ch, 0) + 1
        if len(counts) <= MAX_VOCAB:
            kept, self.unknown_id = list(counts), -1
        else:
            by_frequency = sorted(counts.items(), key=lambda item: (-item[1], ord(item[0])))
            kept, self.unknown_id = [ch for ch, _ in by_frequency[:MAX_VOCAB - 1]], MAX_VOCAB - 1
        self.symbols = sorted(kept, key=ord)
        self.ids = {ch: i for i, ch in enumerate(self.symbols)}
        if self.unknown_id >= 0:
            self.symbols.append(UNKNOWN_CHAR)

    def encode(self, text):
        return [self.ids.get(ch, self.unknown_id) for ch in text]

    def decode(self, ids):
        return ''.join(self.symbols[i] for i in ids)


class CharTask:
    """Windows of T characters: x is the one-hot character, the label the next one. The first 90% of the
    text trains, the rest validates."""

    name = 'char'
    loss = 'xent'
    loss_steps = 'all'

    def __init__(self, text):
        self.vocab = Vocabulary(text)
        self.ids = self.vocab.encode(text)
        self.split = math.floor(len(self.ids) * TEXT_TRAIN_FRACTION)
        self.input_size = self.output_size = len(self.vocab.symbols)

    def batch(self, split, B, T, rng):
        lo, hi = (0, self.split - T - 1) if split == 'train' else (self.split, len(self.ids) - T - 1)
        V = self.input_size
        x = zeros(T, B, V)  # (T, B, V) one-hot of the current character
        labels = [[0] * B for _ in range(T)]  # (T, B): the next character
        for b in range(B):
            start = lo + rng.int(hi - lo + 1)
            for t in range(T):
                x[t][b][self.ids[start + t]] = 1.0
                labels[t][b] = self.ids[start + t + 1]
        return {'T': T, 'B': B, 'x': x, 'y': None, 'labels': labels, 'mask': None, 'loss': 'xent', 'loss_steps': 'all'}

    def one_hot(self, ids):
        """(len, 1, V) for forwarding a single sequence."""
        V = self.input_size
        return [[[1.0 if k == i else 0.0 for k in range(V)]] for i in ids]


def make_task(args):
    with open(args.data, encoding='utf-8') as f:
        text = f.read()
    return CharTask(prepare_user_text(text) if USER_TEXT else text)
`;

/** The Python class name of a task and the source that defines it (and `make_task(args)`). */
export function pythonTaskSource(config: Config): string {
  const simple = (cls: string) => `\n\ndef make_task(args):\n    return ${cls}()\n`;
  switch (config.task) {
    case 'adding':
      return ADDING + simple('AddingTask');
    case 'copy':
      return COPY + simple('CopyTask');
    case 'temporal_order':
      return TEMPORAL_ORDER + simple('TemporalOrderTask');
    case 'reber':
      return REBER + simple('ReberTask');
    case 'continual_reber':
      return REBER + CONTINUAL_REBER + simple('ContinualReberTask');
    case 'sine':
    case 'sines':
    case 'mackey_glass':
    case 'random_walk':
      return SERIES_CORE + GENERATED_SERIES[config.task] + GENERATED_SERIES_TASK(config.task);
    case 'csv':
      return SERIES_CORE + CSV_TASK;
    case 'char':
      return CHAR_TASK;
  }
}
