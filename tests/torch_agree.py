#!/usr/bin/env python3
"""Agreement of gridsweep's trainer with an independent implementation:
PyTorch autograd + torch.optim.Adam in float32, fed the same x batches.

usage: torch_agree.py GRIDSWEEP [--starts N] [--long-steps N] [--verbose]

1. Short runs: from N starting points (a box around the discussion's points
   (1, 0.5, 1, -0.5) and (1, 0.5, 1, 0)), every activation, grid sampling and
   shared sampling (batches exported with `gridsweep samples`; the grid runs
   use the data range [-0.5, 0.75], see GRID_LO below): the parameters
   after 20 steps of Adam (lr 0.1, MAE, batch 256) agree to 1e-5 (absolute,
   on parameters of size ~1). The two sides differ only in float rounding
   (torch computes a*x + b in two roundings, gridsweep in one fma; torch's
   reductions sum in another order; SLEEF vs libm activations), which stays
   at a few 1e-7 over 20 steps.

2. Long runs: the same starts, 1000 steps, shared sampling. After hundreds of
   steps of Adam on MAE (sign gradients) the rounding differences grow into
   visibly different trajectories, so only the outcome is compared, and only
   where the torch run is clearly inside a basin. The outcome is computed on
   the torch side with the rules of src/train/judge.c (diverged / dead /
   linear / converged / stuck on a 1024-point midpoint grid, window loss =
   mean batch loss over the last 10% of steps). A run is "clear" when
     - it is not within a factor 1.5 of the convergence tolerance 0.03
       (window loss < 0.02 or > 0.045),
     - its smoothed batch loss (EMA 0.1, as gridsweep's) stayed on the same
       side of that band over the whole window (so it is not in the middle of
       leaving the 0.0625 plateau, whose timing rides on rounding), and
     - its spread and lin_err are not within a factor 3 of dead_tol and
       linear_tol (1e-3), unless the piece test decides (all pre-activations in
       one flat or affine piece, with a margin of 0.01 in z), and
     - its window loss is not below tol while its final parameters are no
       better than the plateau (a swinging run: converged or linear rides on
       the phase of the last step).
   The same rule is applied to the gridsweep run (its window loss, its t_enter
   standing in for the EMA, its spread, lin_err and final parameters): the
   two trajectories part ways over hundreds of steps, so a run that ends on a
   boundary on either side says nothing about the basin. For runs clear on
   both sides the outcomes must be equal; the rest are counted and shown.

3. Targets, data distributions and per-layer rates (issue 14): for a few
   (activation, --target, --data-dist, sampling, --lr-in, --lr-out) cases,
   gridsweep's samples (`gridsweep samples`, x and y) are checked against an
   independent computation (y: torch's activation at x, to 2 float32 ulps;
   grid x: scipy's quantile function when scipy is there, to 1e-6 relative;
   shared x: a Kolmogorov-Smirnov test against scipy's CDF), then torch's
   optimizer (Adam, SGD, SGD with momentum 0.9 or RMSprop) with two parameter
   groups (a, b at lr_in; c, d at lr_out) is fed those x and its own y, and
   the parameters after 20 steps must agree with `gridsweep trace` to
   PARAM_TOL.

6. The sorted method (--method sorted, issue 13): the piecewise-linear
   activations (identity, relu, leaky_relu, hardtanh), grid and shared
   sampling as in 1., the parameters after 20 steps of `gridsweep trace
   --method sorted` against torch to PARAM_TOL, away from a sign flip: a
   start whose residual came within 1e-5 of 0 in the torch run is left out
   (its sign(r) rides on rounding, and the sorted method sums in double).

Exit status: 0 agreement, 1 disagreement (with a message), 77 no torch.

Over 400 lines: many small independent cases against one reference, sharing
the helpers at the top.
"""
import argparse
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# ATen's summation order depends on its CPU capability; Debian's torch runs
# AVX2 by default even on AVX-512 CPUs, and gridsweep follows that order.
os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover
    print(f"torch_agree: SKIP: {e}", file=sys.stderr)
    sys.exit(77)

from torch_acts import ACTS  # noqa: E402 (after torch is known to be there)

torch.set_num_threads(1)

