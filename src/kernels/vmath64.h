/* exp, expm1, log1p and tanh in double, written once in vf_* operations
 * (include after a simd_<set>_f64.h): every f64 kernel set rounds them alike,
 * bit for bit, and they are inlined into act_impl64.h's activations, where
 * SLEEF's out-of-line 1-ULP calls cost most of the f64 step. vmath.h's
 * methods in double, but for exp and expm1 a reduction in steps of ln2/16
 * to |r| <= ln2/32, a table of 2^(j/16) in two parts and a short polynomial
 * (the f64 step's most frequent functions, so their cheapest form); for
 * log1p, a fitted atanh series.
 * Coefficients: scripts/py/fit_vmath64.py. Accuracy, asserted by
 * tests/test_vmath64.c against MPFR (a walk through the bit patterns of each
 * domain down to the subnormals, dense uniform samples, special inputs);
 * measured maximum there, SLEEF u10's on the same inputs in brackets:
 *   vexp64_neg     x <= 0        bound 1 ulp (0.64; SLEEF 0.83), subnormals too
 *   vexpm1_exp64   x <= 0        expm1 bound 1.5 ulp (1.23; SLEEF 1.00), its
 *                                exp bound 1 ulp (0.62) (x > 0 taken as 0)
 *   vlog1p64_01    t in [0, 1]   bound 1.5 ulp (1.02; SLEEF 1.00)
 *   vtanh64        every double  bound 2.5 ulp (1.79; SLEEF 1.00); its sech^2
 *                                bound 3 ulp (2.88; 4e/(1+e)^2 from SLEEF's
 *                                exp 4.21)
 * NaN gives NaN. */
#ifndef GS_VMATH64_H
#define GS_VMATH64_H

#define VM64_INLINE static inline __attribute__((always_inline))

#define VM64_LOG2E 0x1.71547652b82fep+0
/* ln 2 = LN2_HI + LN2_LO: LN2_HI has 42 significant bits, so y LN2_HI is a
 * multiple of 2^-46 for every y = k/16 (vm64_exp_reduced). */
#define VM64_LN2_HI 0x1.62e42fefa3800p-1
#define VM64_LN2_LO 0x1.ef35793c76730p-45
/* 1.5 2^48: x + SHIFT16, rounded, is SHIFT16 plus x rounded to a multiple
 * of 1/16 (for |x| < 2^47), whose sixteenths k sit in the low bits of the
 * significand: k & 15 is the table index (SHIFT16 is a multiple of 16
 * sixteenths), and minus SHIFT16 gives k/16 exactly. */
#define VM64_SHIFT16 0x1.8p48

/* exp(r) - 1 = r + r^2/2 + r^3 E(r) on |r| <= ln2/32. */
static const double VEXP_E64[4] = {0x1.555555548fdc3p-3, 0x1.55555555dfdbbp-5,
                                   0x1.11123a7eadff0p-7, 0x1.6c16d97bcf1ddp-10};
/* expm1(r) = r + r^2/2 + r^3 E1(r) on |r| <= ln2/32: one degree more than
 * exp's E, fitted in expm1's relative error (exp's E, fitted relative to
 * exp(r), is 7 ulp off expm1 near r = 0.02). */
static const double VEXPM1_E64[5] = {0x1.555555555554dp-3, 0x1.55555554f26dap-5,
                                     0x1.11111111d4aadp-7, 0x1.6c17eb0b377b6p-10,
                                     0x1.a0199765816c5p-13};
/* 2^(j/16) = hi + lo, each rounded to nearest, for j = 0 .. 15, in both of
 * lut16x2.h's layouts. */
#define VEXP_T64_PAIRS(X) \
    X(0x1.0000000000000p+0, 0x0.0p+0) \
    X(0x1.0b5586cf9890fp+0, 0x1.8a62e4adc610bp-54) \
    X(0x1.172b83c7d517bp+0, -0x1.19041b9d78a76p-55) \
    X(0x1.2387a6e756238p+0, 0x1.9b07eb6c70573p-54) \
    X(0x1.306fe0a31b715p+0, 0x1.6f46ad23182e4p-55) \
    X(0x1.3dea64c123422p+0, 0x1.ada0911f09ebcp-55) \
    X(0x1.4bfdad5362a27p+0, 0x1.d4397afec42e2p-56) \
    X(0x1.5ab07dd485429p+0, 0x1.6324c054647adp-54) \
    X(0x1.6a09e667f3bcdp+0, -0x1.bdd3413b26456p-54) \
    X(0x1.7a11473eb0187p+0, -0x1.41577ee04992fp-55) \
    X(0x1.8ace5422aa0dbp+0, 0x1.6e9f156864b27p-54) \
    X(0x1.9c49182a3f090p+0, 0x1.c7c46b071f2bep-56) \
    X(0x1.ae89f995ad3adp+0, 0x1.7a1cd345dcc81p-54) \
    X(0x1.c199bdd85529cp+0, 0x1.11065895048ddp-55) \
    X(0x1.d5818dcfba487p+0, 0x1.2ed02d75b3707p-55) \
    X(0x1.ea4afa2a490dap+0, -0x1.e9c23179c2893p-54)
