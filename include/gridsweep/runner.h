/* Sweep runners: where the cells of a sweep are trained. Exactly one runner
 * is built into a binary (src/meson.build picks the file):
 *   - the local runner (runner_local.c): this process's OpenMP threads;
 *   - the MPI runner (runner_mpi*.c, -Dmpi=enabled): launched by mpirun or
 *     srun, the ranks share the cells and rank 0 writes every row, so the
 *     file is byte for byte the local one. Run directly, it is the local
 *     runner.
 * A front end calls these functions in this order, on every process:
 *   open -> (rank > 0: serve) | (rank 0: gate, compute per map) -> finish
 * and never needs to know which runner it has. */
#ifndef GRIDSWEEP_RUNNER_H
#define GRIDSWEEP_RUNNER_H

#include <stdatomic.h>
#include <stdint.h>

#include "gridsweep/error.h"
#include "gridsweep/sweep.h"

typedef struct gs_runner gs_runner;

/* Starts the runner for this process, before anything else reads argv (MPI
 * may take its own arguments out of it). NULL: out of memory. */
gs_runner *gs_runner_open(int *argc, char ***argv);

/* This process's rank (0 for the local runner) and how many processes share
 * a sweep (1 for the local runner). Only rank 0 should speak or write. */
int gs_runner_rank(const gs_runner *r);
int gs_runner_ranks(const gs_runner *r);

/* Rank 0, once, before the first cell: `status` is its own (0: ready to
 * sweep; else the exit status it ends with). Returns the status every rank
 * acts on: 0 to go on; else `status`, or that of a rank that could not set
 * up, or 1 when MPI fails; when the result is not `status`, err says why. */
int gs_runner_gate(gs_runner *r, int status, gs_error *err);

/* Ranks > 0, instead of everything rank 0 does: take part in the gate, then
 * train the chunks rank 0 hands out until it is done. Returns rank 0's exit
 * status, or -1 (err says why) when MPI fails. */
int gs_runner_serve(gs_runner *r, const gs_kernels *k, int threads, const atomic_int *stop,
                    gs_error *err);

/* Rank 0: gs_sweep_compute (gridsweep/sweep.h) with the cells shared among
 * the ranks; the same contract, the same rows. */
gs_sweep_status gs_runner_compute(gs_runner *r, const gs_sweep_task *task,
                                  const gs_sweep_sink *sink, const atomic_int *stop,
                                  int64_t *written, gs_error *err);

/* Every rank, last: the gate if the command never reached it, the workers'
 * release, the end of MPI (an abort when a rank was lost: the others would
 * wait for it forever). Frees r; returns the exit status every rank ends
 * with; when it is not `status`, err says why. */
int gs_runner_finish(gs_runner *r, int status, gs_error *err);

#endif
