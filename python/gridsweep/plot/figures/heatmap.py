"""heatmap MAP.csv [-o FIG] [--dpi N]: a basin map as a picture.

Left: the outcome of every starting cell (fixed colours), converged cells shaded
by when they converged. Right: log10(final_loss). Everything (axes, fixed values,
settings) comes from the map's '#' header.
"""
from .. import ensemble, output, palette, panels, raster
from ...maps import vocab
from ...maps.ensemble import EnsembleMap, is_ensemble
from ...maps.mapfile import Map

NAME = "heatmap"
SUMMARY = "Draw a gridsweep basin map (outcomes and final loss) as a figure."
SUFFIX = ".png"


def add_arguments(p):
    p.add_argument("map", metavar="MAP.csv")
    output.add_arguments(p, "the map", "MAP.png")


def inputs(args):
    return [args.map]


def load(args):
    return EnsembleMap(args.map) if is_ensemble(args.map) else Map(args.map)


def draw(m, out, dpi=None):
    """Draws map m into out; returns {"dpi", "panels"} (what each map panel got).
    An ensemble map (--seeds N) gets its probability maps (plot/ensemble.py)."""
    if isinstance(m, EnsembleMap):
        return ensemble.draw(m, out, dpi)
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(14, 6.6))
    fig.subplots_adjust(left=0.06, right=0.94, bottom=0.17, top=0.85, wspace=0.3)
    t_range = palette.t_shade_range([m])
    sm = plt.cm.ScalarMappable(norm=Normalize(*t_range), cmap=palette.conv_cmap())
    cb0 = fig.colorbar(sm, ax=ax0, fraction=0.04, pad=0.02)
    cb0.set_label("step: t_enter (converged), t_diverge (diverged, black to grey)")
    logl = panels.log_loss(m)
    vmin, vmax = panels.loss_range([logl])
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad(palette.outcome_color("diverged"))     # inf / nan losses
    cb1 = fig.colorbar(plt.cm.ScalarMappable(norm=Normalize(vmin, vmax), cmap=cmap), ax=ax1,
                       fraction=0.05, pad=0.02)
    cb1.set_label("log10(final_loss)")
    dpi = raster.choose_dpi(fig, (ax0, ax1), m.nx, m.ny, dpi)

    drawn = [panels.draw_outcomes(fig, ax0, m, t_range, dpi)]
    panels.setup_axes(ax0, m)
    frac = m.fractions()
    ax0.set_title("outcome   " + "  ".join(f"{n} {frac[n]:.1f}%" for n in vocab.outcome_names()),
                  fontsize=9.5)
    panels.mark_points(ax0, m)
    handles = palette.legend_handles() + ax0.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005),
               ncol=len(handles), fontsize=9.5, frameon=False, handlelength=1.4)

    _, got, finite = panels.draw_loss(fig, ax1, m, logl, vmin, vmax, cmap, dpi)
    drawn.append(got)
    panels.setup_axes(ax1, m)
    panels.mark_points(ax1, m, with_labels=False)
    ax1.set_title("log10(final_loss)" + ("   (non-finite: black)" if not finite else ""),
                  fontsize=9.5)

    tile = f"   [rows {m.row_lo}:{m.row_hi} of {m.ny}]" if m.tiled else ""
    fig.suptitle(f"{m.act}: basins of {m.x.param} \u00d7 {m.y.param} at {m.at_text()}   "
                 f"({m.nx}\u00d7{m.ny} cells){tile}\n{m.settings_text()}", fontsize=11.5)
    output.save_figure(fig, out, dpi)
    return {"dpi": dpi, "panels": drawn}
