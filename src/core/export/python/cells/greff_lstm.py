

class GreffLSTM(nn.Module):
    """An LSTM variant of Greff et al. (2017), step by step, switched by the constants above (PEEPHOLES ...
    FULL_GATE_RECURRENCE). Parameters as nn.LSTM's (gate rows i, f, g, o), plus weight_peep_l{k} (3, H): rows
    p_i, p_f, p_o with peepholes, and weight_gg_l{k} (3H, 3H): rows i, f, o of step t from columns i, f, o of
    step t-1 with full gate recurrence. The rows of a gate the variant removes stay in the file (so nn.LSTM can
    load it) and get zero gradient."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        H = hidden_size
        for k in range(num_layers):
            fan_in = input_size if k == 0 else H
            setattr(self, f'weight_ih_l{k}', nn.Parameter(torch.empty(4 * H, fan_in)))
            setattr(self, f'weight_hh_l{k}', nn.Parameter(torch.empty(4 * H, H)))
            setattr(self, f'bias_ih_l{k}', nn.Parameter(torch.empty(4 * H)))
            setattr(self, f'bias_hh_l{k}', nn.Parameter(torch.empty(4 * H)))
            if PEEPHOLES:
                setattr(self, f'weight_peep_l{k}', nn.Parameter(torch.zeros(3, H)))
            if FULL_GATE_RECURRENCE:
                setattr(self, f'weight_gg_l{k}', nn.Parameter(torch.empty(3 * H, 3 * H)))
        self.reset_parameters()

    def reset_parameters(self):
        """nn.LSTM's default U(-1/sqrt(H), 1/sqrt(H)); peepholes 0; gate-to-gate weights a tenth of that."""
        bound = 1 / math.sqrt(self.hidden_size)
        for name, p in self.named_parameters():
            if name.startswith('weight_peep'):
                nn.init.zeros_(p)
            elif name.startswith('weight_gg'):
                nn.init.uniform_(p, -0.1 * bound, 0.1 * bound)
            else:
                nn.init.uniform_(p, -bound, bound)

    def forward(self, x, state=None):
        """x (T, B, X) -> top layer's h for every step (T, B, H), and the state [(h, c) per layer], with full gate
        recurrence [(h, c, a)] (a: i, f, o of the last step)."""
        T, B, _ = x.shape
        H = self.hidden_size
        if state is None:
            zeros = (x.new_zeros(B, H), x.new_zeros(B, H), x.new_zeros(B, 3 * H))
            state = [zeros if FULL_GATE_RECURRENCE else zeros[:2] for _ in range(self.num_layers)]
        new_state = []
        layer_input = x
        for k in range(self.num_layers):
            W_ih, W_hh = getattr(self, f'weight_ih_l{k}'), getattr(self, f'weight_hh_l{k}')
            b_ih, b_hh = getattr(self, f'bias_ih_l{k}'), getattr(self, f'bias_hh_l{k}')
            p = getattr(self, f'weight_peep_l{k}') if PEEPHOLES else None  # (3, H)
            W_gg = getattr(self, f'weight_gg_l{k}') if FULL_GATE_RECURRENCE else None  # (3H, 3H)
            h, c = state[k][0], state[k][1]
            a = state[k][2] if FULL_GATE_RECURRENCE else None
            x_proj = layer_input @ W_ih.T + b_ih  # (T, B, 4H): the input side of every step at once
            hs = []
            for t in range(T):
                pre = x_proj[t] + h @ W_hh.T + b_hh  # (B, 4H)
                pre_i, pre_f, pre_g, pre_o = pre.chunk(4, dim=1)
                if FULL_GATE_RECURRENCE:
                    gate_rec = a @ W_gg.T  # (B, 3H): i, f, o of step t-1 feeding i, f, o
                    pre_i = pre_i + gate_rec[:, :H]
                    pre_f = pre_f + gate_rec[:, H:2 * H]
                    pre_o = pre_o + gate_rec[:, 2 * H:]
                if PEEPHOLES:  # i and f look at c_{t-1}
                    pre_i = pre_i + p[0] * c
                    pre_f = pre_f + p[1] * c
                i = torch.sigmoid(pre_i) if INPUT_GATE else torch.ones_like(c)
                if COUPLED:
                    f = 1 - i
                else:
                    f = torch.sigmoid(pre_f) if FORGET_GATE else torch.ones_like(c)
                g = torch.tanh(pre_g) if INPUT_ACTIVATION else pre_g
                c = f * c + i * g
                if PEEPHOLES:  # o looks at c_t
                    pre_o = pre_o + p[2] * c
                o = torch.sigmoid(pre_o) if OUTPUT_GATE else torch.ones_like(c)
                h = o * (torch.tanh(c) if OUTPUT_ACTIVATION else c)
                if FULL_GATE_RECURRENCE:
                    a = torch.cat([i, f, o], dim=1)
                hs.append(h)
            layer_input = torch.stack(hs)  # (T, B, H)
            new_state.append((h, c, a) if FULL_GATE_RECURRENCE else (h, c))
        return layer_input, new_state
