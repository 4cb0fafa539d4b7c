#!/usr/bin/env python3
"""Runs pieces of a generated train_<task>.py without torch, for tests/unit/export-python.test.ts.

    python3 export_harness.py rng SCRIPT SEED COUNT
        -> {"uint32": [...], "uniform": [...], "normal": [...]} from the script's Rng
    python3 export_harness.py batches SCRIPT SPLIT B T SEED COUNT [DATA [COLUMN]]
        -> [batch, ...]: COUNT batches drawn one after another from Rng(SEED) by the script's task
    python3 export_harness.py rewrite SCRIPT IN OUT
        -> reads IN with the script's read_safetensors and writes OUT with its write_safetensors
    python3 export_harness.py streams SCRIPT SKIP COUNT [DATA]
        -> {"val": the validation batch, "train": COUNT training batches after SKIP}, as playground_streams gives
"""
import importlib.util
import json
import sys
import types


def load(path):
    spec = importlib.util.spec_from_file_location('exported', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    command, script = argv[0], load(argv[1])
    if command == 'rng':
        seed, count = int(argv[2]), int(argv[3])
        a, b, c = script.Rng(seed), script.Rng(seed), script.Rng(seed)
        out = {
            'uint32': [a.next_uint32() for _ in range(count)],
            'uniform': [b.uniform(-2, 3) for _ in range(count)],
            'normal': [c.normal() for _ in range(count)],
        }
    elif command == 'batches':
        split, B, T, seed, count = argv[2], int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6])
        args = types.SimpleNamespace(data=argv[7] if len(argv) > 7 else None, column=argv[8] if len(argv) > 8 else None)
        task = script.make_task(args)
        rng = script.Rng(seed)
        out = [task.batch(split, B, T, rng) for _ in range(count)]
    elif command == 'rewrite':
        tensors, metadata = script.read_safetensors(argv[2])
        script.write_safetensors(argv[3], [(name, shape, values) for name, (shape, values) in tensors.items()], script.METADATA)
        out = {'metadata': metadata, 'names': list(tensors)}
    elif command == 'streams':
        skip, count = int(argv[2]), int(argv[3])
        args = types.SimpleNamespace(data=argv[4] if len(argv) > 4 else None, column=None)
        task = script.make_task(args)
        train_rng, val_batch = script.playground_streams(task, skip)
        out = {'val': val_batch, 'train': [task.batch('train', script.BATCH, script.T, train_rng) for _ in range(count)]}
    else:
        raise SystemExit(f'unknown command {command}')
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1:])
