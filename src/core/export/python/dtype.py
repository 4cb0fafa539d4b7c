DTYPE = torch.float32 if torch is not None else None  # of the model, the batches and the weights (set_dtype)


def set_dtype(name):
    """'float32' (the default, as the WebGPU engine computes) or 'float64' (as the CPU engine): the dtype of the
    model made after this call, of the batches and of the loaded weights."""
    global DTYPE
    DTYPE = torch.float64 if name == 'float64' else torch.float32
    torch.set_default_dtype(DTYPE)
