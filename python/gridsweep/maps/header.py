"""The '#' header of maps and traces (docs/formats.md), checked as strictly as
gridsweep's own reader (src/map/map_header.c) checks it, with the same kind of
message: what is wrong, and on which line."""
import math
import os
import re

import numpy as np

from . import vocab
from .cli import GsError

MAP_MAGIC = b"# gridsweep-map 1"
TRACE_MAGIC = b"# gridsweep-trace 1"
# The axis parameters, in the order the header's 'at' lists them. The start
# columns (a0 b0 c0 d0 lr) come from the binary; these are the names the
# command line and the header use for the same five values, and the
# per-layer rates, which have no column (absent from 'at': lr's value).
PARAMS = ("a", "b", "c", "d", "lr", "lr_in", "lr_out")

LINE_MAX = 16383          # as src/map/lines.h: longer header lines are not ours
HEADER_MAX = 1 << 20
MAX_KEYS = 64             # as include/gridsweep/map.h
MAX_RES = 65536
MAX_CELLS = 1 << 32
FLT_MAX = 3.4028234663852886e38
_KEY_LINE = re.compile(rb"# ([a-z0-9_]+): (.*)\Z", re.S)


def excerpt(raw):
    """At most 40 characters of a line, non-printable ones as '?', for messages."""
    text = "".join(chr(c) if 32 <= c < 127 else "?" for c in bytes(raw[:41]))
    return text[:37] + "..." if len(text) > 40 else text


def open_checked(path):
    """Opens a file for binary reading; one-line errors for the usual failures."""
    if not os.path.exists(path):
        raise GsError(f"{path}: no such file")
    if os.path.isdir(path):
        raise GsError(f"{path}: is a directory")
    try:
        return open(path, "rb", buffering=0)
    except OSError as e:
        raise GsError(f"{path}: {e.strerror}") from None


class Header:
    """The '#' lines as key -> value, the column line, where the rows start."""

    def __init__(self, f, path, kind):
        """kind: "map" or "trace"."""
        magic = MAP_MAGIC if kind == "map" else TRACE_MAGIC
        what = f"a gridsweep {kind}"
        self.path = path
        head = b""
        while not self._has_column_line(head) and len(head) <= HEADER_MAX + LINE_MAX:
            more = f.read(1 << 16)
            if not more:
                break
            head += more
        if not head:
            raise GsError(f"{path}: empty file, not {what}")
        lines, pos = [], 0
        while True:
            nl = head.find(b"\n", pos)
            if nl < 0:
                raise GsError(f"{path}: ends inside the header (no column line): not a "
                              f"complete gridsweep {kind}")
            line = head[pos:nl]
            if len(line) + 1 > LINE_MAX:
                raise GsError(f"{path}: line {len(lines) + 1}: line too long")
            if b"\0" in line:
                raise GsError(f"{path}: line {len(lines) + 1}: contains a NUL byte (binary data)")
            lines.append(line)
            pos = nl + 1
            if not line.startswith(b"#"):
                break
            if pos > HEADER_MAX:
                raise GsError(f"{path}: header too long")
        if lines[0] != magic:
            for other, magic_of in (("trace", TRACE_MAGIC), ("map", MAP_MAGIC)):
                if other != kind and lines[0] == magic_of:
                    raise GsError(f"{path}: is a {other} file, not a {kind}")
            raise GsError(f"{path}: not {what} (line 1 is '{excerpt(lines[0])}', expected "
                          f"'{magic.decode()}')")
        self.values = {}
        for no, line in enumerate(lines[1:-1], 2):
            m = _KEY_LINE.match(line)
            if not m:
                raise GsError(f"{path}: line {no}: expected '# key: value', got '{excerpt(line)}'")
            key = m.group(1).decode()
            if key in self.values:
                raise GsError(f"{path}: line {no}: key '{key}' given twice")
            if len(self.values) == MAX_KEYS:
                raise GsError(f"{path}: more than {MAX_KEYS} header keys")
            try:
                self.values[key] = m.group(2).decode()
            except UnicodeDecodeError:
                raise GsError(f"{path}: line {no}: not text") from None
        self.column_line = lines[-1]
        self.column_lineno = len(lines)
        self.data_start = pos

    @staticmethod
    def _has_column_line(head):
        """True once head holds a whole line that does not start with '#'."""
        pos = 0
        while True:
            nl = head.find(b"\n", pos)
            if nl < 0:
                return False
            if not head.startswith(b"#", pos):
                return True
            pos = nl + 1

    def get(self, key, default=None):
        return self.values.get(key, default)

    def need(self, key):
        if key not in self.values:
            raise GsError(f"{self.path}: the header has no '{key}' line")
        return self.values[key]

    def expect_columns(self, names):
        """The column line must be exactly these names."""
        want = ",".join(names)
        if self.column_line != want.encode():
            raise GsError(f"{self.path}: line {self.column_lineno}: expected the column line "
                          f"'{want[:24]}...', got '{excerpt(self.column_line)}'")


class AttrsHeader:
    """The attributes of what gridsweep.sweep(), load() or trace() returned, in
    the shape of a Header: values as the header's text (floats as %.9g, as the
    files print them)."""

    def __init__(self, attrs, path):
        self.path = path
        self.values = {k: (f"{v:.9g}" if isinstance(v, float) else str(v))
                       for k, v in attrs.items() if isinstance(v, (str, int, float))}

    def get(self, key, default=None):
        return self.values.get(key, default)

    def need(self, key):
        if key not in self.values:
            raise GsError(f"{self.path}: no '{key}' attribute")
        return self.values[key]


