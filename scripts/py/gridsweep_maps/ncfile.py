"""A NetCDF basin map (docs/formats.md, "Basin map as NetCDF") read into what
mapfile.Map holds for the CSV map of the same command: the header from the
global attributes (the header's lines, in order), the columns from the
variables (the axes' start columns as 1-D coordinates, ix and iy from the
cell's place, outcomes by their flag_meanings names), float32 bit for bit.
Read with netCDF4-python (python3-netcdf4), else scipy (classic files only)."""
import numpy as np

from . import vocab
from .cli import GsError

MAGICS = (b"CDF\x01", b"CDF\x02", b"CDF\x05", b"\x89HDF")
NOT_HEADER = ("Conventions", "gridsweep_map")   # attributes the CSV header has no line for


def is_netcdf(path):
    """True if the file's first bytes are NetCDF's (classic, 64-bit offset,
    CDF-5) or HDF5's (NetCDF-4): readers go by content, not by name."""
    try:
        with open(path, "rb") as f:
            return f.read(4) in MAGICS
    except OSError:
        return False   # open_checked then says why


def _open(path):
    """(attributes, {name: (dims, read)}): read() gives the variable's values."""
    try:
        import netCDF4
    except ImportError:
        netCDF4 = None
    try:
        if netCDF4 is not None:
            ds = netCDF4.Dataset(path)
            ds.set_auto_maskandscale(False)
            attrs = {k: ds.getncattr(k) for k in ds.ncattrs()}
            var = {n: (v.dimensions, v) for n, v in ds.variables.items()}
        else:
            try:
                from scipy.io import netcdf_file
            except ImportError:
                raise GsError(f"{path}: a NetCDF map; reading it needs python3-netcdf4 "
                              "(or python3-scipy)") from None
            ds = netcdf_file(path, "r", mmap=False, maskandscale=False)
            attrs = {k: (v.decode() if isinstance(v, bytes) else v)
                     for k, v in ds._attributes.items()}
            var = {n: (v.dimensions, v) for n, v in ds.variables.items()}
    except GsError:
        raise
    except Exception as e:   # the library's own words, on one line
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        why = " ".join(why.split()) or type(e).__name__
        raise GsError(f"{path}: a NetCDF file that cannot be read ({why})") from None
    return ds, attrs, var


class NcHeader:
    """What header.Header holds, from the global attributes."""

    def __init__(self, path, attrs):
        self.path = path
        if "gridsweep_map" not in attrs:
            raise GsError(f"{path}: a NetCDF file, but not a gridsweep map "
                          "(no 'gridsweep_map' attribute)")
        self.values = {k: str(v) for k, v in attrs.items() if k not in NOT_HEADER}
        self.column_lineno = 0
        self.data_start = 0

    def get(self, key, default=None):
        return self.values.get(key, default)

    def need(self, key):
        if key not in self.values:
            raise GsError(f"{self.path}: the header has no '{key}' attribute")
        return self.values[key]


def read(path, plane_of, wanted):
    """(header, plane, {name: flat column of the band's cells}) of a NetCDF
    map, checked as the CSV reader checks: plane_of builds the Plane from the
    header; wanted: the column names asked for."""
    ds, attrs, var = _open(path)
    try:
        header = NcHeader(path, attrs)
        plane = plane_of(header)
        types = dict(vocab.columns())
        band = plane.row_hi - plane.row_lo
        if "outcome" not in var or len(var["outcome"][0]) != 2:
            raise GsError(f"{path}: no 2-D variable 'outcome': not a gridsweep map")
        ydim, xdim = var["outcome"][0]   # named after the axes' start columns
        out = {}
        for name in wanted:
            if name in ("ix", "iy"):
                ix, iy = np.meshgrid(np.arange(plane.nx, dtype=np.int32),
                                     np.arange(plane.row_lo, plane.row_hi, dtype=np.int32))
                out[name] = (ix if name == "ix" else iy).ravel()
                continue
            if name not in var:
                raise GsError(f"{path}: no variable '{name}': not a gridsweep map of this "
                              "version's columns")
            dims, v = var[name]
            a = np.asarray(v[:])
            if len(dims) == 1:   # an axis's start column: a coordinate
                if dims == (xdim,) and a.shape == (plane.nx,):
                    a = np.broadcast_to(a[None, :], (band, plane.nx))
                elif dims == (ydim,) and a.shape[0] <= band:
                    a = np.broadcast_to(a[:, None], (a.shape[0], plane.nx))
            if a.shape != (band, plane.nx):
                rows = a.shape[0] if a.ndim == 2 else 0
                if a.ndim == 2 and a.shape[1] == plane.nx and rows < band:
                    raise GsError(f"{path}: truncated: {rows * plane.nx} of "
                                  f"{band * plane.nx} rows")
                raise GsError(f"{path}: variable '{name}' is {a.shape}, expected "
                              f"{(band, plane.nx)}")
            kind = types.get(name)
            if kind == "outcome":
                meanings = str(v.flag_meanings if hasattr(v, "flag_meanings")
                               else v.getncattr("flag_meanings")).split()
                codes = dict(vocab.outcomes())
                unknown = [m for m in meanings if m not in codes]
                if unknown:
                    raise GsError(f"{path}: unknown outcome '{unknown[0]}' in flag_meanings")
                lut = np.array([codes[m] for m in meanings], np.uint8)
                a = a.astype(np.int64)
                if a.size and (a.min() < 0 or a.max() >= len(lut)):
                    raise GsError(f"{path}: outcome codes outside flag_values")
                a = lut[a]
            else:
                a = a.astype(np.int32 if kind == "int" else np.float32, copy=False)
            out[name] = np.ascontiguousarray(a).ravel()
        return header, plane, out
    finally:
        ds.close()
