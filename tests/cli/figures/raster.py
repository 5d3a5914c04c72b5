"""Large maps without aliasing (figures.sh): majority and mean over blocks on
synthetic arrays, the default resolution of a 1024-cell-wide map, and the
pixels of a drawn figure. usage: raster.py WIDE.csv TMPDIR"""
import os
import sys

import numpy as np

from gridsweep.maps import vocab
from gridsweep.maps.chunk import MISSING
from gridsweep.maps.mapfile import Map
from gridsweep.plot import cvd, palette, raster
from gridsweep.plot.figures import heatmap

fails = []


def expect(what, got, want):
    if not np.array_equal(np.asarray(got), np.asarray(want), equal_nan=True):
        fails.append(f"{what}: got {np.asarray(got).tolist()}, want {np.asarray(want).tolist()}")


# Majority: ties to the lowest code, partial edge blocks over the cells they
# hold, MISSING losing ties; thinning would pick the centre cell instead.
codes = np.array([[2, 2, 0, 2, 1, 1, 3],
                  [0, 2, 2, 2, 1, 3, 3],
                  [4, 4, 0, MISSING, MISSING, 4, 4]], np.uint8)
expect("majority 2x2", raster.majority(codes, 2, 2), [[2, 2, 1, 3], [4, 0, 4, 4]])
expect("majority 1x3, MISSING wins a majority", raster.majority(codes[2:, 2:5], 1, 3), [[MISSING]])
expect("majority 1x2, ties to the lowest code", raster.majority(codes[:1], 1, 2), [[2, 0, 1, 3]])
expect("majority 1x1 is the map", raster.majority(codes, 1, 1), codes)
stripes = np.tile(np.array([1, 1, 2, 1], np.uint8), (4, 256))       # 4 x 1024
expect("stripes [1 1 2 1] by blocks of 4 (thinning keeps the 2s)",
       np.unique(raster.majority(stripes, 1, 4)), [1])

# Mean: of the finite values only; NaN where a block has none; a mask.
v = np.array([[1.0, np.nan, 3.0, np.inf],
              [5.0, 7.0, -np.inf, np.nan]])
expect("mean 2x2 of the finite values", raster.block_mean(v, 2, 2), [[13 / 3, 3.0]])
expect("mean 2x2 with a mask", raster.block_mean(v, 2, 2, mask=v > 2), [[6.0, 3.0]])
expect("mean of a block without a finite value",
       raster.block_mean(np.array([[np.nan, np.inf, 1.0]]), 1, 2), [[np.nan, 1.0]])

# A real map 1024 cells wide: at the default size every cell gets a pixel.
tmp = sys.argv[2]
drawn = heatmap.draw(Map(sys.argv[1]), os.path.join(tmp, "wide.png"))
for p in drawn["panels"]:
    if p["px"][0] < 1024 or p["blocks"] != (1, 1) or p["cells"][1] != 1024:
        fails.append(f"1024-wide map at the default size: panel {p} (dpi {drawn['dpi']})")
print(f"1024 x 8 map, default size: dpi {drawn['dpi']:.0f}, map panels "
      f"{[p['px'] for p in drawn['panels']]} px")

# The drawn pixels: 1024 columns alternating stuck / linear. At the default
# size each one shows; at 110 dpi (fewer pixels than cells) each pixel is
# a 2-cell block, a tie, so the lowest code (stuck) everywhere.
stuck, linear = vocab.outcome_code("stuck"), vocab.outcome_code("linear")
ny, nx = 16, 1024
outcome = np.tile(np.array([stuck, linear], np.uint8), (ny, nx // 2))
ds = {"outcome": outcome, "final_loss": np.full((ny, nx), 0.01, np.float32),
      "t_enter": np.full((ny, nx), -1, np.int32),
      "t_diverge": np.full((ny, nx), -1, np.int32),
      "attrs": {"act": "relu", "x": "b:-2:2", "y": "d:-2:2", "res": f"{nx},{ny}",
                "cells": nx * ny, "at": "a=2,c=1,lr=0.1"}}   # no marked point
rgb = {name: tuple(round(c * 255) for c in cvd.hex_to_rgb(palette.outcome_color(name)))
       for name in ("stuck", "linear")}


def panel_row(png, box):
    import matplotlib.image
    img = np.round(matplotlib.image.imread(png)[..., :3] * 255).astype(int)
    left, top, right, bottom = box
    row = img[int((top + bottom) / 2), int(np.ceil(left)) + 2:int(np.floor(right)) - 2]
    return [tuple(px) for px in row]


for dpi, want in ((None, "every column"), (110, "all stuck")):
    png = os.path.join(tmp, f"stripes-{dpi}.png")
    got = heatmap.draw(Map.from_dataset(ds), png, dpi)
    row = panel_row(png, got["panels"][0]["box"])
    colours = set(row)
    runs = 1 + sum(a != b for a, b in zip(row, row[1:]))
    if not colours <= set(rgb.values()):
        fails.append(f"stripes at dpi {dpi}: colours other than stuck and linear: "
                     f"{sorted(colours - set(rgb.values()))[:4]}")
    # The row skips the spines (2 px each side): it spans len(row) / (px per cell) cells.
    box = got["panels"][0]["box"]
    span = int(len(row) * nx / (box[2] - box[0])) - 1
    if want == "every column" and runs < span:
        fails.append(f"stripes at the default dpi: {runs} runs of colour where {span} "
                     "columns are drawn")
    if want == "all stuck" and colours != {rgb["stuck"]}:
        fails.append(f"stripes at 110 dpi: want stuck everywhere (ties to the lowest code), "
                     f"got {len(colours)} colours in {runs} runs")
    print(f"stripes of 1024 columns, dpi {got['dpi']:.0f}: {runs} runs across "
          f"{len(row)} px ({want})")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
