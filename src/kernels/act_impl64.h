/* Activations and their derivatives in double (--precision f64), written
 * once in vf_* operations over simd_<set>_f64.h. The f32 kernels' act_impl.h
 * trades accuracy for speed (exp for expm1, fitted erf); here each function
 * takes exp, expm1, log1p and tanh of about 1 ulp, inlined from vmath64.h
 * (SLEEF's out-of-line 1-ULP calls cost most of the step), gelu's Phi from
 * one of those exps and a rational function (vmath64_erf.h), and the
 * formulas that keep their accuracy in the tails. The operation sequence is
 * the rounding contract of every f64 set.
 * Values follow PyTorch's float64 definitions, kinks autograd's choices
 * (softplus included: torch returns z itself above its threshold 20, which
 * float32 cannot see and float64 can). Clamps keep +-inf at their limits and
 * NaN propagating (vf_max(lo, z) returns z when z is NaN). Accuracy: the f64
 * bounds of gs_act_info (activation.c), checked by tests/test_kernels64.c. */
#ifndef GS_ACT_IMPL64_H
#define GS_ACT_IMPL64_H

#include "gridsweep/activation.h"
#include "vmath64.h"
#include "vmath64_erf.h"

#ifndef GS_INLINE
#define GS_INLINE static inline __attribute__((always_inline))
#endif

/* torch's constants (ATen's SELU_ALPHA, SELU_SCALE; elu's negcoef is their
 * product in double, as elu_kernel forms it). */
#define SELU_LAMBDA64 1.0507009873554804934193349852946
#define SELU_ALPHA64 1.6732632423543772848170429916717
static const double SELU_NEGCOEF64 = SELU_ALPHA64 * SELU_LAMBDA64;
#define GELU_K64 0x1.9884533d43651p-1         /* sqrt(2/pi), torch's kBeta */
#define GELU_C64 0.044715                     /* torch's kKappa */
#define SOFTPLUS_THRESHOLD64 20.0             /* torch's softplus threshold (beta 1) */

GS_INLINE vf vf_clamp(vf z, double lo, double hi)
{
    return vf_min(vf_set1(hi), vf_max(vf_set1(lo), z));
}

/* sigmoid(z) and *sc = 1 - sigmoid(z) = sigmoid(-z), both from t =
 * exp(-|z|), as act_impl.h: 1 - s would lose every digit once s nears 1. */
GS_INLINE vf sigmoid_pair(vf z, vf t, vf *sc)
{
    vf r = vf_div(vf_set1(1.0), vf_add(vf_set1(1.0), t));
    vf tr = vf_mul(t, r);
    vm pos = vf_ge(z, vf_set1(0.0));
    *sc = vf_sel(pos, tr, r);
    return vf_sel(pos, r, tr);
}

/* t = exp(-|z|): -|z| is exact, so t keeps exp's 1 ulp. */
GS_INLINE vf act_t(vf z) { return vexp64_neg(vf_negabs(z)); }

/* The activations built on t, as act_impl.h: eval computes their first
 * stage for a block first, then the rest (eval_impl.h). softplus's first
 * stage takes log1p's division s = t / (2 + t) too, which leaves one
 * division to each stage (measured 5% faster on AVX-512; both divisions in
 * the first stage gained nothing). tanh's first stage is its expm1 and exp
 * (e and t), the rest its division and selections: 10% faster on AVX2, 8%
 * on AVX-512 than in one pass (f64 `sweep --act tanh`, 1 thread, min of 8
 * alternated runs). */
#define ACT_PRE_MAX 3
static inline int act_pre_count(gs_act act)
{
    if (act == GS_ACT_SOFTPLUS || act == GS_ACT_TANH)
        return 2;
    return act == GS_ACT_SILU || act == GS_ACT_MISH || act == GS_ACT_SIGMOID;
}

/* softplus has a middle stage too, between the first and the rest: log1p's
 * polynomial (vlog1p64_twp) from t and s, for the block, in a loop of its
 * own. One vector's ten dependent FMAs then overlap with the next vector's
 * rather than wait behind the exp and divisions of one long iteration
 * (a guess at the cause; the effect is measured): AVX2 1.5% faster
 * (2026-12-03, f64 `sweep --act softplus --res 128 --steps 300 --threads 1`,
 * min of 10 alternated runs, 2.769 s -> 2.732 s, Zen 5). Moving a division
 * into a stage of its own, or into this one, was slower (the divider has
 * nothing to overlap with there). act_mid fills pre[np .. np + nm - 1]. */
static inline int act_mid_count(gs_act act) { return act == GS_ACT_SOFTPLUS; }
GS_INLINE void act_mid(gs_act act, vf *pre)
{
    if (act == GS_ACT_SOFTPLUS)
        pre[2] = vlog1p64_twp(pre[0], pre[1]);
}
GS_INLINE void act_pre(gs_act act, vf z, vf *pre)
{
    if (act == GS_ACT_TANH) {
        pre[0] = vexpm1_exp64(vtanh64_a(z), &pre[1]);
        return;
    }
    pre[0] = act_t(z);
    if (act == GS_ACT_SOFTPLUS)
        pre[1] = vlog1p64_s(pre[0]);
}