#define VM64_HI(h, l) h,
#define VM64_LO(h, l) l,
#define VM64_PAIR(h, l) (h) * GS_LUT16X2_PAIR_SCALE, (l) * GS_LUT16X2_PAIR_SCALE,
static const gs_lut16x2 VEXP_T64 = {
    .hi = {VEXP_T64_PAIRS(VM64_HI)},
    .lo = {VEXP_T64_PAIRS(VM64_LO)},
    .pair = {VEXP_T64_PAIRS(VM64_PAIR)},
};
#undef VM64_HI
#undef VM64_LO
#undef VM64_PAIR

/* 2 atanh(s) = 2s + s w P(w), w = s^2 <= 1/9. */
static const double VLOG1P_P64[10] = {
    0x1.5555555555535p-1, 0x1.99999999a0726p-2, 0x1.249249208e85ep-2, 0x1.c71c741b13ab3p-3,
    0x1.745cb439789dep-3, 0x1.3b1dd60c42d62p-3, 0x1.106812eab9f3fp-3, 0x1.efd31d72c9dc9p-4,
    0x1.55c91b4d1b41ep-4, 0x1.5c61746389ed5p-3};

/* c[0] + c[1] x + ... + c[n-1] x^(n-1), Horner, one rounding a step. */
VM64_INLINE vf vm64_horner(const double *c, int n, vf x)
{
    vf acc = vf_set1(c[n - 1]);
    for (int k = n - 2; k >= 0; k--)
        acc = vf_fma(acc, x, vf_set1(c[k]));
    return acc;
}

/* For x in [-746, 0] (or NaN): exp(x) = 2^floor(y) (*hi + *tail), *hi =
 * the table's hi[j], *tail = hi[j] p + lo[j], p = exp(r) - 1 with the n
 * coefficients e of VEXP_E64 or VEXPM1_E64; returns y. With y =
 * k/16 the multiple of 1/16 nearest x log2(e), r = x - y ln2 is exact in the
 * first FMA (x and y LN2_HI are multiples of 2^-58 wherever y != 0, and |r|
 * < 2^-5, so r fits in 53 bits), and |r| <= ln2/32 plus the LN2_LO term;
 * j = k & 15. *hi + *tail lies in [0.97, 1.96], times the scale of the
 * set's vf_lut16x2 (1, or GS_LUT16X2_PAIR_SCALE where it reads the pairs:
 * every operation here then rounds alike, no value nearing the subnormals).
 * *keyp = SHIFT16 + y, which holds k in its low bits, for vf_ldexp_key16,
 * which takes the table's scale back out. */
VM64_INLINE vf vm64_exp_reduced(vf x, const double *e, int n, vf *hi, vf *tail, vf *keyp)
{
    const vf shift = vf_set1(VM64_SHIFT16);
    vf key = vf_fma(x, vf_set1(VM64_LOG2E), shift);
    *keyp = key;
    vf y = vf_sub(key, shift);
    vf r = vf_fma(y, vf_set1(-VM64_LN2_HI), x);
    r = vf_fma(y, vf_set1(-VM64_LN2_LO), r);
    vf q = vf_fma(vm64_horner(e, n, r), r, vf_set1(0.5));
    vf p = vf_fma(vf_mul(r, r), q, r);
    vf lo;
    vf_lut16x2(&VEXP_T64, key, hi, &lo);
    *tail = vf_fma(*hi, p, lo);
    return y;
}

/* exp(x) for x <= 0 (the callers' -|z| and -2|u|; elu and selu, whose z
 * has positive lanes, take vexpm1_exp64): hi + tail scaled with one
 * rounding where subnormal; below -746 it rounds to 0, so -inf gives 0.
 * NaN passes the clamp (vf_max returns its second operand when
 * unordered). */
VM64_INLINE vf vexp64_neg(vf x)
{
    vf hi, tail, key, y = vm64_exp_reduced(vf_max(vf_set1(-746.0), x), VEXP_E64, 4, &hi, &tail, &key);
    return vf_ldexp_key16(vf_add(hi, tail), key, y);
}