def _number(text):
    """A finite number within float range, as the C reader's strict_double."""
    v = float(text)      # ValueError for junk
    if text != text.strip() or "_" in text or not math.isfinite(v) or abs(v) > FLT_MAX:
        raise ValueError
    return v


class Axis:
    """One axis of the plane: PARAM:LO:HI[:log] with n cells."""

    def __init__(self, text, path):
        parts = text.split(":")

        def bad(why):
            return GsError(f"{path}: header: axis '{text}': {why}")
        if len(parts) not in (3, 4):
            raise bad("expected PARAM:LO:HI or PARAM:LO:HI:log")
        if parts[0] not in PARAMS:
            raise bad(f"unknown parameter '{parts[0]}' (valid: {', '.join(PARAMS)})")
        try:
            self.lo, self.hi = _number(parts[1]), _number(parts[2])
        except ValueError:
            raise bad("LO and HI must be finite numbers") from None
        self.log = len(parts) == 4
        if self.log and parts[3] != "log":
            raise bad("the fourth field can only be 'log'")
        if not self.lo < self.hi:
            raise bad("LO must be below HI")
        if self.log and self.lo <= 0:
            raise bad("a log axis must stay above 0")
        if parts[0] in ("lr", "lr_in", "lr_out") and self.lo <= 0:
            raise bad("the learning rate must stay above 0")
        self.param, self.text, self.n = parts[0], text, 0

    def to_plot(self, v):
        """Plot coordinate of a parameter value (log10 on a log axis)."""
        return np.log10(v) if self.log else v

    @property
    def plot_range(self):
        return self.to_plot(self.lo), self.to_plot(self.hi)

    def contains(self, v):
        return self.lo <= v <= self.hi

    def label(self):
        scale = ", log scale" if self.log else ""
        return f"{self.param}\u2080 (start)   [{fmt(self.lo)}, {fmt(self.hi)}{scale}]"


def fmt(v):
    """Short text of a header number: float32 values print as 0.100000001."""
    return f"{float(v):.6g}"


def _int(text, lo, hi):
    if not re.fullmatch(r"-?[0-9]+", text):
        raise ValueError
    v = int(text)
    if not lo <= v <= hi:
        raise ValueError
    return v


class Plane:
    """The plane a map covers, from its header: axes, resolution, fixed values,
    and the rows this file holds (all, or a band of a tiled map)."""

    def __init__(self, header):
        h, path = header, header.path
        act = h.need("act")
        x, y, res, cells = h.need("x"), h.need("y"), h.need("res"), h.need("cells")
        if act not in vocab.activations():
            raise GsError(f"{path}: header 'act': unknown activation '{act}'")
        self.act = act
        self.x, self.y = Axis(x, path), Axis(y, path)
        if self.x.param == self.y.param:
            raise GsError(f"{path}: header: x and y are both '{self.x.param}'")
        try:
            nx, ny = res.split(",")
            nx, ny = _int(nx, 1, MAX_RES), _int(ny, 1, MAX_RES)
            if nx * ny > MAX_CELLS:
                raise ValueError
        except ValueError:
            raise GsError(f"{path}: header 'res': expected NX,NY (1 to {MAX_RES} each), got "
                          f"'{res}'") from None
        self.nx, self.ny = nx, ny
        self.x.n, self.y.n = nx, ny
        self.row_lo, self.row_hi = 0, ny
        self.tiled = "tile" in h.values
        if self.tiled:
            tile = h.values["tile"]
            m = re.fullmatch(r"([^/]*)/(.*) rows=(.*):([^:]*)", tile)
            try:
                if not m:
                    raise ValueError
                k = _int(m.group(1), 1, ny)
                _int(m.group(2), k, ny)
                self.row_lo = _int(m.group(3), 0, ny - 1)
                self.row_hi = _int(m.group(4), self.row_lo + 1, ny)
            except ValueError:
                raise GsError(f"{path}: header 'tile': expected K/N rows=LO:HI within the {ny} "
                              f"rows, got '{tile}'") from None
        self.cells = nx * ny
        try:
            if _int(cells, 1, MAX_CELLS) != self.cells:
                raise ValueError
        except ValueError:
            raise GsError(f"{path}: header 'cells' is '{cells}', expected {self.cells} for res "
                          f"{res}") from None
        self.at = parse_at(h.get("at", ""), path)
        fixed_axis = [p for p in (self.x.param, self.y.param) if p in self.at]
        if fixed_axis:
            raise GsError(f"{path}: header 'at': '{fixed_axis[0]}' is an axis of the plane; it "
                          "cannot be fixed")

    def key(self):
        """What must match for two maps to share a figure's axes."""
        at = tuple(sorted((k, round(v, 6)) for k, v in self.at.items()))
        return (self.x.text, self.y.text, self.nx, self.ny, at)


def parse_at(text, path):
    at = {}
    if not text:
        return at
    for item in text.split(","):
        k, sep, v = item.partition("=")
        try:
            if not sep or k not in PARAMS or k in at:
                raise ValueError
            at[k] = _number(v)
        except ValueError:
            raise GsError(f"{path}: header 'at': bad value '{text}'") from None
    return at
