"""What the plot scripts (scripts/py/heatmap.py, compare.py, plot_trace.py,
findings.py) share, one module per job:

  cli       one-line errors and exit statuses, the argument parser, a
            matplotlib config directory that makes no noise
  vocab     the vocabularies (outcomes, map columns, activations, settings),
            asked from the gridsweep binary, never kept as lists here
  header    the '#' header of maps and traces and the plane it describes
  chunk     one chunk of map rows, parsed and checked
  rows      a whole file of map rows, read fast on worker threads
  mapfile   a whole basin map (header + rows) and its summaries
  ncfile    a NetCDF map's header and columns, for mapfile
  trace     a trace file from `gridsweep trace`
  output    where a figure may be written, and writing it atomically
  palette   outcome colours and the outcome image
  panels    axis labels, log ticks, the discussion's starting points

Only the drawing modules (palette, panels, output's save) import matplotlib, and
only when called: reading and checking a map needs NumPy alone.
"""
