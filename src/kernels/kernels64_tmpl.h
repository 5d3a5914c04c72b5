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

#define T_BLOCK64 256   /* doubles of t = exp(-|z|) computed ahead (see act_uses_t) */

/* Whole vectors straight from the arrays; the tail through a padded buffer,
 * so it runs the very same vector code. As kernels_tmpl.h's eval_impl: t
 * for a block first where the activation is built on it, and elu, celu and
 * selu skip their exp where a whole vector is positive. */
GS_INLINE void eval64_impl(gs_act act, const double *z, double *f, double *df, size_t n)
{
    size_t i = 0;
    if (act_uses_t(act)) {
        _Alignas(GS_ALIGN) double tb[T_BLOCK64];
        for (; i + VW <= n; i += T_BLOCK64) {
            const size_t m = (n - i) / VW * VW < T_BLOCK64 ? (n - i) / VW * VW : T_BLOCK64;
            for (size_t j = 0; j < m; j += VW)
                vf_store(&tb[j], act_t(vf_loadu(&z[i + j])));
            for (size_t j = 0; j < m; j += VW) {
                vf t = vf_load(&tb[j]), d;
                vf_storeu(&f[i + j], act_eval(act, vf_loadu(&z[i + j]), &t, &d));
                vf_storeu(&df[i + j], d);
            }
            if (m < T_BLOCK64) {
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
        _Alignas(GS_ALIGN) double zt[VW] = {0}, ft[VW], dft[VW];
        memcpy(zt, &z[i], (n - i) * sizeof *z);
        vf d;
        vf_store(ft, act_apply(act, vf_load(zt), &d));
        vf_store(dft, d);
        memcpy(&f[i], ft, (n - i) * sizeof *f);
        memcpy(&df[i], dft, (n - i) * sizeof *df);
    }
}

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
