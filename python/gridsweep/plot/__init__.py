"""Figures of basin maps and traces, for papers and notebooks.

    import gridsweep.plot as gp
    gp.heatmap("map.csv", "map.pdf")             # or what gridsweep.sweep()/load() returned
    gp.compare(["relu.csv", "selu.csv"], "two.svg", dpi=300)
    gp.trace("trace.csv", "trace.png")           # or what gridsweep.trace() returned

The format follows the output's extension (.png, .pdf, .svg); dpi defaults
to 110, raised where a map needs it so that every cell of a map up to 1024
cells per axis gets at least one pixel; larger maps are reduced by majority
(outcomes) and mean (loss, t_enter / t_diverge) over the cells a pixel covers, never
thinned (raster.py). Outcome colours are colour-blind safe (palette.py, cvd.py).

Each figure is one module in figures/ (heatmap, compare, trace, scan, diff; FIGURES maps
the command names to them); the scripts in scripts/ run them through
command.run. Matplotlib is imported when a figure is drawn; reading maps
needs NumPy and the gridsweep binary (for the vocabularies), not the
extension module.
"""
import os

# Command name -> module in figures/.
FIGURES = {"heatmap": "heatmap", "compare": "compare", "plot-trace": "trace",
           "plot-scan": "scan", "plot-diff": "diff"}

__all__ = ["heatmap", "compare", "trace", "FIGURES"]


def _figure(name):
    import importlib
    return importlib.import_module(f".figures.{FIGURES[name]}", __name__)


def _as_map(src):
    from ..maps.mapfile import Map
    if isinstance(src, (str, os.PathLike)):
        return Map(os.fspath(src))
    return Map.from_dataset(src)


def _draw(fig, obj, out, inputs, dpi):
    """Checks out and dpi as the scripts do, then draws (errors raise GsError,
    a ValueError)."""
    from . import output
    out = os.fspath(out)
    dpi = output.check_dpi(dpi)
    output.check_output(out, [os.fspath(p) for p in inputs])
    return fig.draw(obj, out, dpi)


def _paths(srcs):
    return [s for s in srcs if isinstance(s, (str, os.PathLike))]


def heatmap(src, out, dpi=None):
    """The outcome of every cell (converged shaded by t_enter, diverged by t_diverge) and log10(final_loss).
    src: a map file's path, or what gridsweep.sweep() or load() returned."""
    return _draw(_figure("heatmap"), _as_map(src), out, _paths([src]), dpi)


def compare(srcs, out, dpi=None):
    """Several maps of one plane side by side (the settings that differ in the titles)."""
    from ..maps.mapfile import check_same_plane
    maps = []
    for src in srcs:
        maps.append(_as_map(src))
        check_same_plane(maps)
    return _draw(_figure("compare"), maps, out, _paths(srcs), dpi)


def trace(src, out, dpi=None):
    """A trace: the learned function at the snapshot steps and the loss. src: a
    file of `gridsweep trace`, or what gridsweep.trace() returned (which has
    no snapshots: the loss only)."""
    from ..maps.trace import Trace
    if isinstance(src, (str, os.PathLike)):
        return _draw(_figure("plot-trace"), Trace(os.fspath(src)), out, [src], dpi)
    return _draw(_figure("plot-trace"), Trace.from_dataset(src), out, [], dpi)
