/* The kernel layer: one table of function pointers per kernel set.
 * Every set rounds exactly like the scalar reference (same operations, same
 * FMAs, same SLEEF functions), so results never depend on the set.
 * This is the ground floor: it includes nothing from the trainer. */
#ifndef GRIDSWEEP_KERNELS_H
#define GRIDSWEEP_KERNELS_H

#include <stddef.h>

#include "gridsweep/activation.h"
#include "gridsweep/isa.h"
#include "gridsweep/step.h"

/* f(z[i]) -> f[i], f'(z[i]) -> df[i] for any n (tails included). */
typedef void (*gs_eval_fn)(const float *z, float *f, float *df, size_t n);

/* Trains the block's lanes from step blk->t up to step t_end (exclusive):
 * sampling, the fused forward/backward pass over the batch, the optimizer
 * and the loss bookkeeping. One call to t_end or several calls in between
 * give the same bits. */
typedef void (*gs_train_fn)(const gs_step_data *step, gs_block *blk, int t_end);

/* The same in double (--precision f64): the f64 sets round alike too. */
typedef void (*gs_eval64_fn)(const double *z, double *f, double *df, size_t n);
typedef void (*gs_train64_fn)(const gs_step_data *step, gs_block64 *blk, int t_end);

typedef struct gs_kernels {
    gs_isa isa;
    int lanes;                 /* starting points per block (<= GS_BLOCK_LANES) */
    gs_eval_fn eval[GS_ACT_COUNT];
    gs_train_fn train[GS_ACT_COUNT][GS_LOSS_COUNT];
    int lanes64;               /* starting points per gs_block64 (<= GS_BLOCK_LANES) */
    gs_eval64_fn eval64[GS_ACT_COUNT];
    gs_train64_fn train64[GS_ACT_COUNT][GS_LOSS_COUNT];
} gs_kernels;

/* The table for a set, or NULL if it is not built into this binary, the CPU
 * cannot run it, or gs_isa_set_mask left it out. */
const gs_kernels *gs_kernels_get(gs_isa isa);
/* The scalar set, outside the mask: for evaluations beside the training loop
 * (the target on the trainer's sample tables) that every set reproduces. */
const gs_kernels *gs_kernels_reference(void);

#endif
