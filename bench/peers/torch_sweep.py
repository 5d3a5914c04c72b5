#!/usr/bin/env python3
"""The sweep as a researcher would write it in PyTorch: a peer for gridsweep's benchmark.

Trains yhat = c*f(a*x+b)+d on y = relu(x), x ~ U[-0.5, 0.5], with torch.optim.Adam
on the mean absolute error, from every cell of a res x res grid of starts (b, d in
[-2, 2] at a = c = 1, gridsweep's default plane). The four parameters are float32
tensors of shape [cells]; each step's shared x batch [batch] broadcasts to
[cells, batch]; autograd computes the gradients. The loss is the sum over cells of
each cell's MAE, so every cell gets exactly its own gradient. Prints one JSON
line; sample_steps_per_s = cells * steps * batch / seconds of the training loop.

  torch_sweep.py --act relu --res 256 --steps 1000 --batch 256 --threads 4

Tuned as a careful user would: float32, torch.set_num_threads, x batches made
before timing, set_to_none gradients (--foreach picks Adam's multi-tensor
update; on CPU it measured no faster here), and --device cuda where there is a GPU."""
import os
import sys

# glibc mmaps every allocation above MALLOC_MMAP_THRESHOLD_ (128 KiB at first,
# adapting upwards only as such blocks are freed) and returns freed heap tops to
# the kernel above MALLOC_TRIM_THRESHOLD_. Autograd's [cells, batch] intermediates
# are megabytes, so without this each can be mmapped, page-faulted and unmapped
# again every step, which costs more than the arithmetic. The variables are read
# once when the process starts, so set them and re-exec before importing torch.
_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "1073741824",
           "MALLOC_TOP_PAD_": "67108864"}
if os.environ.get("GS_PEER_REEXEC") != "1":
    env = dict(os.environ, GS_PEER_REEXEC="1")
    for k, v in _MALLOC.items():
        env.setdefault(k, v)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as Fn  # noqa: E402

ACTS = {
    "identity": lambda z: z,
    "relu": Fn.relu,
    "leaky_relu": Fn.leaky_relu,          # slope 0.01
    "elu": Fn.elu,
    "selu": Fn.selu,
    "celu": Fn.celu,
    "softplus": Fn.softplus,
    "gelu": Fn.gelu,
    "gelu_tanh": lambda z: Fn.gelu(z, approximate="tanh"),
    "silu": Fn.silu,
    "mish": Fn.mish,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softsign": Fn.softsign,
    "hardtanh": Fn.hardtanh,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--act", default="relu", choices=sorted(ACTS))
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--foreach", choices=("auto", "0", "1"), default="auto",
                    help="Adam's multi-tensor update: torch's default (auto), off, on")
    ap.add_argument("--init", help="A,B,C,D: every cell starts here (a correctness check)")
    args = ap.parse_args()

    torch.set_num_threads(max(1, args.threads))
    dev = torch.device(args.device)
    f = ACTS[args.act]
    n = args.res * args.res
    if args.init:
        start = [float(v) for v in args.init.split(",")]
        a, b, c, d = (torch.full((n,), v, dtype=torch.float32, device=dev) for v in start)
    else:                                 # gridsweep's default plane: b x d at a = c = 1
        centres = -2 + (torch.arange(args.res, dtype=torch.float64) + 0.5) * 4 / args.res
        centres = centres.float().to(dev)
        a = torch.ones(n, device=dev)
        c = torch.ones(n, device=dev)
        b = centres.repeat(args.res)
        d = centres.repeat_interleave(args.res)
    params = [p.clone().requires_grad_(True) for p in (a, b, c, d)]
    a, b, c, d = params
    opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-8,
                           foreach=None if args.foreach == "auto" else args.foreach == "1")

    gen = torch.Generator(device="cpu").manual_seed(args.seed)
    xs = (torch.rand(args.steps, args.batch, generator=gen) - 0.5).to(dev)   # before timing
    ys = torch.relu(xs)

    def step(s):
        opt.zero_grad(set_to_none=True)
        x = xs[s]
        yhat = c[:, None] * f(a[:, None] * x + b[:, None]) + d[:, None]
        per_cell = (yhat - ys[s]).abs().mean(dim=1)
        per_cell.sum().backward()
        opt.step()
        return per_cell

    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for s in range(args.steps - 1):
        step(s)
    last = step(args.steps - 1).detach()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    wall = time.perf_counter() - t0

    with torch.no_grad():     # the first cell's loss on 1024 midpoints of the data range
        x = (torch.arange(1024, dtype=torch.float64, device=dev) + 0.5) / 1024 - 0.5
        x = x.float()
        fit = c[0] * f(a[0] * x + b[0]) + d[0]
        final = float((fit - torch.relu(x)).abs().mean())
    print(json.dumps({
        "peer": "torch", "torch": torch.__version__, "device": str(dev), "act": args.act,
        "res": args.res, "cells": n, "steps": args.steps, "batch": args.batch,
        "threads": torch.get_num_threads(), "wall_s": round(wall, 4),
        "sample_steps_per_s": n * args.steps * args.batch / wall,
        "last_batch_loss_cell0": float(last[0]), "final_loss_cell0": final,
        "final_params_cell0": [float(p.detach()[0]) for p in params],
    }))


if __name__ == "__main__":
    main()
