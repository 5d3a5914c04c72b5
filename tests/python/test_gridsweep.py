"""The Python package against the binary (tests/meson.build runs it with the
build's package on PYTHONPATH and GS set to the gridsweep binary):
  - sweep() gives the numbers of the CLI's map of the same command, byte for
    byte once formatted the CLI's way, for any thread count and kernel set;
  - load() of that map gives the same result as sweep(); stats() the numbers
    of `gridsweep stats --json`;
  - trace() gives `gridsweep trace`'s param rows and outcome, byte for byte;
  - without xarray, a dict of arrays with the same names plus "attrs";
  - bad arguments raise ValueError with the CLI's one-line message;
  - Ctrl-C stops a long sweep within a second or two (KeyboardInterrupt);
  - other Python threads run while a sweep runs (the GIL is released);
  - __version__ and kernel_set() are those of `gridsweep --version`, with
    GRIDSWEEP_ISA as well.
Plain unittest: no pip, only Debian's python3-numpy (and python3-xarray,
python3-tqdm, python3-matplotlib when installed).

Over 400 lines: many small independent cases against one reference, sharing
the helpers at the top.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

import gridsweep

GS = os.environ.get("GS", "gridsweep")
try:
    import xarray  # noqa: F401  (the cases that read a Dataset's attrs and dims)
    HAVE_XARRAY = True
except ImportError:
    HAVE_XARRAY = False
needs_xarray = unittest.skipUnless(HAVE_XARRAY, "python3-xarray is not installed "
                                   "(scripts/deps test installs it)")
# A small map with every outcome, diverged cells (inf, nan) among them.
SMALL = dict(act="selu", res=(20, 12), x="lr:0.01:100:log", y="b:-2:2", at="a=1,c=1,d=0.5",
             steps=150, batch=32, opt="sgd", loss="mse")
SMALL_ARGS = ["--act", "selu", "--res", "20,12", "--x", "lr:0.01:100:log", "--y", "b:-2:2",
              "--at", "a=1,c=1,d=0.5", "--steps", "150", "--batch", "32", "--opt", "sgd",
              "--loss", "mse"]


def as_json(v):
    """v as `gridsweep stats --json` writes it: numbers with %.9g, NaN as null."""
    if isinstance(v, dict):
        return {k: as_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_json(x) for x in v]
    if isinstance(v, float):
        return None if np.isnan(v) else float("%.9g" % v)
    return v


def run_cli(*args, check=True):
    p = subprocess.run([GS, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"gridsweep {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p


def cli_map(tmp, *args):
    path = os.path.join(tmp, "map.csv")
    run_cli(*args, "-o", path, "--force", "--quiet")
    return path


def grid(ds, name):
    """A column in the map's shape: the two axis columns are 1-D coordinates."""
    if isinstance(ds, dict):
        a, shape = ds[name], ds["outcome"].shape
        if name == ds["attrs"]["x_column"]:
            return np.broadcast_to(a, shape)
        return np.broadcast_to(a[:, None], shape) if name == ds["attrs"]["y_column"] else a
    return ds[name].broadcast_like(ds.outcome).transpose(*ds.outcome.dims).values


def as_rows(ds):
    """The map's rows formatted the CLI's way (%.9g floats, nan one way, the
    outcome by name), from the returned arrays."""
    names = [c[0] for c in gridsweep._c.columns()]
    outcomes = gridsweep._c.outcomes()
    cols = []
    for name in names:
        a = grid(ds, name).ravel()
        if a.dtype == np.float32:
            cols.append(["nan" if np.isnan(v) else "%.9g" % float(v) for v in a])
        elif a.dtype == np.uint8:
            cols.append([outcomes[v] for v in a])
        else:
            cols.append([str(int(v)) for v in a])
    return ",".join(names) + "\n" + "".join(",".join(r) + "\n" for r in zip(*cols))


def file_rows(path):
    with open(path) as f:
        return "".join(line for line in f if not line.startswith("#"))


def file_header(path):
    with open(path) as f:
        return dict(line[2:].rstrip("\n").split(": ", 1) for line in f
                    if line.startswith("# ") and ": " in line)


