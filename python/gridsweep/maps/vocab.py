"""The vocabularies the scripts share with gridsweep, read from the binary
(`gridsweep --list NAME --json`) so that each has one home, the C tables:

  outcomes      [{"name": "converged", "code": 0}, ...]
  columns       [{"name": "ix", "type": "int"}, ...]   types: int, float, outcome
  activations   [{"name": "relu", ...traits...}, ...]
  settings      [{"key": "loss", "option": "--loss", ...}, ...]

The binary is $GRIDSWEEP_BIN if set, else the quick start's build/src/gridsweep
(this file in python/gridsweep/maps/ of the source tree), else the build's own
src/gridsweep (this file copied into BUILD/python/gridsweep/maps/), else
gridsweep on PATH. An installed package (the extension module _gridsweep
beside this one) answers from the same C tables itself, unless GRIDSWEEP_BIN
names a binary. Each list is asked once per process."""
import functools
import json
import os
import shutil
import subprocess

from .cli import RUN_FAULT, GsError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COLUMN_TYPES = ("int", "float", "outcome")


@functools.lru_cache(maxsize=None)
def binary():
    env = os.environ.get("GRIDSWEEP_BIN")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise GsError(f"GRIDSWEEP_BIN={env} is not an executable gridsweep", RUN_FAULT)
        return env
    for built in (os.path.join(ROOT, "build", "src", "gridsweep"),
                  os.path.join(ROOT, "src", "gridsweep")):
        if os.path.isfile(built) and os.access(built, os.X_OK):
            return built
    found = shutil.which("gridsweep")
    if found:
        return found
    raise GsError("the gridsweep binary is needed for its vocabularies and was not found "
                  "(build it with scripts/gridsweep --version, or set GRIDSWEEP_BIN)", RUN_FAULT)


def _from_extension(name):
    """The list from the extension's C tables, or None when it is not built
    beside this package (the source tree) or GRIDSWEEP_BIN asks for a binary."""
    if os.environ.get("GRIDSWEEP_BIN"):
        return None
    try:
        from .. import _gridsweep as c
    except ImportError:
        return None
    if name == "outcomes":
        return [{"name": n, "code": i} for i, n in enumerate(c.outcomes())]
    if name == "columns":
        return [{"name": n, "type": t} for n, t, _ in c.columns()]
    if name == "activations":
        return [{"name": n} for n in c.activations()]
    if name == "settings":
        return [{"key": k, "option": o} for k, o, _, _ in c.settings()]
    return None


@functools.lru_cache(maxsize=None)
def listing(name):
    """The parsed JSON of `gridsweep --list NAME --json`."""
    items = _from_extension(name)
    if items is not None:
        return items
    exe = binary()
    try:
        done = subprocess.run([exe, "--list", name, "--json"], capture_output=True,
                              timeout=60, check=False)
    except OSError as e:
        raise GsError(f"cannot run {exe}: {e.strerror or e}", RUN_FAULT) from None
    why = done.stderr.decode(errors="replace").strip().splitlines()
    if done.returncode != 0:
        raise GsError(f"{exe} --list {name} --json failed"
                      + (f": {why[-1]}" if why else f" (exit {done.returncode})"), RUN_FAULT)
    try:
        items = json.loads(done.stdout)
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError
    except ValueError:
        raise GsError(f"{exe} --list {name} --json did not print a JSON list", RUN_FAULT) from None
    return items


def _field(name, item, key, kind):
    value = item.get(key)
    if not isinstance(value, kind):
        raise GsError(f"{binary()} --list {name} --json: an entry without a valid '{key}'",
                      RUN_FAULT)
    return value


@functools.lru_cache(maxsize=None)
def outcomes():
    """((name, code), ...) in code order."""
    out = tuple(sorted(((_field("outcomes", i, "name", str), _field("outcomes", i, "code", int))
                        for i in listing("outcomes")), key=lambda nc: nc[1]))
    if not out or any(not 0 <= code < 255 for _, code in out) or \
            len({c for _, c in out}) != len(out):
        raise GsError(f"{binary()} --list outcomes --json: outcome codes must be distinct, "
                      "0..254", RUN_FAULT)
    return out


def outcome_names():
    return tuple(name for name, _ in outcomes())


def outcome_code(name):
    for n, code in outcomes():
        if n == name:
            return code
    raise GsError(f"{binary()} knows no outcome '{name}'", RUN_FAULT)


@functools.lru_cache(maxsize=None)
def columns():
    """((name, type), ...) in file order; type is int, float or outcome."""
    out = tuple((_field("columns", i, "name", str), _field("columns", i, "type", str))
                for i in listing("columns"))
    bad = [t for _, t in out if t not in COLUMN_TYPES]
    if not out or bad:
        raise GsError(f"{binary()} --list columns --json: unknown column type "
                      f"'{bad[0] if bad else '?'}'", RUN_FAULT)
    return out


@functools.lru_cache(maxsize=None)
def activations():
    """Activation names, in the binary's order."""
    return tuple(_field("activations", i, "name", str) for i in listing("activations"))


@functools.lru_cache(maxsize=None)
def setting_keys():
    """The header keys of the training settings, in the binary's order."""
    return tuple(_field("settings", i, "key", str) for i in listing("settings"))
