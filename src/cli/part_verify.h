/* --resume: the kept rows of a .part must be exactly what gridsweep writes
 * for their cells, or the finished file would not be the uninterrupted run's.
 * The bytes its sidecar covers (part_digest.h) are checked against its hash;
 * the rows after them, or all of them when there is no valid sidecar, are
 * trained again and compared byte for byte. */
#ifndef GS_CLI_PART_VERIFY_H
#define GS_CLI_PART_VERIFY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "gridsweep/sweep.h"
#include "part_digest.h"

typedef struct part_check {
    gs_sweep_task task;       /* cfg, kernels, plan, threads (begin, end: set here) */
    const atomic_int *stop;   /* a stop while rows are trained again */
    bool quiet;               /* no status line when that takes long */
    part_digest digest;       /* out: covering every kept byte, recorded */
} part_check;

/* The .part (fd, named part) holds header_len bytes of header, then `rows`
 * whole rows ending at byte `keep`. Returns 0 with pc->digest restored over
 * [0, keep), or an exit status after one line (an edited row: 2, naming the
 * file and the cell; nothing is written then). */
int part_verify(part_check *pc, int fd, const char *part, int64_t header_len, int64_t rows,
                int64_t keep);

/* A .part started over with only its first bytes (start_len bytes of
 * start, its header; synced): a new sidecar covering them. 0, or an exit
 * status after one line. */
int part_verify_restart(part_check *pc, int fd, const char *part, const void *start,
                        int64_t start_len);

#endif
