#!/usr/bin/python3
"""How fast the explorer draws a view: starts `gridsweep serve` (no cache, a
free port) and asks for a view as the page does, a coarse 32 x 32 picture of
the whole view and then its 32 x 32-cell tiles, nearest the centre first,
over 6 connections (a browser's limit per server). Prints the time to the
coarse picture and to the last tile, the best of --reps runs.
    bench_serve.py [--gridsweep PATH] [--res N] [--act NAME] [--reps N] [--workers N]"""
import argparse
import concurrent.futures as cf
import math
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

TILE = 32


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gridsweep", default=os.path.join(here, "..", "build", "src", "gridsweep"))
    ap.add_argument("--res", type=int, default=256)
    ap.add_argument("--act", default="relu")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=0, help="serve --workers (default: its own)")
    a = ap.parse_args()
    cmd = [a.gridsweep, "serve", "--port", "0", "--no-cache"]
    if a.workers:
        cmd += ["--workers", str(a.workers)]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    m = re.match(r"gridsweep: serving (http://[^/]+)/\?token=(\w+)", server.stdout.readline())
    if not m:
        sys.exit("bench_serve: the server did not start")
    base, token = m.groups()
    try:
        best = None
        for rep in range(a.reps):
            r = run_view(base, token, a.res, a.act, f"bench{rep}")
            print(f"run {rep + 1}: coarse {r[0] * 1000:.0f} ms, complete {r[1] * 1000:.0f} ms "
                  f"({r[2]} tiles)")
            best = r if best is None or r[1] < best[1] else best
        print(f"{a.act} {a.res}x{a.res}, default settings, {os.cpu_count()} cores: first coarse "
              f"picture {best[0] * 1000:.0f} ms, complete {best[1] * 1000:.0f} ms (best of "
              f"{a.reps})")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait()


def fmt(v):
    return repr(float(f"{v:.15g}")).removesuffix(".0")


def run_view(base, token, res, act, client):
    # A different seed each run: nothing is reused between runs.
    seed = int(time.time() * 1000) % 1000000

    def get(x0, x1, y0, y1, nx, ny):
        q = urllib.parse.urlencode({"token": token, "act": act, "seed": seed, "client": client,
                                    "x": f"b:{fmt(x0)}:{fmt(x1)}", "y": f"d:{fmt(y0)}:{fmt(y1)}",
                                    "res": f"{nx},{ny}"})
        with urllib.request.urlopen(f"{base}/api/tile?{q}") as r:
            return r.read()

    edge = lambda c: -2 + 4 * c / res  # noqa: E731 - the view's edges, b and d in [-2, 2]
    tiles = [(cx, cy) for cy in range(0, res, TILE) for cx in range(0, res, TILE)]
    tiles.sort(key=lambda t: math.hypot(t[0] + TILE / 2 - res / 2, t[1] + TILE / 2 - res / 2))
    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(6) as pool:
        coarse = pool.submit(get, -2, 2, -2, 2, min(TILE, res), min(TILE, res))
        futs = [pool.submit(get, edge(cx), edge(min(cx + TILE, res)), edge(cy),
                            edge(min(cy + TILE, res)), min(TILE, res - cx), min(TILE, res - cy))
                for cx, cy in tiles]
        coarse.result()
        t_coarse = time.perf_counter() - t0
        for f in futs:
            f.result()
    return t_coarse, time.perf_counter() - t0, len(tiles)


if __name__ == "__main__":
    main()
