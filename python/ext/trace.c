/* gridsweep.trace: one starting point trained step by step by the trainer's
 * trace loop (gs_train_trace), the parameters and loss recorded every
 * `every` steps and at the last, as `gridsweep trace` writes its param rows.
 * The header comes from the library's trace writer, so the attributes are
 * the trace file's. Runs with the GIL released, taking it back now and then
 * to see a Ctrl-C. */
#define _GNU_SOURCE   /* open_memstream */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "gridsweep/isa.h"
#include "gridsweep/numparse.h"
#include "gridsweep/settings.h"
#include "gridsweep/trace.h"

#define SIGNAL_CHECK_STEPS 4096   /* steps between looks at Ctrl-C */

typedef struct recorder {
    int every;
    npy_intp n;
    int32_t *step;
    float *p[4], *loss;
    double *p64[4], *loss64;   /* an f64 run's arrays instead (float64) */
    bool f64;
    PyThreadState *saved;   /* the released GIL, taken back to check signals */
    int interrupted;
} recorder;

static int record(void *ctx, int t, const double p[4], const double *loss)
{
    recorder *r = ctx;
    if (!loss || t % r->every == 0) {
        r->step[r->n] = t;
        for (int k = 0; k < 4; k++) {
            if (r->f64)
                r->p64[k][r->n] = p[k];
            else
                r->p[k][r->n] = (float)p[k];
        }
        if (r->f64)
            r->loss64[r->n] = loss ? *loss : NAN;
        else
            r->loss[r->n] = loss ? (float)*loss : NAN;   /* the last row takes no step */
        r->n++;
    }
    if (t % SIGNAL_CHECK_STEPS == SIGNAL_CHECK_STEPS - 1) {
        PyEval_RestoreThread(r->saved);
        r->interrupted = PyErr_CheckSignals() < 0;
        r->saved = PyEval_SaveThread();
        if (r->interrupted)
            return 1;
    }
    return 0;
}

/* --init A,B,C,D with the messages of `gridsweep trace` (src/cli/cmd_trace.c). */
static int parse_init(const char *arg, float init[4], double init64[4])
{
    char buf[256];
    int n = 0;
    if (strlen(arg) >= sizeof buf) {
        PyErr_SetString(PyExc_ValueError, "--init: value too long");
        return -1;
    }
    strcpy(buf, arg);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 4) {
            PyErr_Format(PyExc_ValueError, "--init: expected 4 numbers A,B,C,D, got more: '%s'",
                         arg);
            return -1;
        }
        if (gs_parse_float(tok, &init[n]) || gs_parse_double(tok, &init64[n++])) {
            PyErr_Format(PyExc_ValueError, "--init: '%s' is not a finite number", tok);
            return -1;
        }
    }
    if (n != 4 || !*arg || arg[strlen(arg) - 1] == ',') {
        PyErr_Format(PyExc_ValueError, "--init: expected 4 numbers A,B,C,D, got '%s'", arg);
        return -1;
    }
    return 0;
}

static PyObject *column(npy_intp n, int typenum, void **data)
{
    PyObject *a = PyArray_SimpleNew(1, &n, typenum);
    if (a)
        *data = PyArray_DATA((PyArrayObject *)a);
    return a;
}

/* The trace file's header lines, from the library's writer. */
static PyObject *header_text(gs_trace_writer *w)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return PyErr_NoMemory();
    gs_trace_write_header(w, f);
    fclose(f);
    PyObject *s = text ? PyUnicode_FromStringAndSize(text, (Py_ssize_t)len) : PyErr_NoMemory();
    free(text);
    return s;
}

/* _trace(settings, act, init, point, every, isa) -> {"step", "a".."d", "loss":
 * arrays, "header": text, "result": {...}} */