LO, HI = -0.5, 0.5
BATCH = 256
LR = 0.1
TOL, DEAD_TOL, LINEAR_TOL = 0.03, 1e-3, 1e-3
SLOW_FRACTION = 0.95   # GS_SLOW_FRACTION (train.h)
PLATEAU = 1 / 16       # relu's best MAE line x/2 + 1/8 on U[-0.5, 0.5]
EVAL_POINTS = 1024
SHORT_STEPS = 20
PARAM_TOL = 1e-5
SHARED_SEED = 3
# The short grid runs use an asymmetric data range: on the symmetric default
# grid, whenever every residual has one sign over a piece where f is affine,
# dL/da = c * mean(+-x_i) is exactly 0 in exact arithmetic, and its float value
# is pure rounding (0 in gridsweep's sequential sum, ~1e-9 in torch's pairwise
# sum); Adam (eps 1e-8) turns a gradient that small into a step of up to lr,
# so the two sides would differ by rounding luck, not by a fault.
GRID_LO, GRID_HI = -0.5, 0.75

INF = math.inf
# (lo, hi, kind) pieces as in src/kernels/activation.c
PIECES = {
    "identity": [(-INF, INF, "affine")],
    "relu": [(-INF, 0, "flat"), (0, INF, "affine")],
    "leaky_relu": [(-INF, 0, "affine"), (0, INF, "affine")],
    "elu": [(-INF, 0, "curved"), (0, INF, "affine")],
    "selu": [(-INF, 0, "curved"), (0, INF, "affine")],
    "celu": [(-INF, 0, "curved"), (0, INF, "affine")],
    "hardtanh": [(-INF, -1, "flat"), (-1, 1, "affine"), (1, INF, "flat")],
}


