"""Map rows, read fast: maps can be 4096 x 4096 (16.7M rows, GBs of CSV), so
the file is cut into byte ranges at line starts, one per worker thread, each
read chunk by chunk into a reused buffer and parsed by chunk.py; no temporary
is file-sized. The ranges join in file order, and the first bad row becomes a
one-line message naming its line, as src/map/map_row.c names it."""
import os

import numpy as np

from .cli import GsError
from .chunk import CHUNK, RowError, Chunk, Parser


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


def _parse_range(fd, layout, lo, hi, known_start):
    """Parses the rows in bytes [lo, hi) of the file (lo at a line start) into
    one Chunk (columns as lists of arrays). Stops at the first bad row, or
    early past the map's row count (the caller reports the excess); torn says
    the range ends inside a line. known_start: the row-major index the range
    must start at, if known."""
    parser = Parser(layout, 2 * CHUNK)
    buf = parser.buf
    whole = Chunk(cols={name: [] for name in layout.want})
    whole.torn = False
    carry, pos = 0, lo
    while pos < hi and whole.rows <= layout.nrows:
        got = os.preadv(fd, [memoryview(buf)[carry:carry + min(CHUNK, hi - pos)]], pos)
        if not got:
            break
        pos += got
        n = carry + got
        end = _last_newline(buf, n)
        if end == 0:
            if n > CHUNK:
                whole.error = RowError(whole.rows, "field", "line too long")
                return whole
            carry = n
            continue
        chunk = parser.parse(end, whole.last + 1 if whole.last is not None else known_start)
        if whole.first is None:
            whole.first, whole.first_cell = chunk.first, chunk.first_cell
        if chunk.error is not None:
            chunk.error.index += whole.rows
            whole.error = chunk.error
            return whole
        for name in layout.want:
            whole.cols[name].append(chunk.cols[name])
        whole.rows += chunk.rows
        whole.last = chunk.last
        carry = n - end
        buf[:carry] = buf[end:n]
    whole.torn = carry > 0
    return whole


def read_rows(fd, path, layout, data_start, size, first_line):
    """The wanted columns of every row, as flat arrays in file order; one-line
    GsErrors otherwise. Big files are cut into byte ranges at line starts, one
    per worker thread (NumPy releases the GIL); each range is read with its own
    file offsets and parsed chunk by chunk; the results join in file order."""
    from concurrent.futures import ThreadPoolExecutor
    nrows = layout.nrows

    def line(index):
        return f"{path}: line {first_line + index}"

    workers = max(1, min(os.cpu_count() or 1, 8, (size - data_start) // (4 * CHUNK)))
    cuts = [data_start]
    for i in range(1, workers):        # each cut moves on to the next line start
        at = data_start + (size - data_start) * i // workers
        nl = os.pread(fd, 1 << 20, at - 1).find(b"\n")
        cut = at + nl if nl >= 0 else size
        if cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(size)
    ranges = list(zip(cuts[:-1], cuts[1:]))
    # Only the first range knows the row it starts at; the others are checked
    # against their predecessors below.
    starts = [0] + [None] * (len(ranges) - 1)
    if len(ranges) == 1:
        parts = [_parse_range(fd, layout, *ranges[0], 0)]
    else:
        with ThreadPoolExecutor(len(ranges)) as pool:
            parts = list(pool.map(lambda r, s: _parse_range(fd, layout, *r, s), ranges, starts))
    row = 0
    for got in parts:
        if got.first is not None and got.first != row and row < nrows and \
                (got.error is None or got.error.index > 0):
            got.error = RowError(0, "order", got.first_cell)
        if got.error is not None:
            index = row + got.error.index
            if index >= nrows:
                row = nrows + 1
                break
            if got.error.kind == "order":
                ix, iy = got.error.detail
                raise GsError(f"{line(index)}: cell {ix},{iy} out of order, expected "
                                    f"{index % layout.nx},{layout.row_lo + index // layout.nx}")
            raise GsError(f"{line(index)}: {got.error.detail}")
        row += got.rows
        if row > nrows:
            break
        if got.torn:
            raise GsError(f"{line(row)}: torn last line (no newline at the end of the file)")
    if row > nrows:
        which = "of this band" if layout.band else "of the map"
        raise GsError(f"{line(nrows)}: more rows than the {nrows} cells {which}")
    if row < nrows:
        raise GsError(f"{path}: truncated: {row} of {nrows} rows")
    return {name: np.concatenate([a for got in parts for a in got.cols[name]])
            for name in layout.want}
