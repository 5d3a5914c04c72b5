"""Maps drawn without aliasing. A figure panel has a fixed number of pixels;
a map with more cells than that is reduced to one value per block of
ky x kx cells before it is drawn, never thinned by taking every k-th cell
(which keeps one cell in k and draws a fractal boundary as noise):

  categories (outcomes)   the majority over the block's cells; a tie goes to
                          the outcome with the lowest code (the first in
                          `gridsweep --list outcomes`); MISSING (a band's
                          absent rows) counts as a category and loses ties;
  continuous fields       the mean of the block's finite values (NaN when it
                          has none, drawn as non-finite).

Blocks at the right and top edges may be partial; they are reduced over the
cells they hold. The default resolution (choose_dpi) gives every cell of a
map up to FULL_CELLS wide at least one pixel, so such maps are never reduced."""
import math

import numpy as np

DEFAULT_DPI = 110     # the figures' resolution when the map does not need more
FULL_CELLS = 1024     # maps up to this many cells per axis get >= 1 pixel per cell
MAX_DPI = 2400


def _blocks(a, ky, kx, fill):
    """a (ny, nx) padded with fill to whole blocks, as (cy, ky, cx, kx)."""
    ny, nx = a.shape
    cy, cx = -(-ny // ky), -(-nx // kx)
    if cy * ky != ny or cx * kx != nx:
        padded = np.full((cy * ky, cx * kx), fill, dtype=a.dtype)
        padded[:ny, :nx] = a
        a = padded
    return a.reshape(cy, ky, cx, kx)


def majority(codes, ky, kx):
    """(ny, nx) uint8 category codes -> (ceil(ny/ky), ceil(nx/kx)): the most
    frequent code of each block, ties to the lowest code."""
    if ky == 1 and kx == 1:
        return codes
    valid = _blocks(np.ones(codes.shape, bool), ky, kx, False)
    blocks = _blocks(codes, ky, kx, 0)
    best = np.zeros((blocks.shape[0], blocks.shape[2]), np.uint8)
    best_count = np.full(best.shape, -1, np.int64)
    for code in np.unique(codes):     # ascending: a later code must beat, not tie
        count = ((blocks == code) & valid).sum(axis=(1, 3))
        better = count > best_count
        best[better] = code
        best_count[better] = count[better]
    return best


def block_mean(values, ky, kx, mask=None):
    """(ny, nx) values -> the mean of each block's finite values (those where
    mask is true, if given), NaN for a block without any."""
    if ky == 1 and kx == 1:
        if mask is None:
            return values
        return np.where(mask, values, np.nan)
    use = np.isfinite(values)
    if mask is not None:
        use &= mask
    v = _blocks(np.where(use, values, 0).astype(np.float64), ky, kx, 0.0)
    n = _blocks(use, ky, kx, False).sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, v.sum(axis=(1, 3)) / np.maximum(n, 1), np.nan)


def panel_inches(fig, ax):
    """Width and height of an axes in inches (its position is final once the
    colourbars have taken their room)."""
    pos = ax.get_position()
    w, h = fig.get_size_inches()
    return pos.width * w, pos.height * h


def choose_dpi(fig, axes, nx, ny, dpi=None):
    """dpi if given; else DEFAULT_DPI, raised as far as needed for every map
    panel to hold min(n, FULL_CELLS) pixels along each axis (plus one, for
    rounding)."""
    if dpi is not None:
        return float(dpi)
    need = DEFAULT_DPI
    for ax in axes:
        w, h = panel_inches(fig, ax)
        need = max(need, (min(nx, FULL_CELLS) + 1) / w, (min(ny, FULL_CELLS) + 1) / h)
    return float(min(MAX_DPI, math.ceil(need)))


def factors(fig, ax, nx, ny, dpi):
    """(ky, kx): the smallest blocks that leave at most one block per pixel of ax."""
    w, h = panel_inches(fig, ax)
    px, py = max(1, int(w * dpi)), max(1, int(h * dpi))
    return max(1, -(-ny // py)), max(1, -(-nx // px))


def block_extent(extent, nx, ny, ky, kx):
    """The plot extent of the reduced image: whole blocks, so the last, partial
    block reaches past the map's edge (the axes limits clip it there)."""
    x0, x1, y0, y1 = extent
    cx, cy = -(-nx // kx), -(-ny // ky)
    return (x0, x0 + (x1 - x0) * cx * kx / nx, y0, y0 + (y1 - y0) * cy * ky / ny)
