# ---- safetensors files (F32, as the playground writes them), read and written without extra packages ----


def read_safetensors(path):
    """-> ({name: (shape, flat list of floats)}, metadata)."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        if info['dtype'] != 'F32':
            raise ValueError(f'{path}: tensor {name} is {info["dtype"]}; this reader handles F32')
        begin, end = info['data_offsets']
        raw = data[8 + n + begin:8 + n + end]
        tensors[name] = (info['shape'], list(struct.unpack(f'<{len(raw) // 4}f', raw)))
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """tensors [(name, shape, flat list)] -> an F32 safetensors file (importable by the playground)."""
    header = {'__metadata__': metadata}
    offset = 0
    for name, shape, values in tensors:
        header[name] = {'dtype': 'F32', 'shape': list(shape), 'data_offsets': [offset, offset + 4 * len(values)]}
        offset += 4 * len(values)
    raw = json.dumps(header).encode()
    raw += b' ' * (-len(raw) % 8)  # the data starts on an 8-byte boundary
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for _, _, values in tensors:
            f.write(struct.pack(f'<{len(values)}f', *values))


def load_weights(model, path):
    """The playground's weights into the model (strict: every name and shape must match).
    With the safetensors package the same is: model.load_state_dict(safetensors.torch.load_file(path))."""
    tensors, metadata = read_safetensors(path)
    state = {name: torch.tensor(values, dtype=DTYPE).reshape(shape) for name, (shape, values) in tensors.items()}
    model.load_state_dict(state)
    return metadata


def save_weights(model, path):
    tensors = [(name, list(p.shape), p.detach().reshape(-1).tolist()) for name, p in model.state_dict().items()]
    write_safetensors(path, tensors, METADATA)
