/* gridsweep.load of a CSV map: the header and the rows through the
 * library's map reader, the same checks and messages as `gridsweep stats`
 * (a torn, reordered or truncated map is refused with the reader's line). A
 * band of a tiled map loads as its rows. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ext.h"

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
    FILE *f;
    Py_BEGIN_ALLOW_THREADS
    f = fopen(path, "rb");
    rc = f ? gs_map_read_header(f, path, &info, &err) : gs_fail(&err, "%s: %s", path,
                                                                 strerror(errno));
    Py_END_ALLOW_THREADS
    if (rc) {
        PyErr_SetString(PyExc_ValueError, err.msg);
        goto done;
    }
    if (gsp_columns_new(&cols, info.row_hi - info.row_lo, info.x.n))
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
