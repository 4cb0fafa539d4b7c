# ---- Echo-state networks: the readout in one shot ----


def fit_readout(model, batch, ridge=1e-6):
    """Ridge regression of the targets (one-hot labels for classification) on the reservoir states of the
    scored steps: [W b] = argmin ||[h 1] [W b]^T - y||^2 + ridge ||W||^2 (the bias is not penalised)."""
    data = to_tensors(batch)
    with torch.no_grad():
        hs, _ = model.rnn(data['x'])  # (T, B, H)
        if 'y' in data:
            chosen = data['scored'] > 0
            targets = data['y'][chosen]
        else:
            chosen = data['labels'] >= 0
            targets = F.one_hot(data['labels'][chosen], OUTPUT_SIZE).to(DTYPE)
        z = torch.cat([hs[chosen], torch.ones(int(chosen.sum()), 1)], dim=1).double()  # (N, H + 1)
        A = z.T @ z + torch.diag(torch.tensor([ridge] * HIDDEN + [1e-9], dtype=torch.float64))
        beta = torch.linalg.solve(A, z.T @ targets.double())  # (H + 1, Y)
        model.head.weight.copy_(beta[:HIDDEN].T.to(DTYPE))
        model.head.bias.copy_(beta[HIDDEN].to(DTYPE))
