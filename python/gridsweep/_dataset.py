"""Python values to the command line's texts, and the extension's raw result
(columns, header, cell centres) to an xarray.Dataset or a dict of arrays."""
import numbers

import numpy as np

from . import _gridsweep as _c


def _number(v):
    """The shortest text that reads back as v (float32 settings parse it to the
    same float32 as the command line's shortest text)."""
    if isinstance(v, bool):
        raise TypeError("a number, not a bool")
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        return repr(float(v))
    raise TypeError(f"a number, not {type(v).__name__}")


def as_text(value, name):
    """An argument as the command line spells it: None stays None, strings pass
    as they are; res=(NX, NY), data=(LO, HI), x=("b", -2, 2) or
    ("lr", 1e-3, 1, "log"), at={"a": 1, "c": 1}."""
    if value is None or isinstance(value, str):
        return value
    try:
        if isinstance(value, dict):
            return ",".join(f"{k}={_number(v)}" for k, v in value.items())
        if isinstance(value, (tuple, list)):
            sep = "," if name in ("res", "init") else ":"
            return sep.join(v if isinstance(v, str) else _number(v) for v in value)
        return _number(value)
    except TypeError as e:
        raise TypeError(f"{name}: {e}") from None


_SETTING_TYPES = {key: typ for key, _, typ, _ in _c.settings()}
_OUTCOMES = _c.outcomes()
_COLUMNS = {name: (typ, desc) for name, typ, desc in _c.columns()}


def _attr(key, text):
    """A header value as an attribute: settings by their type (lr 0.1 as the
    float 0.1, the shortest text the header holds), cells as an int, the
    rest (act, x, y, res, at, command, version, ranges, names) as text."""
    typ = _SETTING_TYPES.get(key, "int" if key in ("cells", "point", "every") else "text")
    if typ in ("float", "double"):
        return float(text)
    if typ in ("int", "uint64"):
        return int(text)
    return text


def build(raw):
    attrs = {key: _attr(key, text) for key, text in raw["header"].items()}
    try:
        import xarray as xr
    except ImportError:
        xr = None
    # The layout of gridsweep's NetCDF maps: the dimensions are the start
    # columns of the two axis parameters (b0, d0), which hold the cell centres
    # as 1-D coordinates; every other column is a variable over them.
    xcol, ycol = raw["x_column"], raw["y_column"]
    if xr is None:   # the same names; the outcome's names and the axes in attrs
        out = dict(raw["columns"])
        out[xcol], out[ycol] = raw["x"], raw["y"]
        out["attrs"] = dict(attrs, outcomes=list(_OUTCOMES), x_column=xcol, y_column=ycol)
        return out
    coords = {}
    for dim, col, axis in (("x", xcol, "X"), ("y", ycol, "Y")):
        # lr_in and lr_out have no column: the axis is its own coordinate
        desc = _COLUMNS[col][1] if col in _COLUMNS else f"learning rate {col}"
        coords[col] = (col, raw[dim], {"long_name": desc, "axis": axis,
                                       "param": raw[dim + "_param"]})
    data = {}
    for name, arr in raw["columns"].items():
        if name in (xcol, ycol):
            continue
        typ, desc = _COLUMNS[name]
        var_attrs = {"long_name": desc}
        if typ == "outcome":   # CF flags: xarray, netCDF tools and plots read them
            var_attrs.update(flag_values=np.arange(len(_OUTCOMES), dtype=np.uint8),
                             flag_meanings=" ".join(_OUTCOMES))
        data[name] = ((ycol, xcol), arr, var_attrs)
    return xr.Dataset(data, coords=coords, attrs=attrs)


def build_trace(raw):
    """The trajectory as a Dataset over "step" (or a dict of arrays plus
    "attrs"): the header's keys, then the outcome lines."""
    attrs = {}
    for line in raw["header"].splitlines():
        key, sep, text = line[2:].partition(": ")
        if line.startswith("# ") and sep:
            attrs[key] = _attr(key, text)
    attrs.update(raw["result"])
    names = ("a", "b", "c", "d", "loss")
    try:
        import xarray as xr
    except ImportError:
        out = {name: raw[name] for name in ("step",) + names}
        out["attrs"] = attrs
        return out
    data = {name: ("step", raw[name]) for name in names}
    return xr.Dataset(data, coords={"step": raw["step"]}, attrs=attrs)
