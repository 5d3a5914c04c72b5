"""An ensemble map (`gridsweep --seeds N`, docs/formats.md): its header and
plane as any map's, and per cell the outcome shares p_<outcome>, the most
frequent outcome and each seed's outcome, as (ny, nx) arrays. The column
line must be `gridsweep --list ensemble_columns`; the rows are checked for
order, field count, shares in [0, 1], outcome names and seed digits."""

import numpy as np

from . import vocab
from .cli import GsError
from .chunk import MISSING
from .header import Header, Plane, fmt, open_checked


def is_ensemble(path):
    """True if the map's header has a seeds line (read only the header). A
    NetCDF map holds one seed (gridsweep refuses --seeds with NetCDF)."""
    from . import ncfile
    if ncfile.is_netcdf(path):
        return False
    with open_checked(path) as f:
        return Header(f, path, "map").get("seeds") is not None


def _columns():
    return [c["name"] for c in vocab.listing("ensemble_columns")]


class EnsembleMap:
    def __init__(self, path):
        self.path = path
        with open_checked(path) as f:
            self.header = Header(f, path, "map")
            names = _columns()
            self.header.expect_columns(names)
            f.seek(self.header.data_start)
            data = f.read()
        plane = Plane(self.header)
        self.plane = plane
        self.act, self.x, self.y, self.at = plane.act, plane.x, plane.y, plane.at
        self.nx, self.ny = plane.nx, plane.ny
        self.row_lo, self.row_hi, self.tiled = plane.row_lo, plane.row_hi, plane.tiled
        try:
            self.seeds = int(self.header.need("seeds"))
        except ValueError:
            raise GsError(f"{path}: header 'seeds' is not a number") from None
        self.outcomes = vocab.outcome_names()
        self._read(data, names)

    def _read(self, data, names):
        path, first = self.path, self.header.column_lineno + 1
        try:
            lines = data.decode("ascii").split("\n")
        except UnicodeDecodeError:
            raise GsError(f"{path}: the rows are not text") from None
        if lines and lines[-1] == "":
            lines.pop()
        else:
            raise GsError(f"{path}: line {first + len(lines) - 1}: torn (no newline at the end)")
        held = (self.row_hi - self.row_lo) * self.nx
        if len(lines) != held:
            raise GsError(f"{path}: {len(lines)} rows, expected {held}: not a complete map")
        idx = {n: i for i, n in enumerate(names)}
        cols = {"ix": [], "iy": [], "outcome": [], "seed_outcomes": []}
        probs = []
        pcols = [idx["p_" + o] for o in self.outcomes]
        for k, line in enumerate(lines):
            f = line.split(",")
            no = first + k
            if len(f) != len(names):
                raise GsError(f"{path}: line {no}: {len(f)} fields, expected {len(names)}")
            ix, iy = k % self.nx, self.row_lo + k // self.nx
            if f[idx["ix"]] != str(ix) or f[idx["iy"]] != str(iy):
                raise GsError(f"{path}: line {no}: cell {f[idx['ix']]},{f[idx['iy']]} out of "
                              f"order, expected {ix},{iy}")
            if f[idx["outcome"]] not in self.outcomes:
                raise GsError(f"{path}: line {no}: bad outcome '{f[idx['outcome']][:40]}'")
            s = f[idx["seed_outcomes"]]
            if len(s) != self.seeds or not s.isdigit() or max(s) >= str(len(self.outcomes)):
                raise GsError(f"{path}: line {no}: bad seed_outcomes '{s[:40]}'")
            try:
                p = [float(f[c]) for c in pcols]
            except ValueError:
                raise GsError(f"{path}: line {no}: a share that is not a number") from None
            if any(not 0 <= v <= 1 for v in p):
                raise GsError(f"{path}: line {no}: a share outside [0, 1]")
            probs.append(p)
            cols["outcome"].append(self.outcomes.index(f[idx["outcome"]]))
            cols["seed_outcomes"].append(s)
        shape = (self.ny, self.nx)
        rows = slice(self.row_lo, self.row_hi)
        self.p = np.full((len(self.outcomes),) + shape, np.nan, np.float64)
        self.p[:, rows] = np.array(probs, np.float64).T.reshape(len(self.outcomes), -1, self.nx)
        self.outcome = np.full(shape, MISSING, np.uint8)
        self.outcome[rows] = np.array(cols["outcome"], np.uint8).reshape(-1, self.nx)
        codes = np.array([list(map(int, s)) for s in cols["seed_outcomes"]], np.uint8)
        self.seed_outcome = np.full(shape + (self.seeds,), MISSING, np.uint8)
        self.seed_outcome[rows] = codes.reshape(-1, self.nx, self.seeds)

    def entropy(self):
        """Shannon entropy (natural log) of each cell's outcome shares."""
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(self.p > 0, -self.p * np.log(self.p), 0.0)
        e = terms.sum(axis=0)
        e[np.isnan(self.p[0])] = np.nan
        return e

    def seed_fractions(self):
        """{outcome: (mean, population std) of its percentage over the seeds}."""
        held = self.seed_outcome[self.row_lo:self.row_hi].reshape(-1, self.seeds)
        out = {}
        for code, name in enumerate(self.outcomes):
            f = 100.0 * (held == code).mean(axis=0)
            out[name] = (float(f.mean()), float(f.std()))
        return out

    def extent(self):
        x0, x1 = self.x.plot_range
        y0, y1 = self.y.plot_range
        return (x0, x1, y0, y1)

    def get(self, key, default="?"):
        return self.header.get(key, default)

    def at_text(self):
        return ", ".join(f"{k}={fmt(v)}" for k, v in self.at.items()) or "-"
