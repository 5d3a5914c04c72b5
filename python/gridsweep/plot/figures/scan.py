"""plot-scan DIR[/scan.csv] [-o FIG] [--dpi N]: basin fractions against the
scanned setting, from `gridsweep scan` (docs/formats.md, "Scan table").

Left: one fraction curve per outcome (markers at the scanned values); right:
the same fractions as stacked areas, as Attractors.jl's basin-fraction plots
draw a continuation. The x axis is logarithmic for a `:log` scan and the
values' order for a list of non-numbers (activations). Outcome names come from
the binary, colours from the shared palette."""
import os

from .. import output, palette
from ...maps import vocab
from ...maps.cli import GsError

NAME = "plot-scan"
SUMMARY = "Basin fractions against the setting a gridsweep scan varied."
SUFFIX = ".png"


def _table(path):
    return os.path.join(path, "scan.csv") if os.path.isdir(path) else path


def add_arguments(p):
    p.add_argument("table", metavar="DIR|scan.csv", help="a gridsweep scan directory or its scan.csv")
    output.add_arguments(p, "the table", "scan.png beside it")


def inputs(args):
    return [_table(args.table)]


def load(args):
    return Scan(_table(args.table))


MAGIC = "# gridsweep-scan 1"


def number(text):
    """A finite float, or None."""
    try:
        v = float(text)
    except ValueError:
        return None
    return v if v == v and abs(v) != float("inf") else None


class Scan:
    """scan.csv: its '#' keys, its parameter, and per value the fractions."""

    def __init__(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise GsError(f"{path}: {getattr(e, 'strerror', None) or e}") from None
        if not lines or lines[0] != MAGIC:
            raise GsError(f"{path}: not a gridsweep scan table (line 1 is not '{MAGIC}')")
        self.keys, k = {}, 1
        while k < len(lines) and lines[k].startswith("#"):
            key, sep, value = lines[k][2:].partition(": ")
            if not sep:
                raise GsError(f"{path}: line {k + 1}: expected '# key: value'")
            self.keys[key] = value
            k += 1
        self.param = self.keys.get("param")
        self.scale = self.keys.get("scale")
        if not self.param or self.scale not in ("linear", "log", "list"):
            raise GsError(f"{path}: the header needs 'param' and 'scale' (linear, log or list)")
        self.outcomes = vocab.outcome_names()
        want = [self.param, "map", *self.outcomes, "sb", "sbb", "dim", "dim_err"]
        if k >= len(lines) or lines[k].split(",") != want:
            raise GsError(f"{path}: line {k + 1}: expected the column line '{','.join(want)}'")
        self.values, self.fractions = [], []
        for n, line in enumerate(lines[k + 1:], start=k + 2):
            fields = line.split(",")
            if len(fields) != len(want):
                raise GsError(f"{path}: line {n}: {len(fields)} fields, expected {len(want)}")
            frac = [number(v) for v in fields[2:2 + len(self.outcomes)]]
            if any(v is None or not 0 <= v <= 1 for v in frac):
                raise GsError(f"{path}: line {n}: a fraction that is not a number in [0, 1]")
            self.values.append(fields[0])
            self.fractions.append(frac)
        if not self.values:
            raise GsError(f"{path}: no rows")
        nums = [number(v) for v in self.values]
        self.numeric = self.scale != "list" or all(v is not None for v in nums)
        self.x = nums if self.numeric else list(range(len(self.values)))
        if self.scale == "log" and any(v <= 0 for v in self.x):
            raise GsError(f"{path}: a log scan with a value <= 0")


def draw(scan, out, dpi=None):
    """Draws the scan into out; returns {"dpi"}."""
    import matplotlib.pyplot as plt
    import numpy as np

    order = np.argsort(scan.x, kind="stable") if scan.numeric else np.arange(len(scan.x))
    x = np.array(scan.x, float)[order]
    frac = np.array(scan.fractions, float)[order].T    # outcome x value
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(13, 5.2))
    fig.subplots_adjust(left=0.06, right=0.86, bottom=0.14, top=0.86, wspace=0.18)
    colors = [palette.outcome_color(n) for n in scan.outcomes]
    for name, color, f in zip(scan.outcomes, colors, frac):
        ax0.plot(x, f, marker="o", ms=4, lw=1.6, color=color, label=name)
    ax1.stackplot(x, frac, colors=colors, labels=scan.outcomes, alpha=0.9)
    for ax, what in ((ax0, "basin fractions"), (ax1, "stacked")):
        if scan.scale == "log":
            ax.set_xscale("log")
        if not scan.numeric:
            ax.set_xticks(x)
            ax.set_xticklabels([scan.values[i] for i in order])
        ax.set_xlabel(scan.param + (" (log)" if scan.scale == "log" else ""))
        ax.set_ylim(0, 1)
        if len(x) > 1:
            ax.set_xlim(x.min(), x.max())
        ax.set_title(what, fontsize=10)
        ax.grid(alpha=0.3)
    ax0.set_ylabel("fraction of the cells")
    ax1.legend(handles=palette.legend_handles(), loc="upper left", bbox_to_anchor=(1.01, 1),
               fontsize=9, frameon=False)
    fig.suptitle(f"basin fractions over {scan.param} ({len(scan.values)} maps)", fontsize=11)
    output.save_figure(fig, out, dpi)
    return {"dpi": dpi}
