#!/usr/bin/env python3
"""The peer a user would pick instead of rnnlab: each benchmark workload as torch.nn.LSTM / nn.RNN
plus nn.Linear, Adam and MSE over every step, float32, timed per training step. One JSON line per workload in the
shape of `rnnlab bench` (workload, engine, where, adapter, stepsPerSec, msPerStep, dispatchesPerStep, gflops,
steps, shape), plus the median wall-clock per step when each step also reads the loss back (as our engines do).

  python3 torch_peer.py [--quick] [--only W1,W2] [--device cuda|cpu]
  python3 torch_peer.py --check-workloads workloads.jsonl     (the pack's check against bench/workloads.ts)

On CUDA the time is the median over many steps, after a warm-up, of CUDA events recorded around each step
(zero_grad, forward, loss, backward, Adam): cuDNN's LSTM/RNN kernels. With --device cuda (the default) and no
CUDA, it prints one line saying so and exits 0. --device cpu times the same on the CPU with a host clock (the dry
run of this script on a machine without a GPU).
"""
import argparse
import json
import statistics
import sys
import time

# Must equal WORKLOADS in bench/workloads.ts (pack.mjs checks with --check-workloads).
WORKLOADS = [
    dict(name="W1", description="tanh RNN", cell="rnn_tanh", X=1, H=32, T=100, B=16, Y=1),
    dict(name="W2", description="char LSTM", cell="lstm", X=65, H=128, T=64, B=32, Y=65),
    dict(name="W3", description="long-memory LSTM", cell="lstm", X=2, H=64, T=400, B=32, Y=1),
    dict(name="W4", description="large LSTM", cell="lstm", X=128, H=512, T=100, B=64, Y=128),
]
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


def flops_per_step(w):
    """As flopsPerStep in bench/workloads.ts: 2 x multiply-adds of the forward pass (input and recurrent
    projections, head), x 3 for forward plus backward."""
    forward = 2 * w["T"] * w["B"] * (GATES[w["cell"]] * w["H"] * (w["X"] + w["H"]) + w["H"] * w["Y"])
    return 3 * forward


def shape(w):
    return f'{w["description"]} {w["cell"]} X={w["X"]} H={w["H"]} T={w["T"]} B={w["B"]} Y={w["Y"]}'


def sig(v, digits=4):
    return float(f"{v:.{digits}g}")


def check_workloads(path):
    theirs = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                theirs[d["name"]] = d
    ours = {w["name"]: w for w in WORKLOADS}
    problems = []
    if set(theirs) != set(ours):
        problems.append(f"names {sorted(theirs)} vs {sorted(ours)}")
    for name in sorted(set(theirs) & set(ours)):
        for k in ("description", "cell", "X", "H", "T", "B", "Y"):
            if theirs[name][k] != ours[name][k]:
                problems.append(f"{name}.{k}: {theirs[name][k]!r} in workloads.ts, {ours[name][k]!r} here")
        if theirs[name]["flopsPerStep"] != flops_per_step(ours[name]):
            problems.append(f"{name} flopsPerStep {theirs[name]['flopsPerStep']} vs {flops_per_step(ours[name])}")
    if problems:
        print("; ".join(problems))
        return 1
    print(f"torch_peer.py: {len(ours)} workloads agree with bench/workloads.ts")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="few steps (a dry run)")
    ap.add_argument("--only", default=None, help="W1,W2,...")
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--check-workloads", metavar="JSONL", default=None)
    a = ap.parse_args()
    if a.check_workloads:
        return check_workloads(a.check_workloads)

    only = [s.strip().upper() for s in a.only.split(",")] if a.only else None
    workloads = [w for w in WORKLOADS if only is None or w["name"] in only]
    engine = "torch-cudnn" if a.device == "cuda" else "torch-cpu"
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"engine": engine, "where": "python", "measured": False, "reason": f"PyTorch is not importable: {e}"}))
        return 0
    if a.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"engine": engine, "where": "python", "measured": False,
                          "reason": f"CUDA is not available to torch {torch.__version__} here; nothing timed (use --device cpu for a dry run)"}))
        return 0

    dev = torch.device(a.device)
    cuda = a.device == "cuda"
    warmup = a.warmup if a.warmup is not None else (3 if a.quick else 20)
    steps = a.steps if a.steps is not None else (5 if a.quick else 200)
    torch.manual_seed(1)
    if cuda:
        torch.backends.cudnn.benchmark = False  # cuDNN's RNN path is fixed; benchmark mode affects convolutions
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 as ours: no TF32 in the head or the projections
        torch.backends.cudnn.allow_tf32 = False
        adapter = f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}"
    else:
        adapter = f"CPU ({torch.get_num_threads()} threads), torch {torch.__version__}"

    for w in workloads:
        kind = w["cell"]
        if kind == "lstm":
            rnn = torch.nn.LSTM(w["X"], w["H"])
        elif kind in ("rnn_tanh", "rnn_relu"):
            rnn = torch.nn.RNN(w["X"], w["H"], nonlinearity=kind[4:])
        else:
            rnn = torch.nn.GRU(w["X"], w["H"])
        head = torch.nn.Linear(w["H"], w["Y"])
        rnn, head = rnn.to(dev), head.to(dev)
        # Adam as BENCH_OPTIONS (lr 1e-3, betas 0.9/0.999, eps 1e-7), MSE over every (t, b, y).
        opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
        x = torch.rand(w["T"], w["B"], w["X"], device=dev) * 2 - 1  # (T, B, X), never zeros
        y = torch.rand(w["T"], w["B"], w["Y"], device=dev) * 2 - 1  # (T, B, Y)
        mse = torch.nn.MSELoss()

        def step():
            opt.zero_grad(set_to_none=True)
            h, _ = rnn(x)  # (T, B, H), zero initial state
            loss = mse(head(h), y)
            loss.backward()
            opt.step()
            return loss

        for _ in range(warmup):
            step()
        if cuda:
            torch.cuda.synchronize()
        times = []
        if cuda:
            events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(steps)]
            for s, e in events:
                s.record()
                step()
                e.record()
            torch.cuda.synchronize()
            times = [s.elapsed_time(e) for s, e in events]
        else:
            for _ in range(steps):
                t0 = time.perf_counter()
                step()
                times.append((time.perf_counter() - t0) * 1e3)
        # As our benchmark loop: each step waits for its loss on the host.
        host = []
        for _ in range(max(3, steps // 4)):
            t0 = time.perf_counter()
            step().item()
            host.append((time.perf_counter() - t0) * 1e3)
        ms = statistics.median(times)
        print(json.dumps({
            "workload": w["name"], "engine": engine, "where": "python", "adapter": adapter,
            "stepsPerSec": sig(1e3 / ms), "msPerStep": sig(ms), "dispatchesPerStep": None,
            "gflops": sig(flops_per_step(w) / ms / 1e6), "steps": steps, "shape": shape(w),
            "timing": "CUDA events around each step, median" if cuda else "host clock around each step, median",
            "warmup": warmup, "msPerStepMin": sig(min(times)), "msPerStepMax": sig(max(times)),
            "msPerStepWithLossReadback": sig(statistics.median(host)),
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
