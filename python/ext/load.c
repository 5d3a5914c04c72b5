/* gridsweep.load of a map file: the header and the rows through the
 * library's map readers, the same checks and messages as `gridsweep stats`
 * (a torn, reordered or truncated map is refused with the reader's line). A
 * CSV map goes through gs_map_read_header/gs_map_read_row, a NetCDF map
 * (told by its first bytes, not its name) through gs_map_nc_open/
 * gs_map_nc_read_row, so both give the float32 the C reader gives. A band of
 * a tiled map loads as its rows. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/map_netcdf.h"

#include "ext.h"

/* A NetCDF map: its records are complete rows of cells (a build without
 * libnetcdf fails in gs_map_nc_open with its one line). */
static PyObject *load_netcdf(const char *path)
{
    gs_map_nc *m = NULL;
    gs_map_info info = {0};
    gsp_columns cols = {0};
    gs_error err = {{0}};
    PyObject *out = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = gs_map_nc_open(path, false, &m, &err);
    if (!rc)
        rc = gs_map_nc_copy_info(m, &info, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        PyErr_SetString(PyExc_ValueError, err.msg);
        goto done;
    }
    const int nx = info.x.n, band = info.row_hi - info.row_lo;
    if (gsp_columns_new(&cols, band, nx, info.precision))
        goto done;
    const int64_t rows = gs_map_nc_rows(m);
    if (rows < band) {
        PyErr_Format(PyExc_ValueError, "%s: truncated: %lld of %lld rows", path,
                     (long long)(rows * nx), (long long)cols.cells);
        goto done;
    }
    gs_map_row *cells = PyMem_RawMalloc(sizeof *cells * (size_t)nx);
    if (!cells) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (int64_t r = 0; r < band && !(rc = gs_map_nc_read_row(m, r, cells, &err)); r++)
        for (int ix = 0; ix < nx; ix++)
            gsp_columns_put(&cols, r * nx + ix, &cells[ix]);
    Py_END_ALLOW_THREADS
    PyMem_RawFree(cells);
    if (rc)
        PyErr_SetString(PyExc_ValueError, err.msg);
    else
        out = gsp_result(&cols, &info);
done:
    gsp_columns_clear(&cols);
    gs_map_info_free(&info);
    gs_map_nc_close(m, &err);
    return out;
}

PyObject *gsp_load(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *path_obj;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path_obj))
        return NULL;
    const char *path = PyBytes_AS_STRING(path_obj);
    gs_map_info info = {0};
    gsp_columns cols = {0};
    gs_error err = {{0}};
    PyObject *out = NULL;
    int rc;
    bool netcdf = false;
    FILE *f;
    Py_BEGIN_ALLOW_THREADS
    f = fopen(path, "rb");
    if (f) {
        unsigned char magic[4];
        netcdf = gs_map_is_netcdf(magic, fread(magic, 1, sizeof magic, f));
        rewind(f);
    }
    rc = !f ? gs_fail(&err, "%s: %s", path, strerror(errno))
            : netcdf ? 0 : gs_map_read_header(f, path, &info, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        PyErr_SetString(PyExc_ValueError, err.msg);
        goto done;
    }
    if (netcdf) {
        out = load_netcdf(path);
        goto done;
    }
    if (gsp_columns_new(&cols, info.row_hi - info.row_lo, info.x.n, info.precision))
        goto done;
    int64_t rows;
    Py_BEGIN_ALLOW_THREADS
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    rows = gsp_columns_read(&cols, f, &info, 0, &err);
    Py_END_ALLOW_THREADS
    if (rows < 0)
        PyErr_Format(PyExc_ValueError, "%s: %s", path, err.msg);
    else if (rows < cols.cells)
        PyErr_Format(PyExc_ValueError, "%s: truncated: %lld of %lld rows", path,
                     (long long)rows, (long long)cols.cells);
    else
        out = gsp_result(&cols, &info);
done:
    gsp_columns_clear(&cols);
    gs_map_info_free(&info);
    if (f)
        fclose(f);
    Py_DECREF(path_obj);
    return out;
}
