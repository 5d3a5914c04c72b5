"""heatmap MAP.csv [-o PNG]: a basin map (CSV or NetCDF) as a picture.

Left: the outcome of every starting cell (fixed colours), converged cells shaded
by when they converged. Right: log10(final_loss). Everything (axes, fixed values,
settings) comes from the map's '#' header.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from gridsweep_maps import cli, output, palette, panels, vocab  # noqa: E402
    from gridsweep_maps.mapfile import Map  # noqa: E402
except ImportError as e:   # e.g. a numpy built for another Python
    sys.stderr.write(f"heatmap: cannot import {e.name or 'a module'}: {e} "
                     "(install the Debian packages python3-numpy python3-matplotlib)\n")
    sys.exit(1)

NAME = "heatmap"


def draw(m, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import Normalize

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(14, 6.6))
    fig.subplots_adjust(left=0.06, right=0.94, bottom=0.17, top=0.85, wspace=0.3)
    t_range = palette.t_conv_range([m])
    outcome, t_conv, final_loss, extent = m.display()
    img = palette.rgba_outcomes(outcome, t_conv, t_range)
    # origin='lower': iy grows upwards, like the parameter on the y axis.
    ax0.imshow(img, origin="lower", extent=extent, aspect="auto", interpolation="nearest")
    panels.setup_axes(ax0, m)
    frac = m.fractions()
    ax0.set_title("outcome   " + "  ".join(f"{n} {frac[n]:.1f}%" for n in vocab.outcome_names()),
                  fontsize=9.5)
    panels.mark_points(ax0, m)
    handles = palette.legend_handles() + ax0.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005),
               ncol=len(handles), fontsize=9.5, frameon=False, handlelength=1.4)
    sm = plt.cm.ScalarMappable(norm=Normalize(*t_range), cmap=palette.conv_cmap())
    cb0 = fig.colorbar(sm, ax=ax0, fraction=0.04, pad=0.02)
    cb0.set_label("t_conv: step converged")

    loss = final_loss
    with np.errstate(divide="ignore", invalid="ignore"):
        logl = np.log10(loss)
    finite = np.isfinite(logl)
    vmin, vmax = (float(logl[finite].min()), float(logl[finite].max())) if finite.any() else (-3, 0)
    vmin = max(vmin, vmax - 12)  # a loss of exactly 0 must not flatten the scale
    if vmax - vmin < 1e-6:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad(palette.outcome_color("diverged"))     # inf / nan losses
    shown = np.ma.masked_invalid(np.where(np.isneginf(logl), vmin, logl))
    im = ax1.imshow(shown, origin="lower", extent=extent, aspect="auto", cmap=cmap,
                    vmin=vmin, vmax=vmax, interpolation="nearest")
    veil = palette.missing_veil(outcome)
    if veil is not None:   # cells a tile does not hold: blank, as on the left
        ax1.imshow(veil, origin="lower", extent=extent, aspect="auto", interpolation="nearest")
        finite |= veil[..., 3] > 0
    panels.setup_axes(ax1, m)
    panels.mark_points(ax1, m, with_labels=False)
    ax1.set_title("log10(final_loss)" + ("   (non-finite: red)" if not finite.all() else ""),
                  fontsize=9.5)
    cb1 = fig.colorbar(im, ax=ax1, fraction=0.05, pad=0.02)
    cb1.set_label("log10(final_loss)")

    tile = f"   [rows {m.row_lo}:{m.row_hi} of {m.ny}]" if m.tiled else ""
    fig.suptitle(f"{m.act}: basins of {m.x.param} \u00d7 {m.y.param} at {m.at_text()}   "
                 f"({m.nx}\u00d7{m.ny} cells){tile}\n{m.settings_text()}", fontsize=11.5)
    output.save_figure(fig, out)


def main():
    p = cli.make_parser(NAME, "Draw a gridsweep basin map (outcomes and final loss) as a PNG.")
    p.add_argument("map", metavar="MAP.csv")
    p.add_argument("-o", "--output", metavar="PNG",
                   help="output PNG: a new name or a regular file, not the map "
                   "(default: MAP.png)")
    args = p.parse_args()
    out = output.output_path(args.output, args.map)
    output.check_output(out, [args.map])
    draw(Map(args.map), out)


if __name__ == "__main__":
    cli.run(NAME, main)
