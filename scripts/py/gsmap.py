"""Reading gridsweep basin maps and traces (docs/formats.md), and what the plot
scripts share: outcome colours, axis ticks, titles, error handling.

Maps can be 4096 x 4096 (16.7M rows, GBs of CSV), so rows are parsed with
NumPy on raw bytes, in byte ranges on worker threads, chunk by chunk in reused
buffers: only the three columns the plots need are converted, and no temporary
is file-sized.
"""
import os
import sys

import numpy as np

MAP_MAGIC = b"# gridsweep-map 1"
TRACE_MAGIC = b"# gridsweep-trace 1"
PARAMS = ("a", "b", "c", "d", "lr")

# Fixed across all scripts, so a colour means the same outcome in every figure.
OUTCOMES = ("converged", "stuck", "linear", "dead", "diverged")
OUTCOME_COLORS = {
    "converged": "#2ca02c",
    "stuck": "#ff7f0e",
    "linear": "#1f77b4",
    "dead": "#7f7f7f",
    "diverged": "#d62728",
}
# Converged cells are shaded by t_conv: early = dark green, late = light green.
CONV_FAST = "#00441b"
CONV_SLOW = "#a1d99b"
MISSING = 255  # outcome code of a cell the file does not hold (a tile's other rows)

# The discussion's two starting points (a, b, c, d, lr).
DISCUSSION_POINTS = (
    (1.0, 0.5, 1.0, -0.5, 0.1),
    (1.0, 0.5, 1.0, 0.0, 0.1),
)


class GsError(Exception):
    """A one-line, user-facing error (bad input, unreadable file)."""


# ---------------------------------------------------------------- map header

class Axis:
    """One axis of the plane: PARAM:LO:HI[:log] with n cells."""

    def __init__(self, text, n, path):
        parts = text.split(":")
        try:
            if len(parts) not in (3, 4) or parts[0] not in PARAMS:
                raise ValueError
            self.param, self.lo, self.hi = parts[0], float(parts[1]), float(parts[2])
            self.log = len(parts) == 4
            if self.log and parts[3] != "log":
                raise ValueError
            if not (self.lo < self.hi) or (self.log and self.lo <= 0):
                raise ValueError
        except ValueError:
            raise GsError(f"{path}: bad axis '{text}' in the header") from None
        self.text, self.n = text, n

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


def parse_at(text, path):
    at = {}
    if not text:
        return at
    for item in text.split(","):
        k, sep, v = item.partition("=")
        try:
            if not sep or k not in PARAMS:
                raise ValueError
            at[k] = float(v)
        except ValueError:
            raise GsError(f"{path}: bad 'at' value '{text}' in the header") from None
    return at


def same_value(u, v):
    """Header values are float32 printed with 9 digits: compare loosely."""
    return abs(u - v) <= 1e-6 * max(1.0, abs(u), abs(v))


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


def kind_of(first_line, path):
    """Names what a file is not, for the 'not a map' / 'not a trace' errors."""
    if first_line.startswith(MAP_MAGIC):
        return "a gridsweep map"
    if first_line.startswith(TRACE_MAGIC):
        return "a gridsweep trace"
    return None


def read_header(f, path, magic, what):
    """Reads the '#' lines and the column line.

    Returns (header dict, columns list, byte offset of the first row)."""
    head = b""
    while True:
        more = f.read(1 << 16)
        if not more:
            break
        head += more
        if b"\n" in head and not head.startswith(b"#"):
            break
        # The header ends at the first line that is not a comment (columns).
        pos = 0
        done = False
        while True:
            nl = head.find(b"\n", pos)
            if nl < 0:
                break
            if not head.startswith(b"#", pos):
                done = True
                break
            pos = nl + 1
        if done or len(head) > (1 << 22):
            break
    if not head:
        raise GsError(f"{path}: empty file")
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if first != magic:
        other = kind_of(first, path)
        if other:
            raise GsError(f"{path}: is {other}, not {what}")
        raise GsError(f"{path}: not {what} (the first line is not '{magic.decode()}')")
    header = {}
    pos = 0
    while True:
        nl = head.find(b"\n", pos)
        if nl < 0:
            raise GsError(f"{path}: truncated header (no column line)")
        line = head[pos:nl]
        if not line.startswith(b"#"):
            break
        if pos > 0:
            try:
                text = line.decode()
            except UnicodeDecodeError:
                raise GsError(f"{path}: not {what} (header line is not text)") from None
            key, sep, value = text[1:].strip().partition(":")
            if sep:
                header[key.strip()] = value.strip()
        pos = nl + 1
    try:
        columns = head[pos:nl].decode().split(",")
    except UnicodeDecodeError:
        raise GsError(f"{path}: not {what} (bad column line)") from None
    return header, columns, nl + 1


