/* Map rows into NumPy columns, and a map's header into a dict. Rows come
 * from the library's map reader in both directions (a sweep's rows as the
 * sink receives them, a file's rows as read), so an array holds exactly the
 * float32 a CSV map of the same command holds. */
#define _GNU_SOURCE   /* fmemopen */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ext.h"

static int column_typenum(gs_column_type t, bool f64)
{
    return t == GS_COL_INT     ? NPY_INT32
           : t == GS_COL_FLOAT ? (f64 ? NPY_FLOAT64 : NPY_FLOAT32)
                               : NPY_UINT8;
}

int gsp_columns_new(gsp_columns *c, int rows, int nx, gs_precision precision)
{
    memset(c, 0, sizeof *c);
    c->f64 = precision == GS_PRECISION_F64;
    npy_intp dims[2] = {rows, nx};
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        c->array[i] =
            PyArray_SimpleNew(2, dims, column_typenum(gs_map_column_at(i)->type, c->f64));
        if (!c->array[i]) {
            gsp_columns_clear(c);
            return -1;
        }
        c->data[i] = PyArray_DATA((PyArrayObject *)c->array[i]);
    }
    c->cells = (int64_t)rows * nx;
    return 0;
}

void gsp_columns_clear(gsp_columns *c)
{
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++)
        Py_CLEAR(c->array[i]);
}

void gsp_columns_put(gsp_columns *c, int64_t i, const gs_map_row *row)
{
    for (int k = 0; k < GS_MAP_NCOLUMNS; k++) {
        const gs_map_column *col = gs_map_column_at(k);
        const char *field = (const char *)row + col->offset;
        if (col->type == GS_COL_OUTCOME) {
            gs_outcome o;
            memcpy(&o, field, sizeof o);
            ((uint8_t *)c->data[k])[i] = (uint8_t)o;
        } else if (col->type == GS_COL_FLOAT) {   /* the row's double: f32's is a float */
            double v;
            memcpy(&v, field, sizeof v);
            if (c->f64)
                memcpy(c->data[k] + 8 * i, &v, 8);
            else
                ((float *)(void *)c->data[k])[i] = (float)v;
        } else {   /* int32 */
            memcpy(c->data[k] + 4 * i, field, 4);
        }
    }
}

int64_t gsp_columns_read(gsp_columns *c, FILE *f, const gs_map_info *info, int64_t first,
                         gs_error *err)
{
    gs_map_row row;
    for (int64_t i = first;; i++) {
        const int rc = gs_map_read_row(f, info, i, &row, NULL, err);
        if (rc <= 0)
            return rc < 0 ? -1 : i - first;
        gsp_columns_put(c, i, &row);
    }
}

int gsp_info_from_header(const char *header, gs_map_info *info, gs_error *err)
{
    FILE *f = fmemopen((void *)header, strlen(header), "r");
    if (!f)
        return gs_fail(err, "out of memory");
    const int rc = gs_map_read_header(f, "sweep", info, err);
    fclose(f);
    return rc;
}

/* The cell centres of an axis, float32 or float64 like the start columns. */
static PyObject *centres(const gs_axis *ax, int lo, int hi, bool f64)
{
    npy_intp n = hi - lo;
    PyObject *a = PyArray_SimpleNew(1, &n, f64 ? NPY_FLOAT64 : NPY_FLOAT32);
    if (a && f64) {
        double *v = PyArray_DATA((PyArrayObject *)a);
        for (int i = lo; i < hi; i++)
            v[i - lo] = gs_axis_value64(ax, i);
    } else if (a) {
        float *v = PyArray_DATA((PyArrayObject *)a);
        for (int i = lo; i < hi; i++)
            v[i - lo] = gs_axis_value(ax, i);
    }
    return a;
}

/* The start column of an axis's parameter (b0 for b, lr for lr): the
 * column whose member is start[param]. */
static const char *start_column(gs_param param)
{
    const size_t member = offsetof(gs_map_row, start) + (size_t)param * sizeof(double);
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++)
        if (gs_map_column_at(i)->offset == member)
            return gs_map_column_at(i)->name;
    return gs_param_name(param);
}

/* Adds value to d under key and drops the caller's reference; -1 on error. */
static int put(PyObject *d, const char *key, PyObject *value)
{
    if (!value)
        return -1;
    const int rc = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return rc;
}

PyObject *gsp_result(gsp_columns *c, const gs_map_info *info)
{
    PyObject *out = PyDict_New(), *cols = PyDict_New(), *header = PyDict_New();
    int rc = out && cols && header ? 0 : -1;
    for (int i = 0; i < GS_MAP_NCOLUMNS && !rc; i++) {
        rc = PyDict_SetItemString(cols, gs_map_column_at(i)->name, c->array[i]);
    }
    for (int i = 0; i < info->nkeys && !rc; i++)
        rc = put(header, info->keys[i], PyUnicode_FromString(info->values[i]));
    if (!rc) {
        rc = put(out, "columns", Py_NewRef(cols)) || put(out, "header", Py_NewRef(header)) ||
             put(out, "x", centres(&info->x, 0, info->x.n, info->precision == GS_PRECISION_F64)) ||
             put(out, "y", centres(&info->y, info->row_lo, info->row_hi,
                                     info->precision == GS_PRECISION_F64)) ||
             put(out, "x_param", PyUnicode_FromString(gs_param_name(info->x.param))) ||
             put(out, "y_param", PyUnicode_FromString(gs_param_name(info->y.param))) ||
             put(out, "x_column", PyUnicode_FromString(start_column(info->x.param))) ||
             put(out, "y_column", PyUnicode_FromString(start_column(info->y.param))) ||
             put(out, "row_lo", PyLong_FromLong(info->row_lo));
    }
    gsp_columns_clear(c);
    Py_XDECREF(cols);
    Py_XDECREF(header);
    if (rc) {
        Py_XDECREF(out);
        return NULL;
    }
    return out;
}
