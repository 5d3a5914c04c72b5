/* The MPI runner (built with -Dmpi=enabled): its start, the gate every rank
 * passes before the first cell, its end, and what the worker and rank 0
 * share. Rank 0 hands out chunks of cells, every rank trains them with
 * gs_sweep_compute, and rank 0 alone writes the rows in cell order
 * (runner_mpi_root.c), so the file is the single-process one. Run directly
 * (no launcher in the environment), MPI is never initialised and the runner
 * is the local one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner_mpi.h"

static bool launched(void)
{
    const char *force = getenv("GRIDSWEEP_MPI");
    if (force)
        return strcmp(force, "0") != 0;
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE", "PMI_FD", "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

gs_runner *gs_runner_open(int *argc, char ***argv)
{
    gs_runner *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->size = 1;
    if (!launched())
        return r;
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return r;
    r->on = true;
    r->serialized = provided >= MPI_THREAD_SERIALIZED;
    /* Failures come back as codes, so rank 0 can keep the file and explain. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &r->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r->size);
    return r;
}

int gs_runner_rank(const gs_runner *r) { return r->rank; }
int gs_runner_ranks(const gs_runner *r) { return r->on ? r->size : 1; }
bool mpi_parallel(const gs_runner *r) { return r->on && r->size > 1; }

double mpi_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void mpi_nap(int *us)
{
    struct timespec ts = {0, (long)*us * 1000};
    nanosleep(&ts, NULL);
    if (*us < 2000)
        *us *= 2;
}

/* On a shared node the spinning of MPI_Wait would take the core that the
 * other end needs to complete this very message. */
int mpi_polite_wait(MPI_Request *rq)
{
    int done = 0, us = 20, e;
    while ((e = MPI_Test(rq, &done, MPI_STATUS_IGNORE)) == MPI_SUCCESS && !done)
        mpi_nap(&us);
    return e;
}

void mpi_error_text(int code, char text[MPI_MAX_ERROR_STRING])
{
    int n = 0;
    if (MPI_Error_string(code, text, &n) != MPI_SUCCESS)
        snprintf(text, MPI_MAX_ERROR_STRING, "MPI error %d", code);
}

int mpi_gate(gs_runner *r, int status, bool ready, gs_error *err)
{
    if (r->gated || !mpi_parallel(r)) {
        r->gated = true;
        return status;
    }
    r->gated = true;
    int mine[2] = {status, ready}, verdict[2] = {0, status};   /* go, status */
    int *all = r->rank == 0 ? malloc(sizeof(int) * 2 * (size_t)r->size) : NULL;
    if (r->rank == 0 && !all) {
        r->lost = true;   /* the others wait in the gather: only an abort ends them */
        gs_fail(err, "out of memory");
        return EXIT_FAILURE;
    }
    int e = MPI_Gather(mine, 2, MPI_INT, all, 2, MPI_INT, 0, MPI_COMM_WORLD);
    if (e == MPI_SUCCESS && r->rank == 0) {
        verdict[0] = ready && status == 0;
        for (int q = 1; q < r->size && verdict[0]; q++) {
            if (!all[2 * q + 1] || all[2 * q]) {
                /* That rank's own message went nowhere: only rank 0 speaks. */
                verdict[0] = 0;
                verdict[1] = all[2 * q] ? all[2 * q] : EXIT_FAILURE;
                gs_fail(err,
                        "rank %d could not set up this sweep (exit status %d); "
                        "run the same command alone on its node to see why",
                        q, verdict[1]);
            }
        }
    }
    free(all);
    if (e == MPI_SUCCESS)
        e = MPI_Bcast(verdict, 2, MPI_INT, 0, MPI_COMM_WORLD);
    if (e != MPI_SUCCESS) {
        char text[MPI_MAX_ERROR_STRING];
        mpi_error_text(e, text);
        r->lost = true;
        gs_fail(err, "MPI: %s", text);
        return EXIT_FAILURE;
    }
    r->running = verdict[0];
    const int result = verdict[0] ? 0 : verdict[1];
    if (result != status && r->rank > 0)
        gs_fail(err, "rank 0 ended the job before the sweep (exit status %d)", result);
    return result;
}

int gs_runner_gate(gs_runner *r, int status, gs_error *err)
{
    return mpi_gate(r, status, true, err);
}

/* ---- the memory sink of one chunk ---- */

int mem_reserve(membuf *m, size_t more)
{
    if (m->len + more <= m->cap)
        return 0;
    size_t cap = m->cap ? m->cap : 1 << 16;
    while (cap < m->len + more)
        cap *= 2;
    char *d = realloc(m->data, cap);
    if (!d)
        return -1;
    m->data = d;
    m->cap = cap;
    return 0;
}

static int mem_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    membuf *m = ctx;
    if (mem_reserve(m, len)) {
        m->out_of_memory = true;
        return -1;
    }
    memcpy(m->data + m->len, text, len);
    m->len += len;
    m->cells += cells;
    return m->service ? m->service(m->service_ctx) : 0;
}

gs_sweep_status mpi_compute_into(membuf *m, const gs_sweep_task *task, int64_t lo, int64_t hi,
                                 const atomic_int *stop)
{
    m->len = HDR * sizeof(int64_t);
    m->cells = 0;
    m->out_of_memory = false;
    if (mem_reserve(m, 0) || mem_reserve(m, (size_t)(hi - lo) * 200))
        return GS_SWEEP_FAILED;
    gs_sweep_task part = *task;
    part.begin = lo, part.end = hi;
    gs_sweep_sink sink = {mem_write, m};
    int64_t written;
    const gs_sweep_status s = gs_sweep_compute(&part, &sink, stop, &written, NULL);
    return s == GS_SWEEP_SINK_FAILED && m->out_of_memory ? GS_SWEEP_FAILED : s;
}

gs_sweep_status gs_runner_compute(gs_runner *r, const gs_sweep_task *task,
                                  const gs_sweep_sink *sink, const atomic_int *stop,
                                  int64_t *written, gs_error *err)
{
    if (!mpi_parallel(r))
        return gs_sweep_compute(task, sink, stop, written, err);
    return mpi_root_compute(r, task, sink, stop, written, err);
}

int gs_runner_finish(gs_runner *r, int status, gs_error *err)
{
    if (!r->on) {
        free(r);
        return status;
    }
    if (!r->gated)
        status = mpi_gate(r, status, false, err);
    if (r->rank == 0 && r->running && !r->lost) {
        int64_t msg[4] = {K_QUIT, status, 0, 0};
        for (int q = 1; q < r->size; q++)
            MPI_Send(msg, 4, MPI_INT64_T, q, TAG_CTRL, MPI_COMM_WORLD);
    }
    if (r->lost) {
        /* A rank is gone, so MPI_Finalize would wait for it forever. The
         * file was closed before, with whole rows only. */
        fflush(NULL);
        MPI_Abort(MPI_COMM_WORLD, status ? status : EXIT_FAILURE);
    }
    MPI_Finalize();
    free(r);
    return status;
}
