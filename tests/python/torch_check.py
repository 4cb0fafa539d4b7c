#!/usr/bin/env python3
"""The PyTorch side of tests/unit/export-torch.test.ts: runs generated train_<task>.py scripts in PyTorch.

    python3 torch_check.py JOBS.json   -> one JSON result per job, as a list

Each job is {"kind": "forward", "script", "weights", "check"}: the model's outputs on check["x"] against the
playground's check["outputs"] -> {"max_abs_diff"}; or {"kind": "step", "script", "weights", "skip", "data"}:
one training step with the script's own functions on the batch the playground would draw after "skip" steps,
from a fresh optimiser -> {"loss", "grad_norm", "params": {name: flat list}}; or {"kind": "sample", "script",
"weights", "data", "prime", "length", "temperature", "seed"}: text sampled by the script -> {"text"}; or
{"kind": "train", "script", "weights", "steps", "dtype", "data"}: "steps" training steps through the script's own
training loop (training_steps: a fresh optimiser, a continual task's state carried) on the playground's batch
stream from its beginning, in
"dtype" ("float32", the script's default, or "float64") -> {"losses", "grad_norms", "params": {name: flat list}};
or {"kind": "fresh", "script"}: a fresh model (no weights file) after the script's init_gate_biases ->
{"params"}.

Without torch it prints a note and exits with status 0 having run nothing (the test skips the same way).
"""
import importlib.util
import json
import sys
import types

try:
    import torch
except ImportError:
    print('SKIP: PyTorch is not installed for this python3; the torch export check did not run.', file=sys.stderr)
    sys.exit(0)


def load(path):
    spec = importlib.util.spec_from_file_location(f'exported_{abs(hash(path))}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def forward(job):
    script = load(job['script'])
    model = script.Model()
    script.load_weights(model, job['weights'])
    with open(job['check']) as f:
        check = json.load(f)
    with torch.no_grad():
        out, _ = model(torch.tensor(check['x'], dtype=torch.float32))
    return {'max_abs_diff': script.max_abs_diff(out.tolist(), check['outputs'])}


def step(job):
    script = load(job['script'])
    torch.manual_seed(0)
    model = script.Model()
    script.load_weights(model, job['weights'])
    task = script.make_task(types.SimpleNamespace(data=job.get('data'), column=job.get('column')))
    train_rng, _ = script.playground_streams(task, job['skip'])
    data = script.to_tensors(task.batch('train', script.BATCH, script.T, train_rng))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = script.make_optimizer(trainable)
    step_fn = script.train_step_truncated if script.BPTT == 'truncated' else script.train_step
    loss, grad_norm, _ = step_fn(model, optimizer, trainable, data)
    params = {name: p.detach().reshape(-1).tolist() for name, p in model.state_dict().items()}
    return {'loss': loss, 'grad_norm': grad_norm, 'params': params}


def train(job):
    """N steps of the script's own training loop (training_steps), recording each step's loss and gradient norm."""
    script = load(job['script'])
    script.set_dtype(job.get('dtype', 'float32'))
    torch.manual_seed(0)
    model = script.Model()
    script.load_weights(model, job['weights'])
    task = script.make_task(types.SimpleNamespace(data=job.get('data'), column=job.get('column')))
    train_rng, _ = script.playground_streams(task, 0)
    steps = list(script.training_steps(model, task, train_rng, job['steps']))
    params = {name: p.detach().double().reshape(-1).tolist() for name, p in model.state_dict().items()}
    script.set_dtype('float32')
    return {'losses': [loss for loss, _ in steps], 'grad_norms': [norm for _, norm in steps], 'params': params}


def fresh(job):
    script = load(job['script'])
    script.set_dtype('float32')
    torch.manual_seed(job.get('seed', 0))
    model = script.Model()
    script.init_gate_biases(model)
    return {'params': {name: p.detach().reshape(-1).tolist() for name, p in model.state_dict().items()}}


def sample(job):
    script = load(job['script'])
    model = script.Model()
    script.load_weights(model, job['weights'])
    task = script.make_task(types.SimpleNamespace(data=job['data'], column=None))
    text = script.sample(model, task, job['prime'], job['length'], job['temperature'], script.Rng(job['seed']))
    return {'text': text}


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    run = {'forward': forward, 'step': step, 'sample': sample, 'train': train, 'fresh': fresh}
    results = [run[job['kind']](job) for job in jobs]
    json.dump(results, sys.stdout)


if __name__ == '__main__':
    main()
