/* Phi(z), the standard normal distribution function, and the density
 * phi(z) = exp(-z^2/2) / sqrt(2 pi), in double, for gelu (--precision f64):
 * written once in vf_* operations (include after a simd_*_f64.h), so every
 * f64 kernel set rounds them alike, bit for bit. SLEEF's erfc costs about
 * ten of its exps; this takes one exp, the one phi needs anyway (gelu' =
 * Phi + z phi), and a rational function of w = |z|:
 *   Phi(-w) = phi(w) M(w),  M(w) = Q(w) / (w Q(w) + P(w)),  Phi(w) = 1 - Phi(-w),
 * M the Mills ratio, P/Q a fit of B(w) = 1/M(w) - w on [0, 40]
 * (scripts/py/fit_erf64.py). So the negative tail keeps its relative accuracy
 * (a product, no 1 + erf to cancel), w is exact (no z/sqrt 2 to round), all
 * the coefficients are positive (no cancellation in Horner's rule), and an
 * error e of P/Q moves M by e B / (w + B) only, 1/w^2 of it in the tail.
 * exp(-z^2/2) is exp(-u) of the rounded u = z^2/2 corrected by u's rounding
 * error (exp(-u - e) = t - t e), and 1/sqrt(2 pi) a pair of doubles.
 * Accuracy, asserted by tests/test_erf64.c against MPFR where the result is
 * a normal double: VERF64_BOUND_* (SLEEF's erfc gave Phi within 1.3 ulp;
 * this trades 2.5 ulp more for the speed).
 * Beyond |z| = 40 phi has underflowed, so the clamp leaves exact limits
 * (Phi = 0 or 1, phi = 0); NaN gives NaN. */
#ifndef GS_VMATH64_ERF_H
#define GS_VMATH64_ERF_H

#ifndef GS_INLINE
#define GS_INLINE static inline __attribute__((always_inline))
#endif

#include "vmath64.h"

/* exp(x) for the x = -z^2/2 <= 0 here: vmath64.h's inline exp. */
#define VERF64_EXP(x) vexp64_neg(x)

#define VERF64_ZMAX 40.0
#define VERF64_INV_SQRT_2PI_HI 0x1.9884533d43651p-2
#define VERF64_INV_SQRT_2PI_LO (-0x1.cbc0d30ebfd15p-56)

/* Bounds of tests/test_erf64.c, in ulp of the exact value. */
#define VERF64_BOUND_PHI 4.5    /* Phi(z) where it is normal (measured 3.85) */
#define VERF64_BOUND_PDF 2.5    /* phi(z) (measured 2.10) */

/* P and Q (both times 1.99, which M does not see and their roundings near
 * w = 0 do), Horner's rule: fit_erf64.py. */
static const double VERF64_P[10] = {
    0x1.96796c6c51234p+0, 0x1.f84cd43cc06cdp+0, 0x1.3fd840a1e4a28p+0,
    0x1.075d578ae485bp-1, 0x1.31cc41261450bp-3, 0x1.01b536799158dp-5,
    0x1.3a6d2a30816e8p-8, 0x1.0c203aa0de5a6p-11, 0x1.23a2003ced1b1p-15,
    0x1.37fe8abc2eea2p-20,
};
static const double VERF64_Q[11] = {
    0x1.fd70a3d70a3d7p+0, 0x1.b007bea1e33edp+1, 0x1.6a647cef99468p+1,
    0x1.854b1be21fa8ep+0, 0x1.2608603e84d13p-1, 0x1.4505ae1312bd6p-3,
    0x1.0a0799c196f9fp-5, 0x1.3efbb1e21c4eep-8, 0x1.0d583937b7b93p-11,
    0x1.23a2003ab2a0ep-15, 0x1.37fe8abc8d7f8p-20,
};

/* Phi(z), and phi(z) into *pdf. */
GS_INLINE vf vphi64(vf z, vf *pdf)
{
    const vf zero = vf_set1(0.0);
    vf zc = vf_min(vf_set1(VERF64_ZMAX), vf_max(vf_set1(-VERF64_ZMAX), z));
    vf zz = vf_mul(zc, zc), u = vf_mul(vf_set1(0.5), zz);
    vf e = vf_mul(vf_set1(-0.5), vf_fnma(zc, zc, zz));   /* (zc^2 - zz) / 2 */
    vf t = VERF64_EXP(vf_negabs(u));                     /* u >= 0 */
    t = vf_fnma(t, e, t);
    vf phi = vf_fma(t, vf_set1(VERF64_INV_SQRT_2PI_HI), vf_mul(t, vf_set1(VERF64_INV_SQRT_2PI_LO)));
    vf w = vf_abs(zc);
    vf p = vm64_horner(VERF64_P, 10, w), q = vm64_horner(VERF64_Q, 11, w);
    vf h = vf_mul(phi, vf_div(q, vf_fma(w, q, p)));   /* Phi(-w) */
    *pdf = phi;
    return vf_sel(vf_gt(z, zero), vf_sub(vf_set1(1.0), h), h);
}

#endif