# ------------------------------------------------------------------ map rows

_LUT = np.full((256, 16), MISSING, np.uint8)   # (first byte, length) -> outcome code
for _code, _name in enumerate(OUTCOMES):
    _LUT[ord(_name[0]), len(_name)] = _code

CHUNK = 1 << 24  # bytes per read: amortises NumPy calls, keeps temporaries small


class RowError(Exception):
    """A bad row inside a chunk; index is the row within the chunk."""

    def __init__(self, index, text):
        super().__init__(text)
        self.index, self.text = index, text


class _Parser:
    """Parses chunks of whole map lines into outcome codes, final_loss, t_conv.

    The chunk lives in a buffer reused from chunk to chunk, as do the masks:
    on some machines page-faulting fresh multi-MB temporaries costs more than
    the parsing itself. Commas and newlines are found in one pass; every row
    must have exactly ncols fields, i.e. every ncols-th separator is a newline
    and there are as many separators as ncols times the newlines."""

    def __init__(self, ncols, cols, size):
        self.ncols, self.cols = ncols, cols
        self.buf = np.zeros(size + _PAD, np.uint8)    # padded for the window views
        self.m1 = np.empty(size, np.bool_)
        self.m2 = np.empty(size, np.bool_)

    def parse(self, n):
        """Parses buf[:n], which holds whole lines."""
        buf, ncols = self.buf, self.ncols
        m1, m2 = self.m1[:n], self.m2[:n]
        np.equal(buf[:n], 10, out=m1)
        k = int(np.count_nonzero(m1))
        np.equal(buf[:n], 44, out=m2)
        np.logical_or(m1, m2, out=m1)
        sep = np.flatnonzero(m1)
        ok = len(sep) == k * ncols
        if ok:
            sep = sep.reshape(k, ncols)
            ok = bool((buf[sep[:, -1]] == 10).all())
        if not ok:
            nl = np.flatnonzero(buf[:n] == 10)
            commas = np.flatnonzero(buf[:n] == 44)
            counts = np.bincount(np.searchsorted(nl, commas), minlength=k)[:k]
            bad = int(np.flatnonzero(counts != ncols - 1)[0])
            raise RowError(bad, f" has {counts[bad] + 1} fields, not {ncols}")

        def field(i):
            start = sep[:, i - 1] + 1 if i else np.concatenate(([0], sep[:-1, -1] + 1))
            return start, sep[:, i]

        c_out, c_loss, c_t = self.cols
        s, e = field(c_out)
        codes = _LUT[buf[s], np.minimum(e - s, 15)]     # (first byte, length) -> code
        if (codes == MISSING).any():
            bad = int(np.flatnonzero(codes == MISSING)[0])
            word = bytes(buf[s[bad]:e[bad]]).decode(errors="replace")[:20]
            raise RowError(bad, f": unknown outcome '{word}'")
        loss = _numbers(buf, *field(c_loss), 16, np.float64, "final_loss").astype(np.float32)
        # t_conv only means something for converged cells: parse just those, and
        # check the others only for the shape of an integer (digits, or '-' first).
        s, e = field(c_t)
        lens = e - s
        first, last = buf[s], buf[e - 1]
        bad = (lens < 1) | (lens > 10) | ((first - 48 > 9) & (first != 45)) | (last - 48 > 9)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            word = bytes(buf[s[i]:e[i]]).decode(errors="replace")[:20]
            raise RowError(i, f": bad t_conv '{word}'")
        tconv = np.full(k, -1, np.int32)
        conv = np.flatnonzero(codes == 0)
        if len(conv):
            tconv[conv] = _numbers(buf, s[conv], e[conv], 10, np.int64, "t_conv", conv)
        return codes, loss, tconv


_PAD = 32


def _last_newline(buf, n):
    """1 + the position of the last newline in buf[:n], or 0 (looks at the tail first)."""
    lo = n
    while lo > 0:
        lo2 = max(0, lo - 4096)
        hits = np.flatnonzero(buf[lo2:lo] == 10)
        if len(hits):
            return lo2 + int(hits[-1]) + 1
        lo = lo2
    return 0


