#!/usr/bin/env python3
"""The sweep as a researcher would write it in NumPy: a peer for gridsweep's benchmark.

Trains yhat = c*f(a*x+b)+d on y = relu(x), x ~ U[-0.5, 0.5], with Adam on the mean
absolute error, from every cell of a res x res grid of starts (b, d in [-2, 2] at
a = c = 1, gridsweep's default plane). All starts are arrays of shape [cells]; each
step's shared x batch [batch] broadcasts to [cells, batch]. Gradients are written
out by hand (NumPy has no autograd). Prints one JSON line; sample_steps_per_s =
cells * steps * batch / seconds of the training loop alone.

  numpy_sweep.py --act relu --res 256 --steps 1000 --batch 256 --threads 4

Tuned as a careful user would: float32 throughout, preallocated buffers and
out= ufuncs (no temporaries in the loop), x batches generated before timing,
cells split across threads (NumPy releases the GIL in ufuncs and reductions), and
each thread's cells trained in cache-sized blocks (--block)."""
import os
import sys

# glibc mmaps every allocation above MALLOC_MMAP_THRESHOLD_ (128 KiB at first,
# adapting upwards only as such blocks are freed) and returns freed heap tops to
# the kernel above MALLOC_TRIM_THRESHOLD_. NumPy's [cells, batch] temporaries are
# megabytes, so without this each one can be mmapped, page-faulted and unmapped
# again every step, which costs more than the arithmetic. The variables are read
# once when the process starts, so set them and re-exec before importing NumPy.
_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "1073741824",
           "MALLOC_TOP_PAD_": "67108864"}
if os.environ.get("GS_PEER_REEXEC") != "1":
    env = dict(os.environ, GS_PEER_REEXEC="1")
    for k, v in _MALLOC.items():
        env.setdefault(k, v)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

F = np.float32
SELU_L, SELU_A = F(1.0507009873554805), F(1.6732632423543772)
GELU_K = F(math.sqrt(2 / math.pi))


