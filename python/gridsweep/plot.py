"""Figures of basin maps and traces.

For now these wrap the drawing functions of the scripts in scripts/py/
(heatmap, compare, plot-trace, and their helper package gridsweep_maps),
which the build copies into gridsweep/_scripts/; the figure code moves into
this module later (issue 15, "Figures for papers"), and the scripts become
thin wrappers over it.

Each function takes what sweep() or load() returned (or a map file's path)
and writes the figure to `out` (a PNG).
"""
import os
import shutil
import sys
import tempfile

_SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_scripts")


def _script(name):
    """scripts/py/NAME.py, imported from the package's copy (its helpers, the
    package gridsweep_maps, beside it), with the vocabularies taken from this
    package's C tables rather than from a gridsweep binary."""
    if _SCRIPTS not in sys.path:   # (each script also puts its folder first on import)
        sys.path.append(_SCRIPTS)
    import importlib
    from gridsweep_maps import vocab
    vocab.listing = _listing
    return importlib.import_module(name)


def _listing(name):
    """What `gridsweep --list NAME --json` prints, from the extension."""
    from . import _gridsweep as c
    if name == "outcomes":
        return [{"name": n, "code": i} for i, n in enumerate(c.outcomes())]
    if name == "columns":
        return [{"name": n, "type": t} for n, t, _ in c.columns()]
    if name == "activations":
        return [{"name": n} for n in c.activations()]
    if name == "settings":
        return [{"key": k, "option": o} for k, o, _, _ in c.settings()]
    raise KeyError(name)


def _as_map(ds):
    """A Map (the scripts' map object) of a dataset, a dict from sweep() or
    load(), or a path."""
    _script("heatmap")
    from gridsweep_maps import header, mapfile
    from gridsweep_maps.chunk import MISSING
    if isinstance(ds, (str, os.PathLike)):
        return mapfile.Map(os.fspath(ds))
    import numpy as np
    attrs = ds.attrs if hasattr(ds, "attrs") else ds["attrs"]
    path = os.path.join(tempfile.mkdtemp(), "header")
    try:   # the scripts' header and plane, read from the header lines
        with open(path, "w") as f:
            f.write(_header_text(ds, attrs))
        with header.open_checked(path) as f:
            m = mapfile.Map.__new__(mapfile.Map)
            m.path = attrs.get("command", "sweep")
            m.header = header.Header(f, path, "map")
    finally:
        shutil.rmtree(os.path.dirname(path))
    plane = m.plane = header.Plane(m.header)
    m.act, m.x, m.y, m.at = plane.act, plane.x, plane.y, plane.at
    m.nx, m.ny, m.cells = plane.nx, plane.ny, plane.cells
    m.row_lo, m.row_hi, m.tiled = plane.row_lo, plane.row_hi, plane.tiled
    held = slice(m.row_lo, m.row_hi)
    m.columns = {}
    for name, fill in (("outcome", MISSING), ("final_loss", np.nan), ("t_conv", -1)):
        a = np.asarray(ds[name])
        m.columns[name] = np.full((m.ny, m.nx), fill, a.dtype)
        m.columns[name][held] = a
    m.outcome, m.final_loss, m.t_conv = (m.columns[n] for n in ("outcome", "final_loss",
                                                                 "t_conv"))
    return m


def _header_text(ds, attrs):
    """The map's '#' lines and column line, as the file of the same command
    starts (the attributes are the header's keys, in its order)."""
    from . import _gridsweep as c
    lines = ["# gridsweep-map 1"]
    for key, value in attrs.items():
        if isinstance(value, list) or key in ("x_column", "y_column"):   # the dict's own
            continue
        lines.append(f"# {key}: {repr(value) if isinstance(value, float) else value}")
    lines.append(",".join(n for n, _, _ in c.columns()))
    return "\n".join(lines) + "\n"


def _drawing(draw, *args):
    """The scripts select the Agg backend; a session's backend (a notebook's)
    is put back."""
    import matplotlib
    backend = "matplotlib.pyplot" in sys.modules and matplotlib.get_backend()
    try:
        draw(*args)
    finally:
        if backend and matplotlib.get_backend() != backend:
            try:
                matplotlib.use(backend)
            except ImportError:
                pass


def heatmap(ds, out):
    """The outcome of every cell (converged shaded by t_conv) and log10(final_loss)."""
    _drawing(_script("heatmap").draw, _as_map(ds), os.fspath(out))


def compare(maps, out):
    """Several maps of one plane side by side (the settings that differ in the titles)."""
    compare_ = _script("compare")
    from gridsweep_maps.mapfile import check_same_plane
    ms = [_as_map(m) for m in maps]
    check_same_plane(ms)
    _drawing(compare_.draw, ms, os.fspath(out))


def trace(path, out):
    """A trace file of `gridsweep trace`: the learned function and the loss."""
    plot_trace = _script("plot_trace")
    _drawing(plot_trace.draw, plot_trace.Trace(os.fspath(path)), os.fspath(out))
