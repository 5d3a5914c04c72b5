/* gridsweep.sweep: the arguments read by the library's parsers in the
 * command line's order (so a bad one gets the CLI's message), then the sweep
 * on a thread of its own while the calling thread, GIL released between
 * looks, checks for Ctrl-C and reports progress. A Ctrl-C sets the sweep's
 * stop flag; the sweep drops its unfinished chunks within a segment of
 * training and KeyboardInterrupt is raised. */
#define _GNU_SOURCE   /* fmemopen */
#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ext.h"
#include "gridsweep/sweep.h"

#define POLL_SECONDS 0.1
#define NO_THREADS INT_MIN   /* threads not given: one per processor, as the CLI */

typedef struct run {
    gs_sweep_task task;
    gs_map_info info;
    gsp_columns cols;
    int64_t next;             /* the next row's index in the band (the sink's) */
    atomic_llong done;        /* cells in the arrays, read by the polling thread */
    atomic_int stop;
    gs_sweep_status status;
    int64_t written;
    gs_error err, sink_err;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int finished;
} run;

/* The sweep's sink: its rows, as the CLI writes them, read back by the map
 * reader into the arrays. Called in cell order, one chunk at a time. */
static int sink_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    run *r = ctx;
    FILE *f = fmemopen((void *)text, len, "r");
    if (!f)
        return gs_fail(&r->sink_err, "out of memory");
    const int64_t n = gsp_columns_read(&r->cols, f, &r->info, r->next, &r->sink_err);
    fclose(f);
    if (n != cells)
        return n < 0 ? -1 : gs_fail(&r->sink_err, "the sweep handed %lld rows for %lld cells",
                                    (long long)n, (long long)cells);
    r->next += n;
    atomic_store(&r->done, r->next);
    return 0;
}

static void *compute(void *arg)
{
    run *r = arg;
    const gs_sweep_sink sink = {sink_write, r};
    r->status = gs_sweep_compute(&r->task, &sink, &r->stop, &r->written, &r->err);
    pthread_mutex_lock(&r->mu);
    r->finished = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Waits up to POLL_SECONDS for the sweep to end, GIL released. */
static int wait_a_while(run *r)
{
    int finished;
    Py_BEGIN_ALLOW_THREADS
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += (long)(POLL_SECONDS * 1e9);
    if (t.tv_nsec >= 1000000000L)
        t.tv_sec++, t.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&r->mu);
    while (!r->finished && pthread_cond_timedwait(&r->cv, &r->mu, &t) != ETIMEDOUT)
        ;
    finished = r->finished;
    pthread_mutex_unlock(&r->mu);
    Py_END_ALLOW_THREADS
    return finished;
}

/* progress(done, total), if given; -1 when it raised. */
static int report(PyObject *progress, const run *r)
{
    if (progress == Py_None)
        return 0;
    PyObject *res = PyObject_CallFunction(progress, "LL", (long long)atomic_load(&r->done),
                                          (long long)(r->task.end - r->task.begin));
    Py_XDECREF(res);
    return res ? 0 : -1;
}

/* Runs the sweep; returns 0, or -1 with an exception set (KeyboardInterrupt
 * after Ctrl-C, or whatever progress raised). */
