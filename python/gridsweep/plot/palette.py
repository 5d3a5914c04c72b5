"""Outcome colours, fixed across all figures so that a colour means the same
outcome everywhere, chosen to stay apart for colour-blind readers: every two
outcome colours (the converged shades included, and the white of cells a band
does not hold) differ by at least MIN_DELTA_E (CIEDE2000) in normal vision
and under simulated protanopia, deuteranopia and tritanopia (cvd.py;
checked by tests/cli/figures.sh), and converged is at least MIN_L_GAP
lighter than diverged (CIELAB L*), so the two read apart even in greyscale.

Colours come from Okabe and Ito (2008) and Paul Tol's schemes. An outcome
the table does not name (one the binary has gained since) takes the spare
colours in the binary's code order; past the spares they repeat, and the
palette test fails until the table names it."""
import numpy as np

from ..maps import vocab
from ..maps.chunk import MISSING

OUTCOME_COLORS = {
    "converged": "#009E73",   # Okabe-Ito bluish green (the slowest shade below)
    "stuck": "#E69F00",       # Okabe-Ito orange
    "linear": "#66CCEE",      # Tol cyan
    "dead": "#BBBBBB",        # Tol grey
    "diverged": "#000000",    # black: no other outcome is as dark
    "slow": "#AA4499",        # Tol purple
}
SPARE_COLORS = ("#CC3311", "#EEDD88", "#332288")   # Tol red, light yellow, indigo
# Converged cells are shaded by t_enter: early = dark green, late = the
# converged colour; diverged cells by t_diverge: early = black (the diverged
# colour), late = dark grey.
CONV_FAST = "#004D40"
CONV_SLOW = OUTCOME_COLORS["converged"]
DIV_FAST = OUTCOME_COLORS["diverged"]
DIV_SLOW = "#5A5A5A"
DIVERGED = "diverged"
BLANK = "#FFFFFF"            # cells a band does not hold (the figure's background)
CONVERGED = "converged"
MIN_DELTA_E = 12.0
MIN_L_GAP = 20.0


def outcome_color(name):
    if name in OUTCOME_COLORS:
        return OUTCOME_COLORS[name]
    spare = [n for n, _ in vocab.outcomes() if n not in OUTCOME_COLORS]
    return SPARE_COLORS[spare.index(name) % len(SPARE_COLORS)] if name in spare else "#000000"


def outcome_palette():
    """{name: '#rrggbb'} for every outcome of the binary, in code order."""
    return {name: outcome_color(name) for name in vocab.outcome_names()}


def conv_shades(n=5):
    """n colours along the t_enter ramp, fast to slow (as '#rrggbb')."""
    from .cvd import hex_to_rgb
    a, b = hex_to_rgb(CONV_FAST), hex_to_rgb(CONV_SLOW)
    return ["#" + "".join(f"{round(c * 255):02X}" for c in a + (b - a) * t)
            for t in np.linspace(0, 1, n)]


def rgba_outcomes(outcome, t_shade, t_range):
    """An (ny, nx, 4) uint8 image: outcome colours, converged shaded by
    t_enter and diverged by t_diverge (t_shade holds each cell's step, a float
    array; NaN where unknown, drawn as the slow end)."""
    from matplotlib.colors import to_rgba
    table = np.zeros((256, 4), np.uint8)          # MISSING stays transparent
    for name, code in vocab.outcomes():
        table[code] = np.round(np.array(to_rgba(outcome_color(name))) * 255)
    img = table[outcome]
    lo, hi = t_range
    for name, fast, slow in ((CONVERGED, CONV_FAST, CONV_SLOW), (DIVERGED, DIV_FAST, DIV_SLOW)):
        sel = outcome == vocab.outcome_code(name)
        t = np.asarray(t_shade, dtype=np.float64)[sel]
        frac = np.nan_to_num(np.clip((t - lo) / max(hi - lo, 1), 0, 1), nan=1.0)[:, None]
        f = np.array(to_rgba(fast)) * 255
        s = np.array(to_rgba(slow)) * 255
        img[sel] = np.round(f + (s - f) * frac).astype(np.uint8)
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


def t_shade_range(maps):
    """Shared colour range of the shading steps over maps: 0 .. the latest
    t_enter of a converged cell or t_diverge of a diverged one."""
    hi = 1
    codes = (vocab.outcome_code(CONVERGED), vocab.outcome_code(DIVERGED))
    for m in maps:
        sel = np.isin(m.outcome, codes)
        if sel.any():
            hi = max(hi, int(m.t_shade[sel].max()))
    return 0, hi


def legend_handles():
    from matplotlib.patches import Patch
    return [Patch(facecolor=outcome_color(n), edgecolor="none", label=n)
            for n in vocab.outcome_names()]


def check(colors=None):
    """The palette's promise, computed: a list of one-line failures (empty when
    it holds) for {name: colour} (default: every outcome of the binary)."""
    from . import cvd
    colors = dict(colors or outcome_palette())
    shades = conv_shades() if CONVERGED in colors else []
    drawn = dict(colors, blank=BLANK)
    drawn.update({f"converged@{i}": c for i, c in enumerate(shades)})
    fails = []
    for vision in cvd.VISIONS:
        names = list(drawn)
        labs = {n: cvd.lab(cvd.simulate(cvd.hex_to_rgb(drawn[n]), vision)) for n in names}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if a.split("@")[0] == b.split("@")[0]:
                    continue      # the converged ramp against itself
                d = float(cvd.ciede2000(labs[a], labs[b]))
                if d < MIN_DELTA_E:
                    fails.append(f"{a} {drawn[a]} and {b} {drawn[b]}: delta E {d:.1f} < "
                                 f"{MIN_DELTA_E} under {vision}")
    if CONVERGED in colors and "diverged" in colors:
        l_div = float(cvd.lab(cvd.hex_to_rgb(colors["diverged"]))[0])
        for c in shades:
            gap = abs(float(cvd.lab(cvd.hex_to_rgb(c))[0]) - l_div)
            if gap < MIN_L_GAP:
                fails.append(f"converged shade {c} and diverged: L* apart by {gap:.1f} < "
                             f"{MIN_L_GAP}")
    return fails
