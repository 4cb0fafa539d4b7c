

class MGU(nn.Module):
    """The minimal gated unit of Zhou et al. (2016), step by step, with the gate applied as nn.GRU applies its reset
    gate (after the recurrent product, bias included):
        f = sigmoid(W_if x + b_if + W_hf h + b_hf)
        n = tanh(W_in x + b_in + f * (W_hn h + b_hn))
        h' = (1 - f) * h + f * n
    Parameters named as nn.GRU's, with two blocks of rows (f, n) instead of three."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        H = hidden_size
        bound = 1 / math.sqrt(H)  # nn.GRU's default initialisation
        for k in range(num_layers):
            fan_in = input_size if k == 0 else H
            setattr(self, f'weight_ih_l{k}', nn.Parameter(torch.empty(2 * H, fan_in).uniform_(-bound, bound)))
            setattr(self, f'weight_hh_l{k}', nn.Parameter(torch.empty(2 * H, H).uniform_(-bound, bound)))
            setattr(self, f'bias_ih_l{k}', nn.Parameter(torch.empty(2 * H).uniform_(-bound, bound)))
            setattr(self, f'bias_hh_l{k}', nn.Parameter(torch.empty(2 * H).uniform_(-bound, bound)))

    def forward(self, x, state=None):
        """x (T, B, X) -> top layer's h for every step (T, B, H), and the last h per layer."""
        T, B, _ = x.shape
        H = self.hidden_size
        if state is None:
            state = [x.new_zeros(B, H) for _ in range(self.num_layers)]
        new_state = []
        layer_input = x
        for k in range(self.num_layers):
            W_ih, W_hh = getattr(self, f'weight_ih_l{k}'), getattr(self, f'weight_hh_l{k}')
            b_ih, b_hh = getattr(self, f'bias_ih_l{k}'), getattr(self, f'bias_hh_l{k}')
            h = state[k]
            x_proj = layer_input @ W_ih.T + b_ih  # (T, B, 2H)
            hs = []
            for t in range(T):
                rec = h @ W_hh.T + b_hh  # (B, 2H)
                f = torch.sigmoid(x_proj[t, :, :H] + rec[:, :H])
                n = torch.tanh(x_proj[t, :, H:] + f * rec[:, H:])
                h = (1 - f) * h + f * n
                hs.append(h)
            layer_input = torch.stack(hs)  # (T, B, H)
            new_state.append(h)
        return layer_input, new_state
