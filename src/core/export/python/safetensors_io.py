# ---- safetensors files (F32, as the playground writes them), read and written without extra packages ----


def read_safetensors(path):
    """-> ({name: (shape, flat list of floats)}, metadata). A file that is not an F32 safetensors file raises
    ValueError with the reason in words."""
    with open(path, 'rb') as f:
        data = f.read()
    try:
        (n,) = struct.unpack('<Q', data[:8])
        header = json.loads(data[8:8 + n])
        metadata = header.pop('__metadata__', {})
        tensors = {}
        for name, info in header.items():
            if info['dtype'] != 'F32':
                raise ValueError(f'tensor {name} is {info["dtype"]}; this reader handles F32')
            begin, end = info['data_offsets']
            raw = data[8 + n + begin:8 + n + end]
            tensors[name] = (info['shape'], list(struct.unpack(f'<{len(raw) // 4}f', raw)))
    except (struct.error, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f'{path} is not a safetensors file of F32 tensors ({e})') from None
    return tensors, metadata


def _shape_text(shape):
    return '(' + ', '.join(str(n) for n in shape) + ')'


def _model_text(metadata):
    """The model in words ("lstm, X=1, H=16, Y=1, 1 layer(s)") from a file's metadata or METADATA; None when it says too little."""
    keys = ('cell', 'inputSize', 'hiddenSize', 'outputSize', 'numLayers')
    if not all(k in metadata for k in keys):
        return None
    cell = metadata['cell'] + (f' ({metadata["variant"]})' if metadata.get('variant', 'none') != 'none' else '')
    return f'{cell}, X={metadata["inputSize"]}, H={metadata["hiddenSize"]}, Y={metadata["outputSize"]}, {metadata["numLayers"]} layer(s)'


def weights_mismatch(tensors, metadata):
    """Why the file's tensors are not this script's model (PARAM_SHAPES), in one line; None when they fit."""
    problems = []
    for name, shape in PARAM_SHAPES.items():
        if name not in tensors:
            problems.append(f'it has no {name}')
        elif list(tensors[name][0]) != list(shape):
            problems.append(f'{name} is {_shape_text(tensors[name][0])} in the file, {_shape_text(shape)} here')
    extra = [name for name in tensors if name not in PARAM_SHAPES]
    if extra:
        problems.append(f'it has {extra[0]}, which this model does not' + (f' (and {len(extra) - 1} more)' if len(extra) > 1 else ''))
    if not problems:
        return None
    theirs = _model_text(metadata)
    models = f"the file's model is {theirs}, this script's {_model_text(METADATA)}; " if theirs and theirs != _model_text(METADATA) else ''
    more = f' (and {len(problems) - 1} more)' if len(problems) > 1 else ''
    return f'{models}{problems[0]}{more}'


def read_weights(path):
    """The weights for this script's model -> (tensors, metadata). A file of another run, another size or another
    format ends the script with one line on stderr (exit code 1) instead of a traceback."""
    try:
        tensors, metadata = read_safetensors(path)
    except OSError as e:
        sys.exit(f'{path}: {e.strerror}.')
    except ValueError as e:
        sys.exit(f'{e}.')
    problem = weights_mismatch(tensors, metadata)
    if problem:
        sys.exit(f"{path} does not fit this script's model: {problem}. "
                 'Use the model.safetensors exported with this script, or --weights another file.')
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
    """The playground's weights into the model (strict: every name and shape must match, see read_weights).
    With the safetensors package the same is: model.load_state_dict(safetensors.torch.load_file(path))."""
    tensors, metadata = read_weights(path)
    state = {name: torch.tensor(values, dtype=DTYPE).reshape(shape) for name, (shape, values) in tensors.items()}
    model.load_state_dict(state)
    return metadata


def save_weights(model, path):
    tensors = [(name, list(p.shape), p.detach().reshape(-1).tolist()) for name, p in model.state_dict().items()]
    write_safetensors(path, tensors, METADATA)
