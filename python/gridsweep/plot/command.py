"""A figure as a command: scripts/heatmap, compare and plot-trace (through
scripts/py/NAME.py) call run(NAME). Parses the figure module's arguments,
checks the output (format, file type, not an input) before reading anything,
reads, draws, and turns every failure into one line (maps/cli.py).
Imports nothing beyond the standard library until run() is called, so that a
missing numpy or matplotlib is reported as one line too."""
import os
import sys


def run(name, argv=None):
    from ..maps import cli
    os.environ.setdefault("MPLBACKEND", "Agg")
    cli.run(name, lambda: _main(name, argv))


def _main(name, argv):
    import importlib
    from . import FIGURES, output
    from ..maps import cli
    fig = importlib.import_module(f".figures.{FIGURES[name]}", __package__)
    p = cli.make_parser(fig.NAME, fig.SUMMARY)
    fig.add_arguments(p)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    dpi = output.check_dpi(args.dpi)
    ins = fig.inputs(args)
    out = output.output_path(args.output, ins[0], fig.SUFFIX)
    output.check_output(out, ins)
    fig.draw(fig.load(args), out, dpi)
