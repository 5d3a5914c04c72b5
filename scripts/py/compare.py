"""compare MAP... [-o PNG]: several basin maps of the same plane in one figure
(e.g. one per activation). Top row: outcomes, converged cells shaded by t_conv;
bottom row: log10(final_loss). Axes and colour scales are shared, so panels can
be compared cell by cell."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from gridsweep_maps import cli, output, palette, panels, vocab  # noqa: E402
    from gridsweep_maps.mapfile import Map, check_same_plane  # noqa: E402
except ImportError as e:   # e.g. a numpy built for another Python
    sys.stderr.write(f"compare: cannot import {e.name or 'a module'}: {e} "
                     "(install the Debian packages python3-numpy python3-matplotlib)\n")
    sys.exit(1)

NAME = "compare"
# Short outcome names for the panel titles (an outcome not here keeps its name).
SHORT = {"converged": "conv", "linear": "lin", "diverged": "div"}


def differing_settings(maps):
    """Training settings (the binary's list; act is in each title) that differ
    between the maps, in alphabetical order."""
    keys = sorted(set(vocab.setting_keys()) - {"act"})
    return [k for k in keys if len({m.header.get(k) for m in maps}) > 1]


def draw(maps, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import Normalize

    n = len(maps)
    ref = maps[0]
    fig, axes = plt.subplots(2, n, figsize=(3.7 * n + 2.2, 8.4), sharex=True, sharey=True,
                             squeeze=False)
    fig.subplots_adjust(left=0.9 / (3.7 * n + 2.2) + 0.02, right=0.88, bottom=0.13, top=0.84,
                        wspace=0.16 if n < 3 else 0.1, hspace=0.12)
    t_range = palette.t_conv_range(maps)
    views = [m.display() for m in maps]
    logs = []
    for _, _, loss, _ in views:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs.append(np.log10(loss))
    finite = [lg[np.isfinite(lg)] for lg in logs]
    if any(f.size for f in finite):
        vmin = min(float(f.min()) for f in finite if f.size)
        vmax = max(float(f.max()) for f in finite if f.size)
    else:
        vmin, vmax = -3.0, 0.0
    vmin = max(vmin, vmax - 12)
    if vmax - vmin < 1e-6:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad(palette.outcome_color("diverged"))
    diff = differing_settings(maps)

    for j, (m, (outcome, t_conv, _, extent), lg) in enumerate(zip(maps, views, logs)):
        top, bottom = axes[0, j], axes[1, j]
        top.imshow(palette.rgba_outcomes(outcome, t_conv, t_range), origin="lower", extent=extent,
                   aspect="auto", interpolation="nearest")
        shown = np.ma.masked_invalid(np.where(np.isneginf(lg), vmin, lg))
        im = bottom.imshow(shown, origin="lower", extent=extent, aspect="auto", cmap=cmap,
                           vmin=vmin, vmax=vmax, interpolation="nearest")
        veil = palette.missing_veil(outcome)
        if veil is not None:
            bottom.imshow(veil, origin="lower", extent=extent, aspect="auto",
                          interpolation="nearest")
        for ax in (top, bottom):
            panels.setup_axes(ax, m)
            panels.mark_points(ax, m, with_labels=(j == 0 and ax is top))
            if j > 0:
                ax.set_ylabel("")
        top.set_xlabel("")
        frac = m.fractions()
        names = vocab.outcome_names()
        half = (len(names) + 1) // 2
        line = "  ".join(f"{SHORT.get(k, k)} {frac[k]:.1f}%" for k in names[:half])
        line2 = "  ".join(f"{SHORT.get(k, k)} {frac[k]:.1f}%" for k in names[half:])
        extra = ", ".join(f"{k} {m.header.get(k, '?')}" for k in diff)
        title = m.act + (f"  ({extra})" if extra else "")
        top.set_title(f"{title}\n{line}\n{line2}", fontsize=9.5)
    axes[0, 0].set_ylabel(ref.y.label())
    axes[1, 0].set_ylabel(ref.y.label())

    cax0 = fig.add_axes([0.9, 0.5, 0.012, 0.34])
    cb0 = fig.colorbar(plt.cm.ScalarMappable(norm=Normalize(*t_range), cmap=palette.conv_cmap()),
                       cax=cax0)
    cb0.set_label("t_conv: step converged")
    cax1 = fig.add_axes([0.9, 0.13, 0.012, 0.34])
    cb1 = fig.colorbar(im, cax=cax1)
    cb1.set_label("log10(final_loss)  (red: non-finite)")
    handles = palette.legend_handles() + axes[0, 0].get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005),
               ncol=len(handles) if n >= 3 else 5, fontsize=9, frameon=False,
               handlelength=1.4)
    common = ref.settings_text() if not diff else "settings differ: " + ", ".join(diff)
    fig.suptitle(f"basins of {ref.x.param} \u00d7 {ref.y.param} at {ref.at_text()}   "
                 f"({ref.nx}\u00d7{ref.ny} cells)\n{common}", fontsize=12)
    output.save_figure(fig, out)


def main():
    p = cli.make_parser(NAME, "Draw several gridsweep basin maps of one plane side by side.")
    p.add_argument("maps", nargs="+", metavar="MAP.csv")
    p.add_argument("-o", "--output", metavar="PNG",
                   help="output PNG: a new name or a regular file, not a map "
                   "(default: FIRST-compare.png beside the first map)")
    args = p.parse_args()
    out = output.output_path(args.output, args.maps[0], "-compare.png")
    output.check_output(out, args.maps)
    maps = []
    for path in args.maps:
        maps.append(Map(path))
        check_same_plane(maps)   # refuse early, before reading the rest
    draw(maps, out)


if __name__ == "__main__":
    cli.run(NAME, main)
