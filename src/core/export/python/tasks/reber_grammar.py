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
