/* Inside the MPI runner (runner_mpi.c: start, gate, end; runner_mpi_worker.c:
 * ranks > 0; runner_mpi_root.c: rank 0's scheduler). Not a public header.
 *
 * Messages: rank 0 -> worker on TAG_CTRL (int64 kind, a, b, c), MAP followed
 * by the gs_sweep_config bytes on TAG_CFG; TAG_STOP asks a worker to cut its
 * chunk short. Worker -> rank 0 on TAG_ROWS: int64 chunk, cells, status, 0,
 * then the rows' text (whole rows, a prefix of the chunk). */
#ifndef GS_SWEEP_RUNNER_MPI_H
#define GS_SWEEP_RUNNER_MPI_H

#include <mpi.h>
#include <stdbool.h>

#include "gridsweep/runner.h"

enum { TAG_CTRL = 1, TAG_CFG, TAG_STOP, TAG_ROWS };
enum { K_MAP = 1, K_WORK, K_QUIT, K_STOP };
/* A worker's status word in its result. */
enum { CHUNK_OK = 0, CHUNK_NO_PLAN = 1, CHUNK_NO_MEMORY = 2 };

#define PER_RANK 2            /* chunks outstanding per worker: one computing, one queued */
#define HDR 4                 /* int64 words before the rows of a result */

/* The whole state of the MPI runner: one per process, from open to finish. */
struct gs_runner {
    bool on;                  /* MPI initialised */
    int rank, size;
    bool serialized;          /* MPI may be called from inside OpenMP regions (one at a time) */
    bool gated, running;      /* the gate was passed; with the answer "go" */
    bool lost;                /* a rank is gone or MPI failed: end with MPI_Abort */
    /* Receives a result when no memory is left for its rows. It belongs to
     * the runner, not a stack frame, because a receive from a rank that died
     * mid-message may write into it after it was given up. */
    int64_t scratch[HDR];
};

bool mpi_parallel(const gs_runner *r);
double mpi_now(void);
/* Sleeps *us microseconds, doubling it up to 2 ms: idle waits sleep instead
 * of spinning in a blocking MPI call (OpenMPI busy polls, which would steal a
 * core from the training on a shared node). */
void mpi_nap(int *us);
/* MPI_Wait without the busy loop. */
int mpi_polite_wait(MPI_Request *rq);
/* The text of an MPI error code. */
void mpi_error_text(int code, char text[MPI_MAX_ERROR_STRING]);
/* The gate of gs_runner_gate; `ready`: the caller will sweep. */
int mpi_gate(gs_runner *r, int status, bool ready, gs_error *err);

/* The rows of one chunk, after a HDR-word header, as they are sent. */
typedef struct membuf {
    char *data;
    size_t len, cap;
    int64_t cells;
    bool out_of_memory;
    int (*service)(void *);   /* called after each piece; non-zero: cut the chunk short */
    void *service_ctx;
} membuf;

/* Room for `more` bytes after m->len; -1: out of memory. */
int mem_reserve(membuf *m, size_t more);
/* Trains cells [lo, hi) of the task into m, after its header. Returns how
 * the chunk ended (GS_SWEEP_FAILED: out of memory); m->cells: the cells in
 * it, a prefix of the chunk. */
gs_sweep_status mpi_compute_into(membuf *m, const gs_sweep_task *task, int64_t lo, int64_t hi,
                                 const atomic_int *stop);

/* Rank 0's scheduler (gs_runner_compute with more than one rank). */
gs_sweep_status mpi_root_compute(gs_runner *r, const gs_sweep_task *task,
                                 const gs_sweep_sink *sink, const atomic_int *stop,
                                 int64_t *written, gs_error *err);

#endif
