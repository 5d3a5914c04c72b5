#!/usr/bin/env python3
"""--precision f64 against PyTorch in float64 (issue 12): autograd and
torch.optim.Adam in double, fed the same x, from the same starts.

usage: torch_agree64.py GRIDSWEEP [--res N] [--verbose]

1. Every activation, grid sampling (the midpoints of [-0.5, 0.75], computed
   here in double as gridsweep computes them) and shared sampling (the
   double batches of `gridsweep samples --precision f64`): an f64 map of
   N x N starts (b and d axes, a and c fixed) trained 20 steps of Adam on
   MAE (lr 0.1, batch 256, the relu target); every final a, b, c, d (17
   digits in the map) agrees with torch's float64 run from the start the map
   wrote to REL_TOL, relative to max(|value|, 1). The two sides differ only in
   double rounding (one fma against two roundings, the batch sums' order,
   SLEEF's 1-ulp functions against libm's), about 1e-15 per step.

2. Starts 1e-11 apart (b over a window 8e-11 wide, 8 cells): the f32 map
   gives them one start and identical rows; the f64 map gives 8 distinct
   starts and 8 distinct results, each within REL_TOL of torch float64, and
   the results of neighbouring starts differ by more than the distance to
   torch (the f64 map resolves what it claims to).

The grid runs use the data range [-0.5, 0.75]: on a symmetric grid some
gradients are exactly 0 in exact arithmetic and pure rounding in floating
point, which Adam magnifies (tests/torch_agree.py, GRID_LO).

Exit status: 0 agreement, 1 disagreement (with a message), 77 no torch.
"""
import argparse
import os
import subprocess
import sys

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover
    print(f"torch_agree64: SKIP: {e}", file=sys.stderr)
    sys.exit(77)

from torch_acts import ACTS  # noqa: E402 (after torch is known to be there)

torch.set_num_threads(1)

STEPS, BATCH, SEED = 20, 256, 3
GRID_LO, GRID_HI = -0.5, 0.75
REL_TOL = 1e-12


