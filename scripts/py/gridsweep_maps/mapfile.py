"""A basin map file: its header, its plane, and the columns a script asks for
as (ny, nx) arrays (cells a band does not hold are MISSING / NaN / -1)."""
import os

import numpy as np

from . import chunk, ncfile, rows, vocab
from .cli import GsError
from .header import Header, Plane, fmt, open_checked
from .chunk import MISSING

DRAWN = ("outcome", "final_loss", "t_conv")


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
                layout = chunk.Layout(columns, self.nx, self.row_lo, self.row_hi, self.tiled)
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
        self.t_conv = self.columns.get("t_conv")

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

    def display(self, limit=1400):
        """(outcome, t_conv, final_loss, extent) for drawing, decimated to at
        most about `limit` cells per axis: a figure panel is ~700 pixels wide and
        imshow's 'nearest' resampling would keep only one cell per pixel anyway,
        so this only saves matplotlib from resampling 16M-cell images."""
        sx, sy = max(1, self.nx // limit), max(1, self.ny // limit)
        if sx == 1 and sy == 1:
            return self.outcome, self.t_conv, self.final_loss, self.extent()
        # Cells sx//2, sx//2 + sx, ...: the centre of each block of sx cells; the
        # blocks cover whole cells [0, cx*sx), so the extent ends there.
        cx, cy = self.nx // sx, self.ny // sy
        pick = (slice(sy // 2, cy * sy, sy), slice(sx // 2, cx * sx, sx))
        x0, x1, y0, y1 = self.extent()
        ext = (x0, x0 + (x1 - x0) * cx * sx / self.nx, y0, y0 + (y1 - y0) * cy * sy / self.ny)
        return self.outcome[pick], self.t_conv[pick], self.final_loss[pick], ext

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
