"""One module per figure. A figure module defines

  NAME            the command that draws it (scripts/NAME)
  SUMMARY         one line for --help
  SUFFIX          the default output beside the first input (MAP.csv -> MAP.png)
  add_arguments   its inputs and options (output.add_arguments adds -o, --dpi)
  inputs(args)    the input paths (an output may not be one of them)
  load(args)      the inputs read and checked (one-line GsErrors)
  draw(obj, out, dpi=None)   the figure written to out (format by extension);
                  returns {"dpi": ..., ...}, what was drawn

and is listed in gridsweep.plot.FIGURES; gridsweep.plot.command runs it as a
script. A new figure is a new module here, one line in FIGURES, a function
in gridsweep.plot (plot/__init__.py) if Python callers want one, its file in
figures/meson.build, and, as a command, scripts/NAME and scripts/py/NAME.py
(copies of heatmap's, with the name changed).
"""
