"""How every script starts, fails and ends: one line on standard error, exit
status 2 for bad input (a missing, foreign or damaged file, a refused output),
1 for a fault of the run (a failed write, a missing binary, an internal error),
never a traceback."""
import atexit
import os
import shutil
import sys
import tempfile

BAD_INPUT = 2
RUN_FAULT = 1


class GsError(ValueError):
    """A one-line, user-facing error (a ValueError to Python callers); status is
    the exit status a script ends with."""

    def __init__(self, message, status=BAD_INPUT):
        super().__init__(message)
        self.status = status


def make_parser(name, description):
    """argparse with usage errors as one line on stderr and exit status 2."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            sys.stderr.write(f"{name}: {message} (see {name} --help)\n")
            sys.exit(BAD_INPUT)

    return Parser(prog=name, description=description)


def _usable_dir(path):
    """True if path is (or can be made) a directory this process can write in."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)


def quiet_matplotlib_dirs():
    """Points MPLCONFIGDIR at a private temporary directory when matplotlib's own
    choice (MPLCONFIGDIR, else the XDG config and cache directories under HOME)
    is not writable: otherwise matplotlib warns on stderr, and every one-line
    error of a script run without a writable HOME would become two lines."""
    own = os.environ.get("MPLCONFIGDIR")
    if own and _usable_dir(own):
        return
    if not own:
        home = os.path.expanduser("~")
        config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
        if all(_usable_dir(os.path.join(d, "matplotlib")) for d in (config, cache)):
            return
    try:
        tmp = tempfile.mkdtemp(prefix="gridsweep-mpl-")
    except OSError:
        return   # nowhere to write at all: matplotlib's warning is the truth then
    atexit.register(shutil.rmtree, tmp, True)
    os.environ["MPLCONFIGDIR"] = tmp


def run(name, main):
    """Runs main(); known failures become one line on stderr.
    GRIDSWEEP_DEBUG=1 shows the traceback of an unexpected error."""
    quiet_matplotlib_dirs()
    try:
        main()
    except GsError as e:
        sys.stderr.write(f"{name}: {e}\n")
        sys.exit(e.status)
    except KeyboardInterrupt:
        sys.stderr.write(f"{name}: interrupted\n")
        sys.exit(130)
    except ImportError as e:
        sys.stderr.write(f"{name}: cannot import {e.name or 'a module'} (install the Debian "
                         "packages python3-numpy python3-matplotlib)\n")
        sys.exit(RUN_FAULT)
    except MemoryError:
        sys.stderr.write(f"{name}: out of memory\n")
        sys.exit(RUN_FAULT)
    except Exception as e:  # noqa: BLE001 - last resort: never a traceback
        if os.environ.get("GRIDSWEEP_DEBUG"):
            raise
        msg = str(e).splitlines()[0] if str(e) else ""
        sys.stderr.write(f"{name}: internal error: {type(e).__name__}: {msg}\n")
        sys.exit(RUN_FAULT)
