"""compare MAP... [-o FIG] [--dpi N]: several basin maps of the same plane in
one figure (e.g. one per activation). Top row: outcomes, converged cells shaded
by t_enter, diverged by t_diverge; bottom row: log10(final_loss). Axes and colour scales are shared, so
panels can be compared cell by cell."""
from .. import output, palette, panels, raster
from ...maps import vocab
from ...maps.mapfile import Map, check_same_plane

NAME = "compare"
SUMMARY = "Draw several gridsweep basin maps of one plane side by side."
SUFFIX = "-compare.png"
# Short outcome names for the panel titles (an outcome not here keeps its name).
SHORT = {"converged": "conv", "linear": "lin", "diverged": "div"}


def add_arguments(p):
    p.add_argument("maps", nargs="+", metavar="MAP.csv")
    output.add_arguments(p, "a map", "FIRST-compare.png beside the first map")


def inputs(args):
    return list(args.maps)


def load(args):
    maps = []
    for path in args.maps:
        maps.append(Map(path))
        check_same_plane(maps)   # refuse early, before reading the rest
    return maps


def differing_settings(maps):
    """Training settings (the binary's list; act is in each title) that differ
    between the maps, in alphabetical order."""
    keys = sorted(set(vocab.setting_keys()) - {"act"})
    return [k for k in keys if len({m.header.get(k) for m in maps}) > 1]


def draw(maps, out, dpi=None):
    """Draws the maps side by side into out; returns {"dpi", "panels"}."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    n = len(maps)
    ref = maps[0]
    fig, axes = plt.subplots(2, n, figsize=(3.7 * n + 2.2, 8.4), sharex=True, sharey=True,
                             squeeze=False)
    fig.subplots_adjust(left=0.9 / (3.7 * n + 2.2) + 0.02, right=0.88, bottom=0.13, top=0.84,
                        wspace=0.16 if n < 3 else 0.1, hspace=0.12)
    t_range = palette.t_shade_range(maps)
    logs = [panels.log_loss(m) for m in maps]
    vmin, vmax = panels.loss_range(logs)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad(palette.outcome_color("diverged"))
    dpi = raster.choose_dpi(fig, axes.ravel(), ref.nx, ref.ny, dpi)
    drawn = []
    diff = differing_settings(maps)

    for j, (m, lg) in enumerate(zip(maps, logs)):
        top, bottom = axes[0, j], axes[1, j]
        drawn.append(panels.draw_outcomes(fig, top, m, t_range, dpi))
        im, got, _ = panels.draw_loss(fig, bottom, m, lg, vmin, vmax, cmap, dpi)
        drawn.append(got)
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
    cb0.set_label("step: t_enter (converged), t_diverge (diverged, black to grey)")
    cax1 = fig.add_axes([0.9, 0.13, 0.012, 0.34])
    cb1 = fig.colorbar(im, cax=cax1)
    cb1.set_label("log10(final_loss)  (black: non-finite)")
    handles = palette.legend_handles() + axes[0, 0].get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005),
               ncol=len(handles) if n >= 3 else 5, fontsize=9, frameon=False,
               handlelength=1.4)
    common = ref.settings_text() if not diff else "settings differ: " + ", ".join(diff)
    fig.suptitle(f"basins of {ref.x.param} \u00d7 {ref.y.param} at {ref.at_text()}   "
                 f"({ref.nx}\u00d7{ref.ny} cells)\n{common}", fontsize=12)
    output.save_figure(fig, out, dpi)
    return {"dpi": dpi, "panels": drawn}
