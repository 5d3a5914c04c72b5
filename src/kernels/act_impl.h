/* Activations and their derivatives, written once in vf_* operations and
 * compiled for every kernel set (include after a simd_*.h). The operation
 * sequence is the rounding contract: change it here and every set follows.
 * Kinks follow PyTorch autograd; clamps keep +-inf at their limits and NaN
 * propagating (vf_max(lo, z) returns z when z is NaN). */
#ifndef GS_ACT_IMPL_H
#define GS_ACT_IMPL_H

#include "gridsweep/activation.h"
#include "vmath.h"

#define GS_INLINE static inline __attribute__((always_inline))

#define SELU_LAMBDA 1.0507009873554805f
#define SELU_LAMBDA_ALPHA 1.7580993408473766f   /* lambda * alpha */
#define INV_SQRT2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f
#define GELU_K 0.79788456080286536f             /* sqrt(2/pi) */
#define HALF_INV_SQRT_PI 0.28209479177387814f   /* 1 / (2 sqrt(pi)) */

/* gelu's erf: least-squares fits made and checked by scripts/py/fit_erf.py. */
static const float GELU_P[7] = {9.654687643e-01f, -1.405360997e-01f, 1.985249482e-02f,
                                -2.285419963e-03f, 2.175202535e-04f, -1.766878449e-05f,
                                1.226121640e-06f};
static const float GELU_S[13] = {8.903982639e-01f, -1.356207430e-01f, -7.309061941e-03f,
                                 1.588637009e-02f, -7.051018067e-03f, 1.630039653e-03f,
                                 1.725642505e-04f, -3.994497529e-04f, 2.558197011e-04f,
                                 -1.293051464e-04f, 2.377475175e-05f, 3.256533455e-05f,
                                 -1.766675450e-05f};
#define GELU_C 0.044715f
#define GELU_3C 0.134145f                       /* 3 * 0.044715 */

GS_INLINE vf vf_clamp(vf z, float lo, float hi)
{
    return vf_min(vf_set1(hi), vf_max(vf_set1(lo), z));
}

/* c[0] + c[1] s + ... + c[n-1] s^(n-1), one rounding per step. */
GS_INLINE vf horner(const float *c, int n, vf s)
{
    vf acc = vf_set1(c[n - 1]);
    for (int k = n - 2; k >= 0; k--)
        acc = vf_fma(acc, s, vf_set1(c[k]));
    return acc;
}

/* sigmoid(z) and *sc = 1 - sigmoid(z) = sigmoid(-z), both from t = exp(-|z|):
 * forming 1 - s after s rounds loses all digits once s is near 1, and the
 * derivatives multiply that loss by z. */
GS_INLINE vf sigmoid_pair(vf z, vf t, vf *sc)
{
    vf r = vf_div(vf_set1(1.0f), vf_add(vf_set1(1.0f), t));
    vf tr = vf_mul(t, r);
    vm pos = vf_ge(z, vf_set1(0.0f));
    *sc = vf_sel(pos, tr, r);
    return vf_sel(pos, r, tr);
}

/* sigmoid alone, from t = exp(-|z|), stable for every z. */
GS_INLINE vf sigmoid_from(vf z, vf t)
{
    vf unused;
    return sigmoid_pair(z, t, &unused);
}

/* t = exp(-|z|), the first step of softplus, silu, mish and sigmoid. */
GS_INLINE vf act_t(vf z) { return vexp_neg(vf_sub(vf_set1(0.0f), vf_abs(z))); }

/* The activations built on t: eval computes their first stage (act_pre: t)
 * for a whole block first, then the rest, two short loops whose iterations
 * overlap (measured 20-30% faster on AVX2 than one loop doing both). elu and
 * selu keep one loop: it skips the exp where a whole vector is positive.
 * act_impl64.h's first stage holds more for some activations. */
#define ACT_PRE_MAX 1
static inline int act_pre_count(gs_act act)
{
    return act == GS_ACT_SOFTPLUS || act == GS_ACT_SILU || act == GS_ACT_MISH ||
           act == GS_ACT_SIGMOID;
}
GS_INLINE void act_pre(gs_act act, vf z, vf *pre)
{
    (void)act;
    pre[0] = act_t(z);
}

/* No middle stage in float (act_impl64.h's softplus has one). */
static inline int act_mid_count(gs_act act)
{
    (void)act;
    return 0;
}
GS_INLINE void act_mid(gs_act act, vf *pre)
{
    (void)act, (void)pre;
}