/* expm1(x) and *e = exp(x) for x <= 0 (x > 0 taken as 0) from one
 * reduction: elu's and selu's value and derivative, and tanh's. With s =
 * 2^floor(y) over the table's scale (s hi and s tail are each 2^floor(y)
 * times the unscaled value; where 2^floor(y) < 2^-1074 and the unscaled s
 * is 0, the terms s adds are far below d's ulp and round away alike),
 * expm1(x) = (s hi - 1) + s tail: d = s hi - 1 is one rounding
 * in an FMA, exact wherever s hi >= 1/2 (x > -0.69), and below, where d is
 * in (-1, -0.5], its error s hi - (1 + d) is exact in a second FMA (1 + d
 * is exact, and the error a multiple of s hi's ulp while s is normal); s
 * tail plus that error rounds once in a third FMA, and its sum with d once
 * more (tanh near |z| = 0.5 amplifies expm1's error by 1.5: without the
 * error term it reached 3.1 ulp). Where the two parts
 * cancel (just below x = -ln2/32, expm1 about -0.0214) tail's rounding is
 * half an ulp of the result. Far below, s underflows (to 0 under x =
 * -746), and d = -1 with nothing left to add. Above -2^-60, expm1(x) rounds to x
 * itself, which keeps -0 and the subnormals exact. */
VM64_INLINE vf vexpm1_exp64(vf x, vf *e)
{
    vf xc = vf_min(vf_set1(0.0), vf_max(vf_set1(-746.0), x));
    vf hi, tail, key, y = vm64_exp_reduced(xc, VEXPM1_E64, 5, &hi, &tail, &key);
    *e = vf_ldexp_key16(vf_add(hi, tail), key, y);
    vf s = vf_ldexp_key16(vf_set1(1.0), key, y);
    vf d = vf_fma(s, hi, vf_set1(-1.0));
    vf nerr = vf_fnma(s, hi, vf_add(vf_set1(1.0), d));   /* -(s hi - 1 - d) */
    vf em = vf_sub(d, vf_fnma(s, tail, nerr));
    return vf_sel(vf_gt(xc, vf_set1(-0x1p-60)), xc, em);
}

/* log1p(t) for t in [0, 1] (the callers' exp(-|z|)), or NaN: log1p(t) =
 * 2 atanh(s), s = t / (2 + t) in [0, 1/3], = 2s + s w P(w) with w = s^2;
 * as 2s = t - s t, it is t - s (t - w P(w)), where t is exact and the
 * rounding of s costs a fraction of an ulp (s t is at most half the
 * result). No reduction: P's degree 9 covers w up to 1/9. */
VM64_INLINE vf vlog1p64_s(vf t) { return vf_div(t, vf_add(vf_set1(2.0), t)); }

/* t - w P(w), w = s^2, from s = vlog1p64_s(t): the polynomial part, which
 * eval's middle stage may hold (act_impl64.h). */
VM64_INLINE vf vlog1p64_twp(vf t, vf s)
{
    vf w = vf_mul(s, s);
    return vf_fnma(w, vm64_horner(VLOG1P_P64, 10, w), t);
}

/* The rest, from s = vlog1p64_s(t), which eval's first stage may hold. */
VM64_INLINE vf vlog1p64_01_s(vf t, vf s) { return vf_fnma(s, vlog1p64_twp(t, s), t); }

VM64_INLINE vf vlog1p64_01(vf t) { return vlog1p64_01_s(t, vlog1p64_s(t)); }

/* tanh(z) and *sech2 = 1 - tanh(z)^2 from a = -2|z| (a = min(-2z, 2z) keeps
 * the sign of -0, so tanh(-0) = -0), with e = expm1(a) and t = exp(a) from
 * one reduction, one division by 1 + t (= 2 + e, and as accurate):
 *   |z| <= 0.55: -tanh|z| = e / (1 + t), where nothing cancels, and
 *                sech^2 = 1 - tanh^2 >= 0.74;
 *   beyond:      q = 2t / (1 + t) = 1 - tanh|z| (e's rounding near -1 would
 *                cost ulps), tanh|z| = 1 - q and sech^2 = q (2 - q), which
 *                keeps its relative accuracy to the underflow of t. */
VM64_INLINE vf vtanh64_a(vf z)
{
    vf z2 = vf_add(z, z);
    return vf_min(vf_sub(vf_set1(0.0), z2), z2);
}

/* The rest, from e = expm1(a) and t = exp(a), which eval's first stage may
 * hold. */
VM64_INLINE vf vtanh64_et(vf z, vf e, vf t, vf *sech2)
{
    const vf zero = vf_set1(0.0), one = vf_set1(1.0), two = vf_set1(2.0);
    vf a = vtanh64_a(z);
    vm big = vf_lt(a, vf_set1(-1.1));
    vf q = vf_div(vf_sel(big, vf_add(t, t), e), vf_add(one, t));
    vf neg = vf_sel(big, vf_sub(q, one), q);   /* -tanh|z| */
    *sech2 = vf_sel(big, vf_mul(q, vf_sub(two, q)), vf_fnma(neg, neg, one));
    return vf_sel(vf_gt(z, zero), vf_sub(zero, neg), neg);
}

VM64_INLINE vf vtanh64(vf z, vf *sech2)
{
    vf t, e = vexpm1_exp64(vtanh64_a(z), &t);
    return vtanh64_et(z, e, t, sech2);
}

#endif
