

class Model(nn.Module):
    """rnn: the recurrent layers; head: Linear(H, Y) applied to the top layer's h at every step.
    Time-major like the playground: x (T, B, X) -> outputs (T, B, Y) (logits for cross-entropy tasks)."""

    def __init__(self):
        super().__init__()
        self.rnn = make_rnn()
        self.head = nn.Linear(HIDDEN, OUTPUT_SIZE)
        if RESERVOIR:  # an untrained readout starts at zero
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

    def forward(self, x, state=None):
        """Returns the outputs and the recurrent state after the last step (pass it back in to continue)."""
        hs, state = self.rnn(x, state)
        return self.head(hs), state