/* f(z) and f'(z); pre, when not NULL, holds act_pre(z) already. */
GS_INLINE vf act_eval(gs_act act, vf z, const vf *pre, vf *df)
{
    const vf zero = vf_set1(0.0f), one = vf_set1(1.0f);
    switch (act) {
    case GS_ACT_IDENTITY:
        *df = one;
        return z;
    case GS_ACT_RELU:   /* vf_max(0, z) keeps NaN; relu(-0) = -0 */
        *df = vf_selz(vf_gt(z, zero), one);
        return vf_max(zero, z);
    case GS_ACT_LEAKY_RELU: {
        vm pos = vf_gt(z, zero);
        *df = vf_sel(pos, one, vf_set1(0.01f));
        return vf_sel(pos, z, vf_mul(z, vf_set1(0.01f)));
    }
    case GS_ACT_ELU:
    case GS_ACT_CELU: {          /* alpha = 1: celu is elu */
        /* exp, not expm1: a quarter of the cost. e - 1 is exact for z in
         * [-ln 2, 0] (Sterbenz), so f keeps exp's absolute error, about 6e-8,
         * where expm1 would be relatively exact; f' = e is as exact as exp. */
        vm pos = vf_gt(z, zero);
        vf e = vexp_neg(z);
        *df = vf_sel(pos, one, e);
        return vf_sel(pos, z, vf_sub(e, one));
    }
    case GS_ACT_SELU: {
        vm pos = vf_gt(z, zero);
        vf e = vexp_neg(z), la = vf_set1(SELU_LAMBDA_ALPHA);
        *df = vf_sel(pos, vf_set1(SELU_LAMBDA), vf_mul(la, e));
        return vf_sel(pos, vf_mul(vf_set1(SELU_LAMBDA), z), vf_fma(la, e, vf_sub(zero, la)));
    }
    case GS_ACT_SOFTPLUS: {      /* max(z,0) + log1p(exp(-|z|)); f' = sigmoid */
        vf t = pre ? pre[0] : act_t(z);
        *df = sigmoid_from(z, t);
        return vf_add(vf_max(z, zero), vlog1p01(t));
    }
    case GS_ACT_GELU: {
        /* Phi(z) = (1 + erf(x)) / 2 with x = z / sqrt 2, from one exp(-x^2),
         * which gelu' needs anyway: SLEEF's erff costs nine of its exps.
         * |x| < 1: erf = x P(2x^2 - 1); |x| >= 1: erfc(|x|) = e^(-x^2) v
         * S(v) / sqrt(pi), v = 1/|x|, so the negative tail keeps its relative
         * accuracy instead of cancelling in 1 + erf. */
        vf x = vf_mul(z, vf_set1(INV_SQRT2)), ax = vf_abs(x);
        /* u = z^2/2 and its rounding error e, so t = exp(-u - e) keeps
         * exp's accuracy in the tails, where u is large. */
        vf zc = vf_clamp(z, -20.0f, 20.0f);   /* exp(-200) is 0 already */
        vf zz = vf_mul(zc, zc), u = vf_mul(vf_set1(0.5f), zz);
        vf e = vf_mul(vf_set1(0.5f), vf_fma(zc, zc, vf_sub(zero, zz)));
        vf t = vexp_neg(vf_sub(zero, u));
        t = vf_fma(vf_sub(zero, t), e, t);
        vf erf_small = vf_mul(x, horner(GELU_P, 7, vf_fma(vf_set1(2.0f), u, vf_set1(-1.0f))));
        vf v = vf_div(one, vf_max(one, ax));
        vf sv = vf_fma(vf_max(vf_set1(0.1f), v), vf_set1(1.0f / 0.45f), vf_set1(-0.55f / 0.45f));
        vf half_erfc = vf_mul(vf_mul(t, horner(GELU_S, 13, sv)), vf_mul(v, vf_set1(HALF_INV_SQRT_PI)));
        vf q = vf_sel(vf_lt(ax, one), vf_fma(vf_set1(0.5f), erf_small, vf_set1(0.5f)),
                      vf_sel(vf_gt(x, zero), vf_sub(one, half_erfc), half_erfc));
        *df = vf_fma(zc, vf_mul(vf_set1(INV_SQRT_2PI), t), q);
        return vf_mul(vf_max(vf_set1(-20.0f), z), q);
    }
    case GS_ACT_GELU_TANH: {
        /* (1 + tanh u)/2 = sigmoid(2u) and sech^2 u = 4 s (1 - s) from one
         * exp(-2|u|): 1 + tanh u and 1 - tanh^2 u would cancel in the tails.
         * At |z| = 12, exp(-2|u|) is 0, so the clamp leaves exact limits. */
        vf zc = vf_clamp(z, -12.0f, 12.0f);
        vf z2 = vf_mul(zc, zc);
        vf u = vf_mul(vf_set1(GELU_K), vf_fma(vf_mul(vf_set1(GELU_C), z2), zc, zc));
        vf e = vexp_neg(vf_mul(vf_set1(-2.0f), vf_abs(u)));
        vf hc, h = sigmoid_pair(u, e, &hc);
        vf du = vf_mul(vf_set1(GELU_K), vf_fma(vf_set1(GELU_3C), z2, one));
        vf sech2 = vf_mul(vf_mul(vf_set1(4.0f), h), hc);
        *df = vf_fma(vf_mul(vf_mul(vf_set1(0.5f), zc), sech2), du, h);
        return vf_mul(vf_max(vf_set1(-12.0f), z), h);
    }
    case GS_ACT_SILU: {
        vf sc, s = sigmoid_pair(z, pre ? pre[0] : act_t(z), &sc);
        vf zc = vf_clamp(z, -100.0f, 100.0f);
        *df = vf_mul(s, vf_fma(zc, sc, one));
        return vf_mul(vf_max(vf_set1(-100.0f), z), s);
    }
    case GS_ACT_MISH: {
        /* tanh(softplus z) = n / den with t = exp(-|z|), from e^sp = 1 + e^z:
         * z >= 0: n = 1 + 2t, den = 1 + 2t + 2t^2; z < 0: n = t (t + 2),
         * den = n + 2. One exp and no log1p or tanh; every term is positive,
         * so nothing cancels. 1 - tanh = 2a^2 / den (a = t or 1) gives
         * sech^2 = m (2 - m) without cancelling either. */
        vf t = pre ? pre[0] : act_t(z);
        vm pos = vf_ge(z, zero);
        vf n = vf_sel(pos, vf_fma(vf_set1(2.0f), t, one), vf_mul(t, vf_add(t, vf_set1(2.0f))));
        vf a = vf_sel(pos, t, one), a2 = vf_add(vf_mul(a, a), vf_mul(a, a));
        vf den = vf_add(n, a2);
        vf th = vf_div(n, den), m = vf_div(a2, den);
        vf s = sigmoid_from(z, t);
        vf zc = vf_clamp(z, -200.0f, 200.0f);
        vf sech2 = vf_mul(m, vf_sub(vf_set1(2.0f), m));
        *df = vf_fma(vf_mul(zc, sech2), s, th);
        return vf_mul(vf_max(vf_set1(-200.0f), z), th);
    }
    case GS_ACT_TANH: {
        vf t = vtanh(z);
        *df = vf_fma(vf_sub(zero, t), t, one);
        return t;
    }
    case GS_ACT_SIGMOID: {
        vf sc, s = sigmoid_pair(z, pre ? pre[0] : act_t(z), &sc);
        *df = vf_mul(s, sc);
        return s;
    }
    case GS_ACT_SOFTSIGN: {
        vf zc = vf_clamp(z, -1e30f, 1e30f);
        vf d = vf_add(one, vf_abs(zc));
        *df = vf_div(one, vf_mul(d, d));
        return vf_div(zc, d);
    }
    case GS_ACT_HARDTANH: {
        vf in = vf_sel(vf_le(z, vf_set1(-1.0f)), zero, one);
        *df = vf_sel(vf_ge(z, one), zero, in);
        return vf_clamp(z, -1.0f, 1.0f);
    }
    case GS_ACT_COUNT:
        break;
    }
    *df = zero;
    return zero;
}