class Numbers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = cli_map(cls.tmp.name, *SMALL_ARGS)
        cls.ds = gridsweep.sweep(**SMALL, progress=False)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_rows_byte_for_byte(self):
        rows = as_rows(self.ds)
        self.assertEqual(rows, file_rows(self.path))
        self.assertTrue("diverged" in rows and "nan" in rows,
                        "the map should hold non-finite values")

    @needs_xarray
    def test_attributes_are_the_header(self):
        header = file_header(self.path)
        attrs = self.ds.attrs
        self.assertEqual(attrs["command"], header["command"])
        for key, text in header.items():
            if key.startswith("gridsweep-map"):
                continue
            want = gridsweep._dataset._attr(key, text)
            self.assertEqual(attrs[key], want, key)
        self.assertEqual(attrs["steps"], 150)
        self.assertEqual(attrs["lr"] if "lr" in attrs else None, None)   # lr is an axis here

    @needs_xarray
    def test_canonical_command_reproduces_the_map(self):
        cmd = self.ds.attrs["command"].split()[1:]
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(file_rows(cli_map(tmp, *cmd)), file_rows(self.path))

    @needs_xarray
    def test_coordinates_are_cell_centres(self):
        ds = self.ds
        self.assertEqual(ds.outcome.dims, ("b0", "lr"))   # the layout of NetCDF maps
        self.assertEqual(ds.lr.dims, ("lr",))
        header_rows = file_rows(self.path).splitlines()[1:]
        self.assertEqual(["%.9g" % v for v in ds.lr.values],
                         [r.split(",")[6] for r in header_rows[:20]])
        self.assertEqual(["%.9g" % v for v in ds.b0.values],
                         [r.split(",")[3] for r in header_rows[::20]])
        self.assertEqual(ds.lr.attrs["param"], "lr")
        self.assertEqual(ds.outcome.attrs["flag_meanings"].split(), gridsweep._c.outcomes())

    def test_threads_and_kernel_sets_agree(self):
        want = as_rows(self.ds)
        for isa in gridsweep.kernel_sets():
            for threads in (1, 3):
                ds = gridsweep.sweep(**SMALL, threads=threads, isa=isa, progress=False)
                self.assertEqual(as_rows(ds), want, f"isa={isa} threads={threads}")

    @needs_xarray
    def test_tile_is_its_rows(self):
        ds = gridsweep.sweep(**SMALL, tile="2/3", progress=False)
        self.assertEqual(ds.outcome.shape, (4, 20))
        self.assertTrue(np.array_equal(ds.final_loss.values, self.ds.final_loss.values[4:8],
                                       equal_nan=True))
        self.assertTrue(np.array_equal(ds.b0.values, self.ds.b0.values[4:8]))

    @needs_xarray
    def test_load_gives_what_sweep_gives(self):
        self.assertTrue(gridsweep.load(self.path).identical(self.ds))
        with tempfile.TemporaryDirectory() as tmp:   # a band of a tiled map too
            band = cli_map(tmp, *SMALL_ARGS, "--tile", "3/3")
            self.assertTrue(gridsweep.load(band).identical(
                gridsweep.sweep(**SMALL, tile="3/3", progress=False)))

    def test_load_netcdf_gives_what_csv_gives(self):
        """A NetCDF map of the same command loads as its CSV map: the same
        variables, coordinates and attributes, every column's bits (a band of
        a tiled map too)."""
        with tempfile.TemporaryDirectory() as tmp:
            for tile in ((), ("--tile", "2/3")):
                nc = os.path.join(tmp, "map.nc")
                p = run_cli(*SMALL_ARGS, *tile, "-o", nc, "--force", "--quiet", check=False)
                if "without NetCDF" in p.stderr:
                    self.skipTest("gridsweep was built without NetCDF (libnetcdf-dev)")
                self.assertEqual(p.returncode, 0, p.stderr)
                want = gridsweep.load(cli_map(tmp, *SMALL_ARGS, *tile))
                got = gridsweep.load(nc)
                self.assertEqual(as_rows(got), as_rows(want))
                if isinstance(want, dict):   # without xarray
                    self.assertEqual(got.pop("attrs"), want.pop("attrs"))
                    names = list(want)
                    arrays = lambda ds, name: ds[name]   # noqa: E731
                else:
                    self.assertEqual(got.attrs, want.attrs)
                    self.assertTrue(got.identical(want))
                    names = list(want.variables)
                    arrays = lambda ds, name: ds[name].values   # noqa: E731
                self.assertEqual(list(got if isinstance(got, dict) else got.variables), names)
                for name in names:
                    a, b = arrays(got, name), arrays(want, name)
                    self.assertEqual((a.dtype, a.shape), (b.dtype, b.shape), name)
                    self.assertEqual(a.tobytes(), b.tobytes(), name)

    def test_progress_bar(self):
        try:
            import tqdm  # noqa: F401
        except ImportError:
            self.skipTest("tqdm is not installed")
        p = subprocess.run([sys.executable, "-c", "import gridsweep; gridsweep.sweep("
                            "act='relu', res=16, steps=50)"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("/256 [", p.stderr)   # the bar, with the total (it goes when done)

    def test_stats_are_the_cli_stats(self):
        want = json.loads(run_cli("stats", "--json", self.path).stdout)
        got = as_json(gridsweep.stats(self.ds))
        for key in ("file", "act", "x", "y"):   # the dataset holds these
            del want[key]
        self.assertEqual(got, want)
        got = as_json(gridsweep.stats(self.ds, eps=2))
        want = json.loads(run_cli("stats", "--json", "--eps", "2", self.path).stdout)
        self.assertEqual(got["sb"], want["sb"])
        self.assertEqual(got["eps"], 2)

    def test_python_values_as_the_cli_spells_them(self):
        ds = gridsweep.sweep(act="selu", res=(20, 12), x=("lr", 0.01, 100, "log"),
                             y=("b", -2, 2), at={"a": 1, "c": 1.0, "d": 0.5}, steps=150,
                             batch=np.int64(32), data=(-0.5, 0.5), opt="sgd", loss="mse",
                             progress=False)
        self.assertEqual(as_rows(ds), as_rows(self.ds))

    def test_progress_reaches_the_total(self):
        seen = []
        gridsweep.sweep(**SMALL, progress=lambda done, total: seen.append((done, total)))
        self.assertEqual(seen[-1], (240, 240))

    def test_plot_heatmap_writes_a_png(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("matplotlib is not installed")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "map.png")
            gridsweep.plot.heatmap(self.ds, out)
            with open(out, "rb") as f:
                png = f.read()
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
            # A NetCDF map of the same command, by path or loaded: the same figure.
            nc = os.path.join(tmp, "map.nc")
            p = run_cli(*SMALL_ARGS, "-o", nc, "--force", "--quiet", check=False)
            if "without NetCDF" in p.stderr:
                return
            self.assertEqual(p.returncode, 0, p.stderr)
            for src in (nc, gridsweep.load(nc)):
                gridsweep.plot.heatmap(src, out)
                with open(out, "rb") as f:
                    self.assertEqual(f.read(), png)


TRACE = dict(act="selu", init=(0.5, -1, 2, 0.25), point=7, steps=100, lr=0.3, opt="momentum",
             sampling="independent", batch=16)
TRACE_ARGS = ["trace", "--act", "selu", "--init", "0.5,-1,2,0.25", "--point", "7", "--steps",
              "100", "--lr", "0.3", "--opt", "momentum", "--sampling", "independent",
              "--batch", "16"]


class Trace(unittest.TestCase):
    @needs_xarray
    def test_param_rows_and_outcome_byte_for_byte(self):
        for every in (1, 7):
            p = run_cli(*TRACE_ARGS, "--every", str(every), "-o", "-")
            lines = p.stdout.splitlines()
            t = gridsweep.trace(**TRACE, every=every)
            rows = []
            for i, step in enumerate(t.step.values):
                vals = ["%.9g" % float(t[n].values[i]) for n in "abcd"]
                loss = float(t.loss.values[i])
                vals.append("" if np.isnan(loss) and step == 100 else "%.9g" % loss)
                rows.append(f"param,{step}," + ",".join(vals) + ",,,")
            self.assertEqual(rows, [ln for ln in lines if ln.startswith("param,")])
            header = dict(ln[2:].split(": ", 1) for ln in lines if ln.startswith("# ")
                          and ": " in ln)
            for key, text in header.items():
                if key in ("outcome", "t_escape", "t_enter", "t_diverge"):
                    self.assertEqual(str(t.attrs[key]), text)
                elif key in ("window_loss", "final_loss", "lin_err", "spread", "score"):
                    self.assertEqual("%.9g" % t.attrs[key], text, key)
                else:
                    self.assertEqual(t.attrs[key], gridsweep._dataset._attr(key, text), key)

    def test_errors_are_the_cli_messages(self):
        for kwargs, args in [(dict(init=(1, 2, 3)), ["--init", "1,2,3"]),
                             (dict(init="1,2,x,4"), ["--init", "1,2,x,4"]),
                             (dict(every=0), ["--every", "0"]),
                             (dict(point=-1), ["--point", "-1"]),
                             (dict(steps=0), ["--steps", "0"])]:
            with self.subTest(args=args):
                p = run_cli("trace", "-o", os.devnull, *args, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                with self.assertRaises(ValueError) as cm:
                    gridsweep.trace(**kwargs)
                self.assertEqual("gridsweep: " + str(cm.exception), p.stderr.strip())


class WithoutXarray(unittest.TestCase):
    def test_dict_of_arrays(self):
        saved = sys.modules.get("xarray")
        sys.modules["xarray"] = None   # import xarray raises ImportError
        try:
            d = gridsweep.sweep(**SMALL, progress=False)
        finally:
            if saved is None:
                del sys.modules["xarray"]
            else:
                sys.modules["xarray"] = saved
        self.assertIsInstance(d, dict)
        names = [c[0] for c in gridsweep._c.columns()]
        self.assertEqual(sorted(d), sorted(names + ["attrs"]))
        self.assertEqual(d["outcome"].shape, (12, 20))
        self.assertEqual(d["outcome"].dtype, np.uint8)
        self.assertEqual((d["lr"].shape, d["b0"].shape), ((20,), (12,)))   # the axes
        self.assertEqual(d["attrs"]["outcomes"], gridsweep._c.outcomes())
        self.assertEqual((d["attrs"]["x_column"], d["attrs"]["y_column"]), ("lr", "b0"))
        with tempfile.TemporaryDirectory() as tmp:
            self.assertEqual(as_rows(d), file_rows(cli_map(tmp, *SMALL_ARGS)))
        self.assertEqual(gridsweep.stats(d)["cells"], 240)


# (sweep() arguments, the same options on the command line)
BAD = [
    (dict(lr=-1), ["--lr", "-1"]),
    (dict(lr="1e-50"), ["--lr", "1e-50"]),
    (dict(steps=0), ["--steps", "0"]),
    (dict(steps="1x"), ["--steps", "1x"]),
    (dict(loss="l3"), ["--loss", "l3"]),
    (dict(data="1:0"), ["--data", "1:0"]),
    (dict(beta1=1), ["--beta1", "1"]),
    (dict(seed=-1), ["--seed", "-1"]),
    (dict(act="nope"), ["--act", "nope"]),
    (dict(x="q:0:1"), ["--x", "q:0:1"]),
    (dict(x="b:1:1"), ["--x", "b:1:1"]),
    (dict(y="b:-2:2"), ["--y", "b:-2:2"]),
    (dict(res=0), ["--res", "0"]),
    (dict(res="3,x"), ["--res", "3,x"]),
    (dict(at="a=x"), ["--at", "a=x"]),
    (dict(at="lr=0.1", lr=0.2), ["--at", "lr=0.1", "--lr", "0.2"]),
    (dict(x="lr:0.01:1", lr=0.2), ["--x", "lr:0.01:1", "--lr", "0.2"]),
    (dict(tile="3/2"), ["--tile", "3/2"]),
    (dict(threads=0), ["--threads", "0"]),
    (dict(isa="mmx"), ["--isa", "mmx"]),
]


class Errors(unittest.TestCase):
    def test_cli_messages_as_value_errors(self):
        for kwargs, args in BAD:
            with self.subTest(args=args):
                p = run_cli("--quiet", "-o", os.devnull, *args, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                line = p.stderr.strip()
                self.assertTrue(line.startswith("gridsweep: ") and "\n" not in line, line)
                with self.assertRaises(ValueError) as cm:
                    gridsweep.sweep(progress=False, **kwargs)
                self.assertEqual("gridsweep: " + str(cm.exception), line)

    def test_unknown_setting(self):
        with self.assertRaisesRegex(TypeError, "unknown setting 'learning_rate'"):
            gridsweep.sweep(learning_rate=0.1)

    def test_load_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.csv")
            with open(bad, "w") as f:
                f.write("a,b\n1,2\n")
            p = run_cli("stats", bad, check=False)
            with self.assertRaises(ValueError) as cm:
                gridsweep.load(bad)
            self.assertEqual("gridsweep: stats: " + str(cm.exception), p.stderr.strip())
            nc = os.path.join(tmp, "map.nc")
            with open(nc, "wb") as f:
                f.write(b"CDF\x01" + bytes(60))
            p = run_cli("stats", nc, check=False)
            with self.assertRaises(ValueError) as cm:
                gridsweep.load(nc)
            self.assertIn("NetCDF", str(cm.exception))
            self.assertEqual("gridsweep: stats: " + str(cm.exception), p.stderr.strip())


INTERRUPTED = """
import sys, time, gridsweep
print("started", flush=True)
try:
    gridsweep.sweep(act="relu", res=1024, steps=20000, threads=2, progress=False)
except KeyboardInterrupt:
    print("KeyboardInterrupt", time.time(), flush=True)
"""


class CtrlC(unittest.TestCase):
    def test_sigint_stops_a_long_sweep(self):
        p = subprocess.Popen([sys.executable, "-c", INTERRUPTED], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(p.stdout.readline().strip(), "started")
            time.sleep(1.0)   # the sweep is under way
            sent = time.time()
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        word, _, caught = out.strip().partition(" ")
        self.assertEqual(word, "KeyboardInterrupt", err)
        self.assertEqual(p.returncode, 0, err)
        # From the signal to the exception; the interpreter's exit is not counted
        # (on a loaded machine it alone can take seconds). The bound is loose so
        # a busy CI machine passes; uninterrupted, the sweep would run for many
        # minutes, and on an idle machine it stops in well under a second.
        self.assertLess(float(caught) - sent, 10.0, "Ctrl-C took too long")


class Gil(unittest.TestCase):
    def test_other_threads_run_during_a_sweep(self):
        import threading
        ticks, done = [0], threading.Event()

        def count():
            while not done.is_set():
                ticks[0] += 1
                time.sleep(0.001)

        t = threading.Thread(target=count)
        t.start()
        try:
            start = time.monotonic()
            gridsweep.sweep(act="relu", res=64, steps=2000, threads=2, progress=False)
            elapsed = time.monotonic() - start
        finally:
            done.set()
            t.join()
        # With the GIL held for the whole sweep the counter would stand still.
        self.assertGreater(ticks[0], 10 * elapsed, f"{ticks[0]} ticks in {elapsed:.2f} s")


class Version(unittest.TestCase):
    def test_gridsweep_isa_as_for_the_binary(self):
        env = dict(os.environ, GRIDSWEEP_ISA="scalar")
        line = subprocess.run([GS, "--version"], env=env, capture_output=True, text=True,
                              check=True).stdout.splitlines()[2]
        got = subprocess.run([sys.executable, "-c", "import gridsweep; "
                              "print(gridsweep.kernel_set(), gridsweep.kernel_sets())"],
                             env=env, capture_output=True, text=True, check=True).stdout
        self.assertTrue(line.startswith("kernels: scalar ("), line)
        self.assertEqual(got.strip(), "scalar ['scalar']")

    def test_same_as_the_binary(self):
        lines = run_cli("--version").stdout.splitlines()
        self.assertEqual(lines[0], f"gridsweep {gridsweep.__version__}")
        self.assertEqual(lines[1], f"SLEEF {gridsweep.sleef_version}")
        self.assertTrue(lines[2].startswith(f"kernels: {gridsweep.kernel_set()} ("), lines[2])
        self.assertIn(gridsweep.kernel_set(), gridsweep.kernel_sets())


if __name__ == "__main__":
    unittest.main(verbosity=2)
