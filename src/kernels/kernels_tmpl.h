/* Instantiates one kernel set: include once, after one simd_*.h. It emits the
 * eval and train functions for every activation and loss (and the sorted
 * method's, sorted_impl.h) and the table gs_kernels_<set> that points at
 * them and at the set's f64 kernels (kernels64_tmpl.h, another translation
 * unit). */
#include <math.h>
#include <string.h>

#include "gridsweep/kernels.h"
#include "act_impl.h"

#define GS_CAT2(a, b) a##_##b
#define GS_CAT(a, b) GS_CAT2(a, b)

#define EVAL_REAL float
#define EVAL_IMPL eval_impl
#include "eval_impl.h"

/* Not inlined: the training loop calls them once per sub-batch. */
#define GS_EVAL_FN(ID, name)                                                              \
    static __attribute__((noinline)) void GS_CAT(eval_##name, GS_KSUFFIX)(const float *z, float *f, float *df,      \
                                                 size_t n)                                \
    {                                                                                     \
        eval_impl(GS_ACT_##ID, z, f, df, n);                                              \
    }
GS_ACTIVATIONS(GS_EVAL_FN)

/* train_impl.h in float (see its head). */
#define REAL float
#define GS_BLOCK_T gs_block
#define GS_EVAL_T gs_eval_fn
#define EVAL_NAME(name) GS_CAT(eval_##name, GS_KSUFFIX)
#define STEP_XS(step) ((step)->xs)
#define STEP_YS(step) ((step)->ys)
#define GS_UNIFORMS 4
#define GS_UNIFORM gs_uniform4
#define GS_DIST_SAMPLE gs_dist_sample
#ifndef GS_TRAIN_REST_INLINE
#define GS_TRAIN_REST_INLINE 0   /* the set's own choice (simd_<set>.h) */
#endif
#define TRAIN_REST_INLINE(act) (GS_TRAIN_REST_INLINE && act_rest_inline(act))
#define TRAIN_STAGE_ROWS (GS_TRAIN_REST_INLINE ? ACT_PRE_MAX : 1)
#define TRAIN_EVAL_MID eval_impl_mid
#include "train_impl.h"
#include "sorted_impl.h"

#define GS_TRAIN_FN_LOSS(ID, name, LOSS, lname)                                           \
    static void GS_CAT(train_##name##_##lname, GS_KSUFFIX)(const gs_step_data *step,      \
                                                            gs_block *blk, int t_end)    \
    {                                                                                     \
        train_block_impl(step, blk, t_end, GS_ACT_##ID, GS_CAT(eval_##name, GS_KSUFFIX),    \
                         LOSS);                                                           \
    }
#define GS_TRAIN_FN(ID, name)                                                             \
    GS_TRAIN_FN_LOSS(ID, name, GS_LOSS_MAE, mae)                                          \
    GS_TRAIN_FN_LOSS(ID, name, GS_LOSS_MSE, mse)                                          \
    GS_TRAIN_FN_LOSS(ID, name, GS_LOSS_HUBER, huber)
GS_ACTIVATIONS(GS_TRAIN_FN)

#define GS_EVAL_REF(ID, name) [GS_ACT_##ID] = GS_CAT(eval_##name, GS_KSUFFIX),
#define GS_TRAIN_REF(ID, name)                                                            \
    [GS_ACT_##ID] = {GS_CAT(train_##name##_mae, GS_KSUFFIX),                              \
                     GS_CAT(train_##name##_mse, GS_KSUFFIX),                              \
                     GS_CAT(train_##name##_huber, GS_KSUFFIX)},

/* The f64 kernels of this set, from kernels_<set>_f64.c (kernels64_tmpl.h
 * compiles the same templates over simd_<set>_f64.h); the set's file
 * defines LANES64, their lanes per block. */
#include "kernels64_decl.h"
#define GS_EVAL64_REF(ID, name) [GS_ACT_##ID] = GS_EVAL64_NAME(name),
#define GS_TRAIN64_REF(ID, name)                                                          \
    [GS_ACT_##ID] = {GS_TRAIN64_NAME(name, mae), GS_TRAIN64_NAME(name, mse),              \
                     GS_TRAIN64_NAME(name, huber)},

const gs_kernels GS_CAT(gs_kernels, GS_KSUFFIX) = {
    .isa = GS_KISA,
    .lanes = LANES,
    .eval = {GS_ACTIVATIONS(GS_EVAL_REF)},
    .train = {GS_ACTIVATIONS(GS_TRAIN_REF)},
    .lanes64 = LANES64,
    .eval64 = {GS_ACTIVATIONS(GS_EVAL64_REF)},
    .train64 = {GS_ACTIVATIONS(GS_TRAIN64_REF)},
    GS_SORTED_TABLE
};
