/* Instantiates one kernel set: include once, after one simd_*.h. It emits the
 * eval and train functions for every activation and loss and the table
 * gs_kernels_<set> that points at them and at the set's f64 kernels
 * (kernels64_tmpl.h, another translation unit). */
#include <math.h>
#include <string.h>

#include "gridsweep/kernels.h"
#include "act_impl.h"

#define GS_CAT2(a, b) a##_##b
#define GS_CAT(a, b) GS_CAT2(a, b)

#define T_BLOCK 512   /* floats of t = exp(-|z|) computed ahead (see act_uses_t) */

/* Whole vectors straight from the arrays; the tail through a padded buffer,
 * so it runs the very same vector code. */
GS_INLINE void eval_impl(gs_act act, const float *z, float *f, float *df, size_t n)
{
    size_t i = 0;
    if (act_uses_t(act)) {
        _Alignas(GS_ALIGN) float tb[T_BLOCK];
        for (; i + VW <= n; i += T_BLOCK) {
            const size_t m = (n - i) / VW * VW < T_BLOCK ? (n - i) / VW * VW : T_BLOCK;
            for (size_t j = 0; j < m; j += VW)
                vf_store(&tb[j], act_t(vf_loadu(&z[i + j])));
            for (size_t j = 0; j < m; j += VW) {
                vf t = vf_load(&tb[j]), d;
                vf_storeu(&f[i + j], act_eval(act, vf_loadu(&z[i + j]), &t, &d));
                vf_storeu(&df[i + j], d);
            }
            if (m < T_BLOCK) {
                i += m;
                break;
            }
        }
    }
    for (; i + VW <= n; i += VW) {
        vf zi = vf_loadu(&z[i]), fi, d;
        if (!act_positive_branch(act, zi, &fi, &d))
            fi = act_apply(act, zi, &d);
        vf_storeu(&f[i], fi);
        vf_storeu(&df[i], d);
    }
    if (i < n) {
        _Alignas(GS_ALIGN) float zt[VW] = {0}, ft[VW], dft[VW];
        memcpy(zt, &z[i], (n - i) * sizeof *z);
        vf d;
        vf_store(ft, act_apply(act, vf_load(zt), &d));
        vf_store(dft, d);
        memcpy(&f[i], ft, (n - i) * sizeof *f);
        memcpy(&df[i], dft, (n - i) * sizeof *df);
    }
}

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
#include "train_impl.h"

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
};
