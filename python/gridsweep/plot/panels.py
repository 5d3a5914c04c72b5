"""Map panels: axis labels, ranges and log ticks, the discussion's two starting
points marked where they lie on the plane, and the outcome and loss images
themselves, reduced to the panel's pixels without aliasing (raster.py)."""
import numpy as np

from ..maps.header import PARAMS, fmt

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


def log_loss(m):
    """log10(final_loss) of map m (-inf for a loss of 0, NaN/inf where non-finite)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(m.final_loss)


def loss_range(logs):
    """A shared colour range for log10(final_loss) arrays: their finite span,
    at most 12 decades (a loss of exactly 0 must not flatten the scale)."""
    finite = [lg[np.isfinite(lg)] for lg in logs]
    if any(f.size for f in finite):
        vmin = min(float(f.min()) for f in finite if f.size)
        vmax = max(float(f.max()) for f in finite if f.size)
    else:
        vmin, vmax = -3.0, 0.0
    vmin = max(vmin, vmax - 12)
    if vmax - vmin < 1e-6:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    return vmin, vmax


def draw_outcomes(fig, ax, m, t_range, dpi):
    """The outcome image of map m in ax, reduced to the panel's pixels by
    majority (raster.py); returns what was drawn, for tests."""
    from . import palette, raster
    from ..maps import vocab
    ky, kx = raster.factors(fig, ax, m.nx, m.ny, dpi)
    outcome = raster.majority(m.outcome, ky, kx)
    shaded = np.isin(m.outcome, (vocab.outcome_code(palette.CONVERGED),
                                 vocab.outcome_code(palette.DIVERGED)))
    t_shade = raster.block_mean(m.t_shade.astype(np.float64), ky, kx, mask=shaded)
    img = palette.rgba_outcomes(outcome, t_shade, t_range)
    # origin='lower': iy grows upwards, like the parameter on the y axis.
    ax.imshow(img, origin="lower", extent=raster.block_extent(m.extent(), m.nx, m.ny, ky, kx),
              aspect="auto", interpolation="nearest")
    return _drawn(fig, ax, dpi, img.shape[:2], (ky, kx))


def draw_loss(fig, ax, m, logl, vmin, vmax, cmap, dpi):
    """log10(final_loss) of map m in ax, reduced by block means of the finite
    values (-inf, a loss of 0, counts as vmin); non-finite blocks take the
    colour map's 'bad' colour, cells a band does not hold stay blank.
    Returns (image, what was drawn, whether everything drawn is finite)."""
    from . import palette, raster
    ky, kx = raster.factors(fig, ax, m.nx, m.ny, dpi)
    shown = raster.block_mean(np.where(np.isneginf(logl), vmin, logl), ky, kx)
    ext = raster.block_extent(m.extent(), m.nx, m.ny, ky, kx)
    im = ax.imshow(np.ma.masked_invalid(shown), origin="lower", extent=ext, aspect="auto",
                   cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    finite = np.isfinite(shown)
    veil = palette.missing_veil(raster.majority(m.outcome, ky, kx))
    if veil is not None:   # cells a tile does not hold: blank, as on the left
        ax.imshow(veil, origin="lower", extent=ext, aspect="auto", interpolation="nearest")
        finite |= veil[..., 3] > 0
    return im, _drawn(fig, ax, dpi, shown.shape, (ky, kx)), bool(finite.all())


def _drawn(fig, ax, dpi, shape, blocks):
    """What a map panel got: its size in pixels, its box in the saved image
    (left, top, right, bottom; rows counted from the top), the cells drawn
    (rows, columns) and the block size (ky, kx) they were reduced by."""
    from . import raster
    w, h = raster.panel_inches(fig, ax)
    fw, fh = fig.get_size_inches() * dpi
    pos = ax.get_position()
    box = (pos.x0 * fw, fh - pos.y1 * fh, pos.x1 * fw, fh - pos.y0 * fh)
    return {"px": (int(w * dpi), int(h * dpi)), "box": tuple(round(float(v), 2) for v in box),
            "cells": tuple(shape), "blocks": blocks}