def fail(msg):
    print(f"torch_agree: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def midpoints(n, lo=LO, hi=HI):
    i = np.arange(n, dtype=np.float64)
    return (lo + (i + 0.5) * (hi - lo) / n).astype(np.float32)


def run_cli(args):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def samples(gs, steps, seed):
    out = run_cli([gs, "samples", "--steps", str(steps), "--batch", str(BATCH),
                   "--seed", str(seed), "--sampling", "shared"])
    rows = np.loadtxt(out.splitlines()[1:], delimiter=",", dtype=np.float64)
    x = rows[:, 2].astype(np.float32).reshape(steps, BATCH)
    if not (np.all(rows[:, 0].reshape(steps, BATCH) == np.arange(steps)[:, None])):
        fail("gridsweep samples: rows out of order")
    return x


def trace(gs, act, start, steps, sampling, seed, data=(LO, HI), extra=()):
    init = ",".join(f"{v:.9g}" for v in start)
    out = run_cli([gs, "trace", "--act", act, "--init", init, "--steps", str(steps),
                   "--every", str(steps), "--snapshots", "0", "--curve-points", "2",
                   "--batch", str(BATCH), "--sampling", sampling, "--seed", str(seed),
                   "--data", f"{data[0]:g}:{data[1]:g}", *extra])
    p, meta = None, {}
    for line in out.splitlines():
        if line.startswith(f"param,{steps},"):
            p = [float(v) for v in line.split(",")[2:6]]
        elif line.startswith("# ") and ": " in line:
            k, v = line[2:].split(": ", 1)
            meta[k] = v
    if p is None or "outcome" not in meta:
        fail(f"trace {act} {init}: no param row at step {steps} or no outcome")
    return np.array(p, dtype=np.float64), meta


def torch_train(act, starts, xs, steps, target="relu", ys=None, lr_in=LR, lr_out=LR, opt="adam",
                margins=None):
    # targets: relu(x) of the batch itself
    """Adam on MAE from every start at once (elementwise: starts never mix).
    xs: [steps or 1][batch] float32. Returns params [S,4], batch losses [steps,S]
    (loss of the parameters before each update)."""
    f = ACTS[act]
    st = torch.tensor(starts, dtype=torch.float32)
    a, b, c, d = (st[:, k:k + 1].clone().requires_grad_(True) for k in range(4))
    groups = [{"params": [a, b], "lr": lr_in}, {"params": [c, d], "lr": lr_out}]
    if opt == "adam":
        opt = torch.optim.Adam(groups, lr=LR, betas=(0.9, 0.999), eps=1e-8)
    elif opt == "rmsprop":
        opt = torch.optim.RMSprop(groups, lr=LR, alpha=0.99, eps=1e-8)
    else:   # gridsweep's defaults: sgd, or momentum 0.9
        opt = torch.optim.SGD(groups, lr=LR, momentum=0.9 if opt == "momentum" else 0)
    xt = torch.from_numpy(xs)
    yt = None if ys is None else torch.from_numpy(ys)
    losses = torch.empty(steps, len(starts), dtype=torch.float32)
    for t in range(steps):
        x = xt[t if xt.shape[0] > 1 else 0][None, :]
        y = ACTS[target](x) if yt is None else yt[t if yt.shape[0] > 1 else 0][None, :]
        yhat = c * f(a * x + b) + d
        per_start = (yhat - y).abs().mean(dim=1)
        losses[t] = per_start.detach()
        if margins is not None:   # the smallest |residual| seen, per start
            r = (yhat - y).detach().abs().min(dim=1).values.numpy()
            margins[:] = np.minimum(margins, r)
        opt.zero_grad()
        per_start.sum().backward()
        opt.step()
    p = torch.cat([a, b, c, d], dim=1).detach().numpy().astype(np.float64)
    return p, losses.numpy().astype(np.float64)


def piece_of(act, zlo, zhi, margin=0.0):
    for lo, hi, kind in PIECES.get(act, [(-INF, INF, "curved")]):
        if lo <= zlo - margin and zhi + margin <= hi:
            return kind
    return None


def unclear_shape(act, p, spread, lin_err, gain=math.inf):
    """The dead / linear tests sit near their thresholds."""
    a, b = float(p[0]), float(p[1])
    za, zb = a * LO + b, a * HI + b
    zlo, zhi = min(za, zb), max(za, zb)
    piece, sure_piece = piece_of(act, zlo, zhi), piece_of(act, zlo, zhi, margin=0.01)
    if piece is not None and sure_piece is None:
        return True   # the piece test is on its edge
    near = lambda v, tol: tol / 3 < v < tol * 3
    return sure_piece is None and (near(spread, DEAD_TOL) or near(lin_err, LINEAR_TOL)
                                   or abs(gain - LINEAR_TOL) < 2e-3)


def swinging(wl, fl):
    """Window loss below tol but the final parameters no better than the
    plateau: the run swings (Adam on MAE keeps stepping), and which outcome
    it gets, converged or linear, rides on the phase of the last step."""
    return wl < TOL and PLATEAU - fl < LINEAR_TOL


def gridsweep_clear(act, meta, p, steps):
    """The same rule on gridsweep's side, from the trace's trailing lines:
    t_enter (the smoothed loss first below tol) must lie before the window
    for a run below tol, and not inside it for a run above."""
    if meta["outcome"] == "diverged":
        return True
    wl, t_enter = float(meta["window_loss"]), int(meta["t_enter"])
    window_start = steps - int(round(0.1 * steps))
    ok = ((wl < TOL / 1.5 and 0 <= t_enter <= window_start)
          or (wl > TOL * 1.5 and not t_enter >= window_start))
    fl = float(meta["final_loss"])
    return ok and not swinging(wl, fl) and not unclear_shape(
        act, p, float(meta["spread"]), float(meta["lin_err"]), PLATEAU - fl)


def judge(act, p, losses, steps):
    """Outcome of one torch run by src/train/judge.c's rules, plus clarity."""
    a, b, c, d = (np.float32(v) for v in p)
    window = int(round(0.1 * steps))
    wl = float(np.mean(losses[steps - window:]))
    x = midpoints(EVAL_POINTS)
    with torch.no_grad():
        fz = ACTS[act](torch.from_numpy(a * x + b)).numpy()
    yhat = (c * fz + d).astype(np.float64)
    xd = x.astype(np.float64)
    fl = float(np.mean(np.abs(yhat - np.maximum(xd, 0))))
    mx, my = xd.mean(), yhat.mean()
    vx = (xd * xd).mean() - mx * mx
    vy = max((yhat * yhat).mean() - my * my, 0.0)
    cxy = (xd * yhat).mean() - mx * my
    spread = math.sqrt(vy)
    lin_err = math.sqrt(max(vy - cxy * cxy / vx, 0.0)) if math.isfinite(vy) else math.nan
    za, zb = float(a) * LO + float(b), float(a) * HI + float(b)
    zlo, zhi = min(za, zb), max(za, zb)
    piece = piece_of(act, zlo, zhi)
    finite = all(math.isfinite(float(v)) for v in (a, b, c, d, wl, fl))
    if not finite:
        out = "diverged"
    elif piece == "flat" or c == 0 or spread < DEAD_TOL:
        out = "dead"
    elif piece == "affine" or lin_err < LINEAR_TOL or PLATEAU - fl < LINEAR_TOL:
        out = "linear"   # by its shape, or no better than the best straight line
    elif wl < TOL:
        out = "converged"
    elif wl < SLOW_FRACTION * float(np.mean(losses[max(steps - 2 * window, 0):steps - window])):
        out = "slow"     # the window below 0.95 of as many steps before it
    else:
        out = "stuck"
    # clarity
    ema, emas = float(losses[0]), []
    for t in range(steps):
        ema += 0.1 * (float(losses[t]) - ema)
        if t >= steps - window:
            emas.append(ema)
    clear = out == "diverged" or (
        (wl < TOL / 1.5 and max(emas) < TOL) or (wl > TOL * 1.5 and min(emas) > TOL))
    if out != "diverged" and (unclear_shape(act, p, spread, lin_err, PLATEAU - fl)
                              or swinging(wl, fl)):
        clear = False
    before = float(np.mean(losses[max(steps - 2 * window, 0):steps - window]))
    if out in ("slow", "stuck") and abs(wl / before - SLOW_FRACTION) < 0.03:
        clear = False    # on the edge between still falling and not
    return out, wl, clear


# (activation, target, data distribution, sampling, lr_in, lr_out, point, optimizer)
TARGET_CASES = [
    ("relu", "relu", "uniform", "shared", 0.03, 0.2, 0, "adam"),
    ("elu", "selu", "normal:0.1,0.4", "shared", LR, LR, 0, "adam"),
    ("selu", "gelu", "student-t:3,0.3", "grid", LR, LR, 0, "adam"),
    ("gelu", "relu", "laplace:0,0.3", "independent", 0.05, 0.1, 5, "adam"),
    ("tanh", "softplus", "student-t:2,0.2", "shared", 0.2, 0.02, 0, "adam"),
    ("softplus", "tanh", "student-t:5,0.5", "independent", LR, LR, 2, "adam"),
    ("elu", "relu", "uniform", "shared", 0.3, 0.05, 0, "sgd"),
    ("selu", "elu", "normal:0,0.5", "grid", 0.02, 0.1, 0, "momentum"),
    ("softplus", "relu", "laplace:0.1,0.2", "shared", 0.003, 0.01, 0, "rmsprop"),
]


def dist_of(spec):
    """scipy's frozen distribution for a --data-dist spelling (None: no scipy)."""
    try:
        from scipy import stats
    except ImportError:
        return None
    name, _, params = spec.partition(":")
    p = [float(v) for v in params.split(",")] if params else []
    if name == "uniform":
        return stats.uniform(LO, HI - LO)
    if name == "normal":
        return stats.norm(p[0], p[1])
    if name == "laplace":
        return stats.laplace(p[0], p[1])
    return stats.t(p[0], scale=p[1])


def sample_table(gs, steps, sampling, dist, target, point):
    out = run_cli([gs, "samples", "--steps", str(steps), "--batch", str(BATCH),
                   "--seed", str(SHARED_SEED), "--sampling", sampling, "--data-dist", dist,
                   "--target", target, "--point", str(point)])
    rows = np.loadtxt(out.splitlines()[1:], delimiter=",", dtype=np.float64)
    shape = (steps, BATCH)
    return rows[:, 2].astype(np.float32).reshape(shape), rows[:, 3].astype(np.float32).reshape(shape)


def check_targets(gs, starts, pool, problems):
    """Section 3: targets, distributions and per-layer rates."""
    import json
    bounds = {a["name"]: a for a in json.loads(run_cli([gs, "--list", "activations", "--json"]))}
    print(f"\n{SHORT_STEPS} steps with a target, a distribution and per-layer rates: "
          f"max |param difference| over {len(starts)} starts")
    for act, target, dist, sampling, lr_in, lr_out, point, opt in TARGET_CASES:
        xs, ys = sample_table(gs, SHORT_STEPS, sampling, dist, target, point)
        with torch.no_grad():
            ty = ACTS[target](torch.from_numpy(xs)).numpy()
        # the kernel's bound (activation.c, --list activations) plus torch's ulp
        b = bounds[target]
        ulp = np.spacing(np.maximum(np.abs(ty), np.abs(ys)).astype(np.float32))
        if not np.all(np.abs(ty - ys) <= (b["f_ulps"] + 1) * ulp + b["f_atol"]):
            problems.append(f"samples --target {target} --data-dist {dist}: y differs from "
                            f"torch's {target} by up to {np.max(np.abs(ty - ys)):.3g}")
        ref = dist_of(dist)
        if ref is not None and sampling == "grid":
            want = ref.ppf((np.arange(BATCH) + 0.5) / BATCH)
            rel = np.max(np.abs(xs[0] - want) / np.maximum(np.abs(want), 1e-30))
            if not rel <= 1e-6:
                problems.append(f"grid samples of {dist}: {rel:.3g} relative from scipy's ppf")
        elif ref is not None:
            from scipy import stats
            pval = stats.kstest(xs.ravel().astype(np.float64), ref.cdf).pvalue
            if not pval > 1e-4:
                problems.append(f"{sampling} samples of {dist}: KS p-value {pval:.3g}")
        if sampling == "grid":
            xs, ys = xs[:1], ys[:1]
        # A residual within rounding of 0 flips its sign(r) on a one-ulp
        # difference in the gradient's sums (gridsweep sums the batch in
        # order, ATen in a cascade), and MAE with Adam turns the flip into a
        # visibly different trajectory: such starts are left out.
        margin = np.full(len(starts), np.inf)
        tp, _ = torch_train(act, starts, xs, SHORT_STEPS, ys=ty[:xs.shape[0]], lr_in=lr_in,
                            lr_out=lr_out, opt=opt, margins=margin)
        extra = ["--target", target, "--data-dist", dist, "--lr-in", f"{lr_in:g}",
                 "--lr-out", f"{lr_out:g}", "--point", str(point), "--opt", opt]
        futs = [pool.submit(trace, gs, act, s, SHORT_STEPS, sampling, SHARED_SEED, extra=extra)
                for s in starts]
        gp = np.array([f.result()[0] for f in futs])
        keep = margin > 1e-5
        diff = np.abs(gp - tp) * keep[:, None]
        worst = float(np.max(diff))
        label = f"{act}~{target} {dist} {sampling} {opt} lr {lr_in:g}/{lr_out:g}"
        print(f"  {label:<62} {worst:10.3g}  ({int(np.sum(~keep))} starts with a residual "
              f"within 1e-5 of 0 left out)")
        if np.sum(keep) < len(starts) // 2:
            problems.append(f"{label}: only {int(np.sum(keep))} starts kept")
        if not worst <= PARAM_TOL:
            i, k = np.unravel_index(np.argmax(diff), diff.shape)
            problems.append(f"{label}: after {SHORT_STEPS} steps from {starts[i]} param "
                            f"{'abcd'[k]} is {gp[i, k]:.9g} (gridsweep) vs {tp[i, k]:.9g} (torch)")


# Section 4: the optimizer constants as torch holds them. Full batch (grid
# sampling, 256 midpoints of [-0.5, 0.5]), one start per run, 20 steps, torch
# in float32 and in float64. Where the two torch runs agree (to 2e-6
# relative), gridsweep must agree with torch's float32 to CONST_TOL relative:
# the hyper-parameters in double, cast where torch casts (train_impl.h). The
# lr is the float32 a map row holds, so torch gets that float's value.
# The issue's start (selu from (2.155, -0.061, -1.353, -0.046)) is one where
# dL/db is a sum of 256 terms that nearly cancel: summed sequentially it was
# 28 ulp of b from torch after one SGD step and 0.2% after 20 Adam steps;
# summed in ATen's order (include/gridsweep/sum_order.h) it is within the
# same bound as the rest.
CONST_TOL = 1e-6
# (optimizer, activation, start, lr, tolerance)
ISSUE_START = (2.155, -0.061, -1.353, -0.046)
CONST_CASES = [
    ("adam", "selu", ISSUE_START, LR, CONST_TOL),
    ("sgd", "selu", ISSUE_START, LR, CONST_TOL),
    ("rmsprop", "selu", ISSUE_START, 0.01, CONST_TOL),
    ("adam", "relu", (1.0, 0.5, 1.0, 0.0), LR, CONST_TOL),
    ("adam", "elu", (0.8, 0.3, 1.2, -0.2), LR, CONST_TOL),
    ("adam", "softplus", (1.0, 0.5, -1.0, -0.5), LR, CONST_TOL),
    ("adam", "tanh", (1.5, -0.2, 0.7, 0.1), LR, CONST_TOL),
    ("sgd", "elu", (0.8, 0.3, 1.2, -0.2), LR, CONST_TOL),
    ("momentum", "elu", (0.8, 0.3, 1.2, -0.2), 0.05, CONST_TOL),
    ("rmsprop", "tanh", (1.5, -0.2, 0.7, 0.1), 0.01, CONST_TOL),
]


def torch_full_batch(opt, act, start, lr, steps, dtype):
    """One start, full batch, MAE, in dtype: the parameters after `steps`."""
    f = ACTS[act]
    x = torch.from_numpy(midpoints(BATCH)).to(dtype)[None, :]
    y = F.relu(x)
    a, b, c, d = (torch.tensor([[float(np.float32(v))]], dtype=dtype).requires_grad_(True)
                  for v in start)
    lr = float(np.float32(lr))
    params = [a, b, c, d]
    if opt == "adam":
        o = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    elif opt == "sgd":
        o = torch.optim.SGD(params, lr=lr)
    elif opt == "momentum":
        o = torch.optim.SGD(params, lr=lr, momentum=0.9)
    else:
        o = torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=1e-8)
    for _ in range(steps):
        loss = (c * f(a * x + b) + d - y).abs().mean()
        o.zero_grad()
        loss.backward()
        o.step()
    return np.array([float(v) for v in (a, b, c, d)])


