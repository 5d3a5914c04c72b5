"""scripts/plot-diff: the figure of gridsweep.plot.figures (python/gridsweep/plot/),
run from the source tree; python/ goes first on sys.path, so this needs NumPy,
matplotlib and the gridsweep binary, not the extension module."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "python"))
from gridsweep.plot import command  # noqa: E402

command.run("plot-diff")