static int run_sweep(run *r, PyObject *progress)
{
    pthread_t thread;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    int rc = pthread_create(&thread, NULL, compute, r);
    if (rc) {
        errno = rc;
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    int raised = 0;
    while (!wait_a_while(r)) {
        if (PyErr_CheckSignals() < 0 || report(progress, r) < 0) {
            raised = 1;
            atomic_store(&r->stop, SIGINT);
            break;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    pthread_join(thread, NULL);
    Py_END_ALLOW_THREADS
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    if (raised)
        return -1;
    if (r->status == GS_SWEEP_DONE)
        return report(progress, r);
    if (r->status == GS_SWEEP_SINK_FAILED)
        PyErr_Format(PyExc_RuntimeError, "gridsweep: %s", r->sink_err.msg);
    else if (r->status == GS_SWEEP_FAILED)
        PyErr_NoMemory();
    else
        PyErr_SetString(PyExc_RuntimeError, "gridsweep: the sweep stopped");
    return -1;
}

static int parse_config(gs_sweep_config *cfg, PyObject *settings, const char *act,
                        const char *x, const char *y, const char *res, const char *at,
                        const char *tile, int threads)
{
    gs_error err;
    bool lr_at = false;
    int lr_given = 0;
    if (gsp_parse_settings(settings, &cfg->train, &lr_given) ||
        gsp_parse_act(act, &cfg->train.act))
        return -1;
    if ((x && gs_axis_parse(x, &cfg->x, &err)) || (y && gs_axis_parse(y, &cfg->y, &err)) ||
        (res && gs_plane_parse_res(res, &cfg->plane, &err)) ||
        (at && gs_plane_parse_at(at, &cfg->plane, &lr_at, &err)) ||
        gs_sweep_set_lr(cfg, lr_at, lr_given, &err) ||
        (tile && gs_plane_parse_tile(tile, &cfg->plane, &err)))
        return gsp_value_error(&err), -1;
    if (threads != NO_THREADS && (threads < 1 || threads > 1024)) {
        PyErr_Format(PyExc_ValueError, "--threads must be between 1 and 1024, got %d", threads);
        return -1;
    }
    if (gs_sweep_validate(cfg, &err))
        return gsp_value_error(&err), -1;
    return 0;
}

/* _sweep(settings, act, x, y, res, at, tile, threads, isa, progress): the
 * texts as the command line takes them, None for an option not given. */
PyObject *gsp_sweep(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"settings", "act", "x", "y", "res", "at", "tile", "threads",
                            "isa", "progress", NULL};
    PyObject *settings, *progress = Py_None, *nthreads = Py_None;
    const char *act, *x = NULL, *y = NULL, *res = NULL, *at = NULL, *tile = NULL, *isa = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "Os|zzzzzOzO", names, &settings, &act, &x, &y,
                                     &res, &at, &tile, &nthreads, &isa, &progress))
        return NULL;
    int overflow = 0, threads = NO_THREADS;
    if (nthreads != Py_None) {
        const long t = PyLong_AsLongAndOverflow(nthreads, &overflow);
        if (t == -1 && PyErr_Occurred())
            return NULL;
        threads = overflow || t < INT_MIN + 1 || t > INT_MAX ? 0 : (int)t;
    }
    gs_sweep_config cfg = gs_sweep_defaults();
    if (parse_config(&cfg, settings, act, x, y, res, at, tile, threads))
        return NULL;
    if (cfg.train.seeds > 1) {   /* its columns are a single seed's */
        PyErr_SetString(PyExc_ValueError, "seeds: sweep() trains one seed; run gridsweep "
                                          "--seeds N and load() the map");
        return NULL;
    }
    const gs_kernels *k = gsp_pick_kernels(isa);
    if (!k)
        return NULL;

    run *r = calloc(1, sizeof *r);
    char *header = gs_map_header(&cfg.train, &cfg.plane);
    gs_train_plan plan;
    gs_error err;
    PyObject *out = NULL;
    if (!r || !header) {
        free(r);
        free(header);
        return PyErr_NoMemory();
    }
    if (gs_train_plan_init(&plan, &cfg.train, &err)) {
        PyErr_SetString(PyExc_MemoryError, err.msg);
        goto done_header;
    }
    if (gsp_info_from_header(header, &r->info, &err)) {   /* the library's own header */
        PyErr_Format(PyExc_RuntimeError, "gridsweep: %s", err.msg);
        goto done_plan;
    }
    int lo, hi;
    gs_sweep_rows(&cfg, &lo, &hi);
    if (gsp_columns_new(&r->cols, hi - lo, cfg.x.n, cfg.train.precision))
        goto done_info;
    r->task = (gs_sweep_task){.cfg = &cfg, .kernels = k, .plan = &plan,
                              .begin = (int64_t)lo * cfg.x.n, .end = (int64_t)hi * cfg.x.n,
                              .threads = threads != NO_THREADS ? threads : omp_get_num_procs()};
    if (run_sweep(r, progress) == 0)
        out = gsp_result(&r->cols, &r->info);
    gsp_columns_clear(&r->cols);
done_info:
    gs_map_info_free(&r->info);
done_plan:
    gs_train_plan_free(&plan);
done_header:
    free(header);
    free(r);
    return out;
}
