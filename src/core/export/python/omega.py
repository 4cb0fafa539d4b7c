def omega_penalty(loss, layer_steps, model):
    """Pascanu et al. (2013)'s regulariser over the window's transitions, as the playground computes it:
        Omega = sum_t mean_b (||dL/dh_t * dh_t/dh_{t-1}|| / ||dL/dh_t|| - 1)^2,
    with dL/dh_t * dh_t/dh_{t-1} = (dL/dh_t * act'(pre_t)) W_hh. As in the paper, dL/dh_t and the activation
    are held constant; only the explicit dependence on W_hh is differentiated.
    layer_steps[k][t] is layer k's h_t (tensors inside the graph of loss)."""
    total = 0.0
    for k, steps in enumerate(layer_steps):
        W_hh = getattr(model.rnn, f'weight_hh_l{k}')
        dh = torch.autograd.grad(loss, steps, retain_graph=True)  # total dL/dh_t for each step of the window
        for t in range(1, len(steps)):
            h = steps[t].detach()
            act_grad = (h > 0).to(h.dtype) if NONLINEARITY == 'relu' else 1 - h * h
            v = (dh[t] * act_grad) @ W_hh  # (B, H)
            dh_norm = dh[t].norm(dim=1)
            v_norm = v.norm(dim=1)
            counted = dh_norm > 0
            differentiable = counted & (v_norm > 0)  # where ||v|| = 0 the term is the constant 1
            ratio = v_norm[differentiable] / dh_norm[differentiable]
            total = total + (((ratio - 1) ** 2).sum() + (counted & ~differentiable).sum()) / h.shape[0]
    return OMEGA * total
