/* The sweep over MPI (built with -Dmpi=enabled): rank 0 hands out chunks of
 * cells, every rank trains them with gs_sweep_compute, and rank 0 alone
 * writes the rows in cell order, so the file is the single-process one.
 * Run directly (no launcher in the environment), MPI is never initialised
 * and gridsweep behaves exactly as the plain build. */
#ifndef GS_CLI_MPI_DRIVER_H
#define GS_CLI_MPI_DRIVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "gridsweep/sweep.h"

/* Initialises MPI when launched by mpirun/srun; on ranks > 0 stdout and
 * stderr go to /dev/null, so only rank 0 speaks. */
void mpi_init(int *argc, char ***argv);
/* The rank (0 without MPI) and whether other ranks share the work. */
int mpi_rank(void);
bool mpi_parallel(void);

/* The collective check before anything is computed: every rank calls it once
 * with its status; returns the status all ranks must act on (rank 0's, or a
 * failure if another rank could not set up). `ready`: the caller will run. */
int mpi_gate(int rc, bool ready);

/* Ranks > 0: serve chunks until rank 0 is done; returns the exit status. */
int mpi_worker(const gs_kernels *k, int threads);

/* Rank 0: gs_sweep_compute with the cells shared among all ranks. */
int64_t mpi_sweep_compute(const gs_sweep_config *cfg, const gs_kernels *k,
                          const gs_train_plan *plan, int64_t begin, int64_t end, int threads,
                          const gs_sweep_sink *sink, const atomic_int *stop);

/* Ends MPI (every rank, from main): the gate if the command never reached
 * it, the workers' release, then MPI_Finalize, or MPI_Abort after a failed
 * rank. Returns the exit status. */
int mpi_finish(int rc);

#endif
