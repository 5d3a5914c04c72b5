"""One chunk of map rows (whole lines in a buffer), parsed with NumPy on raw
bytes and checked as strictly as gridsweep's reader (src/map/map_row.c)
checks them: every row's field count and length, ix and iy (row-major order,
within the plane or band), the outcome word, every int column (the time fields at least
-1), and every float column's characters. The columns a caller asks for are
converted in full, so a value that is drawn has passed the whole number
grammar. A float column nobody draws is checked for what costs little: its
bytes, an empty or one-character field that is not a digit, a '+' that does
not follow an exponent's e; other malformed numbers made of number bytes
(1.2.3, 1-2, 1e5e5) pass there, as parsing twelve more columns would triple
the reading time. The columns and their types come from the binary
(vocab.columns()).
"""
import re

import numpy as np

from . import vocab
from .cli import RUN_FAULT, GsError

CHUNK = 1 << 24      # bytes per read: amortises NumPy calls, keeps temporaries small
PAD = 64             # bytes past the buffer's end: 8-byte reads of a field stay inside
ROW_MAX = 511        # bytes of a row with its newline (src/map/lines.h: ROW_MAX 512 with the NUL)
MISSING = 255        # outcome code of a cell the file does not hold (a tile's other rows)
INT_WIDTH = 11       # "-2147483648"
FLOAT_WIDTH = 16     # '%.9g' of a float32 is at most 15 characters
FLOAT64_WIDTH = 24   # '%.17g' of a double (an f64 map) at most 24: -1.2345678901234567e-308
INT32 = (-(1 << 31), (1 << 31) - 1)
T_CONV_MIN = -1      # the time fields: "the step ..., or -1" (docs/formats.md)
# Bytes a number may hold; any other byte of a row belongs in its outcome word.
NUMBER_BYTES = b"0123456789.-+eEnaif"
INT_TEXT = re.compile(rb"-?[0-9]+")


class RowError(Exception):
    """The first bad row of a chunk or range: index counts rows from its start.
    kind "field" carries the message; kind "order" the cell (ix, iy) found,
    whose expected cell only the caller, who knows the row's global index, can name."""

    def __init__(self, index, kind, detail):
        super().__init__(kind)
        self.index, self.kind, self.detail = index, kind, detail


class Layout:
    """The columns of a map and what to do with each, from the binary's
    vocabulary, and the lookup tables the parser compares fields with."""

    def __init__(self, want, nx, row_lo, row_hi, band, f64=False):
        cols = vocab.columns()
        self.names = tuple(n for n, _ in cols)
        self.types = tuple(t for _, t in cols)
        self.ncols = len(cols)
        for need in ("ix", "iy", "t_enter", "t_diverge"):
            if need not in self.names or self.types[self.names.index(need)] != "int":
                raise GsError(f"{vocab.binary()} --list columns: no int column '{need}'",
                                    RUN_FAULT)
        if self.types.count("outcome") != 1:
            raise GsError(f"{vocab.binary()} --list columns: not exactly one outcome "
                                "column", RUN_FAULT)
        unknown = [w for w in want if w not in self.names]
        if unknown:
            raise GsError(f"maps have no column '{unknown[0]}'", RUN_FAULT)
        self.want = tuple(want)
        self.f64 = f64   # an f64 map: its float columns are doubles, 17 digits
        self.nx, self.row_lo, self.row_hi, self.band = nx, row_lo, row_hi, band
        self.nrows = (row_hi - row_lo) * nx
        # ix and iy as the writer prints them, for comparing whole fields at once.
        self.ix_text, self.ix_len = _decimal_keys(nx)
        self.iy_text, self.iy_len = _decimal_keys(row_hi)
        self._outcome_tables()

    def _outcome_tables(self):
        outcomes = vocab.outcomes()
        width = max(len(n) for n, _ in outcomes)
        if width >= PAD:
            raise GsError("an outcome word longer than the reader's padding", RUN_FAULT)
        self.word_words = (width + 7) // 8
        # (first byte, length) -> code; then the whole word is compared.
        self.lut = np.full((256, PAD), MISSING, np.uint8)
        self.word_keys = np.zeros((256, self.word_words), np.uint64)
        self.foreign_in_word = np.zeros(256, np.int64)
        for name, code in outcomes:
            raw = name.encode()
            if self.lut[raw[0], len(raw)] != MISSING:
                raise GsError(f"outcome words sharing a first letter and a length "
                                    f"('{name}'): the map reader needs a longer key",
                                    RUN_FAULT)
            self.lut[raw[0], len(raw)] = code
            self.word_keys[code] = _keys(raw, self.word_words)
            self.foreign_in_word[code] = len(raw.translate(None, NUMBER_BYTES))


