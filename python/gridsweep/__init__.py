"""gridsweep from Python: basin maps as arrays, over the same C library as the
command-line program (not over the command line).

    import gridsweep
    ds = gridsweep.sweep(act="selu", res=256, x="b:-2:2", y="d:-2:2", steps=500)
    ds.outcome.plot()                  # an xarray.Dataset when xarray is installed
    gridsweep.stats(ds)["sb"]          # the numbers of `gridsweep stats --json`
    gridsweep.load("map.csv")          # a map file, the same result as sweep()

Without xarray, sweep() and load() return a dict of NumPy arrays with the
same names plus "attrs". Arguments take the command line's spellings (strings
such as x="lr:0.001:1:log" and at="a=1,c=1") or Python values (res=(512, 256),
at={"a": 1, "c": 1}, data=(-0.5, 0.5)); the trainer's settings are those of
`gridsweep --list settings`, by their header keys (lr, steps, batch, loss,
opt, ...). A bad argument raises ValueError with the command line's message.
"""
import importlib

__all__ = ["sweep", "trace", "load", "stats", "plot", "kernel_set", "kernel_sets", "settings",
           "__version__"]


# The extension (and _dataset, which needs it) is imported on first use, so
# that gridsweep.maps and gridsweep.plot import without it: the scripts in
# scripts/ run from the source tree with only the gridsweep binary built.
class _Lazy:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        return getattr(importlib.import_module(self._name, __name__), attr)


_c = _Lazy("._gridsweep")


def _build(raw):
    return importlib.import_module("._dataset", __name__).build(raw)


def _build_trace(raw):
    return importlib.import_module("._dataset", __name__).build_trace(raw)


def _as_text(value, name):
    return importlib.import_module("._dataset", __name__).as_text(value, name)


def __getattr__(name):
    if name == "__version__":
        return _c.version()[0]
    if name == "sleef_version":
        return _c.version()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def kernel_set():
    """The kernel set a sweep runs on without isa= (the one `gridsweep --version`
    names): the fastest this CPU supports, e.g. "avx2"."""
    return _c.kernel_set()[0]


def kernel_sets():
    """Every kernel set this build runs on this CPU (any of them for isa=)."""
    return _c.kernel_sets()


def settings():
    """The trainer's settings: {key: (option, type, default as text)}."""
    return {key: (opt, typ, default) for key, opt, typ, default in _c.settings()}


def _progress_callback(progress, act):
    """(callback, close) for progress=: True shows a tqdm bar when tqdm is
    installed (nothing otherwise), False nothing, a callable gets (done, total)."""
    if callable(progress):
        return progress, lambda: None
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, lambda: None
    bar = None

    def update(done, total):
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=act, unit="cell", unit_scale=True, leave=False)
        bar.update(done - bar.n)

    return update, lambda: bar is not None and bar.close()


def sweep(act="selu", res=512, x="b:-2:2", y="d:-2:2", at=None, tile=None, threads=None,
          isa=None, progress=True, **trainer_options):
    """Trains every cell of the plane and returns its basin map.

    act: one activation; res: N or (NX, NY); x, y: axes "PARAM:LO:HI[:log]"
    (or a tuple); at: the fixed parameters ("a=1,c=1" or a dict); tile: "K/N",
    band K of N; threads: OpenMP threads (default: one per processor); isa: a
    kernel set (every set gives identical results); progress: see
    _progress_callback; trainer_options: lr=0.1, steps=1000, ..., as
    `gridsweep --list settings` names them.

    Runs on the sweep's threads with the GIL released; Ctrl-C (or a notebook's
    interrupt) stops it within a fraction of a second and raises
    KeyboardInterrupt. The numbers are those of `gridsweep` run with the
    canonical command (attrs["command"]), bit for bit.
    """
    pairs = [(key, _as_text(value, key)) for key, value in trainer_options.items()]
    callback, close = _progress_callback(progress, str(act))
    try:
        raw = _c.sweep(pairs, str(act), x=_as_text(x, "x"), y=_as_text(y, "y"),
                       res=_as_text(res, "res"), at=_as_text(at, "at"),
                       tile=_as_text(tile, "tile"), threads=threads, isa=isa,
                       progress=callback)
    finally:
        close()
    return _build(raw)


def trace(act="selu", init=(1, 0.5, 1, -0.5), point=0, every=1, isa=None,
          **trainer_options):
    """Trains one starting point (a, b, c, d) = init, lr from lr=, step by step
    with the trainer's trace loop, and returns its trajectory: a, b, c, d at
    every `every` steps and at the last, and the loss of the step each takes
    next (NaN at the last). Attributes: the header `gridsweep trace` writes
    (command, settings, init, point) and its outcome lines (outcome,
    window_loss, final_loss, lin_err, spread, t_escape, t_enter, t_diverge,
    score). The numbers are those of
    the same point in a sweep and of `gridsweep trace`'s param rows. point:
    the stream id of independent sampling (a sweep's cell index)."""
    pairs = [(key, _as_text(value, key)) for key, value in trainer_options.items()]
    if isinstance(every, bool) or not isinstance(every, int):
        raise TypeError("every: an int")
    raw = _c.trace(pairs, str(act), init=_as_text(init, "init"), point=_as_text(point, "point"),
                   every=every, isa=isa)
    return _build_trace(raw)


def load(path):
    """Reads a map file, CSV or NetCDF (told apart by the file's first bytes,
    not its name), through the library's map readers (the checks and messages
    of `gridsweep stats`): the same result as sweep(), and a NetCDF map the
    same as the CSV map of the same command, float32 bit for bit. A NetCDF map
    needs a build with libnetcdf; without it, ValueError says so."""
    import os
    return _build(_c.load(os.fspath(path)))


def stats(ds, eps=None):
    """The statistics `gridsweep stats --json` prints, computed by the same C
    code on ds's outcome grid: counts and fractions per outcome, basin entropy
    Sb and Sbb over eps x eps boxes (default 5, or the map's smaller side), the
    box-counting dimension of the converged basin's boundary. ds: what sweep()
    or load() returned, or a 2-D array of outcome codes."""
    import numpy as np
    outcome = ds["outcome"] if not isinstance(ds, np.ndarray) else ds
    return _c.stats(np.ascontiguousarray(np.asarray(outcome), dtype=np.uint8), eps)


from . import plot  # noqa: E402  (the figures; matplotlib is imported when one is drawn)
