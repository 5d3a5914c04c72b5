/* The Python extension _gridsweep: a front end over the C library, like the
 * command line. It parses Python arguments with the library's own parsers,
 * calls the library, and hands back NumPy arrays; it holds no sweep logic.
 * One file per job: module.c (the method table, version, vocabularies),
 * columns.c (rows into arrays, the header into a dict), sweep.c (the sweep on
 * its own thread, Ctrl-C and progress), trace.c (one trajectory), load.c
 * (map files), stats.c, options.c (the arguments sweep and trace share). */
#ifndef GRIDSWEEP_PY_EXT_H
#define GRIDSWEEP_PY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL gridsweep_ARRAY_API
#ifndef GSP_IMPORT_ARRAY   /* module.c alone imports the NumPy API */
#define NO_IMPORT_ARRAY
#endif
#include <numpy/arrayobject.h>

#include <stdint.h>

#include "gridsweep/error.h"
#include "gridsweep/kernels.h"
#include "gridsweep/map.h"

/* One 2-D array per map column (GS_MAP_COLUMN_TABLE), rows x nx, filled in
 * cell order: int32 for INT, float32 (an f64 map: float64) for FLOAT, uint8
 * codes for OUTCOME. */
typedef struct gsp_columns {
    PyObject *array[GS_MAP_NCOLUMNS];
    char *data[GS_MAP_NCOLUMNS];
    int64_t cells;
    bool f64;
} gsp_columns;

/* With the GIL. -1 with a Python exception set. */
int gsp_columns_new(gsp_columns *c, int rows, int nx, gs_precision precision);
void gsp_columns_clear(gsp_columns *c);
/* Without the GIL: the row goes to cell i. */
void gsp_columns_put(gsp_columns *c, int64_t i, const gs_map_row *row);
/* Without the GIL: reads rows with the map reader into cells first..; stops
 * at the end of f. Returns the rows read, or -1 (err says why). */
int64_t gsp_columns_read(gsp_columns *c, FILE *f, const gs_map_info *info, int64_t first,
                         gs_error *err);

/* With the GIL: {"columns": {name: array}, "x": centres, "y": centres,
 * "header": {key: text}, "x_param", "y_param" (b), "x_column", "y_column"
 * (their start columns: b0), "row_lo"}; steals the arrays (c is cleared).
 * NULL with an exception set. */
PyObject *gsp_result(gsp_columns *c, const gs_map_info *info);

/* The header of a map written as text (gs_map_header) read back by the map
 * reader into info, as the CLI would read the file. */
int gsp_info_from_header(const char *header, gs_map_info *info, gs_error *err);

/* options.c. A library message as the exception raised for bad input. */
PyObject *gsp_value_error(const gs_error *err);
/* settings: a sequence of (key, text); -1 with ValueError (the CLI's message
 * for the option) or TypeError (an unknown key). *lr_given (if not NULL):
 * whether lr was among them. */
int gsp_parse_settings(PyObject *settings, gs_train_config *train, int *lr_given);
int gsp_parse_act(const char *name, gs_act *act);
/* The best kernel set, or name's; NULL with ValueError. */
const gs_kernels *gsp_pick_kernels(const char *name);

PyObject *gsp_sweep(PyObject *self, PyObject *args, PyObject *kw);
PyObject *gsp_load(PyObject *self, PyObject *args);
PyObject *gsp_stats(PyObject *self, PyObject *args);
PyObject *gsp_trace(PyObject *self, PyObject *args, PyObject *kw);

#endif
