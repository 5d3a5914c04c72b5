"""plot-trace TRACE.csv [-o FIG] [--dpi N]: one training run from `gridsweep trace`.

Left: the learned function c*f(a*x+b)+d at each snapshot step over the target
relu(x). Right: the training loss per recorded step (log scale), with the outcome."""
from .. import output, palette, raster
from ...maps.trace import Trace

NAME = "plot-trace"
SUMMARY = "Draw a gridsweep trace: the learned function and the loss."
SUFFIX = ".png"


def add_arguments(p):
    p.add_argument("trace", metavar="TRACE.csv")
    output.add_arguments(p, "the trace", "TRACE.png")


def inputs(args):
    return [args.trace]


def load(args):
    return Trace(args.trace)


def draw(t, out, dpi=None):
    """Draws trace t into out; returns {"dpi"}."""
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
    if steps:
        ax0.legend(fontsize=9, loc="upper left")
    else:   # gridsweep.trace() keeps no snapshots
        ax0.text(0.5, 0.5, "no snapshot curves", ha="center", va="center",
                 transform=ax0.transAxes, color="#666666")
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
        ax1.axhline(float(tol), color=palette.outcome_color("converged"), ls=":", lw=1.2,
                    label=f"tol {tol}")
    tc = r.get("t_enter", "-1")
    if tc not in ("", "-1"):
        ax1.axvline(float(tc), color=palette.outcome_color("converged"), ls="--", lw=1.2,
                    label=f"t_enter {tc}")
    ax1.set_xlabel("step")
    ax1.set_ylabel(f"{t.header.get('loss', '')} loss")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=9, loc="best")
    outcome = r.get("outcome", "?")
    ax1.set_title(f"outcome: {outcome}   (final_loss {r.get('final_loss', '?')}, "
                  f"t_enter {tc})", fontsize=10.5,
                  color=palette.outcome_color(outcome), fontweight="bold")
    init = t.header.get("init", "?").replace(",", ", ")
    fig.suptitle(f"{t.header.get('act', '?')}: training from (a,b,c,d) = ({init})\n"
                 f"{t.settings_text()}", fontsize=12)
    dpi = raster.DEFAULT_DPI if dpi is None else dpi
    output.save_figure(fig, out, dpi)
    return {"dpi": dpi}
