"""A trace file from `gridsweep trace` (docs/formats.md): header, parameter
rows, snapshot curves, and the outcome lines at the end."""
from . import vocab
from .cli import GsError
from .header import AttrsHeader, Header, open_checked

# The trace's own columns: no other tool reads or writes them.
COLUMNS = ("kind", "step", "a", "b", "c", "d", "loss", "x", "yhat", "y")
RESULT_KEYS = ("outcome", "window_loss", "final_loss", "lin_err", "spread", "t_escape", "t_enter",
               "t_diverge", "score")


class Trace:
    def __init__(self, path):
        self.path = path
        with open_checked(path) as f:
            self.header = Header(f, path, "trace")
            f.seek(self.header.data_start)
            body = f.read()
        if self.header.column_line != ",".join(COLUMNS).encode():
            raise GsError(f"{path}: not a gridsweep trace (unexpected columns)")
        if body and not body.endswith(b"\n"):
            raise GsError(f"{path}: truncated trace (torn last line)")
        self.result = {}
        self.params = []   # (step, a, b, c, d, loss or None)
        self.curves = {}   # step -> ([x], [yhat], [y])
        try:
            text = body.decode()
        except UnicodeDecodeError:
            raise GsError(f"{path}: not a gridsweep trace (not text)") from None
        first = self.header.column_lineno + 1
        for no, line in enumerate(text.splitlines(), first):
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                self.result[key.strip()] = value.strip()
                continue
            if self.result:
                raise GsError(f"{path}: line {no}: rows after the outcome lines")
            f = line.split(",")
            try:
                if len(f) != len(COLUMNS):
                    raise ValueError
                step = int(f[1])
                if f[0] == "param":
                    self.params.append((step, *map(float, f[2:6]),
                                        float(f[6]) if f[6] else None))
                elif f[0] == "curve":
                    c = self.curves.setdefault(step, ([], [], []))
                    for lst, v in zip(c, f[7:10]):
                        lst.append(float(v))
                else:
                    raise ValueError
            except ValueError:
                raise GsError(f"{path}: line {no} is not a trace row") from None
        missing = [k for k in RESULT_KEYS if k not in self.result]
        if missing:
            raise GsError(f"{path}: truncated trace (no '# {missing[0]}:' line at the end)")
        if self.result["outcome"] not in vocab.outcome_names():
            raise GsError(f"{path}: bad outcome '{self.result['outcome'][:40]}'")
        if not self.params:
            raise GsError(f"{path}: trace has no parameter rows")

    @classmethod
    def from_dataset(cls, ds):
        """A Trace of what gridsweep.trace() returned (an xarray.Dataset or a
        dict with "attrs"): the parameter rows from its arrays, the header and
        the outcome lines from its attributes; it holds no snapshot curves."""
        import math
        attrs = ds.attrs if hasattr(ds, "attrs") else ds["attrs"]
        t = cls.__new__(cls)
        t.path = str(attrs.get("command", "trace"))
        t.header = AttrsHeader(attrs, t.path)
        t.result = {k: t.header.values[k] for k in RESULT_KEYS if k in t.header.values}
        cols = [[float(v) for v in (ds[n].values if hasattr(ds[n], "values") else ds[n])]
                for n in ("step", "a", "b", "c", "d", "loss")]
        t.params = [(int(s), a, b, c, d, None if math.isnan(loss) else loss)
                    for s, a, b, c, d, loss in zip(*cols)]
        t.curves = {}
        if not t.params:
            raise GsError(f"{t.path}: trace has no parameter rows")
        return t

    def settings_text(self):
        h = self.header
        return (f"{h.get('steps', '?')} steps, batch {h.get('batch', '?')} "
                f"({h.get('sampling', '?')}), {h.get('opt', '?')} lr {h.get('lr', '?')}, "
                f"{h.get('loss', '?')} loss, seed {h.get('seed', '?')}")
