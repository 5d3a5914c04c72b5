"""Figures of basin maps and traces.

For now these wrap the drawing functions of the scripts in scripts/py/
(heatmap, compare, plot-trace), which the build copies into
gridsweep/_scripts/; the figure code moves into this module later (issue 15,
"Figures for papers"), and the scripts become thin wrappers over it.

Each function takes what sweep() or load() returned (or a map file's path)
and writes the figure to `out` (a PNG).
"""
import os
import sys

_SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_scripts")


def _script(name):
    """scripts/py/NAME.py, imported from the package's copy. The scripts import
    their helper module gsmap as a top-level module from their own directory."""
    if _SCRIPTS not in sys.path:
        sys.path.insert(0, _SCRIPTS)
    import importlib
    return importlib.import_module(name)


def _as_map(ds):
    """A gsmap.Map (the scripts' map object) of a dataset, a dict from sweep()
    or load(), or a path."""
    gsmap = _script("gsmap")
    if isinstance(ds, (str, os.PathLike)):
        return gsmap.Map(os.fspath(ds))
    import numpy as np
    attrs = ds.attrs if hasattr(ds, "attrs") else ds["attrs"]
    m = gsmap.Map.__new__(gsmap.Map)
    m.path = attrs.get("command", "sweep")
    m.header = {k: str(v) for k, v in attrs.items() if not isinstance(v, list)}
    for key in ("lr", "beta1", "beta2", "eps", "momentum", "alpha", "huber_delta", "window",
                "tol", "dead_tol", "linear_tol"):   # the header's own spelling of numbers
        if key in attrs:
            m.header[key] = _shortest(attrs[key])
    m.columns = ["outcome", "final_loss", "t_conv"]
    m._plane()
    held = slice(m.row_lo, m.row_hi)
    m.outcome = np.full((m.ny, m.nx), gsmap.MISSING, np.uint8)
    m.final_loss = np.full((m.ny, m.nx), np.nan, np.float32)
    m.t_conv = np.full((m.ny, m.nx), -1, np.int32)
    for name in ("outcome", "final_loss", "t_conv"):
        getattr(m, name)[held] = np.asarray(ds[name])
    return m


def _shortest(v):
    return repr(v) if isinstance(v, float) else str(v)


def _drawing(draw, *args):
    """The scripts select the Agg backend; a notebook's backend is put back."""
    import matplotlib
    backend = matplotlib.get_backend()
    try:
        draw(*args)
    finally:
        if matplotlib.get_backend() != backend:
            matplotlib.use(backend)


def heatmap(ds, out):
    """The outcome of every cell (converged shaded by t_conv) and log10(final_loss)."""
    _drawing(_script("heatmap").draw, _as_map(ds), os.fspath(out))


def compare(maps, out):
    """Several maps of one plane side by side (the settings that differ in the titles)."""
    compare_ = _script("compare")
    ms = [_as_map(m) for m in maps]
    compare_.check_plane(ms)
    _drawing(compare_.draw, ms, os.fspath(out))


def trace(path, out):
    """A trace file of `gridsweep trace`: the learned function and the loss."""
    plot_trace = _script("plot_trace")
    _drawing(plot_trace.draw, plot_trace.Trace(os.fspath(path)), os.fspath(out))