def _erf(z, out, tmp):
    """erf in float32 (NumPy has none): Abramowitz & Stegun 7.1.26, |error| < 1.5e-7."""
    np.abs(z, out=tmp)
    t = np.multiply(tmp, F(0.3275911), out=out)
    t += 1
    np.reciprocal(t, out=t)
    poly = np.empty_like(t)
    poly[...] = F(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly *= t
        poly += F(c)
    poly *= t
    np.square(tmp, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)
    poly *= tmp
    np.subtract(1, poly, out=out)
    np.copysign(out, z, out=out)
    return out


def act_fwd_bwd(name, z, h, dh, t1, t2):
    """h = f(z), dh = f'(z), in place into preallocated arrays (t1, t2: scratch)."""
    if name == "identity":
        h[...] = z
        dh[...] = 1
    elif name == "relu":
        np.maximum(z, 0, out=h)
        np.greater(z, 0, out=dh, casting="unsafe")
    elif name == "leaky_relu":
        np.greater(z, 0, out=t1, casting="unsafe")   # 1 where z > 0
        np.multiply(t1, F(0.99), out=dh)
        dh += F(0.01)
        np.multiply(z, dh, out=h)
    elif name in ("elu", "celu", "selu"):            # celu with alpha 1 is elu
        np.minimum(z, 0, out=t1)
        np.exp(t1, out=t2)                           # e = exp(min(z, 0)): 1 on z > 0
        np.maximum(z, 0, out=h)
        np.subtract(t2, 1, out=t1)                   # expm1 below 0, 0 above
        if name == "selu":
            t1 *= SELU_A
            h += t1
            h *= SELU_L
            np.greater(z, 0, out=dh, casting="unsafe")
            np.subtract(1, dh, out=t1)
            t1 *= t2
            t1 *= SELU_A
            t1 += dh                                 # 1 above 0, alpha * e below
            np.multiply(t1, SELU_L, out=dh)
        else:
            h += t1
            dh[...] = t2                             # elu' = e (1 on z > 0)
    elif name == "softplus":
        np.abs(z, out=t1)
        np.negative(t1, out=t1)
        np.exp(t1, out=t1)
        np.log1p(t1, out=h)                          # log(1 + exp(-|z|)) + max(z, 0)
        np.maximum(z, 0, out=t1)
        h += t1
        np.negative(z, out=t1)
        np.minimum(t1, 80, out=t1)
        np.exp(t1, out=t1)
        t1 += 1
        np.reciprocal(t1, out=dh)                    # sigmoid(z)
    elif name == "gelu":
        np.multiply(z, F(1 / math.sqrt(2)), out=t1)
        _erf(t1, t2, dh)
        t2 += 1
        t2 *= F(0.5)                                 # Phi(z)
        np.multiply(z, t2, out=h)
        np.square(z, out=t1)
        t1 *= F(-0.5)
        np.exp(t1, out=t1)
        t1 *= F(1 / math.sqrt(2 * math.pi))          # phi(z)
        t1 *= z
        np.add(t2, t1, out=dh)
    elif name == "gelu_tanh":
        np.square(z, out=t1)
        np.multiply(t1, F(0.044715), out=t2)
        t2 += 1
        t2 *= z
        t2 *= GELU_K
        np.tanh(t2, out=t2)                          # t
        np.add(t2, 1, out=h)
        h *= F(0.5)                                  # 0.5 (1 + t)
        np.multiply(t1, F(3 * 0.044715), out=t1)
        t1 += 1
        t1 *= GELU_K                                 # k (1 + 3c z^2)
        np.square(t2, out=t2)
        np.subtract(1, t2, out=t2)
        t2 *= t1
        t2 *= z
        t2 *= F(0.5)
        np.add(h, t2, out=dh)
        h *= z
    elif name in ("silu", "sigmoid"):
        np.negative(z, out=t1)
        np.minimum(t1, 80, out=t1)
        np.exp(t1, out=t1)
        t1 += 1
        np.reciprocal(t1, out=t1)                    # s
        np.subtract(1, t1, out=t2)                   # 1 - s
        if name == "sigmoid":
            h[...] = t1
            np.multiply(t1, t2, out=dh)
        else:
            np.multiply(z, t1, out=h)
            t2 *= z
            t2 += 1
            np.multiply(t1, t2, out=dh)              # s (1 + z (1 - s))
    elif name == "mish":
        np.abs(z, out=t1)
        np.negative(t1, out=t1)
        np.exp(t1, out=t1)
        np.log1p(t1, out=t1)
        np.maximum(z, 0, out=t2)
        t1 += t2                                     # softplus
        np.tanh(t1, out=t1)                          # t
        np.multiply(z, t1, out=h)
        np.negative(z, out=t2)
        np.minimum(t2, 80, out=t2)
        np.exp(t2, out=t2)
        t2 += 1
        np.reciprocal(t2, out=t2)                    # sigmoid
        np.square(t1, out=dh)
        np.subtract(1, dh, out=dh)
        dh *= t2
        dh *= z
        dh += t1
    elif name == "tanh":
        np.tanh(z, out=h)
        np.square(h, out=dh)
        np.subtract(1, dh, out=dh)
    elif name == "softsign":
        np.abs(z, out=t1)
        t1 += 1
        np.divide(z, t1, out=h)
        np.square(t1, out=t1)
        np.reciprocal(t1, out=dh)
    elif name == "hardtanh":
        np.clip(z, -1, 1, out=h)
        np.abs(z, out=t1)
        np.less(t1, 1, out=dh, casting="unsafe")
    else:
        raise ValueError(name)


ACTS = ("identity", "relu", "leaky_relu", "elu", "selu", "celu", "softplus", "gelu",
        "gelu_tanh", "silu", "mish", "tanh", "sigmoid", "softsign", "hardtanh")


class Adam:
    """torch.optim.Adam's update (no weight decay, no amsgrad), bias-corrected the
    same way: p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)."""

    def __init__(self, n, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.m = np.zeros((4, n), F)
        self.v = np.zeros((4, n), F)
        self.tmp = np.empty((4, n), F)
        self.lr, self.b1, self.b2, self.eps, self.t = lr, b1, b2, eps, 0

    def step(self, p, g):
        self.t += 1
        b1, b2 = self.b1, self.b2
        c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        self.m *= F(b1)
        self.m += F(1 - b1) * g          # small [4, n] arrays: a temporary is harmless
        self.v *= F(b2)
        np.square(g, out=self.tmp)
        self.tmp *= F(1 - b2)
        self.v += self.tmp
        np.sqrt(self.v, out=self.tmp)
        self.tmp *= F(1 / math.sqrt(c2))
        self.tmp += F(self.eps)
        np.divide(self.m, self.tmp, out=self.tmp)
        self.tmp *= F(self.lr / c1)
        p -= self.tmp


def train_block(p, xs, ys, act, lr, out_loss):
    """Trains the starts p[4, n] (a, b, c, d) in place over all steps."""
    n = p.shape[1]
    batch = xs.shape[1]
    z, h, dh, t1, t2 = (np.empty((n, batch), F) for _ in range(5))
    g = np.empty((4, n), F)
    opt = Adam(n, lr)
    a, b, c, d = (p[i][:, None] for i in range(4))
    inv = F(1.0 / batch)
    for s in range(xs.shape[0]):
        x, y = xs[s], ys[s]
        np.multiply(a, x, out=z)
        z += b
        act_fwd_bwd(act, z, h, dh, t1, t2)
        np.multiply(c, h, out=t1)
        t1 += d
        t1 -= y                          # residual
        if s == xs.shape[0] - 1:
            np.abs(t1, out=t2)
            out_loss[:] = t2.mean(axis=1)
        np.sign(t1, out=t1)
        t1 *= inv                        # dL/dyhat for the mean absolute error
        np.sum(t1, axis=1, out=g[3])                     # dd
        np.multiply(t1, h, out=t2)
        np.sum(t2, axis=1, out=g[2])                     # dc
        t1 *= c
        t1 *= dh                         # dL/dz
        np.sum(t1, axis=1, out=g[1])                     # db
        t1 *= x
        np.sum(t1, axis=1, out=g[0])                     # da
        opt.step(p, g)


def eval_loss(p, act):
    """MAE of the final parameters on 1024 midpoints of [-0.5, 0.5] (first cell)."""
    x = ((np.arange(1024, dtype=np.float64) + 0.5) / 1024 - 0.5).astype(F)
    z = (p[0, :1, None] * x + p[1, :1, None]).astype(F)
    h, dh, t1, t2 = (np.empty_like(z) for _ in range(4))
    act_fwd_bwd(act, z, h, dh, t1, t2)
    return float(np.abs(p[2, 0] * h[0] + p[3, 0] - np.maximum(x, 0)).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--act", default="relu", choices=ACTS)
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--block", type=int, default=2048,
                    help="cells trained together (cache blocking; 0: all of a thread's)")
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", help="A,B,C,D: every cell starts here (a correctness check)")
    args = ap.parse_args()

    n = args.res * args.res
    p = np.empty((4, n), F)
    if args.init:
        p[:] = np.array([float(v) for v in args.init.split(",")], F)[:, None]
    else:                                # gridsweep's default plane: b x d at a = c = 1
        centres = (-2 + (np.arange(args.res) + 0.5) * 4 / args.res).astype(F)
        p[0], p[2] = 1, 1
        p[1] = np.tile(centres, args.res)
        p[3] = np.repeat(centres, args.res)
    rng = np.random.default_rng(args.seed)
    xs = rng.uniform(-0.5, 0.5, (args.steps, args.batch)).astype(F)   # before timing
    ys = np.maximum(xs, 0)
    last = np.empty(n, F)

    threads = max(1, min(args.threads, n))
    block = args.block if args.block > 0 else n
    bounds = np.linspace(0, n, threads + 1).astype(int)

    def worker(lo, hi):
        for s in range(lo, hi, block):
            e = min(s + block, hi)
            q = np.ascontiguousarray(p[:, s:e])
            train_block(q, xs, ys, args.act, args.lr, last[s:e])
            p[:, s:e] = q

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(bounds[i], bounds[i + 1]))
          for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    print(json.dumps({
        "peer": "numpy", "numpy": np.__version__, "act": args.act, "res": args.res,
        "cells": n, "steps": args.steps, "batch": args.batch, "threads": threads,
        "block": block, "wall_s": round(wall, 4),
        "sample_steps_per_s": n * args.steps * args.batch / wall,
        "last_batch_loss_cell0": float(last[0]), "final_loss_cell0": eval_loss(p, args.act),
        "final_params_cell0": [float(v) for v in p[:, 0]],
    }))


if __name__ == "__main__":
    main()
