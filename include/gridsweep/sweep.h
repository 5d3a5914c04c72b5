/* The grid sweep: a plane of starting points, trained in parallel, written as
 * CSV rows in a fixed order. */
#ifndef GRIDSWEEP_SWEEP_H
#define GRIDSWEEP_SWEEP_H

#include <stdatomic.h>
#include <stdbool.h>
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

/* The sweep with no options: the b-d plane, b:-2:2 by d:-2:2 at 256 x 256,
 * a=1 and c=1 fixed, the default training settings, the whole map. */
gs_sweep_config gs_sweep_defaults(void);
/* The learning-rate rule: the fixed lr comes from --at lr= (lr_at: it is in
 * at[GS_P_LR]) or else from train.lr (the default, or --lr: lr_option);
 * both at once is an error, and so is --lr when lr is an axis. Afterwards
 * at[GS_P_LR] and train.lr both hold the fixed value. The per-layer rates
 * follow the same rule (--lr-in given: train.lr_in is not NaN; --at lr_in=:
 * at[GS_P_LR_IN] is not NaN); afterwards both hold the rate, NaN when unset. */
int gs_sweep_set_lr(gs_sweep_config *cfg, bool lr_at, bool lr_option, gs_error *err);

/* The training settings, then the plane. */
int gs_sweep_validate(const gs_sweep_config *cfg, gs_error *err);
/* gs_plane_rows of the sweep's plane, and the start of a cell in the run's
 * precision: gs_plane_start's floats widened (f32) or gs_plane_start64 (f64). */
void gs_sweep_rows(const gs_sweep_config *cfg, int *lo, int *hi);
void gs_sweep_start(const gs_sweep_config *cfg, int ix, int iy, double start[GS_P_COUNT]);

/* Receives the rows in cell order; returns 0, or -1 to stop the sweep. */
typedef struct gs_sweep_sink {
    int (*write)(void *ctx, const char *text, size_t len, int64_t cells);
    void *ctx;
} gs_sweep_sink;

/* The plans of a sweep: one per seed of the ensemble (cfg->train.seeds of
 * them, seeds train.seed, train.seed + 1, ...). 0, or -1 when out of memory
 * (err says so; *plans is then NULL). */
int gs_sweep_plans_init(const gs_sweep_config *cfg, gs_train_plan **plans, gs_error *err);
void gs_sweep_plans_free(gs_train_plan *plans, int seeds);

/* The work of one sweep: cells [begin, end) of cfg's plane, row-major
 * indices iy * nx + ix, trained on `threads` OpenMP threads. With seeds > 1
 * every cell is trained once per seed, seed by seed inside its chunk, and
 * its row is the ensemble's (gridsweep/ensemble.h), still in cell order. */
typedef struct gs_sweep_task {
    const gs_sweep_config *cfg;
    const gs_kernels *kernels;
    const gs_train_plan *plan;  /* cfg->train.seeds plans (gs_sweep_plans_init) */
    int64_t begin, end;
    int threads;
} gs_sweep_task;

/* How a sweep ended. Whatever the end, the cells written are a prefix of
 * [begin, end), whole rows only. */
typedef enum gs_sweep_status {
    GS_SWEEP_DONE,          /* every cell was written */
    GS_SWEEP_STOPPED,       /* *stop became non-zero */
    GS_SWEEP_SINK_FAILED,   /* the sink returned -1 (its context knows why) */
    GS_SWEEP_FAILED,        /* err says why: out of memory, or (MPI) a rank lost */
} gs_sweep_status;

/* The local driver: trains the task's cells on this process's threads and
 * hands their rows to the sink in order. A stop is seen within a segment of
 * training (tens of milliseconds): unfinished chunks are dropped. *written:
 * the cells handed to the sink. The runners (gridsweep/runner.h) call it. */
gs_sweep_status gs_sweep_compute(const gs_sweep_task *task, const gs_sweep_sink *sink,
                                 const atomic_int *stop, int64_t *written, gs_error *err);

#endif
