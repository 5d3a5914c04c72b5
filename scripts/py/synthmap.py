"""synthmap.py OUT.csv [--act A] [--res N[,M]] [--x P:LO:HI[:log]] [--y ...]
[--at a=1,c=1] [--tile K/N] [--seed S]: writes a synthetic basin map in the exact
gridsweep map format (docs/formats.md), for testing the plot scripts without
running a sweep. The outcomes follow a made-up but map-like pattern."""
import argparse
import math
import random

PARAMS = ("a", "b", "c", "d", "lr")
COLUMNS = "ix,iy,a0,b0,c0,d0,lr,a,b,c,d,window_loss,final_loss,lin_err,spread,outcome,t_conv"


def f32(v):
    """'%.9g' of v rounded to float32, as gridsweep prints its floats."""
    import struct
    if not math.isfinite(v):
        return "inf" if v > 0 else ("-inf" if v < 0 else "nan")
    return "%.9g" % struct.unpack("f", struct.pack("f", v))[0]


def axis_values(spec, n):
    parts = spec.split(":")
    lo, hi = float(parts[1]), float(parts[2])
    if len(parts) == 4:
        a, b = math.log10(lo), math.log10(hi)
        return parts[0], [10 ** (a + (i + 0.5) * (b - a) / n) for i in range(n)]
    return parts[0], [lo + (i + 0.5) * (hi - lo) / n for i in range(n)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--act", default="relu")
    p.add_argument("--res", default="32")
    p.add_argument("--x", default="b:-2:2")
    p.add_argument("--y", default="d:-2:2")
    p.add_argument("--at", default=None)
    p.add_argument("--tile", default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=1000)
    a = p.parse_args()
    res = [int(v) for v in a.res.split(",")]
    nx, ny = (res[0], res[0]) if len(res) == 1 else res
    xp, xs = axis_values(a.x, nx)
    yp, ys = axis_values(a.y, ny)
    start = {"a": 1.0, "b": 0.0, "c": 1.0, "d": 0.0, "lr": 0.1}
    if a.at:
        for item in a.at.split(","):
            k, v = item.split("=")
            start[k] = float(v)
    at = ",".join(f"{k}={f32(start[k])}" for k in PARAMS if k not in (xp, yp))
    lo, hi = 0, ny
    if a.tile:
        k, n = (int(v) for v in a.tile.split("/"))
        lo, hi = ny * (k - 1) // n, ny * k // n
    settings = [("loss", "mae"), ("huber_delta", "1"), ("opt", "adam"), ("beta1", "0.9"),
                ("beta2", "0.999"), ("eps", "1e-08"), ("momentum", "0.9"), ("alpha", "0.99"),
                ("steps", str(a.steps)), ("batch", "256"), ("data", "-0.5:0.5"),
                ("sampling", "shared"), ("seed", str(a.seed)), ("window", "0.1"),
                ("tol", "0.03"), ("dead_tol", "0.001"), ("linear_tol", "0.001"),
                ("eval_points", "1024")]
    args = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in settings)
    lines = ["# gridsweep-map 1", "# version: 0.1.0", "# sleef: 3.5.1",
             f"# command: gridsweep --act {a.act} --x {a.x} --y {a.y} --at {at} "
             f"--res {nx},{ny} {args}",
             f"# act: {a.act}", f"# x: {a.x}", f"# y: {a.y}", f"# res: {nx},{ny}", f"# at: {at}"]
    lines += [f"# {k}: {v}" for k, v in settings]
    lines.append(f"# cells: {nx * ny}")
    if a.tile:
        lines.append(f"# tile: {a.tile} rows={lo}:{hi}")
    lines.append(COLUMNS)
    rng = random.Random(hash(a.act) % 1000 + a.seed)
    shift = {"relu": 0.0, "elu": 0.3, "selu": -0.4, "softplus": 0.6}.get(a.act, 0.1)
    for iy in range(lo, hi):
        for ix in range(nx):
            pt = dict(start)
            pt[xp], pt[yp] = xs[ix], ys[iy]
            u = (ix + 0.5) / nx * 4 - 2
            v = (iy + 0.5) / ny * 4 - 2
            r = rng.random()
            t = -1
            if u < -0.5 + shift * 0.3:
                out, loss = "dead", 0.125 + 0.01 * r
            elif u > 0.6 + 0.3 * math.sin(3 * v) + shift:
                out, loss = "linear", 0.0625
            elif abs(v) > 1.8 and u > 0:
                out, loss = "diverged", float("inf") if r < 0.5 else float("nan")
            elif abs(v - 0.3 * u) < 0.8 + 0.2 * math.cos(4 * u) - shift * 0.5:
                out, loss = "converged", 1e-3 * 10 ** (r + abs(v))
                t = int((100 + 700 * abs(v) + 50 * r) * a.steps / 1000)
            else:
                out, loss = "stuck", 0.03 + 0.02 * r
            row = [str(ix), str(iy)] + [f32(pt[k]) for k in PARAMS]
            row += [f32(pt["a"] * 1.01), f32(pt["b"]), f32(0.9), f32(pt["d"] * 0.1),
                    f32(loss * 1.01), f32(loss), f32(r * 1e-4), f32(0.2 + r * 0.01), out, str(t)]
            lines.append(",".join(row))
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