def fail(msg):
    print(f"torch_agree64: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def run_cli(args):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def read_map(text):
    """The rows of a map as (starts [S,4], lr [S], finals [S,4], raw lines)."""
    lines = [l for l in text.splitlines() if not l.startswith("#")][1:]
    rows = np.array([[float(v) for v in l.split(",")[2:11]] for l in lines])
    return rows[:, 0:4], rows[:, 4], rows[:, 5:9], lines


def sweep(gs, act, sampling, plane, precision="f64"):
    data = f"{GRID_LO:g}:{GRID_HI:g}" if sampling == "grid" else "-0.5:0.5"
    return read_map(run_cli([gs, "--act", act, "--precision", precision, "--sampling", sampling,
                             "--seed", str(SEED), "--steps", str(STEPS), "--batch", str(BATCH),
                             "--data", data, *plane, "--quiet", "-o", "-"]))


def batches(gs, sampling):
    """x of every step, [STEPS or 1][BATCH], in double."""
    if sampling == "grid":
        i = np.arange(BATCH, dtype=np.float64)
        return (GRID_LO + (i + 0.5) * (GRID_HI - GRID_LO) / BATCH)[None, :]
    out = run_cli([gs, "samples", "--precision", "f64", "--sampling", "shared", "--seed",
                   str(SEED), "--steps", str(STEPS), "--batch", str(BATCH)])
    rows = np.array([[float(v) for v in l.split(",")] for l in out.splitlines()[1:]])
    return rows[:, 2].reshape(STEPS, BATCH)


def torch_f64(act, starts, lrs, xs):
    """Adam on MAE in float64 from every start at once (elementwise)."""
    f = ACTS[act]
    st = torch.tensor(starts, dtype=torch.float64)
    a, b, c, d = (st[:, k:k + 1].clone().requires_grad_(True) for k in range(4))
    lr = float(lrs[0])
    if not np.all(lrs == lr):
        fail("the maps' lr column is not one value")
    if lr != 0.1:   # the default --lr 0.1 as the double 0.1, not float32's 0.100000001
        fail(f"an f64 map's lr is {lr!r}, not the double 0.1")
    opt = torch.optim.Adam([a, b, c, d], lr=lr, betas=(0.9, 0.999), eps=1e-8)
    xt = torch.from_numpy(xs)
    for t in range(STEPS):
        x = xt[t if xt.shape[0] > 1 else 0][None, :]
        loss = (c * f(a * x + b) + d - F.relu(x)).abs().mean(dim=1)
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    return torch.cat([a, b, c, d], dim=1).detach().numpy()


def rel(p, q):
    return np.abs(p - q) / np.maximum(np.abs(q), 1.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gridsweep")
    ap.add_argument("--res", type=int, default=6)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    gs = args.gridsweep
    plane = ["--x", "b:-1.3:1.7", "--y", "d:-1.1:0.9", "--at", "a=0.8,c=1.2",
             "--res", str(args.res)]
    problems, worst_all = [], 0.0
    for sampling in ("grid", "shared"):
        xs = batches(gs, sampling)
        for act in ACTS:
            starts, lrs, gp, _ = sweep(gs, act, sampling, plane)
            tp = torch_f64(act, starts, lrs, xs)
            ok = np.all(np.isfinite(tp), axis=1) & np.all(np.isfinite(gp), axis=1)
            r = rel(gp[ok], tp[ok])
            worst = float(r.max()) if r.size else 0.0
            worst_all = max(worst_all, worst)
            if args.verbose:
                print(f"{sampling:6} {act:10} {ok.sum():3} starts: max relative {worst:.3g}")
            if ok.sum() < len(starts) // 2:
                problems.append(f"{sampling} {act}: only {ok.sum()} finite runs")
            if worst > REL_TOL:
                i = int(np.argmax(r.max(axis=1)))
                problems.append(f"{sampling} {act}: {worst:.3g} relative from torch float64 "
                                f"from {starts[ok][i]}: {gp[ok][i]} vs {tp[ok][i]}")
    print(f"{2 * len(ACTS)} maps of {args.res}x{args.res} starts: f64 within {worst_all:.3g} "
          f"relative of torch float64 after {STEPS} steps (tolerance {REL_TOL:g})")

    # Starts 1e-11 apart: one start in float32, eight in double.
    near = ["--x", "b:0.3:0.30000000008", "--y", "d:-0.5000001:-0.4999999", "--at",
            "a=0.8,c=1.2", "--res", "8,1"]
    for act in ("tanh", "gelu", "selu"):
        s32, _, g32, lines32 = sweep(gs, act, "grid", near, "f32")
        s64, lrs, g64, lines64 = sweep(gs, act, "grid", near)
        if len({l.split(",", 2)[2] for l in lines32}) != 1:
            problems.append(f"{act}: the f32 map of starts 1e-11 apart has distinct rows")
        if len({l.split(",", 2)[2] for l in lines64}) != 8 or len(set(s64[:, 1])) != 8:
            problems.append(f"{act}: the f64 map of starts 1e-11 apart has fewer than 8 rows")
        tp = torch_f64(act, s64, lrs, batches(gs, "grid"))
        dist = rel(g64, tp).max()
        apart = np.abs(np.diff(g64, axis=0)).max(axis=1).min()
        print(f"{act}: starts 1e-11 apart: f32 one row; f64 8 rows, neighbours' results "
              f"{apart:.3g} apart, {dist:.3g} relative from torch float64")
        if dist > REL_TOL or not apart > 10 * np.abs(g64 - tp).max():
            problems.append(f"{act}: starts 1e-11 apart: {dist:.3g} from torch, neighbours "
                            f"{apart:.3g} apart")
    if problems:
        fail("; ".join(problems[:10]))
    print("torch_agree64: OK")


if __name__ == "__main__":
    main()
