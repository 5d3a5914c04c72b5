"""plot-scan DIR/scan.csv [-o PNG]: basin fractions against the scanned
setting, from `gridsweep scan`.

Left: one fraction curve per outcome (markers at the scanned values); right:
the same fractions as stacked areas, as Attractors.jl's basin-fraction plots
draw a continuation. The x axis is logarithmic for a `:log` scan, the values'
order (categorical) for a list of non-numbers such as activations. Outcome
names and colours come from the binary and the shared palette."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from gridsweep_maps import cli, output, palette, vocab  # noqa: E402
    from gridsweep_maps.cli import GsError  # noqa: E402
except ImportError as e:   # e.g. a numpy built for another Python
    sys.stderr.write(f"plot-scan: cannot import {e.name or 'a module'}: {e} "
                     "(install the Debian packages python3-numpy python3-matplotlib)\n")
    sys.exit(1)

NAME = "plot-scan"
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


def draw(scan, out, title):
    import matplotlib
    matplotlib.use("Agg")
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
        ax.set_xlim(x.min(), x.max()) if len(x) > 1 else None
        ax.set_title(what, fontsize=10)
        ax.grid(alpha=0.3)
    ax0.set_ylabel("fraction of the cells")
    ax1.legend(handles=palette.legend_handles(), loc="upper left", bbox_to_anchor=(1.01, 1),
               fontsize=9, frameon=False)
    fig.suptitle(title, fontsize=11)
    output.save_figure(fig, out)


def main():
    p = cli.make_parser(NAME, "Basin fractions against the scanned setting (gridsweep scan).")
    p.add_argument("table", help="DIR/scan.csv from gridsweep scan (or DIR)")
    p.add_argument("-o", "--output", help="PNG to write (default: scan.png beside the table)")
    p.add_argument("--title", help="figure title (default: the scanned setting)")
    a = p.parse_args()
    table = os.path.join(a.table, "scan.csv") if os.path.isdir(a.table) else a.table
    out = output.output_path(a.output, table)
    output.check_output(out, [table])
    scan = Scan(table)
    draw(scan, out, a.title or f"basin fractions over {scan.param} ({len(scan.values)} maps)")


if __name__ == "__main__":
    cli.run(NAME, main)