LOW = np.array([(1 << (8 * n)) - 1 for n in range(9)], np.uint64)   # the low n bytes
MINUS_ONE = int.from_bytes(b"-1", "little")


def _keys(raw, words):
    """raw as `words` little-endian uint64s, zero past its end."""
    raw = raw.ljust(8 * words, b"\0")
    return [int.from_bytes(raw[8 * j:8 * j + 8], "little") for j in range(words)]


def _decimal_keys(n):
    """The decimal text of 0..n-1 as one uint64 each (up to 8 digits), and its length."""
    text = [b"%d" % i for i in range(n)]
    keys = np.array([int.from_bytes(t, "little") for t in text], np.uint64)
    return keys, np.array([len(t) for t in text], np.int64)


def _excerpt(buf, s, e):
    from .header import excerpt
    return excerpt(bytes(buf[s:min(e, s + 48)]))


class Chunk:
    """What parsing one chunk found: the wanted columns, the row count, the
    row-major index and cell of the first row, the index of the last, and the
    first bad row's RowError or None."""

    def __init__(self, cols=None, rows=0, first=None, first_cell=None, last=None, error=None):
        self.cols, self.rows, self.first, self.first_cell = cols, rows, first, first_cell
        self.last, self.error = last, error


class Parser:
    """Parses chunks of whole map lines. The chunk lives in a buffer reused from
    chunk to chunk, as do the masks: on some machines page-faulting fresh
    multi-MB temporaries costs more than the parsing itself. Fields are read
    8 bytes at a time through a view of the buffer as a uint64 at every byte
    offset, and compared with the writer's text as whole numbers."""

    def __init__(self, layout, size):
        self.lay = layout
        self.buf = np.zeros(size + PAD, np.uint8)
        self.u64 = np.ndarray((size + PAD - 8,), "<u8", self.buf, strides=(1,))
        self.m1 = np.empty(size, np.bool_)
        self.m2 = np.empty(size, np.bool_)

    def gather(self, s, lens, words):
        """The fields starting at s, `words` uint64s each, zero past their end."""
        if words == 1:
            return (self.u64[s] & LOW[np.minimum(lens, 8)])[:, None]
        out = np.empty((len(s), words), np.uint64)
        for j in range(words):
            out[:, j] = self.u64[s + 8 * j] & LOW[np.minimum(np.maximum(lens - 8 * j, 0), 8)]
        return out

    def parse(self, n, expect_first):
        """Parses buf[:n], which holds whole lines, into a Chunk. expect_first,
        if not None, is the row-major index the first row must have."""
        lay, buf = self.lay, self.buf
        ncols = lay.ncols
        m1, m2 = self.m1[:n], self.m2[:n]
        # Commas and newlines in one pass: every row has exactly ncols fields when
        # every ncols-th separator is a newline and there are ncols per newline.
        np.equal(buf[:n], 10, out=m1)
        k = int(np.count_nonzero(m1))
        np.equal(buf[:n], 44, out=m2)
        np.logical_or(m1, m2, out=m1)
        sep = np.flatnonzero(m1)
        if len(sep) != k * ncols or not (buf[sep[ncols - 1::ncols]] == 10).all():
            nl = np.flatnonzero(buf[:n] == 10)
            commas = np.flatnonzero(buf[:n] == 44)
            counts = np.bincount(np.searchsorted(nl, commas), minlength=k)[:k]
            bad = int(np.flatnonzero(counts != ncols - 1)[0])
            return Chunk(error=RowError(bad, "field",
                                         f"{counts[bad] + 1} fields, expected {ncols}"))
        sep = sep.reshape(k, ncols)
        row_start = np.empty(k, np.int64)
        row_start[0] = 0
        row_start[1:] = sep[:-1, -1] + 1
        cache = {}

        def field(col):
            """(starts, lengths) of column col's fields, contiguous."""
            if col not in cache:
                s = sep[:, col - 1] + 1 if col else row_start
                cache[col] = s, sep[:, col] - s
            return cache[col]

        fails = []   # (row, column, detail): the earliest wins, as a row-by-row reader finds it

        def first_bad(mask, col):
            if mask.any():
                r = int(np.flatnonzero(mask)[0])
                s, ln = field(col)
                fails.append((r, col, f"bad {lay.names[col]} '"
                               f"{_excerpt(buf, s[r], s[r] + ln[r])}'"))

        long = sep[:, -1] + 1 - row_start > ROW_MAX
        if long.any():
            fails.append((int(np.flatnonzero(long)[0]), -1, "line too long"))

        out, codes = {}, None
        for col, (name, kind) in enumerate(zip(lay.names, lay.types)):
            if name in ("ix", "iy") or (kind == "float" and name not in lay.want):
                continue      # ix, iy: below, with the row order; floats: their bytes, below
            s, ln = field(col)
            if kind == "int":
                v, bad = self._ints(s, ln)
                if name.startswith("t_"):
                    bad |= v < T_CONV_MIN
                first_bad(bad, col)
                if name in lay.want:
                    out[name] = v.astype(np.int32)
            elif kind == "outcome":
                g = self.gather(s, ln, lay.word_words)
                codes = lay.lut[(g[:, 0] & np.uint64(0xFF)).astype(np.intp),
                                np.clip(ln, 0, PAD - 1)]
                bad = (codes == MISSING) | (g != lay.word_keys[codes]).any(1)
                first_bad(bad, col)
                if name in lay.want:
                    out[name] = codes
            else:
                v, bad = self._floats(s, ln)
                first_bad(bad, col)
                out[name] = v
        # Every byte a number cannot hold must sit in an outcome word.
        stray = len(buf[:n].tobytes().translate(None, NUMBER_BYTES + b",\n"))
        if stray != int(lay.foreign_in_word[codes].sum()):
            self._stray_field(n, sep, codes, first_bad)
        # '+' only follows an exponent's e (gridsweep writes it for exponents of
        # 10 and more, so rarely that looking at each one costs nothing).
        np.equal(buf[:n], 43, out=m2)
        if m2.any():
            at = np.flatnonzero(m2)
            before = buf[np.maximum(at - 1, 0)]
            at = at[(before != 101) & (before != 69)]
            if len(at):
                col = np.searchsorted(sep.ravel(), at[0])
                mask = np.zeros(k, np.bool_)
                mask[col // ncols] = True
                first_bad(mask, int(col % ncols))
        # No field is empty, and a one-byte field is a digit (not '-', '.', 'e').
        # The fields after the first of each row start one byte after a separator.
        width = np.diff(sep.ravel())
        for short in (1, 2):
            at = np.flatnonzero(width == short)
            if short == 2:
                at = at[(buf[sep.ravel()[at] + 1] - 48).astype(np.uint8) > 9]
            if len(at):
                mask = np.zeros(k, np.bool_)
                mask[(at[0] + 1) // ncols] = True
                first_bad(mask, int((at[0] + 1) % ncols))
        chunk = self._order(field, sep, expect_first, fails)
        chunk.cols = out
        if fails:
            r, col, detail = min(fails, key=lambda f: (f[0], f[1]))
            chunk.error = RowError(r, "order" if col == ncols else "field", detail)
        return chunk

    def _order(self, field, sep, expect_first, fails):
        """ix and iy of every row: row-major order from the first row's cell,
        within the plane or band. The fields are compared with the expected
        cell's text; a row that differs is looked at alone."""
        lay, buf = self.lay, self.buf
        k, ncols = sep.shape
        cix, ciy = lay.names.index("ix"), lay.names.index("iy")
        fields = {col: field(col) for col in (cix, ciy)}

        def cell(r):
            """(ix, iy) of row r, or None after noting a malformed field."""
            got = []
            for col in (cix, ciy):
                text = bytes(buf[fields[col][0][r]:sep[r, col]])
                if not INT_TEXT.fullmatch(text) or not INT32[0] <= int(text) <= INT32[1]:
                    fails.append((r, col, f"bad {lay.names[col]} '"
                                  f"{_excerpt(buf, fields[col][0][r], sep[r, col])}'"))
                    return None
                got.append(int(text))
            return tuple(got)

        first = cell(0)
        chunk = Chunk(rows=k, first_cell=first)
        if first is None:
            return chunk
        ix0, iy0 = first
        lin0 = (iy0 - lay.row_lo) * lay.nx + ix0
        if not (0 <= ix0 < lay.nx and lay.row_lo <= iy0 < lay.row_hi) or \
                (expect_first is not None and lin0 != expect_first):
            fails.append((0, ncols, first))
            return chunk
        chunk.first, chunk.last = lin0, lin0 + k - 1
        lin = lin0 + np.arange(k)
        held = lin < lay.nrows          # rows past the map's: the caller reports them
        lin = np.minimum(lin, lay.nrows - 1)
        eix, eiy = lin % lay.nx, lay.row_lo + lin // lay.nx
        same = np.ones(k, np.bool_)
        for col, want, text, length in ((cix, eix, lay.ix_text, lay.ix_len),
                                        (ciy, eiy, lay.iy_text, lay.iy_len)):
            s, ln = fields[col]
            same &= (self.gather(s, ln, 1)[:, 0] == text[want]) & (ln == length[want])
        for r in np.flatnonzero(~same & held):
            got = cell(int(r))
            if got is None:
                break
            if got != (int(eix[r]), int(eiy[r])):     # not just leading zeros
                fails.append((int(r), ncols, got))
                break
        return chunk

    def _ints(self, s, ln):
        """-?DIGITS within int32, as map_read.c's parse_i32: (values, bad mask).
        "-1" (a time field that never happened) is compared as a whole;
        the rest are checked for digits and parsed by NumPy."""
        g = self.gather(s, ln, 2)
        v = np.full(len(s), -1, np.int64)
        other = np.flatnonzero((g[:, 0] != MINUS_ONE) | (ln != 2))
        bad = ln > INT_WIDTH
        if len(other):
            go, lo = g[other], ln[other]
            b = go.view(np.uint8).reshape(len(other), 16)
            pos = np.arange(16)
            neg = b[:, 0] == 45
            inside = (pos >= neg[:, None]) & (pos < lo[:, None])
            digit = (b >= 48) & (b <= 57)
            bad[other] |= ~(digit | ~inside).all(1) | (lo - neg < 1)
            ok = ~bad[other]
            vals = np.zeros(len(other), np.int64)
            if ok.any():
                vals[ok] = go[ok].view("S16").ravel().astype(np.int64)
            v[other] = vals
            bad |= (v < INT32[0]) | (v > INT32[1])
        return v, bad

    def _floats(self, s, ln):
        """float32 values of the fields (of an f64 map: float64), parsed by
        NumPy in C from fixed-width byte strings; (values, bad mask). Refused as
        by map_read.c: what is not a number, a leading '+', a finite decimal
        beyond float range."""
        width = FLOAT64_WIDTH if self.lay.f64 else FLOAT_WIDTH
        g = self.gather(s, ln, width // 8)
        bad = (ln <= 0) | (ln > width) | ((g[:, 0] & np.uint64(0xFF)) == 43)
        strs = g.view(f"S{width}").ravel()
        try:
            wide = strs.astype(np.float64)
        except ValueError:
            wide = np.empty(len(strs))
            for i, t in enumerate(strs):
                try:
                    wide[i] = float(t)
                except ValueError:
                    wide[i], bad[i] = np.nan, True
        if self.lay.f64:
            return wide, bad | (np.isinf(wide) & ~np.char.endswith(strs, b"inf"))
        with np.errstate(over="ignore"):
            v = wide.astype(np.float32)
        bad |= np.isinf(v) & np.isfinite(wide)
        return v, bad

    def _stray_field(self, n, sep, codes, first_bad):
        """Names the first field outside the outcome column that holds a byte
        no number has (only called when there is one)."""
        lay, buf = self.lay, self.buf
        allowed = np.zeros(256, np.bool_)
        allowed[list(NUMBER_BYTES + b",\n")] = True
        p = np.flatnonzero(~allowed[buf[:n]])
        at = np.searchsorted(sep.ravel(), p)           # the separator ending p's field
        col = at % lay.ncols
        stray = col != lay.types.index("outcome")
        if stray.any():
            i = int(np.flatnonzero(stray)[0])
            mask = np.zeros(len(sep), np.bool_)
            mask[at[i] // lay.ncols] = True
            first_bad(mask, int(col[i]))
