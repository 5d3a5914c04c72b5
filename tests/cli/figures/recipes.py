"""docs/formats.md's Python recipes, run as written (figures.sh): each block
after a '<!-- recipe: NAME' line runs in a directory where map.csv is a real
map, and what it read is compared with gridsweep's own reader.
usage: recipes.py FORMATS.md MAP.csv..."""
import importlib.util
import os
import re
import shutil
import sys
import tempfile

import numpy as np

from gridsweep.maps import vocab
from gridsweep.maps.mapfile import Map

doc = open(sys.argv[1]).read()
blocks = dict(re.findall(r"<!-- recipe: (\w+)[^\n]*\n```python\n(.*?)\n```", doc, re.S))
fails = []
for need in ("numpy", "pandas"):
    if need not in blocks:
        fails.append(f"{sys.argv[1]}: no '<!-- recipe: {need}' block")
names = np.array(vocab.outcome_names())
have_pandas = importlib.util.find_spec("pandas") is not None
if not have_pandas:
    print("pandas is not installed: its recipe is not run")


def same(what, got, want):
    got, want = np.asarray(got), np.asarray(want)
    floats = got.dtype.kind == "f" and want.dtype.kind == "f"
    if got.shape != want.shape or not np.array_equal(got, want, equal_nan=floats):
        fails.append(what)


for path in sys.argv[2:]:
    m = Map(path, columns=("outcome", "final_loss", "lr"))
    want_outcome = names[m.outcome]
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(path, os.path.join(d, "map.csv"))
        cwd = os.getcwd()
        os.chdir(d)
        try:
            for name, code in blocks.items():
                if name == "pandas" and not have_pandas:
                    continue
                scope = {}
                try:
                    exec(compile(code, f"formats.md recipe {name}", "exec"), scope)
                except Exception as e:  # noqa: BLE001 - the failure is the finding
                    fails.append(f"{name} recipe on {os.path.basename(path)}: "
                                 f"{type(e).__name__}: {e}")
                    continue
                tag = f"{name} recipe, {os.path.basename(path)}"
                if name == "numpy":
                    same(f"{tag}: outcome", scope["outcome"], want_outcome)
                    same(f"{tag}: final_loss", scope["loss"].astype(np.float32), m.final_loss)
                    same(f"{tag}: lr as float32", scope["lr"], m.columns["lr"].ravel())
                    same(f"{tag}: header act", scope["header"]["act"], m.act)
                else:
                    df = scope["df"]
                    same(f"{tag}: outcome", df.outcome.to_numpy().astype(str),
                         want_outcome.ravel())
                    same(f"{tag}: final_loss", scope["grid"].to_numpy(), m.final_loss)
                    same(f"{tag}: attrs", {k: df.attrs[k] for k in m.header.values},
                         m.header.values)
                    lr01 = int((m.columns["lr"] == np.float32(0.1)).sum())
                    same(f"{tag}: lr == float32(0.1) finds {lr01} rows", len(scope["at_lr"]), lr01)
                print(f"{tag}: ok")
        finally:
            os.chdir(cwd)
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