def check_constants(gs, pool, problems):
    print(f"\n{SHORT_STEPS} full-batch steps, the optimizer constants: max relative "
          f"difference (gridsweep vs torch float32; torch float32 vs float64)")
    compared = 0
    futs = [pool.submit(trace, gs, act, start, SHORT_STEPS, "grid", 0,
                        extra=["--opt", opt, "--lr", f"{np.float32(lr):.9g}"])
            for opt, act, start, lr, _ in CONST_CASES]
    for (opt, act, start, lr, tol), fut in zip(CONST_CASES, futs):
        gp = fut.result()[0]
        p32 = torch_full_batch(opt, act, start, lr, SHORT_STEPS, torch.float32)
        p64 = torch_full_batch(opt, act, start, lr, SHORT_STEPS, torch.float64)
        scale = np.maximum(np.abs(p64), 1e-3)
        rel_gs = float(np.max(np.abs(gp - p32) / scale))
        rel_torch = float(np.max(np.abs(p32 - p64) / scale))
        label = f"{opt} {act} {start}"
        print(f"  {label:<52} {rel_gs:10.3g} {rel_torch:10.3g}")
        if rel_torch > 2e-6 and tol == CONST_TOL:
            continue   # torch's own float32 is not settled here: nothing to compare
        compared += 1
        if not rel_gs <= tol:
            problems.append(f"{label}: after {SHORT_STEPS} full-batch steps gridsweep is "
                            f"{rel_gs:.3g} relative from torch's float32 ({gp} vs {p32})")
    if compared < len(CONST_CASES) // 2:
        problems.append(f"only {compared} of {len(CONST_CASES)} constant cases settled in torch")


