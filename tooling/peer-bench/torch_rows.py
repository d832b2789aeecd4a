"""PyTorch's figures for `pnpm bench:peers` (issue #21's rows), as JSON {row id: value in the row's unit}.

Not run by CI: it needs Debian's PyTorch 1.13 (/usr/bin/python3) on OpenBLAS, the issue's anchor:
`apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread` (without OpenBLAS, Debian's
torch multiplies with the reference BLAS: ~4 GFLOP/s at 1024, against ~160; the script refuses to run then).
Usage: /usr/bin/python3 torch_rows.py [--threads 1] [--rounds 3] [--warm-up-ms 300] [--rows mlp256,...]
                                     [--json torch.json]
       /usr/bin/python3 torch_rows.py --serve [--threads 1] [--warm-up-ms 300]
Same workloads, shapes and timing as src/nn-peer.ts / src/main.ts: warm-up calls for --warm-up-ms (300 by
default), then 5 samples of calls lasting >= 60 ms together, the median per call; rounds and their median as
--rounds says. With --serve (how `pnpm bench:peers --torch` runs it, as one more peer in each row's rounds) it
prints {"ready": torch version} once, then reads one row id per line from stdin and answers each with one
line, {"ms": milliseconds per call} (one round, a fresh model) or {"error": why}, until stdin closes.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
from torch import nn

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--rounds", type=int, help="rounds per row, 3 by default (not with --serve)")
ap.add_argument("--warm-up-ms", type=float, default=300.0)
ap.add_argument("--rows", help="comma-separated row ids (default: all)")
ap.add_argument("--json")
ap.add_argument("--serve", action="store_true", help="answer row ids read from stdin (see above)")
args = ap.parse_args()

# Debian's torch calls whatever libblas.so.3 the alternatives system picks; the reference BLAS would make
# every matmul row an anchor 40x too slow.
BLAS = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
if os.path.exists(BLAS) and "openblas" not in os.path.realpath(BLAS):
    raise SystemExit(f"torch_rows.py: {BLAS} is {os.path.realpath(BLAS)}, not OpenBLAS; "
                     "apt-get install -y --no-install-recommends libopenblas0-pthread")
torch.set_num_threads(args.threads)
torch.manual_seed(1)


if args.serve and (args.rounds is not None or args.rows or args.json):
    ap.error("--serve answers one round of the row each request names: --rounds, --rows and --json do not apply")
if args.rounds is None:
    args.rounds = 3
if args.rounds < 1 or args.warm_up_ms < 0:
    ap.error("--rounds takes a whole number from 1, --warm-up-ms milliseconds (0 or more)")
WARM_UP_MS = args.warm_up_ms


def per_call_ms(fn, min_ms=60):
    t0 = time.perf_counter()
    fn()
    if (time.perf_counter() - t0) * 1e3 > 1000:
        t0 = time.perf_counter()
        fn()
        return (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    warm_up_calls = 0
    while True:
        fn()
        warm_up_calls += 1
        if (time.perf_counter() - t0) * 1e3 >= WARM_UP_MS:
            break
    once = max((time.perf_counter() - t0) * 1e3 / warm_up_calls, 1e-3)
    calls = max(1, int(-(-min_ms / 5 // once)))
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - t0) * 1e3 / calls)
    return statistics.median(samples)


def mlp():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def train_step(model, shape):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [(torch.rand(shape), torch.randint(0, 10, (shape[0],))) for _ in range(8)]
    state = {"i": 0}

    def run():
        x, y = batches[state["i"] % 8]
        state["i"] += 1
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
    return run


def infer():
    model = mlp().eval()
    x = torch.rand(1, 784)

    def run():
        with torch.no_grad():
            model(x).numpy()
    return run


x6, y6, n6 = torch.rand(1_000_000), torch.rand(1_000_000), torch.randn(1_000_000)
s = torch.randn(1000, 1000)
ci, cw, cb = torch.randn(32, 1, 28, 28), torch.randn(32, 1, 3, 3), torch.randn(32)
ma, mb = torch.rand(1024, 1024), torch.rand(1024, 1024)
workloads = {
    "mlp64": lambda: train_step(mlp(), (64, 784)),
    "mlp256": lambda: train_step(mlp(), (256, 784)),
    "cnn32": lambda: train_step(cnn(), (32, 1, 28, 28)),
    "infer1": infer,
    "conv1": lambda: lambda: torch.conv2d(ci, cw, cb, padding=1),
    "add": lambda: lambda: torch.add(x6, y6),
    "exp": lambda: lambda: torch.exp(n6),
    "sigmoid": lambda: lambda: torch.sigmoid(n6),
    "tanh": lambda: lambda: torch.tanh(n6),
    "softmax": lambda: lambda: torch.softmax(s, 1),
    "matmul1024": lambda: lambda: torch.matmul(ma, mb),
}

if args.serve:
    print(json.dumps({"ready": torch.__version__}), flush=True)
    for line in sys.stdin:
        row = line.strip()
        try:
            answer = {"ms": per_call_ms(workloads[row]())} if row in workloads else {"error": f"unknown row {row!r}"}
        except Exception as error:  # one failing row is reported in its cell, like the JS peers' failures
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)
    sys.exit(0)

units = {"infer1": lambda ms: ms * 1000, "matmul1024": lambda ms: 2 * 1024 ** 3 / (ms * 1e6)}
chosen = args.rows.split(",") if args.rows else list(workloads)
unknown = [row for row in chosen if row not in workloads]
if unknown:
    ap.error(f"--rows: unknown {','.join(unknown)}; the rows are {','.join(workloads)}")
out = {}
for row in chosen:
    make = workloads[row]
    ms = statistics.median(per_call_ms(make()) for _ in range(args.rounds))
    out[row] = units.get(row, lambda v: v)(ms)
print(json.dumps(out))
if args.json:
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
