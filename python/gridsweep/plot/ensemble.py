"""heatmap of an ensemble map (`gridsweep --seeds N`): the most frequent
outcome per cell, one probability map p_<outcome> per outcome that occurs
(white = 0, the outcome's colour = 1), and the per-cell entropy of the
outcome shares (0: every seed agrees). The heatmap figure draws this when
the map's header has a seeds line."""
from . import output, palette, panels


def draw(m, out, dpi=None):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap, to_rgba

    present = [k for k, _ in enumerate(m.outcomes) if np.nanmax(m.p[k]) > 0]
    n = 2 + len(present)
    ncols = 3 if n in (5, 6) else min(4, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 4.2 * nrows + 1.3),
                             squeeze=False)
    fig.subplots_adjust(left=0.06, right=0.97, bottom=0.1, top=0.86, wspace=0.35, hspace=0.4)
    axes = axes.ravel()
    extent = m.extent()
    seed_frac = m.seed_fractions()

    table = np.zeros((256, 4), np.uint8)   # MISSING stays transparent
    for code, name in enumerate(m.outcomes):
        table[code] = np.round(np.array(to_rgba(palette.outcome_color(name))) * 255)
    ax = axes[0]
    ax.imshow(table[m.outcome], origin="lower", extent=extent, aspect="auto",
              interpolation="nearest")
    ax.set_title("most frequent outcome", fontsize=9.5)

    for ax, k in zip(axes[1:], present):
        name = m.outcomes[k]
        cmap = LinearSegmentedColormap.from_list(name, ["#ffffff", palette.outcome_color(name)])
        cmap.set_bad((1, 1, 1, 0))
        im = ax.imshow(np.ma.masked_invalid(m.p[k]), origin="lower", extent=extent,
                       aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        mean, std = seed_frac[name]
        ax.set_title(f"p_{name}   ({mean:.1f} \u00b1 {std:.1f}% over seeds)", fontsize=9.5)
        fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02)

    ax = axes[1 + len(present)]
    top = np.log(max(2, min(m.seeds, len(m.outcomes))))
    ent = m.entropy()
    cmap = plt.get_cmap("magma_r").copy()
    cmap.set_bad((1, 1, 1, 0))
    im = ax.imshow(np.ma.masked_invalid(ent), origin="lower", extent=extent, aspect="auto",
                   cmap=cmap, vmin=0, vmax=top, interpolation="nearest")
    held = ent[~np.isnan(ent)]
    ax.set_title(f"outcome entropy (mean {held.mean() if held.size else 0:.3f}, nats)",
                 fontsize=9.5)
    fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02)

    for ax in axes[:n]:
        panels.setup_axes(ax, m)
        panels.mark_points(ax, m, with_labels=ax is axes[0])
    for ax in axes[n:]:
        ax.set_visible(False)
    handles = palette.legend_handles() + axes[0].get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005),
               ncol=len(handles), fontsize=9.5, frameon=False, handlelength=1.4)
    h = m.header
    tile = f"   [rows {m.row_lo}:{m.row_hi} of {m.ny}]" if m.tiled else ""
    seed = int(h.get("seed", "0"))
    fig.suptitle(f"{m.act}: ensemble of {m.seeds} seeds ({seed}..{seed + m.seeds - 1}), "
                 f"{m.x.param} \u00d7 {m.y.param} at {m.at_text()}   ({m.nx}\u00d7{m.ny} cells)"
                 f"{tile}\n{h.get('steps', '?')} steps, batch {h.get('batch', '?')} "
                 f"({h.get('sampling', '?')}), {h.get('opt', '?')}, {h.get('loss', '?')} loss",
                 fontsize=11)
    output.save_figure(fig, out, dpi)
    return {"dpi": dpi}
