"""Axis labels, ranges and log ticks of a map panel, and the discussion's two
starting points marked where they lie on the plane."""
import numpy as np

from .header import PARAMS, fmt

# The discussion's two starting points (a, b, c, d, lr).
DISCUSSION_POINTS = (
    (1.0, 0.5, 1.0, -0.5, 0.1),
    (1.0, 0.5, 1.0, 0.0, 0.1),
)
POINT_MARKERS = ("o", "s")


def same_value(u, v):
    """Header values are float32 printed with 9 digits: compare loosely."""
    return abs(u - v) <= 1e-6 * max(1.0, abs(u), abs(v))


def points_in_plane(m):
    """The discussion's starting points that lie on map m's plane."""
    out = []
    for p in DISCUSSION_POINTS:
        vals = dict(zip(PARAMS, p))
        vals["lr_in"] = vals["lr_out"] = vals["lr"]   # the points train both layers at lr
        if all(same_value(m.at[k], vals[k]) for k in m.at if k in vals) and \
                m.x.contains(vals[m.x.param]) and m.y.contains(vals[m.y.param]):
            label = "(a,b,c,d) = (" + ", ".join(fmt(v) for v in p[:4]) + ")"
            out.append((m.x.to_plot(vals[m.x.param]), m.y.to_plot(vals[m.y.param]), label))
    return out


def log_ticks(ax_axis, lo, hi):
    """Ticks for a log10-coordinate axis, labelled with the parameter values."""
    from matplotlib.ticker import FixedLocator, FuncFormatter
    a, b = np.log10(lo), np.log10(hi)
    majors = [float(e) for e in range(int(np.ceil(a)), int(np.floor(b)) + 1)]
    minors = []
    for e in range(int(np.floor(a)), int(np.ceil(b)) + 1):
        for m in range(2, 10):
            v = np.log10(m) + e
            if a <= v <= b:
                minors.append(v)
    if len(majors) < 2:   # less than a decade or two: 1-2-5 ticks instead
        majors = [v for v in (np.log10(m) + e for e in range(int(np.floor(a)), int(np.ceil(b)) + 1)
                              for m in (1, 2, 5)) if a <= v <= b]
    ax_axis.set_major_locator(FixedLocator(majors))
    ax_axis.set_minor_locator(FixedLocator(minors))
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{10 ** v:.3g}"))


def setup_axes(ax, m):
    """Labels, ranges and log ticks for a panel showing map m."""
    ax.set_xlabel(m.x.label())
    ax.set_ylabel(m.y.label())
    x0, x1, y0, y1 = m.extent()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if m.x.log:
        log_ticks(ax.xaxis, m.x.lo, m.x.hi)
    if m.y.log:
        log_ticks(ax.yaxis, m.y.lo, m.y.hi)


def mark_points(ax, m, with_labels=True):
    for i, (px, py, label) in enumerate(points_in_plane(m)):
        ax.plot(px, py, POINT_MARKERS[i % 2], ms=8, mfc="white", mec="black", mew=1.5,
                label=label if with_labels else None, zorder=5)