/* f(z) and f'(z); pre, when not NULL, holds act_pre(z) already. */
GS_INLINE vf act_eval(gs_act act, vf z, const vf *pre, vf *df)
{
    const vf zero = vf_set1(0.0), one = vf_set1(1.0);
    switch (act) {
    case GS_ACT_IDENTITY:
        *df = one;
        return z;
    case GS_ACT_RELU:   /* vf_max(0, z) keeps NaN; relu(-0) = -0 */
        *df = vf_selz(vf_gt(z, zero), one);
        return vf_max(zero, z);
    case GS_ACT_LEAKY_RELU: {
        vm pos = vf_gt(z, zero);
        *df = vf_sel(pos, one, vf_set1(0.01));
        return vf_sel(pos, z, vf_mul(z, vf_set1(0.01)));
    }
    case GS_ACT_ELU:
    case GS_ACT_CELU: {          /* alpha = 1: celu is elu */
        /* expm1 for the value (exp(z) - 1 would cancel near 0, where f32's
         * absolute error of 6e-8 is 1e8 ulp of double), exp for f'(z) =
         * exp(z): f + 1 would lose f' in the tail. Both from one reduction. */
        vm pos = vf_gt(z, zero);
        vf e, em = vexpm1_exp64(z, &e);
        *df = vf_sel(pos, one, e);
        return vf_sel(pos, z, em);
    }
    case GS_ACT_SELU: {          /* torch: expm1(z) * negcoef, f' = negcoef exp(z) */
        vm pos = vf_gt(z, zero);
        vf nc = vf_set1(SELU_NEGCOEF64), lambda = vf_set1(SELU_LAMBDA64);
        vf e, em = vexpm1_exp64(z, &e);
        *df = vf_sel(pos, lambda, vf_mul(nc, e));
        return vf_sel(pos, vf_mul(lambda, z), vf_mul(em, nc));
    }
    case GS_ACT_SOFTPLUS: {
        /* max(z, 0) + log1p(exp(-|z|)), f' = sigmoid(z); above torch's
         * threshold, z and 1 as torch has them. */
        vf t = pre ? pre[0] : act_t(z);
        vf ls = pre ? pre[1] : vlog1p64_s(t);
        vm above = vf_gt(z, vf_set1(SOFTPLUS_THRESHOLD64));
        vf lp = pre ? vf_fnma(ls, pre[2], t) : vlog1p64_01_s(t, ls);   /* log1p(t) */
        vf unused, s = sigmoid_pair(z, t, &unused);
        *df = vf_sel(above, one, s);
        return vf_sel(above, z, vf_add(vf_max(z, zero), lp));
    }
    case GS_ACT_GELU: {
        /* z Phi(z) and Phi + z phi from one exp (vmath64_erf.h). */
        vf phi, q = vphi64(z, &phi);
        vf zc = vf_clamp(z, -VERF64_ZMAX, VERF64_ZMAX);
        *df = vf_fma(zc, phi, q);
        return vf_mul(vf_max(vf_set1(-VERF64_ZMAX), z), q);
    }
    case GS_ACT_GELU_TANH: {
        /* act_impl.h's form: (1 + tanh u)/2 = sigmoid(2u) and sech^2 u =
         * 4 s (1 - s) from one exp(-2|u|). At |z| = 30, exp(-2|u|) is 0 in
         * double, so the clamp leaves exact limits. */
        vf zc = vf_clamp(z, -30.0, 30.0);
        vf z2 = vf_mul(zc, zc);
        vf u = vf_mul(vf_set1(GELU_K64), vf_fma(vf_mul(vf_set1(GELU_C64), z2), zc, zc));
        vf e = vexp64_neg(vf_mul(vf_set1(-2.0), vf_abs(u)));
        vf hc, h = sigmoid_pair(u, e, &hc);
        vf du = vf_mul(vf_set1(GELU_K64), vf_fma(vf_set1(3.0 * GELU_C64), z2, one));
        vf sech2 = vf_mul(vf_mul(vf_set1(4.0), h), hc);
        *df = vf_fma(vf_mul(vf_mul(vf_set1(0.5), zc), sech2), du, h);
        return vf_mul(vf_max(vf_set1(-30.0), z), h);
    }
    case GS_ACT_SILU: {
        /* exp(-|z|) is 0 beyond |z| = 745: the clamp at 800 is exact. */
        vf sc, s = sigmoid_pair(z, pre ? pre[0] : act_t(z), &sc);
        vf zc = vf_clamp(z, -800.0, 800.0);
        *df = vf_mul(s, vf_fma(zc, sc, one));
        return vf_mul(vf_max(vf_set1(-800.0), z), s);
    }
    case GS_ACT_MISH: {
        /* act_impl.h's form: tanh(softplus z) = n / den from t = exp(-|z|),
         * every term positive, and sech^2 = m (2 - m). */
        vf t = pre ? pre[0] : act_t(z);
        vm pos = vf_ge(z, zero);
        vf n = vf_sel(pos, vf_fma(vf_set1(2.0), t, one), vf_mul(t, vf_add(t, vf_set1(2.0))));
        vf a = vf_sel(pos, t, one), a2 = vf_add(vf_mul(a, a), vf_mul(a, a));
        vf den = vf_add(n, a2);
        /* n / den and a2 / den from one division, each corrected once
         * (e = n - th den is exact in an FMA): a double division costs more
         * than the four FMAs and two products. */
        vf q = vf_div(one, den), th = vf_mul(n, q), m = vf_mul(a2, q);
        th = vf_fma(vf_fnma(th, den, n), q, th);
        m = vf_fma(vf_fnma(m, den, a2), q, m);
        vf unused, s = sigmoid_pair(z, t, &unused);
        vf zc = vf_clamp(z, -800.0, 800.0);
        vf sech2 = vf_mul(m, vf_sub(vf_set1(2.0), m));
        *df = vf_fma(vf_mul(zc, sech2), s, th);
        return vf_mul(vf_max(vf_set1(-800.0), z), th);
    }
    case GS_ACT_TANH:
        /* sech^2 from 1 - tanh = 2 exp(-2|z|) / (1 + exp(-2|z|)) beyond
         * |z| = 0.55: 1 - tanh^2 would keep only tanh's absolute error where
         * sech^2 is small. */
        return pre ? vtanh64_et(z, pre[0], pre[1], df) : vtanh64(z, df);
    case GS_ACT_SIGMOID: {
        vf sc, s = sigmoid_pair(z, pre ? pre[0] : act_t(z), &sc);
        *df = vf_mul(s, sc);
        return s;
    }
    case GS_ACT_SOFTSIGN: {
        vf zc = vf_clamp(z, -1e300, 1e300);
        vf d = vf_add(one, vf_abs(zc));
        *df = vf_div(one, vf_mul(d, d));
        return vf_div(zc, d);
    }
    case GS_ACT_HARDTANH: {
        vf in = vf_sel(vf_le(z, vf_set1(-1.0)), zero, one);
        *df = vf_sel(vf_ge(z, one), zero, in);
        return vf_clamp(z, -1.0, 1.0);
    }
    case GS_ACT_COUNT:
        break;
    }
    *df = zero;
    return zero;
}

