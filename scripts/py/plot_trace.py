"""plot-trace TRACE.csv [-o PNG]: one training run from `gridsweep trace`.

Left: the learned function c*f(a*x+b)+d at each snapshot step over the target
relu(x). Right: the training loss per recorded step (log scale), with the outcome."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import gsmap  # noqa: E402
except ImportError as e:   # e.g. a numpy built for another Python
    sys.stderr.write(f"plot-trace: cannot import {e.name or 'a module'}: {e} "
                     "(install the Debian packages python3-numpy python3-matplotlib)\n")
    sys.exit(1)

NAME = "plot-trace"
COLUMNS = ["kind", "step", "a", "b", "c", "d", "loss", "x", "yhat", "y"]
RESULT_KEYS = ("outcome", "window_loss", "final_loss", "lin_err", "spread", "t_conv")


class Trace:
    """A trace file: header, parameter rows, snapshot curves, the outcome lines."""

    def __init__(self, path):
        self.path = path
        with gsmap.open_checked(path) as f:
            header, columns, start = gsmap.read_header(f, path, gsmap.TRACE_MAGIC,
                                                       "a gridsweep trace")
            f.seek(start)
            body = f.read()
        if columns != COLUMNS:
            raise gsmap.GsError(f"{path}: not a gridsweep trace (unexpected columns)")
        if body and not body.endswith(b"\n"):
            raise gsmap.GsError(f"{path}: truncated trace (torn last line)")
        self.header = header
        self.result = {}
        self.params = []   # (step, a, b, c, d, loss or None)
        self.curves = {}   # step -> ([x], [yhat], [y])
        try:
            text = body.decode()
        except UnicodeDecodeError:
            raise gsmap.GsError(f"{path}: not a gridsweep trace (not text)") from None
        for no, line in enumerate(text.splitlines(), 1):
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                self.result[key.strip()] = value.strip()
                continue
            if self.result:
                raise gsmap.GsError(f"{path}: rows after the outcome lines")
            f = line.split(",")
            try:
                if len(f) != len(COLUMNS):
                    raise ValueError
                step = int(f[1])
                if f[0] == "param":
                    self.params.append((step, *map(float, f[2:6]),
                                        float(f[6]) if f[6] else None))
                elif f[0] == "curve":
                    c = self.curves.setdefault(step, ([], [], []))
                    for lst, v in zip(c, f[7:10]):
                        lst.append(float(v))
                else:
                    raise ValueError
            except ValueError:
                raise gsmap.GsError(f"{path}: data line {no} is not a trace row") from None
        missing = [k for k in RESULT_KEYS if k not in self.result]
        if missing:
            raise gsmap.GsError(f"{path}: truncated trace (no '# {missing[0]}:' line at the end)")
        if not self.params:
            raise gsmap.GsError(f"{path}: trace has no parameter rows")

    def settings_text(self):
        h = self.header
        return (f"{h.get('steps', '?')} steps, batch {h.get('batch', '?')} "
                f"({h.get('sampling', '?')}), {h.get('opt', '?')} lr {h.get('lr', '?')}, "
                f"{h.get('loss', '?')} loss, seed {h.get('seed', '?')}")


def draw(t, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(13, 5.6))
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.11, top=0.83, wspace=0.2)
    steps = sorted(t.curves)
    colors = plt.get_cmap("plasma")(np.linspace(0.05, 0.85, max(1, len(steps))))
    target = None
    for color, step in zip(colors, steps):
        x, yhat, y = (np.array(v) for v in t.curves[step])
        ax0.plot(x, yhat, color=color, lw=2, label=f"step {step}")
        target = (x, y)
    if target is not None:
        ax0.plot(*target, color="black", lw=1.5, ls="--", label="target relu(x)", zorder=0)
    ax0.set_xlabel("x")
    ax0.set_ylabel("y")
    ax0.set_title("learned function c\u00b7f(a\u00b7x+b)+d at the snapshot steps", fontsize=10)
    ax0.legend(fontsize=9, loc="upper left")
    ax0.grid(alpha=0.3)

    pts = [(p[0], p[5]) for p in t.params if p[5] is not None]
    if pts:
        s, loss = np.array(pts).T
        ax1.plot(s, loss, color="#444444", lw=1.2, label="training loss (batch)")
    if all(v > 0 for _, v in pts) and pts:
        ax1.set_yscale("log")
    r = t.result
    tol = t.header.get("tol")
    if tol:
        ax1.axhline(float(tol), color=gsmap.OUTCOME_COLORS["converged"], ls=":", lw=1.2,
                    label=f"tol {tol}")
    tc = r.get("t_conv", "-1")
    if tc not in ("", "-1"):
        ax1.axvline(float(tc), color=gsmap.OUTCOME_COLORS["converged"], ls="--", lw=1.2,
                    label=f"t_conv {tc}")
    ax1.set_xlabel("step")
    ax1.set_ylabel(f"{t.header.get('loss', '')} loss")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=9, loc="best")
    outcome = r.get("outcome", "?")
    ax1.set_title(f"outcome: {outcome}   (final_loss {r.get('final_loss', '?')}, "
                  f"t_conv {tc})", fontsize=10.5,
                  color=gsmap.OUTCOME_COLORS.get(outcome, "black"), fontweight="bold")
    init = t.header.get("init", "?").replace(",", ", ")
    fig.suptitle(f"{t.header.get('act', '?')}: training from (a,b,c,d) = ({init})\n"
                 f"{t.settings_text()}", fontsize=12)
    gsmap.save_figure(fig, out)


def main():
    p = gsmap.make_parser(NAME, "Draw a gridsweep trace: the learned function and the loss.")
    p.add_argument("trace", metavar="TRACE.csv")
    p.add_argument("-o", "--output", metavar="PNG", help="output file (default: TRACE.png)")
    args = p.parse_args()
    out = gsmap.output_path(args.output, args.trace)
    draw(Trace(args.trace), out)


if __name__ == "__main__":
    gsmap.run(NAME, main)