def _numbers(buf, s, e, width, dtype, name, rows=None):
    """Converts the fields [s, e) of buf: each is gathered through a sliding-window
    view into a fixed-width byte string (zero past its end), which NumPy parses in
    C. '%.9g' of a float32 is at most 15 characters."""
    lens = e - s
    bad = (lens <= 0) | (lens > width)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise RowError(i if rows is None else int(rows[i]), f": bad {name} field")
    cells = np.lib.stride_tricks.sliding_window_view(buf, width)[s]
    np.multiply(cells, np.arange(width) < lens[:, None], out=cells)
    strs = cells.view(f"S{width}").ravel()
    try:
        return strs.astype(dtype)
    except ValueError:
        for i, t in enumerate(strs):
            try:
                (float if dtype is np.float64 else int)(t)
            except ValueError:
                raise RowError(i if rows is None else int(rows[i]),
                               f": bad {name} '{t.decode(errors='replace')}'") from None
        raise


def _parse_range(fd, ncols, cols, limit, lo, hi):
    """Parses the rows in bytes [lo, hi) of the file (lo at a line start).

    Returns (outcome, final_loss, t_conv, error or None, torn): a RowError's index
    counts rows from lo; torn says the range ends inside a line. Stops early past
    `limit` rows (the caller reports the excess)."""
    parser = _Parser(ncols, cols, 2 * CHUNK)
    buf = parser.buf
    parts = []
    carry, row, pos = 0, 0, lo
    while pos < hi and row <= limit:
        got = os.preadv(fd, [memoryview(buf)[carry:carry + min(CHUNK, hi - pos)]], pos)
        if not got:
            break
        pos += got
        n = carry + got
        end = _last_newline(buf, n)
        if end == 0:
            if n > CHUNK:
                return _join(parts) + (RowError(row, " is not a map row (line too long)"), False)
            carry = n
            continue
        try:
            parts.append(parser.parse(end))
        except RowError as e:
            return _join(parts) + (RowError(row + e.index, e.text), False)
        row += len(parts[-1][0])
        carry = n - end
        buf[:carry] = buf[end:n]
    return _join(parts) + (None, carry > 0)


def _join(parts):
    if not parts:
        return (np.empty(0, np.uint8), np.empty(0, np.float32), np.empty(0, np.int32))
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


