"""Where a figure may go, in which format, and writing it so that nothing is
ever half-written: everything is checked before any input is read, the figure
goes to a temporary file beside the target, is synced, and is renamed over it.
The format follows the output's extension (FORMATS); anything else is refused."""
import os
import stat
import tempfile

from ..maps.cli import RUN_FAULT, GsError

FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
DPI_RANGE = (10, 2400)


def add_arguments(p, what, default):
    """-o and --dpi, the same for every figure command."""
    p.add_argument("-o", "--output", metavar="FIG",
                   help=f"output figure, .png, .pdf or .svg by its extension: a new name or a "
                   f"regular file, not {what} (default: {default})")
    p.add_argument("--dpi", type=float, metavar="N",
                   help="resolution in dots per inch (the images inside a PDF or SVG too); "
                   "default 110, raised for maps wider or taller than a panel's pixels "
                   "up to 1024 cells, so every cell gets at least one pixel")


def figure_format(out):
    """The format of an output name, from its extension (case-insensitive)."""
    ext = os.path.splitext(out)[1].lower()
    if ext not in FORMATS:
        shown = f"'{ext}'" if ext else "none"
        raise GsError(f"{out}: unknown figure format (extension {shown}); use .png, .pdf or .svg")
    return FORMATS[ext]


def check_dpi(dpi):
    if dpi is None:
        return None
    lo, hi = DPI_RANGE
    if not (lo <= dpi <= hi):      # also refuses nan
        raise GsError(f"--dpi {dpi:g}: must be between {lo} and {hi}")
    return float(dpi)

_NOT_REGULAR = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"),
                (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


def output_path(arg, src, suffix=".png"):
    """The -o argument, or by default MAP.csv -> MAP{suffix} beside the input."""
    if arg is None:
        return os.path.splitext(src)[0] + suffix
    if not arg or arg.endswith(os.sep):
        raise GsError(f"-o '{arg}': not a file name")
    return arg


def check_output(out, inputs):
    """The output must be a regular file or a new name in an existing, writable
    directory, none of the inputs (by name, or the same file by device and
    inode: a hard link, or a symbolic link to it), and name a known format
    (figure_format)."""
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise GsError(f"{out}: no such directory") from None
    except OSError as e:
        raise GsError(f"{out}: {e.strerror}") from None
    if st is not None:
        for test, what in _NOT_REGULAR:
            if test(st.st_mode):
                raise GsError(f"{out}: is {what}; a figure is written only to a regular file "
                              "or a new name")
        if not stat.S_ISREG(st.st_mode):
            raise GsError(f"{out}: is not a regular file; a figure is written only to a "
                          "regular file or a new name")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise GsError(f"{out}: no such directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GsError(f"{out}: cannot write in {parent}")
    for path in inputs:
        try:
            same = st is not None and os.path.samestat(st, os.stat(path))
        except OSError:
            same = False   # a missing input is reported when it is read
        if same or os.path.abspath(path) == os.path.abspath(out):
            raise GsError(f"{out}: is the input {path}; refusing to overwrite it (choose "
                          "another -o)")
    figure_format(out)


def save_figure(fig, out, dpi):
    """Writes the figure (format by extension, at dpi) through a temporary file
    in the same directory, synced and renamed: a failed run leaves the target
    as it was and no temporary."""
    import matplotlib.pyplot as plt
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(out)}.", suffix=".tmp",
                                   dir=os.path.dirname(os.path.abspath(out)))
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)     # mkstemp's 0600 is not what a new file gets
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format=figure_format(out), dpi=dpi)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
        tmp = None
    except OSError as e:
        raise GsError(f"{out}: writing the figure failed: {e.strerror or e}", RUN_FAULT) from None
    finally:
        plt.close(fig)
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