# Section 5: torch's rounding, many starts. Full batch (grid sampling, 256
# midpoints of [-0.5, 0.5]), 20 Adam steps from RANDOM_STARTS starts drawn over
# a wide box, every activation, torch in float32 and float64 on the whole
# batch of starts at once. Wherever torch's float32 and float64 agree to
# 2e-6 relative, gridsweep must agree with torch's float32 to RANDOM_TOL
# relative on every start and to RANDOM_MEDIAN_TOL in the median: its sums
# are formed in ATen's order, so what is left is the rounding of single terms
# (SLEEF vs ATen's activations, one fma where torch rounds twice). With the
# sequential batch sum gridsweep had before, selu failed here (6.1e-5 on one
# settled start; 2e-3 at the issue's start).
RANDOM_STARTS = 60
RANDOM_TOL, RANDOM_MEDIAN_TOL = 5e-6, 1e-6


def check_random_starts(gs, pool, problems):
    print(f"\n{SHORT_STEPS} full-batch Adam steps from {RANDOM_STARTS} random starts: relative "
          f"difference to torch float32 where its float32 and float64 agree (median, max, "
          f"compared)")
    rng = np.random.default_rng(11)
    starts = np.column_stack([rng.uniform(-3, 3, RANDOM_STARTS), rng.uniform(-1, 1, RANDOM_STARTS),
                              rng.uniform(-2, 2, RANDOM_STARTS),
                              rng.uniform(-1, 1, RANDOM_STARTS)]).astype(np.float32).tolist()
    x = midpoints(BATCH)[None, :]
    compared = 0
    for act in ACTS:
        futs = [pool.submit(trace, gs, act, s, SHORT_STEPS, "grid", 0) for s in starts]
        p32, _ = torch_train(act, starts, x, SHORT_STEPS)
        p64 = torch_train_f64(act, starts, x, SHORT_STEPS)
        gp = np.array([f.result()[0] for f in futs])
        scale = np.maximum(np.abs(p64), 1e-3)
        settled = np.max(np.abs(p32 - p64) / scale, axis=1) < 2e-6
        rel = np.max(np.abs(gp - p32) / scale, axis=1)[settled]
        compared += int(settled.sum())
        if not settled.any():
            print(f"  {act:<11} no settled start")
            continue
        med, worst = float(np.median(rel)), float(np.max(rel))
        print(f"  {act:<11} {med:10.3g} {worst:10.3g} {int(settled.sum()):4d}")
        if not (worst <= RANDOM_TOL and med <= RANDOM_MEDIAN_TOL):
            i = int(np.flatnonzero(settled)[np.argmax(rel)])
            problems.append(f"{act}: after {SHORT_STEPS} full-batch steps from {starts[i]} "
                            f"gridsweep is {worst:.3g} relative from torch float32 (median "
                            f"{med:.3g}): {gp[i]} vs {p32[i]}")
    if compared < RANDOM_STARTS * len(ACTS) // 3:
        problems.append(f"only {compared} random starts settled in torch")


