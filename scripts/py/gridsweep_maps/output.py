"""Where a figure may go, and writing it so that nothing is ever half-written:
everything is checked before any input is read, the PNG goes to a temporary
file beside the target, is synced, and is renamed over it."""
import os
import stat
import tempfile

from .cli import RUN_FAULT, GsError

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
    directory, and none of the inputs (by name, or the same file by device and
    inode: a hard link, or a symbolic link to it)."""
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


def save_figure(fig, out):
    """Writes the PNG through a temporary file in the same directory, synced
    and renamed: a failed run leaves the target as it was and no temporary."""
    import matplotlib.pyplot as plt
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(out)}.", suffix=".tmp",
                                   dir=os.path.dirname(os.path.abspath(out)))
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)     # mkstemp's 0600 is not what a new file gets
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=110)
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
