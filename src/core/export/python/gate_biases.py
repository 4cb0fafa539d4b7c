# ---- LSTM gate biases for a fresh model (the playground's Config "bias") ----


def init_gate_biases(model):
    """BIAS_INIT on a freshly initialised LSTM (gate blocks i, f, g, o; the layer's bias is bias_ih + bias_hh):
    forget1 (Gers et al. 2000; Jozefowicz et al. 2015): b_f = 1, put in bias_ih's f block, bias_hh's f block 0.
    chrono (Tallec & Ollivier 2018): b_f = log(u), u ~ U(1, T - 1) per unit, and b_i = -b_f, both in bias_ih;
    bias_hh's i and f blocks 0. CIFG (f = 1 - i) under forget1 also gets b_i = -1, so that f = sigmoid(1).
    The playground draws chrono with its own generator, so a fresh model here has the same distribution, not the
    same numbers; model.safetensors carries the playground's biases exactly."""
    if BIAS_INIT == 'default':
        return
    H = HIDDEN
    with torch.no_grad():
        for k in range(LAYERS):
            b_ih, b_hh = getattr(model.rnn, f'bias_ih_l{k}'), getattr(model.rnn, f'bias_hh_l{k}')
            if BIAS_INIT == 'forget1':
                b_ih[H:2 * H] = 1.0
                b_hh[H:2 * H] = 0.0
                if VARIANT == 'cifg':
                    b_ih[:H] = -1.0
                    b_hh[:H] = 0.0
            else:
                b_f = torch.log(torch.empty(H).uniform_(1, max(1, T - 1)))
                b_ih[H:2 * H] = b_f
                b_ih[:H] = -b_f
                b_hh[:2 * H] = 0.0
