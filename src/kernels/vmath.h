/* exp, expm1, log1p and tanh, written once in vf_* operations (include after a
 * simd_*.h): every kernel set rounds them alike, bit for bit, and they are
 * inlined into the activations, where SLEEF's out-of-line calls cost more
 * than the arithmetic. Coefficients: scripts/py/fit_vmath.py. Accuracy,
 * asserted by tests/test_vmath.c against long double (every 1009th float of
 * the domain, dense samples, special inputs); measured over every 7th float,
 * with SLEEF u10 on the same inputs in brackets:
 *   vexp_neg  x <= 0        bound 1 ulp    (0.88; SLEEF 0.98), subnormals too
 *   vexpm1    x <= 0        bound 1 ulp    (0.88; SLEEF 1.00)
 *   vlog1p01  t in [0, 1]   bound 1.5 ulp  (1.14; SLEEF 1.00)
 *   vtanh     every float   bound 2.5 ulp  (2.28; SLEEF 1.00)
 * NaN gives NaN. */
#ifndef GS_VMATH_H
#define GS_VMATH_H

#define VM_INLINE static inline __attribute__((always_inline))

#define VM_LOG2E 1.44269504088896341f
/* Cody-Waite: LN2_HI has 15 significant bits, so n LN2_HI is exact for every
 * n the reduction meets and x - n LN2_HI rounds never (Sterbenz). */
#define VM_LN2_HI 0.693145751953125f
#define VM_LN2_LO 1.4286068202862268e-06f

/* exp(r) = 1 + r + r^2 E(r) and expm1(r) = r + r^2 Q(r) on [-ln2/2, ln2/2];
 * Q has a degree more, for expm1's relative accuracy near 0. */
static const float VEXP_E[5] = {4.999999404e-01f, 1.666652113e-01f, 4.166825861e-02f,
                                8.368668146e-03f, 1.382133341e-03f};
static const float VEXPM1_Q[6] = {5.000000000e-01f, 1.666666567e-01f, 4.166649282e-02f,
                                  8.333545178e-03f, 1.393231913e-03f, 1.976245258e-04f};
/* log1p(t) = t + t^2 L(t) on [0, 1]. */
static const float VLOG1P_L[9] = {-4.999993145e-01f, 3.333047330e-01f, -2.495819479e-01f,
                                  1.969339699e-01f,  -1.534966528e-01f, 1.067091972e-01f,
                                  -5.756990612e-02f, 2.015450597e-02f,  -3.307407489e-03f};

/* x + x^2 (c[0] + c[1] x + ... + c[n-1] x^(n-1)), Horner, one rounding a step. */
VM_INLINE vf vm_x_x2poly(const float *c, int n, vf x)
{
    vf acc = vf_set1(c[n - 1]);
    for (int k = n - 2; k >= 0; k--)
        acc = vf_fma(acc, x, vf_set1(c[k]));
    return vf_fma(vf_mul(x, x), acc, x);
}

/* x = n ln2 + r with n = round(x / ln2), so |r| <= ln2/2 (plus the rounding
 * of x / ln2, a few ulp of n, where x is large). */
VM_INLINE vf vm_reduce(vf x, vf *n)
{
    *n = vf_round(vf_mul(x, vf_set1(VM_LOG2E)));
    vf r = vf_fma(*n, vf_set1(-VM_LN2_HI), x);
    return vf_fma(*n, vf_set1(-VM_LN2_LO), r);
}

/* exp(x) for x <= 0, the callers' -|z|, -z^2/2 and (elu, selu) z, whose
 * positive lanes they discard: x > 0 is taken as 0 and gives 1, which keeps
 * 2^n within vf_ldexp's cheap range. exp(x) = 2^n (1 + r (1 + r E(r))),
 * rounded once where subnormal; below -104 it rounds to 0, so -inf gives 0.
 * NaN passes both clamps (vf_max and vf_min return their second operand when
 * unordered). */
VM_INLINE vf vexp_neg(vf x)
{
    vf n;
    x = vf_min(vf_set1(0.0f), vf_max(vf_set1(-104.0f), x));
    vf r = vm_reduce(x, &n);
    vf q = vf_set1(VEXP_E[4]);
    for (int k = 3; k >= 0; k--)
        q = vf_fma(q, r, vf_set1(VEXP_E[k]));
    vf p = vf_fma(vf_fma(q, r, vf_set1(1.0f)), r, vf_set1(1.0f));
    return vf_ldexp(p, n);
}

/* For x in [-20, 0] (or NaN): expm1(r) and s = 2^n, x = n ln2 + r; then
 * expm1(x) = 2^n expm1(r) + (2^n - 1), where 2^n - 1 is exact down to
 * n = -24 and rounds to -1 below, as expm1 does from x = -17.4 on; and
 * exp(x) = 2^n expm1(r) + 2^n, relatively accurate. */
VM_INLINE vf vm_expm1_parts(vf x, vf *s)
{
    vf n, r = vm_reduce(x, &n);
    *s = vf_pow2i(n);
    return vm_x_x2poly(VEXPM1_Q, 6, r);
}

/* expm1(x) for x <= 0 (the callers' -2|z|). Below -2^-26, expm1(x) rounds
 * to x itself, which keeps -0 and the subnormals exact. */
VM_INLINE vf vexpm1(vf x)
{
    vf s, pm1 = vm_expm1_parts(vf_max(vf_set1(-20.0f), x), &s);
    vf em = vf_fma(pm1, s, vf_sub(s, vf_set1(1.0f)));
    return vf_sel(vf_gt(x, vf_set1(-0x1p-26f)), x, em);
}

/* log1p(t) for t in [0, 1] (the callers' exp(-|z|)): one polynomial, no
 * reduction, relatively accurate down to the subnormals. */
VM_INLINE vf vlog1p01(vf t) { return vm_x_x2poly(VLOG1P_L, 9, t); }

/* tanh(z) from a = -2|z| (a = min(-2z, 2z) keeps the sign of -0, so
 * tanh(-0) = -0), with e = expm1(a) and t = exp(a) from one reduction:
 * -tanh|z| = e / (2 + e) for |z| <= 0.55, where nothing cancels, and
 * 2t / (1 + t) - 1 beyond, where e's rounding near -1 would cost 2 ulp.
 * Past |z| = 9.01, 2t / (1 + t) < 2^-25 and tanh is +-1 exactly. */
VM_INLINE vf vtanh(vf z)
{
    const vf zero = vf_set1(0.0f), one = vf_set1(1.0f);
    vf z2 = vf_add(z, z), a = vf_min(vf_sub(zero, z2), z2);
    vf s, pm1 = vm_expm1_parts(vf_max(vf_set1(-20.0f), a), &s);
    vf e = vf_sel(vf_gt(a, vf_set1(-0x1p-26f)), a, vf_fma(pm1, s, vf_sub(s, one)));
    vf t = vf_fma(pm1, s, s);
    vm big = vf_lt(a, vf_set1(-1.1f));
    vf q = vf_div(vf_sel(big, vf_add(t, t), e), vf_sel(big, vf_add(one, t), vf_add(vf_set1(2.0f), e)));
    vf neg = vf_sel(big, vf_sub(q, one), q);   /* -tanh|z| */
    return vf_sel(vf_gt(z, zero), vf_sub(zero, neg), neg);
}

#endif
