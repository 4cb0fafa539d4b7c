

class ElmanRNN(nn.Module):
    """nn.RNN(nonlinearity=NONLINEARITY) written out step by step, with the same parameter names, so that
    Pascanu's regulariser can see every h_t: after a forward, self.steps[k][t] is layer k's h_t."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        H = hidden_size
        bound = 1 / math.sqrt(H)
        for k in range(num_layers):
            fan_in = input_size if k == 0 else H
            setattr(self, f'weight_ih_l{k}', nn.Parameter(torch.empty(H, fan_in).uniform_(-bound, bound)))
            setattr(self, f'weight_hh_l{k}', nn.Parameter(torch.empty(H, H).uniform_(-bound, bound)))
            setattr(self, f'bias_ih_l{k}', nn.Parameter(torch.empty(H).uniform_(-bound, bound)))
            setattr(self, f'bias_hh_l{k}', nn.Parameter(torch.empty(H).uniform_(-bound, bound)))
        self.steps = []

    def forward(self, x, state=None):
        """x (T, B, X) -> top layer's h for every step (T, B, H), and the last h per layer."""
        T, B, _ = x.shape
        act = torch.relu if NONLINEARITY == 'relu' else torch.tanh
        if state is None:
            state = [x.new_zeros(B, self.hidden_size) for _ in range(self.num_layers)]
        self.steps = []
        new_state = []
        layer_input = x
        for k in range(self.num_layers):
            W_ih, W_hh = getattr(self, f'weight_ih_l{k}'), getattr(self, f'weight_hh_l{k}')
            b_ih, b_hh = getattr(self, f'bias_ih_l{k}'), getattr(self, f'bias_hh_l{k}')
            h = state[k]
            x_proj = layer_input @ W_ih.T + b_ih  # (T, B, H)
            hs = []
            for t in range(T):
                h = act(x_proj[t] + h @ W_hh.T + b_hh)
                hs.append(h)
            self.steps.append(hs)
            layer_input = torch.stack(hs)
            new_state.append(h)
        return layer_input, new_state
