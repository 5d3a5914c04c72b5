"""gridsweep.plot from Python with the extension built (figures.sh): figures
of what gridsweep.sweep() and trace() return, alongside map files, in each
format; a bad format or dpi is a ValueError. usage: api.py MAP.csv TMPDIR"""
import os
import sys

import gridsweep
import gridsweep.plot as gp

path, tmp = sys.argv[1:3]
fails = []
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}


def wrote(out):
    fmt = out.rsplit(".", 1)[1]
    with open(out, "rb") as f:
        if not f.read(8).startswith(MAGIC[fmt]):
            fails.append(f"{out}: not a {fmt} file")


ds = gridsweep.sweep(act="relu", res=8, steps=40, progress=False)
tr = gridsweep.trace(act="relu", steps=50, every=5)
for fmt in ("png", "pdf", "svg"):
    out = os.path.join(tmp, f"api.{fmt}")
    gp.heatmap(ds, out)
    wrote(out)
    gp.compare([ds, path], out, dpi=60)     # the same plane as the file
    wrote(out)
    gp.trace(tr, out)
    wrote(out)
for bad in ({"out": os.path.join(tmp, "x.jpg")}, {"out": os.path.join(tmp, "x.png"), "dpi": 0}):
    try:
        gp.heatmap(ds, **bad)
        fails.append(f"heatmap {bad}: accepted")
    except ValueError as e:
        print(f"refused {bad}: {e}")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
