"""Basin maps and traces read as strictly as gridsweep's own reader, in pure
Python (NumPy, and the gridsweep binary for the vocabularies; not the
extension module), one module per job:

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

The figures drawn from them are gridsweep.plot.
"""
