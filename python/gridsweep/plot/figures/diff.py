"""plot-diff A.csv B.csv [-o FIG] [--dpi N]: the transition matrix between two
maps of one plane as a labelled heatmap.

P(i -> j) is the share of the cells with outcome i in A that have outcome j in
B (each row sums to 1; the row of an outcome A lacks is empty). The counts come
from `gridsweep diff --json`, so the figure shows exactly what the command
prints; each cell is annotated with P and its cell count."""
import json
import os
import subprocess

from .. import output
from ...maps import vocab
from ...maps.cli import RUN_FAULT, GsError

NAME = "plot-diff"
SUMMARY = "The transition matrix P(i -> j) between two maps of one plane."
SUFFIX = ".png"


def add_arguments(p):
    p.add_argument("a", metavar="A.csv")
    p.add_argument("b", metavar="B.csv", help="a map of the same plane")
    output.add_arguments(p, "either map", "A.png")


def inputs(args):
    return [args.a, args.b]


def load(args):
    return transitions(args.a, args.b)


def transitions(a, b):
    """gridsweep diff A B --json, checked: (outcome names, counts matrix)."""
    exe = vocab.binary()
    try:
        done = subprocess.run([exe, "diff", a, b, "--json"], capture_output=True, check=False)
    except OSError as e:
        raise GsError(f"cannot run {exe}: {e.strerror or e}", RUN_FAULT) from None
    why = done.stderr.decode(errors="replace").strip().splitlines()
    if done.returncode != 0:   # gridsweep said why in one line: pass it on
        msg = why[-1] if why else f"gridsweep diff failed (exit {done.returncode})"
        raise GsError(msg.removeprefix("gridsweep: "), done.returncode if done.returncode in
                      (1, 2) else RUN_FAULT)
    try:
        d = json.loads(done.stdout)
        names, counts = d["outcomes"], d["counts"]
    except (ValueError, KeyError):
        raise GsError(f"{exe} diff --json did not print its JSON", RUN_FAULT) from None
    if list(names) != list(vocab.outcome_names()):
        raise GsError(f"{exe} diff --json: outcomes differ from --list outcomes", RUN_FAULT)
    return names, counts, d


def draw(diff, out, dpi=None):
    """Draws the transition matrix into out; returns {"dpi"}."""
    import matplotlib.pyplot as plt
    import numpy as np

    names, counts, d = diff
    title = (f"P(i \u2192 j): {d['changed']} of {d['cells']} cells change "
             f"({100 * d['changed_fraction']:.2f}%)")
    c = np.array(counts, float)
    rows = c.sum(axis=1, keepdims=True)
    p = np.divide(c, rows, out=np.full_like(c, np.nan), where=rows > 0)
    n = len(names)
    fig, ax = plt.subplots(figsize=(1.3 * n + 3.2, 1.1 * n + 2.4))
    im = ax.imshow(np.ma.masked_invalid(p), cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_yticklabels([f"{name} ({int(rows[i, 0])})" for i, name in enumerate(names)])
    ax.set_xlabel(f"outcome in B: {os.path.basename(d['b'])}")
    ax.set_ylabel(f"outcome in A: {os.path.basename(d['a'])} (cells)")
    for i in range(n):
        for j in range(n):
            if rows[i, 0] > 0:
                ax.text(j, i, f"{p[i, j]:.2f}\n{int(c[i, j])}", ha="center", va="center",
                        fontsize=8, color="white" if p[i, j] < 0.6 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="P(i \u2192 j)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    output.save_figure(fig, out, dpi)
    return {"dpi": dpi}
