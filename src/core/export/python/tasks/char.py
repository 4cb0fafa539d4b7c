# ---- Task: char-level language model (predict the next character at every step) ----

MAX_VOCAB = 256
UNKNOWN_CHAR = '\uFFFD'
TEXT_TRAIN_FRACTION = 0.9


def prepare_user_text(text):
    """As the playground prepares pasted text: no byte-order mark, \n line ends, Unicode NFC."""
    if text.startswith('\uFEFF'):
        text = text[1:]
    text = text.replace('\r\n', '\n').replace('\r', '\n')
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
    with open(args.data, encoding='utf-8', newline='') as f:  # the text as the playground read it, line ends too
        text = f.read()
    return CharTask(prepare_user_text(text) if USER_TEXT else text)
