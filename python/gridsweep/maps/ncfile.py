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


def _data_end(path):
    """(rows, bytes) a classic-format file (CDF-1, 2 or 5) needs for the records
    its header counts, from the header's own offsets; None for NetCDF-4 (HDF5)
    or a header this does not follow. libnetcdf reads the records past the end
    of a cut file as zeros without an error, so the reader checks this first,
    as the C reader does."""
    import struct
    with open(path, "rb") as f:
        raw = f.read(1 << 20)
    if raw[:4] not in MAGICS[:3]:
        return None
    big = raw[3] == 5                       # CDF-5: 64-bit counts and sizes
    pos = 4
    sizes = {1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1, 8: 2, 9: 4, 10: 8, 11: 8}

    def num(wide=big):
        nonlocal pos
        n = 8 if wide else 4
        v = struct.unpack(">q" if wide else ">i", raw[pos:pos + n])[0]
        pos += n
        return v

    def skip_name():
        nonlocal pos
        n = num()   # before pos is read: num() moves it
        pos += (n + 3) // 4 * 4

    def skip_atts():
        nonlocal pos
        num(False)
        for _ in range(num()):
            skip_name()
            t = num(False)
            n = num() * sizes[t]
            pos += (n + 3) // 4 * 4

    try:
        rows = num()
        num(False)
        dims = []
        for _ in range(num()):
            skip_name()
            dims.append(num())
        skip_atts()
        num(False)
        end, record, first_record = 0, 0, None
        for _ in range(num()):
            skip_name()
            ids = [num() for _ in range(num())]
            skip_atts()
            num(False)
            vsize = num()
            begin = num(raw[3] != 1)
            is_record = bool(ids) and dims[ids[0]] == 0
            record += vsize if is_record else 0
            end = max(end, begin + vsize) if not is_record else end
            if is_record:
                first_record = begin if first_record is None else min(first_record, begin)
    except (struct.error, KeyError, IndexError):
        return None
    if record and rows > 0:
        end = max(end, first_record + rows * record)
    return rows, end


def _check_length(path):
    got = _data_end(path)
    if got is None:
        return
    import os
    rows, need = got
    size = os.path.getsize(path)
    if size < need:
        raise GsError(f"{path}: cut short: {size} bytes, its {rows} rows of cells need {need}")


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
    _check_length(path)
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
                meanings = getattr(v, "flag_meanings", "")   # bytes through scipy
                meanings = (meanings.decode() if isinstance(meanings, bytes)
                            else str(meanings)).split()
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
