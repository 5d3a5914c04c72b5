/* The local runner: one process, its OpenMP threads (gs_sweep_compute).
 * Built when MPI is not (src/meson.build); everything but compute is the
 * trivial answer of a job of one rank. */
#include <stdlib.h>

#include "gridsweep/runner.h"

struct gs_runner {
    int unused;   /* no state: one process needs no coordination */
};

gs_runner *gs_runner_open(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return calloc(1, sizeof(gs_runner));
}

int gs_runner_rank(const gs_runner *r) { return (void)r, 0; }
int gs_runner_ranks(const gs_runner *r) { return (void)r, 1; }

int gs_runner_gate(gs_runner *r, int status, gs_error *err)
{
    (void)r, (void)err;
    return status;
}

int gs_runner_serve(gs_runner *r, const gs_kernels *k, int threads, const atomic_int *stop,
                    gs_error *err)
{
    (void)r, (void)k, (void)threads, (void)stop, (void)err;
    return 0;   /* never called: the only rank is 0 */
}

gs_sweep_status gs_runner_compute(gs_runner *r, const gs_sweep_task *task,
                                  const gs_sweep_sink *sink, const atomic_int *stop,
                                  int64_t *written, gs_error *err)
{
    (void)r;
    return gs_sweep_compute(task, sink, stop, written, err);
}

int gs_runner_finish(gs_runner *r, int status, gs_error *err)
{
    (void)err;
    free(r);
    return status;
}