GS_INLINE vf act_apply(gs_act act, vf z, vf *df) { return act_eval(act, z, NULL, df); }

/* On z > 0, elu, celu and selu are affine and need no exp: when every lane of
 * a vector is there, this gives bit for bit what act_apply would. */
static inline int act_has_positive_branch(gs_act act)
{
    return act == GS_ACT_ELU || act == GS_ACT_CELU || act == GS_ACT_SELU;
}

/* Their affine side, f and f' for every lane (eval_impl.h stores it for a
 * whole block, then takes act_apply for the vectors that need it). */
GS_INLINE void act_positive_affine(gs_act act, vf z, vf *f, vf *df)
{
    const vf scale = vf_set1(act == GS_ACT_SELU ? SELU_LAMBDA : 1.0f);
    *df = scale;
    *f = act == GS_ACT_SELU ? vf_mul(scale, z) : z;
}

/* relu's derivative is 0 or 1: the step kernel takes it as a mask and adds
 * under it, instead of multiplying by it. */
static inline int act_df_is_mask(gs_act act) { return act == GS_ACT_RELU; }

/* Activations of a few operations run fused in one pass; the others (exp,
 * log1p, erf, divisions, inlined from vmath.h) are evaluated over a
 * sub-batch first: fused, their temporaries spill the accumulators (measured
 * 27-41% slower for elu, selu, softplus and sigmoid on AVX2, 8-19% on
 * AVX-512). */
static inline int act_is_cheap(gs_act act)
{
    return act == GS_ACT_IDENTITY || act == GS_ACT_RELU || act == GS_ACT_LEAKY_RELU ||
           act == GS_ACT_SOFTSIGN || act == GS_ACT_HARDTANH;
}

/* The staged activations whose last stage runs inside the training loop's
 * accumulation where the set has registers for it (train_impl.h,
 * TRAIN_REST_INLINE). f32 train kernels on AVX-512, `checkkernels --bench`,
 * ns a sample-step and lane (2026-12-05, Zen 5): sigmoid 0.30 -> 0.28, silu
 * 0.32 -> 0.31; softplus 0.37 -> 0.39, slower, so not softplus (in double
 * it gains: act_impl64.h). */
static inline int act_rest_inline(gs_act act)
{
    return act == GS_ACT_SIGMOID || act == GS_ACT_SILU;
}

#endif
