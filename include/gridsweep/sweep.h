/* The grid sweep: a plane of starting points, trained in parallel, written as
 * CSV rows in a fixed order. */
#ifndef GRIDSWEEP_SWEEP_H
#define GRIDSWEEP_SWEEP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "gridsweep/kernels.h"
#include "gridsweep/map.h"
#include "gridsweep/train.h"

typedef struct gs_sweep_config {
    gs_train_config train;      /* train.lr is the fixed lr unless lr is an axis */
    union {                     /* the plane: whole for the plane functions (plane.h), */
        gs_plane plane;         /* its fields (cfg->x, cfg->at) for the sweep's loops */
        struct { GS_PLANE_FIELDS };
    };
} gs_sweep_config;

/* The training settings, then the plane. */
int gs_sweep_validate(const gs_sweep_config *cfg, gs_error *err);
/* gs_plane_rows and gs_plane_start of the sweep's plane. */
void gs_sweep_rows(const gs_sweep_config *cfg, int *lo, int *hi);
void gs_sweep_start(const gs_sweep_config *cfg, int ix, int iy, float start[GS_P_COUNT]);

/* Receives the rows in cell order; returns 0, or -1 to stop the sweep. */
typedef struct gs_sweep_sink {
    int (*write)(void *ctx, const char *text, size_t len, int64_t cells);
    void *ctx;
} gs_sweep_sink;

/* Trains cells [begin, end) (row-major indices iy * nx + ix) on `threads`
 * threads and hands their rows to the sink in order. Stops early, after a
 * whole chunk, when *stop becomes non-zero or the sink fails. Returns the
 * number of cells written: always a prefix of [begin, end). */
int64_t gs_sweep_compute(const gs_sweep_config *cfg, const gs_kernels *k,
                         const gs_train_plan *plan, int64_t begin, int64_t end, int threads,
                         const gs_sweep_sink *sink, const atomic_int *stop);

#endif