class Map:
    """A basin map: header, plane, and per-cell outcome / final_loss / t_conv
    as (ny, nx) arrays (cells a tile file does not hold are MISSING / NaN)."""

    def __init__(self, path):
        self.path = path
        with open_checked(path) as f:
            self.header, self.columns, data_start = read_header(f, path, MAP_MAGIC, "a gridsweep map")
            self._plane()
            self._rows(f, data_start)

    def get(self, key, default="?"):
        return self.header.get(key, default)

    def _plane(self):
        h, path = self.header, self.path
        for key in ("act", "x", "y", "res", "at", "cells"):
            if key not in h:
                raise GsError(f"{path}: not a gridsweep map (no '# {key}:' in the header)")
        try:
            nx, ny = (int(v) for v in h["res"].split(","))
            self.cells = int(h["cells"])
            if nx < 1 or ny < 1 or self.cells != nx * ny:
                raise ValueError
        except ValueError:
            raise GsError(f"{path}: bad 'res'/'cells' in the header") from None
        self.nx, self.ny = nx, ny
        self.x, self.y = Axis(h["x"], nx, path), Axis(h["y"], ny, path)
        self.at = parse_at(h["at"], path)
        self.act = h["act"]
        self.row_lo, self.row_hi = 0, ny
        if "tile" in h:
            try:
                rows = h["tile"].split("rows=")[1]
                self.row_lo, self.row_hi = (int(v) for v in rows.split(":"))
                if not 0 <= self.row_lo < self.row_hi <= ny:
                    raise ValueError
            except (ValueError, IndexError):
                raise GsError(f"{path}: bad 'tile' in the header") from None
        for col in ("outcome", "final_loss", "t_conv"):
            if col not in self.columns:
                raise GsError(f"{path}: not a gridsweep map (no '{col}' column)")

    def plane_key(self):
        """What must match for two maps to share a figure's axes."""
        at = tuple(sorted((k, round(v, 6)) for k, v in self.at.items()))
        return (self.x.text, self.y.text, self.nx, self.ny, at)

    def _rows(self, f, data_start):
        """Reads the rows. Big files are cut into byte ranges at line starts, one
        per worker thread (NumPy releases the GIL); each range is read with its own
        file offsets and parsed chunk by chunk; the results join in file order."""
        from concurrent.futures import ThreadPoolExecutor
        path = self.path
        nrows = (self.row_hi - self.row_lo) * self.nx
        size = os.fstat(f.fileno()).st_size
        f.seek(data_start)
        head = f.read(4096)
        if head:
            self._check_first(head.split(b"\n")[0])
        workers = max(1, min(os.cpu_count() or 1, 8, (size - data_start) // (4 * CHUNK)))
        cuts = [data_start]
        for i in range(1, workers):        # each cut moves on to the next line start
            at = data_start + (size - data_start) * i // workers
            f.seek(at - 1)
            nl = f.read(1 << 20).find(b"\n")
            cut = at + nl if nl >= 0 else size
            if cut > cuts[-1]:
                cuts.append(cut)
        cuts.append(size)
        ranges = list(zip(cuts[:-1], cuts[1:]))
        args = (f.fileno(), len(self.columns),
                tuple(self.columns.index(c) for c in ("outcome", "final_loss", "t_conv")), nrows)
        if len(ranges) == 1:
            parts = [_parse_range(*args, *ranges[0])]
        else:
            with ThreadPoolExecutor(len(ranges)) as pool:
                parts = list(pool.map(lambda r: _parse_range(*args, *r), ranges))
        row = 0
        for o, l, t, err, torn in parts:
            if err is not None:
                raise GsError(f"{path}: row {row + err.index + 1}{err.text}")
            row += len(o)
            if row > nrows:
                raise GsError(f"{path}: more rows than the {nrows} cells the header gives")
        if parts[-1][4]:
            raise GsError(f"{path}: truncated map (torn last line: row {row + 1} is incomplete; "
                          f"{row} of {nrows} rows)")
        if row < nrows:
            raise GsError(f"{path}: truncated map ({row} of {nrows} rows)")
        shape = (self.row_hi - self.row_lo, self.nx)
        self.outcome = np.full((self.ny, self.nx), MISSING, np.uint8)
        self.final_loss = np.full((self.ny, self.nx), np.nan, np.float32)
        self.t_conv = np.full((self.ny, self.nx), -1, np.int32)
        held = slice(self.row_lo, self.row_hi)
        for dst, i in ((self.outcome, 0), (self.final_loss, 1), (self.t_conv, 2)):
            dst[held] = np.concatenate([p[i] for p in parts]).reshape(shape)

    def _check_first(self, line):
        """The first row must be cell (0, row_lo): row-major order is assumed."""
        try:
            ix, iy = (int(v) for v in line.split(b",")[:2])
        except ValueError:
            raise GsError(f"{self.path}: row 1 is not a map row") from None
        if (ix, iy) != (0, self.row_lo):
            raise GsError(f"{self.path}: row 1 is cell ({ix},{iy}), not (0,{self.row_lo})")

    # ------------------------------------------------------------ summaries

    def fractions(self):
        """Percent of the held cells per outcome."""
        held = self.outcome[self.outcome != MISSING]
        counts = np.bincount(held, minlength=len(OUTCOMES))[:len(OUTCOMES)]
        total = max(1, held.size)
        return {name: 100.0 * counts[i] / total for i, name in enumerate(OUTCOMES)}

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

    def points_in_plane(self):
        """The discussion's starting points that lie on this plane."""
        out = []
        for p in DISCUSSION_POINTS:
            vals = dict(zip(PARAMS, p))
            if all(same_value(self.at[k], vals[k]) for k in self.at if k in vals) and \
                    self.x.contains(vals[self.x.param]) and self.y.contains(vals[self.y.param]):
                label = "(a,b,c,d) = (" + ", ".join(fmt(v) for v in p[:4]) + ")"
                out.append((self.x.to_plot(vals[self.x.param]),
                            self.y.to_plot(vals[self.y.param]), label))
        return out

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


# ------------------------------------------------------------------- drawing

def rgba_outcomes(outcome, t_conv, t_range):
    """An (ny, nx, 4) uint8 image: outcome colours, converged shaded by t_conv."""
    from matplotlib.colors import to_rgba
    table = np.zeros((256, 4), np.uint8)          # MISSING stays transparent
    for i, name in enumerate(OUTCOMES):
        table[i] = np.round(np.array(to_rgba(OUTCOME_COLORS[name])) * 255)
    img = table[outcome]
    conv = outcome == OUTCOMES.index("converged")
    t = t_conv[conv].astype(np.float32)
    lo, hi = t_range
    frac = np.clip((t - lo) / max(hi - lo, 1), 0, 1)[:, None]
    fast = np.array(to_rgba(CONV_FAST)) * 255
    slow = np.array(to_rgba(CONV_SLOW)) * 255
    img[conv] = np.round(fast + (slow - fast) * frac).astype(np.uint8)
    return img


def conv_cmap():
    from matplotlib.colors import LinearSegmentedColormap
    return LinearSegmentedColormap.from_list("tconv", [CONV_FAST, CONV_SLOW])


def t_conv_range(maps):
    """Shared t_conv colour range over maps: 0 .. the latest convergence step."""
    hi = 1
    for m in maps:
        conv = m.outcome == OUTCOMES.index("converged")
        if conv.any():
            hi = max(hi, int(m.t_conv[conv].max()))
    return 0, hi


def legend_handles():
    from matplotlib.patches import Patch
    return [Patch(facecolor=OUTCOME_COLORS[n], edgecolor="none", label=n) for n in OUTCOMES]


def log_ticks(ax_axis, lo, hi):
    """Ticks for a log10-coordinate axis, labelled with the parameter values."""
    from matplotlib.ticker import FixedLocator, FuncFormatter
    a, b = np.log10(lo), np.log10(hi)
    majors = [float(e) for e in range(int(np.ceil(a)), int(np.floor(b)) + 1)]
    minors = []
    for e in range(int(np.floor(a)), int(np.ceil(b)) + 1):
        for m in range(2, 10):
            v = np.log10(m) + e
            if a <= v <= b:
                minors.append(v)
    if len(majors) < 2:   # less than a decade or two: 1-2-5 ticks instead
        majors = [v for v in (np.log10(m) + e for e in range(int(np.floor(a)), int(np.ceil(b)) + 1)
                              for m in (1, 2, 5)) if a <= v <= b]
    ax_axis.set_major_locator(FixedLocator(majors))
    ax_axis.set_minor_locator(FixedLocator(minors))
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{10 ** v:.3g}"))


def setup_axes(ax, m):
    """Labels, ranges and log ticks for a panel showing map m."""
    ax.set_xlabel(m.x.label())
    ax.set_ylabel(m.y.label())
    x0, x1, y0, y1 = m.extent()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if m.x.log:
        log_ticks(ax.xaxis, m.x.lo, m.x.hi)
    if m.y.log:
        log_ticks(ax.yaxis, m.y.lo, m.y.hi)


POINT_MARKERS = ("o", "s")


def mark_points(ax, m, with_labels=True):
    for i, (px, py, label) in enumerate(m.points_in_plane()):
        ax.plot(px, py, POINT_MARKERS[i % 2], ms=8, mfc="white", mec="black", mew=1.5,
                label=label if with_labels else None, zorder=5)


# ------------------------------------------------------------------- scripts

def output_path(arg, src):
    return arg if arg else os.path.splitext(src)[0] + ".png"


def save_figure(fig, out):
    """Writes the PNG atomically: a failed run leaves no (partial) file."""
    import matplotlib.pyplot as plt
    d = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(d):
        raise GsError(f"{out}: no such directory")
    tmp = os.path.join(d, f".{os.path.basename(out)}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=110)
        os.replace(tmp, out)
    except OSError as e:
        raise GsError(f"{out}: {e.strerror or e}") from None
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.unlink(tmp)


def make_parser(name, description):
    """argparse with usage errors as one line on stderr and exit status 2."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            sys.stderr.write(f"{name}: {message} (see {name} --help)\n")
            sys.exit(2)

    return Parser(prog=name, description=description)


def run(name, main):
    """Runs main(); known failures become one line on stderr and status 1.
    GRIDSWEEP_DEBUG=1 shows the traceback of an unexpected error."""
    try:
        main()
    except GsError as e:
        sys.stderr.write(f"{name}: {e}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write(f"{name}: interrupted\n")
        sys.exit(130)
    except ImportError as e:
        sys.stderr.write(f"{name}: cannot import {e.name or 'a module'} (install the Debian "
                         "packages python3-numpy python3-matplotlib)\n")
        sys.exit(1)
    except MemoryError:
        sys.stderr.write(f"{name}: out of memory\n")
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - last resort: never a traceback
        if os.environ.get("GRIDSWEEP_DEBUG"):
            raise
        msg = str(e).splitlines()[0] if str(e) else ""
        sys.stderr.write(f"{name}: internal error: {type(e).__name__}: {msg}\n")
        sys.exit(1)