PyObject *gsp_trace(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"settings", "act", "init", "point", "every", "isa", NULL};
    PyObject *settings;
    const char *act, *init = NULL, *point = NULL, *isa = NULL;
    int every = 10;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Os|zziz", names, &settings, &act, &init,
                                     &point, &every, &isa))
        return NULL;
    gs_train_config cfg = gs_train_defaults();
    gs_trace_spec spec = {.init = {1, 0.5f, 1, -0.5f}, .init64 = {1, 0.5, 1, -0.5}, .every = every, .curve_points = 101};
    gs_error err;
    if (gsp_parse_settings(settings, &cfg, NULL) || gsp_parse_act(act, &cfg.act) ||
        (init && parse_init(init, spec.init, spec.init64)))
        return NULL;
    const int prc = point ? gs_parse_u64(point, &spec.point) : 0;
    if (prc == GS_NUM_RANGE)   /* the messages of the CLI's cli_u64 */
        return PyErr_Format(PyExc_ValueError, "--point: '%s' is too large (at most %llu)",
                            point, (unsigned long long)UINT64_MAX);
    if (prc)
        return PyErr_Format(PyExc_ValueError, "--point: '%s' is not a non-negative integer",
                            point);
    if (gs_train_validate(&cfg, &err))
        return PyErr_Format(PyExc_ValueError, "trace: %s", err.msg);
    if (every < 1)
        return PyErr_Format(PyExc_ValueError, "trace: --every must be at least 1, got %d",
                            every);
    const int def[4] = {0, cfg.steps / 100, cfg.steps / 10, cfg.steps};
    for (int i = 0; i < 4; i++)   /* the CLI's default snapshots, for the header */
        if (spec.nsnap == 0 || def[i] > spec.snap[spec.nsnap - 1])
            spec.snap[spec.nsnap++] = def[i];
    const gs_kernels *k = gsp_pick_kernels(isa);
    if (!k)
        return NULL;

    const npy_intp rows = cfg.steps / every + 1 + (cfg.steps % every != 0);
    recorder r = {.every = every, .f64 = cfg.precision == GS_PRECISION_F64};
    PyObject *arr[6] = {column(rows, NPY_INT32, (void **)&r.step)}, *out = NULL, *header = NULL;
    const int real = r.f64 ? NPY_FLOAT64 : NPY_FLOAT32;
    for (int i = 0; i < 4; i++)
        arr[1 + i] = column(rows, real, r.f64 ? (void **)&r.p64[i] : (void **)&r.p[i]);
    arr[5] = column(rows, real, r.f64 ? (void **)&r.loss64 : (void **)&r.loss);
    gs_train_plan plan;
    gs_trace_writer w;
    gs_result res;
    for (int i = 0; i < 6; i++)
        if (!arr[i])
            goto done_arrays;
    if (gs_train_plan_init(&plan, &cfg, &err)) {
        PyErr_SetString(PyExc_MemoryError, err.msg);
        goto done_arrays;
    }
    if (gs_trace_writer_init(&w, &cfg, &spec, k->eval[cfg.act], &err)) {
        PyErr_SetString(PyExc_MemoryError, err.msg);
        goto done_plan;
    }
    if (!(header = header_text(&w)))
        goto done_writer;
    double start[5] = {spec.init[0], spec.init[1], spec.init[2], spec.init[3],
                       cfg.precision == GS_PRECISION_F64 ? gs_float_decimal(cfg.lr) : cfg.lr};
    for (int i = 0; r.f64 && i < 4; i++)
        start[i] = spec.init64[i];
    r.saved = PyEval_SaveThread();
    const int traced = gs_train_trace(&plan, k, start, spec.point, record, &r, &res);
    PyEval_RestoreThread(r.saved);
    if (r.interrupted)
        goto done_writer;   /* KeyboardInterrupt is set */
    if (traced) {
        PyErr_SetString(PyExc_MemoryError, "trace: out of memory");
        goto done_writer;
    }
    out = Py_BuildValue("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:{s:s,s:d,s:d,s:d,s:d,s:i,s:i,s:i,s:d}}", "step",
                        arr[0], "a", arr[1], "b", arr[2], "c", arr[3], "d", arr[4], "loss",
                        arr[5], "header", header, "result", "outcome",
                        gs_outcome_name(res.outcome), "window_loss", (double)res.window_loss,
                        "final_loss", (double)res.final_loss, "lin_err", (double)res.lin_err,
                        "spread", (double)res.spread, "t_escape", (int)res.t_escape,
                        "t_enter", (int)res.t_enter, "t_diverge", (int)res.t_diverge, "score",
                        (double)res.score);
done_writer:
    gs_trace_writer_free(&w);
done_plan:
    gs_train_plan_free(&plan);
done_arrays:
    Py_XDECREF(header);
    for (int i = 0; i < 6; i++)
        Py_XDECREF(arr[i]);
    return out;
}
