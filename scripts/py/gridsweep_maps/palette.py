"""Outcome colours, fixed across all scripts so that a colour means the same
outcome in every figure, and the outcome image they paint."""
import numpy as np

from . import vocab
from .chunk import MISSING

OUTCOME_COLORS = {
    "converged": "#2ca02c",
    "stuck": "#ff7f0e",
    "linear": "#1f77b4",
    "dead": "#7f7f7f",
    "diverged": "#d62728",
}
# An outcome the binary knows and this table does not yet: still drawn, in
# colours no other outcome uses.
SPARE_COLORS = ("#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")
# Converged cells are shaded by t_conv: early = dark green, late = light green.
CONV_FAST = "#00441b"
CONV_SLOW = "#a1d99b"
CONVERGED = "converged"


def outcome_color(name):
    if name in OUTCOME_COLORS:
        return OUTCOME_COLORS[name]
    spare = [n for n, _ in vocab.outcomes() if n not in OUTCOME_COLORS]
    return SPARE_COLORS[spare.index(name) % len(SPARE_COLORS)] if name in spare else "black"


def rgba_outcomes(outcome, t_conv, t_range):
    """An (ny, nx, 4) uint8 image: outcome colours, converged shaded by t_conv."""
    from matplotlib.colors import to_rgba
    table = np.zeros((256, 4), np.uint8)          # MISSING stays transparent
    for name, code in vocab.outcomes():
        table[code] = np.round(np.array(to_rgba(outcome_color(name))) * 255)
    img = table[outcome]
    conv = outcome == vocab.outcome_code(CONVERGED)
    t = t_conv[conv].astype(np.float32)
    lo, hi = t_range
    frac = np.clip((t - lo) / max(hi - lo, 1), 0, 1)[:, None]
    fast = np.array(to_rgba(CONV_FAST)) * 255
    slow = np.array(to_rgba(CONV_SLOW)) * 255
    img[conv] = np.round(fast + (slow - fast) * frac).astype(np.uint8)
    return img


def missing_veil(outcome):
    """A white image over the cells a band does not hold, or None."""
    missing = outcome == MISSING
    if not missing.any():
        return None
    veil = np.zeros(missing.shape + (4,), np.uint8)
    veil[missing] = 255
    return veil


def conv_cmap():
    from matplotlib.colors import LinearSegmentedColormap
    return LinearSegmentedColormap.from_list("tconv", [CONV_FAST, CONV_SLOW])


def t_conv_range(maps):
    """Shared t_conv colour range over maps: 0 .. the latest convergence step."""
    hi = 1
    code = vocab.outcome_code(CONVERGED)
    for m in maps:
        conv = m.outcome == code
        if conv.any():
            hi = max(hi, int(m.t_conv[conv].max()))
    return 0, hi


def legend_handles():
    from matplotlib.patches import Patch
    return [Patch(facecolor=outcome_color(n), edgecolor="none", label=n)
            for n in vocab.outcome_names()]
