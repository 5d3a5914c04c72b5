/* gridsweep.stats: the library's statistics of an outcome grid, as the
 * fields of `gridsweep stats --json` (less the file's name and the act and
 * axes, which the dataset holds). */
#include <math.h>
#include <string.h>

#include "ext.h"
#include "gridsweep/stats.h"

static PyObject *outcome_dict(const gs_map_stats *st, int fractions)
{
    PyObject *d = PyDict_New();
    for (int k = 0; d && k < GS_OUT_COUNT; k++) {
        PyObject *v = fractions ? PyFloat_FromDouble(st->fraction[k])
                                : PyLong_FromLongLong(st->count[k]);
        if (!v || PyDict_SetItemString(d, gs_outcome_name((gs_outcome)k), v))
            Py_CLEAR(d);
        Py_XDECREF(v);
    }
    return d;
}

static PyObject *scales(const gs_map_stats *st)
{
    PyObject *list = PyList_New(st->nscales);
    for (int i = 0; list && i < st->nscales; i++) {
        PyObject *s = Py_BuildValue("{s:i,s:L,s:L}", "size", st->scale[i].size, "boundary",
                                    (long long)st->scale[i].boundary, "boxes",
                                    (long long)st->scale[i].total);
        if (!s)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, s);
    }
    return list;
}

/* _stats(outcome: uint8 array ny x nx, eps: int or None) */
PyObject *gsp_stats(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj, *eps_obj = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &obj, &eps_obj))
        return NULL;
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(obj, NPY_UINT8, 2, 2,
                                                        NPY_ARRAY_C_CONTIGUOUS |
                                                            NPY_ARRAY_ALIGNED);
    if (!a)
        return NULL;
    gs_map_grid grid = {.ny = (int)PyArray_DIM(a, 0), .nx = (int)PyArray_DIM(a, 1),
                        .outcome = PyArray_DATA(a)};
    int eps = 5;
    if (eps_obj != Py_None) {
        eps = (int)PyLong_AsLong(eps_obj);
        if (eps == -1 && PyErr_Occurred())
            return Py_DECREF(a), NULL;
        if (eps < 1) {
            Py_DECREF(a);
            return PyErr_Format(PyExc_ValueError, "stats: --eps must be at least 1, got %d",
                                eps);
        }
    } else if (eps > grid.nx || eps > grid.ny) {   /* the default fits any map, as the CLI's */
        eps = grid.nx < grid.ny ? grid.nx : grid.ny;
    }
    const uint8_t *o = grid.outcome;
    for (int64_t i = 0; i < (int64_t)grid.nx * grid.ny; i++)
        if (o[i] >= GS_OUT_COUNT) {
            Py_DECREF(a);
            return PyErr_Format(PyExc_ValueError, "stats: outcome code %d at cell %lld is not "
                                "one of 0..%d", o[i], (long long)i, GS_OUT_COUNT - 1);
        }
    if (eps > grid.nx || eps > grid.ny) {
        Py_DECREF(a);
        return PyErr_Format(PyExc_ValueError, "stats: --eps %d is larger than the %dx%d map",
                            eps, grid.nx, grid.ny);
    }
    gs_map_stats *st = PyMem_Malloc(sizeof *st);
    gs_error err;
    int rc;
    if (!st)
        return Py_DECREF(a), PyErr_NoMemory();
    Py_BEGIN_ALLOW_THREADS
    rc = gs_map_stats_compute(&grid, eps, st, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(a);
    PyObject *out = NULL;
    if (rc) {
        PyErr_Format(PyExc_ValueError, "stats: %s", err.msg);
    } else {
        const double nan = NAN;
        out = Py_BuildValue(
            "{s:i,s:i,s:L,s:N,s:N,s:i,s:L,s:L,s:i,s:d,s:d,s:O,s:N,s:d,s:d,s:d,s:N,s:N}", "nx",
            grid.nx, "ny", grid.ny, "cells", (long long)st->cells, "counts",
            outcome_dict(st, 0), "fractions", outcome_dict(st, 1), "eps", st->eps, "boxes",
            (long long)st->boxes, "boundary_boxes", (long long)st->boundary_boxes, "outcomes",
            st->outcomes, "sb", st->sb, "sbb", st->sbb, "sbb_fractal",
            st->sbb_fractal ? Py_True : Py_False, "scales", scales(st), "dimension",
            st->has_dim ? st->dim : nan, "dimension_err", st->has_dim ? st->dim_err : nan,
            "alpha", st->has_dim ? st->alpha : nan, "fit_sizes",
            st->has_dim ? Py_BuildValue("[ii]", st->scale[st->fit_first].size,
                                        st->scale[st->fit_last].size)
                        : Py_NewRef(Py_None),
            "warning", st->warn ? PyUnicode_FromString(st->warning) : Py_NewRef(Py_None));
    }
    PyMem_Free(st);
    return out;
}