def torch_train_f64(act, starts, xs, steps):
    """torch_train's Adam on MAE, in float64 (the relu target of x)."""
    f = ACTS[act]
    st = torch.tensor(starts, dtype=torch.float64)
    a, b, c, d = (st[:, k:k + 1].clone().requires_grad_(True) for k in range(4))
    opt = torch.optim.Adam([a, b, c, d], lr=LR, betas=(0.9, 0.999), eps=1e-8)
    x = torch.from_numpy(xs[0]).to(torch.float64)[None, :]
    y = F.relu(x)
    for _ in range(steps):
        loss = (c * f(a * x + b) + d - y).abs().mean(dim=1)
        opt.zero_grad()
        loss.sum().backward()
        opt.step()
    return torch.cat([a, b, c, d], dim=1).detach().numpy().astype(np.float64)


SORTED_ACTS = ("identity", "relu", "leaky_relu", "hardtanh")


def check_sorted(gs, starts, x_grid, x_shared, pool, problems):
    """Section 6: --method sorted after 20 steps, away from a sign flip."""
    print(f"\n{SHORT_STEPS} steps with --method sorted: max |param difference| over "
          f"{len(starts)} starts (starts with a residual within 1e-5 of 0 left out)")
    print(f"{'activation':<11} {'grid':>10} {'shared':>10}")
    for act in SORTED_ACTS:
        row = []
        for sampling, xs, data in (("grid", x_grid, (GRID_LO, GRID_HI)),
                                   ("shared", x_shared[:SHORT_STEPS], (LO, HI))):
            margin = np.full(len(starts), np.inf)
            tp, _ = torch_train(act, starts, xs, SHORT_STEPS, margins=margin)
            futs = [pool.submit(trace, gs, act, s, SHORT_STEPS, sampling, SHARED_SEED, data,
                                ("--method", "sorted")) for s in starts]
            gp = np.array([f.result()[0] for f in futs])
            keep = margin > 1e-5
            diff = np.abs(gp - tp) * keep[:, None]
            worst = float(np.max(diff))
            row.append(f"{worst:10.3g}" + (f" ({int(np.sum(~keep))} out)" if not keep.all() else ""))
            if np.sum(keep) < len(starts) // 2:
                problems.append(f"sorted {act} {sampling}: only {int(np.sum(keep))} starts kept")
            if not worst <= PARAM_TOL:
                i, k = np.unravel_index(np.argmax(diff), diff.shape)
                problems.append(
                    f"sorted {act} {sampling}: after {SHORT_STEPS} steps from {starts[i]} param "
                    f"{'abcd'[k]} is {gp[i, k]:.9g} (gridsweep) vs {tp[i, k]:.9g} (torch)")
        print(f"{act:<11} {row[0]} {row[1]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gridsweep")
    ap.add_argument("--starts", type=int, default=20)
    ap.add_argument("--long-steps", type=int, default=1000)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    gs = args.gridsweep

    rng = np.random.default_rng(20240611)
    centres = np.array([[1, 0.5, 1, -0.5], [1, 0.5, 1, 0]], dtype=np.float64)
    starts = np.concatenate([
        centres[k % 2] + rng.uniform(-0.3, 0.3, size=4) for k in range(args.starts)
    ]).reshape(args.starts, 4).astype(np.float32)
    starts_l = starts.tolist()

    pool = ThreadPoolExecutor(max_workers=2)
    problems = []

    # 1. 20 steps: parameters
    x_shared = samples(gs, args.long_steps, SHARED_SEED)
    x_grid = midpoints(BATCH, GRID_LO, GRID_HI)[None, :]
    print(f"{SHORT_STEPS} steps: max |param difference| over {args.starts} starts")
    print(f"{'activation':<11} {'grid':>10} {'shared':>10}")
    for act in ACTS:
        row = []
        for sampling, xs, data in (("grid", x_grid, (GRID_LO, GRID_HI)),
                                   ("shared", x_shared[:SHORT_STEPS], (LO, HI))):
            tp, _ = torch_train(act, starts_l, xs, SHORT_STEPS)
            futs = [pool.submit(trace, gs, act, s, SHORT_STEPS, sampling, SHARED_SEED, data)
                    for s in starts_l]
            gp = np.array([f.result()[0] for f in futs])
            diff = np.abs(gp - tp)
            worst = float(np.max(diff))
            row.append(worst)
            if not worst <= PARAM_TOL:
                i, k = np.unravel_index(np.argmax(diff), diff.shape)
                problems.append(
                    f"{act} {sampling}: after {SHORT_STEPS} steps from {starts_l[i]} param "
                    f"{'abcd'[k]} is {gp[i, k]:.9g} (gridsweep) vs {tp[i, k]:.9g} (torch)")
        print(f"{act:<11} {row[0]:10.3g} {row[1]:10.3g}")

    # 6. the sorted method, the same short runs
    check_sorted(gs, starts_l, x_grid, x_shared, pool, problems)
    # 3. targets, distributions, per-layer rates (first: quick)
    check_targets(gs, starts_l, pool, problems)
    # 4. the optimizer constants, full batch
    check_constants(gs, pool, problems)
    # 5. torch's rounding, many starts, full batch
    check_random_starts(gs, pool, problems)

    # 2. long runs: outcomes
    steps = args.long_steps
    tot_agree = tot_clear = tot_runs = 0
    print(f"\n{steps} steps, shared sampling seed {SHARED_SEED}: outcome agreement "
          f"(clear runs; all runs)")
    for act in ACTS:
        futs = [pool.submit(trace, gs, act, s, steps, "shared", SHARED_SEED) for s in starts_l]
        tp, tl = torch_train(act, starts_l, x_shared, steps)
        agree = clear_n = agree_all = 0
        for i, s in enumerate(starts_l):
            gp, meta = futs[i].result()
            out, wl, clear = judge(act, tp[i], tl[:, i], steps)
            clear = clear and gridsweep_clear(act, meta, gp, steps)
            same = out == meta["outcome"]
            agree_all += same
            if clear:
                clear_n += 1
                agree += same
                if not same:
                    problems.append(
                        f"{act} from {[round(v, 6) for v in s]}: {steps} steps give "
                        f"{meta['outcome']} (window {meta['window_loss']}) in gridsweep but "
                        f"{out} (window {wl:.6g}) in torch")
            if args.verbose or (not same and not clear):
                print(f"  {act} {[round(v, 4) for v in s]}: gridsweep {meta['outcome']} "
                      f"{float(meta['window_loss']):.5f}, torch {out} {wl:.5f}"
                      f"{'' if clear else ' (not clear)'}")
        tot_agree += agree
        tot_clear += clear_n
        tot_runs += len(starts_l)
        print(f"{act:<11} {agree}/{clear_n} clear agree; {agree_all}/{len(starts_l)} overall")
    print(f"total: {tot_agree}/{tot_clear} clear runs agree ({tot_runs} runs)")
    pool.shutdown()
    if tot_clear < tot_runs // 2:
        problems.append(f"only {tot_clear} of {tot_runs} long runs were clear enough to compare")
    if problems:
        for p in problems:
            print(f"torch_agree: DISAGREE: {p}", file=sys.stderr)
        fail(f"{len(problems)} disagreement(s) between gridsweep and torch")
    print("torch_agree: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
