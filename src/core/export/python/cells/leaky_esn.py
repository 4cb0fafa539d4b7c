

class LeakyESN(nn.Module):
    """Echo-state reservoir: u_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), h_t = (1 - a) h_{t-1} + a u_t,
    a = LEAK. The reservoir is fixed (requires_grad=False); only the head learns. Names as nn.RNN's."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        H = hidden_size
        self.hidden_size = H
        self.num_layers = 1
        self.weight_ih_l0 = nn.Parameter((torch.rand(H, input_size) * 2 - 1) * INPUT_SCALE, requires_grad=False)
        w = torch.randn(H, H) / math.sqrt(H)
        radius = torch.linalg.eigvals(w).abs().max()
        self.weight_hh_l0 = nn.Parameter(w * (SPECTRAL_RADIUS / radius), requires_grad=False)
        self.bias_ih_l0 = nn.Parameter(torch.zeros(H), requires_grad=False)
        self.bias_hh_l0 = nn.Parameter(torch.zeros(H), requires_grad=False)

    def forward(self, x, state=None):
        """x (T, B, X) -> h for every step (T, B, H), and the last h as [h]."""
        T, B, _ = x.shape
        h = x.new_zeros(B, self.hidden_size) if state is None else state[0]
        x_proj = x @ self.weight_ih_l0.T + self.bias_ih_l0  # (T, B, H)
        hs = []
        for t in range(T):
            u = torch.tanh(x_proj[t] + h @ self.weight_hh_l0.T + self.bias_hh_l0)
            h = (1 - LEAK) * h + LEAK * u
            hs.append(h)
        return torch.stack(hs), [h]
