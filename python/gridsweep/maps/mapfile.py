"""A basin map file: its header, its plane, and the columns a script asks for
as (ny, nx) arrays (cells a band does not hold are MISSING / NaN / -1)."""
import os

import numpy as np

from . import chunk, ncfile, rows, vocab
from .cli import GsError
from .header import AttrsHeader, Header, Plane, fmt, open_checked
from .chunk import MISSING

DRAWN = ("outcome", "final_loss", "t_enter", "t_diverge")



def shade_steps(outcome, t_enter, t_diverge):
    """The step each cell is shaded by: t_enter where it converged, t_diverge
    where it diverged (-1 elsewhere, or None without the columns)."""
    if outcome is None or t_enter is None or t_diverge is None:
        return None
    return np.where(outcome == vocab.outcome_code("diverged"), t_diverge, t_enter)

class Map:
    def __init__(self, path, columns=DRAWN):
        self.path = path
        if ncfile.is_netcdf(path):   # by content, as the C readers do
            self.header, plane, got = ncfile.read(path, self._set_plane, columns)
        else:
            with open_checked(path) as f:
                self.header = Header(f, path, "map")
                self.header.expect_columns(name for name, _ in vocab.columns())
                plane = self._set_plane(self.header)
                layout = chunk.Layout(columns, self.nx, self.row_lo, self.row_hi, self.tiled,
                                      self.header.get("precision") == "f64")
                got = rows.read_rows(f.fileno(), path, layout, self.header.data_start,
                                     os.fstat(f.fileno()).st_size,
                                     self.header.column_lineno + 1)
        types = dict(vocab.columns())
        held = slice(self.row_lo, self.row_hi)
        self.columns = {}
        for name, flat in got.items():
            fill = {"outcome": MISSING, "int": -1, "float": np.nan}[types[name]]
            grid = np.full((self.ny, self.nx), fill, flat.dtype)
            grid[held] = flat.reshape(self.row_hi - self.row_lo, self.nx)
            self.columns[name] = grid
        self.outcome = self.columns.get("outcome")
        self.final_loss = self.columns.get("final_loss")
        self.t_shade = shade_steps(self.outcome, self.columns.get("t_enter"),
                                   self.columns.get("t_diverge"))

    @classmethod
    def from_dataset(cls, ds):
        """A Map of what gridsweep.sweep() or load() returned (an xarray.Dataset
        or a dict with "attrs"): the header from its attributes, the drawn
        columns from its arrays (a band's rows placed in the whole plane)."""
        attrs = ds.attrs if hasattr(ds, "attrs") else ds["attrs"]
        m = cls.__new__(cls)
        m.path = str(attrs.get("command", "dataset"))
        m.header = AttrsHeader(attrs, m.path)
        plane = Plane(m.header)
        m.plane = plane
        m.act, m.x, m.y, m.at = plane.act, plane.x, plane.y, plane.at
        m.nx, m.ny, m.cells = plane.nx, plane.ny, plane.cells
        m.row_lo, m.row_hi, m.tiled = plane.row_lo, plane.row_hi, plane.tiled
        m.columns = {}
        fills = {"outcome": MISSING, "t_enter": -1, "t_diverge": -1, "final_loss": np.nan}
        for name, fill in fills.items():
            arr = np.asarray(ds[name])
            grid = np.full((m.ny, m.nx), fill, arr.dtype)
            if arr.shape == grid.shape:
                grid[...] = arr
            elif arr.shape == (m.row_hi - m.row_lo, m.nx):
                grid[m.row_lo:m.row_hi] = arr
            else:
                raise GsError(f"{m.path}: column {name} has shape {arr.shape}, expected "
                              f"({m.ny}, {m.nx})")
            m.columns[name] = grid
        m.outcome, m.final_loss = m.columns["outcome"], m.columns["final_loss"]
        m.t_shade = shade_steps(m.outcome, m.columns["t_enter"], m.columns["t_diverge"])
        return m

    def _set_plane(self, header):
        plane = Plane(header)
        self.plane = plane
        self.act, self.x, self.y, self.at = plane.act, plane.x, plane.y, plane.at
        self.nx, self.ny, self.cells = plane.nx, plane.ny, plane.cells
        self.row_lo, self.row_hi, self.tiled = plane.row_lo, plane.row_hi, plane.tiled
        return plane

    def get(self, key, default="?"):
        return self.header.get(key, default)

    def plane_key(self):
        return self.plane.key()

    def fractions(self):
        """Percent of the held cells per outcome name."""
        held = self.outcome[self.outcome != MISSING]
        counts = np.bincount(held, minlength=256)
        total = max(1, held.size)
        return {name: 100.0 * counts[code] / total for name, code in vocab.outcomes()}

    def extent(self):
        x0, x1 = self.x.plot_range
        y0, y1 = self.y.plot_range
        return (x0, x1, y0, y1)

    def settings_text(self):
        """The key training settings, for titles."""
        h = self.header
        opt = h.get("opt", "?")
        lr = f" lr {fmt(self.at['lr'])}" if "lr" in self.at else ""
        loss = h.get("loss", "?")
        if loss == "huber":
            loss += f" (\u03b4 {h.get('huber_delta', '?')})"
        return (f"{h.get('steps', '?')} steps, batch {h.get('batch', '?')} "
                f"({h.get('sampling', '?')}), {opt}{lr}, {loss} loss, seed {h.get('seed', '?')}")

    def at_text(self):
        return ", ".join(f"{k}={fmt(v)}" for k, v in self.at.items())


def check_same_plane(maps):
    """All maps on the first one's plane, else a one-line error naming what differs."""
    ref = maps[0]
    for m in maps[1:]:
        if m.plane_key() == ref.plane_key():
            continue
        for what, a, b in (("x", ref.x.text, m.x.text), ("y", ref.y.text, m.y.text),
                           ("res", f"{ref.nx},{ref.ny}", f"{m.nx},{m.ny}"),
                           ("at", ref.at_text(), m.at_text())):
            if a != b:
                raise GsError(f"{m.path} is not on the same plane as {ref.path} "
                              f"({what} {b} vs {a})")
        raise GsError(f"{m.path} is not on the same plane as {ref.path}")