GS_INLINE vf act_apply(gs_act act, vf z, vf *df) { return act_eval(act, z, NULL, df); }

/* As act_impl.h: on z > 0, elu, celu and selu are affine and need no exp:
 * when every lane of a vector is there, this gives bit for bit what
 * act_apply would. */
static inline int act_has_positive_branch(gs_act act)
{
    return act == GS_ACT_ELU || act == GS_ACT_CELU || act == GS_ACT_SELU;
}

/* Their affine side, f and f' for every lane (eval_impl.h stores it for a
 * whole block, then takes act_apply for the vectors that need it). */
GS_INLINE void act_positive_affine(gs_act act, vf z, vf *f, vf *df)
{
    const vf scale = vf_set1(act == GS_ACT_SELU ? SELU_LAMBDA64 : 1.0);
    *df = scale;
    *f = act == GS_ACT_SELU ? vf_mul(scale, z) : z;
}

/* As act_impl.h: relu's derivative is a mask, and the activations of a few
 * operations run fused in one pass. */
static inline int act_df_is_mask(gs_act act) { return act == GS_ACT_RELU; }

static inline int act_is_cheap(gs_act act)
{
    return act == GS_ACT_IDENTITY || act == GS_ACT_RELU || act == GS_ACT_LEAKY_RELU ||
           act == GS_ACT_SOFTSIGN || act == GS_ACT_HARDTANH;
}

/* The staged activations whose last stage (act_eval from the stages) is
 * short enough to run inside the training loop's accumulation, where the
 * set has registers for it (train_impl.h, TRAIN_REST_INLINE): a division, a
 * few selections. f64 train kernels on AVX-512, `checkkernels --bench`, ns
 * a sample-step and lane, min of 3 (2026-12-05, Zen 5): softplus 1.03 ->
 * 0.95, sigmoid 0.69 -> 0.62, silu 0.71 -> 0.67; tanh's and mish's longer
 * last stages ran slower there (1.02 -> 1.04, 0.96 -> 1.01), and so did
 * every one of them on AVX2. */
static inline int act_rest_inline(gs_act act)
{
    return act == GS_ACT_SOFTPLUS || act == GS_ACT_SIGMOID || act == GS_ACT_SILU;
}

#endif
