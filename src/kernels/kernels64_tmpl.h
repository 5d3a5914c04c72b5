/* Instantiates one kernel set's f64 kernels: include once, after one
 * simd_<set>_f64.h, from kernels_<set>_f64.c. It emits the eval64 and
 * train64 functions for every activation and loss (kernels64_decl.h names
 * them; the set's table, kernels_tmpl.h, points at them). The training loop
 * is train_impl.h itself, over double. */
#include <math.h>
#include <string.h>

#include "gridsweep/kernels.h"
#include "act_impl64.h"

#define GS_CAT2(a, b) a##_##b
#define GS_CAT(a, b) GS_CAT2(a, b)

#include "kernels64_decl.h"

_Static_assert(VW * NV == LANES64, "LANES64 of kernels_<set>.c is this set's f64 lanes");
_Static_assert(VW * NV <= GS_BLOCK_LANES, "a gs_block64 holds every lane");

#define EVAL_REAL double
#define EVAL_IMPL eval64_impl
#include "eval_impl.h"

/* Not inlined: the training loop calls them once per sub-batch. */
#define GS_EVAL64_FN(ID, name)                                                            \
    __attribute__((noinline)) void GS_EVAL64_NAME(name)(const double *z, double *f,       \
                                                        double *df, size_t n)             \
    {                                                                                     \
        eval64_impl(GS_ACT_##ID, z, f, df, n);                                            \
    }
GS_ACTIVATIONS(GS_EVAL64_FN)

/* train_impl.h in double (see its head). */
#define REAL double
#define GS_BLOCK_T gs_block64
#define GS_EVAL_T gs_eval64_fn
#define EVAL_NAME(name) GS_EVAL64_NAME(name)
#define STEP_XS(step) ((step)->xs64)
#define STEP_YS(step) ((step)->ys64)
#define GS_UNIFORMS 2
#define GS_UNIFORM gs_uniform2d
#define GS_DIST_SAMPLE gs_dist_sample64
#ifndef GS_TRAIN_REST_INLINE
#define GS_TRAIN_REST_INLINE 0   /* the set's own choice (simd_<set>_f64.h) */
#endif
#define TRAIN_REST_INLINE(act) (GS_TRAIN_REST_INLINE && act_rest_inline(act))
#define TRAIN_STAGE_ROWS (GS_TRAIN_REST_INLINE ? ACT_PRE_MAX : 1)
#define TRAIN_EVAL_MID eval64_impl_mid
#include "train_impl.h"

#define GS_TRAIN64_FN_LOSS(ID, name, LOSS, lname)                                         \
    void GS_TRAIN64_NAME(name, lname)(const gs_step_data *step, gs_block64 *blk, int t_end) \
    {                                                                                     \
        train_block_impl(step, blk, t_end, GS_ACT_##ID, GS_EVAL64_NAME(name), LOSS);       \
    }
#define GS_TRAIN64_FN(ID, name)                                                           \
    GS_TRAIN64_FN_LOSS(ID, name, GS_LOSS_MAE, mae)                                        \
    GS_TRAIN64_FN_LOSS(ID, name, GS_LOSS_MSE, mse)                                        \
    GS_TRAIN64_FN_LOSS(ID, name, GS_LOSS_HUBER, huber)
GS_ACTIVATIONS(GS_TRAIN64_FN)
