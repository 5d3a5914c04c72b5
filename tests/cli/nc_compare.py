"""Checks that a NetCDF map holds exactly the values of the CSV map of the same
run (tests/cli/netcdf.sh): every column, float32 bit for bit (the CSV's %.9g
text reads back as the same float32), outcomes by name, the header's lines as
global attributes; and that xarray opens it and plots outcome against the
axis values. Usage: nc_compare.py MAP.csv MAP.nc"""
import sys

import matplotlib
matplotlib.use("Agg")
import numpy as np
import xarray as xr

csv_path, nc_path = sys.argv[1:3]
header, rows = {}, []
with open(csv_path) as f:
    lines = f.read().splitlines()
body = [l for l in lines if not l.startswith("#")]
for l in lines:
    if l.startswith("# ") and ": " in l:
        k, v = l[2:].split(": ", 1)
        header[k] = v
names = body[0].split(",")
cols = list(zip(*[r.split(",") for r in body[1:]]))
ds = xr.open_dataset(nc_path, mask_and_scale=False)
ny, nx = ds.outcome.shape
assert ny * nx == len(body) - 1, (ds.outcome.shape, len(body) - 1)
for k, v in header.items():
    assert ds.attrs.get(k) == v, (k, ds.attrs.get(k), v)
ydim, xdim = ds.outcome.dims
meanings = ds.outcome.attrs["flag_meanings"].split()
assert list(ds.outcome.attrs["flag_values"]) == list(range(len(meanings)))
for name, col in zip(names, cols):
    if name in ("ix", "iy"):
        continue
    if name == xdim:
        want = np.array(col[:nx], dtype=np.float32)
        got = ds[name].values
    elif name == ydim:
        want = np.array(col[::nx], dtype=np.float32)
        got = ds[name].values
    elif name == "outcome":
        want = np.array([meanings.index(c) for c in col], dtype=np.int8).reshape(ny, nx)
        got = ds[name].values
    else:
        want = np.array(col, dtype=ds[name].dtype).reshape(ny, nx)
        got = ds[name].values
    assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
    if got.dtype.kind == "f":   # bit for bit, NaN as NaN
        same = (got.view(np.uint32) == want.view(np.uint32)) | (np.isnan(got) & np.isnan(want))
    else:
        same = got == want
    assert same.all(), (name, np.argwhere(~same)[:5])
# The user's one line: it plots against the axis values.
ds = xr.open_dataset(nc_path)
mesh = ds.outcome.plot()
assert mesh.axes.get_xlabel() == ds[xdim].attrs["long_name"], mesh.axes.get_xlabel()
assert mesh.axes.get_ylabel() == ds[ydim].attrs["long_name"], mesh.axes.get_ylabel()
lo, hi = mesh.axes.get_xlim()   # the cell edges: the axis ends, on a linear axis
assert lo <= float(ds[xdim][0]) < float(ds[xdim][-1]) <= hi, (lo, hi)
# Without netCDF4-python, xarray reads it through scipy: the same dataset.
try:
    import scipy.io  # noqa: F401
except ImportError:
    pass
else:
    plain = xr.open_dataset(nc_path, engine="scipy")
    assert plain.identical(ds), "scipy and netCDF4 read different datasets"
print("ok", nc_path, f"{ny}x{nx}", len(names), "columns")
