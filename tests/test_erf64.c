/* gelu's Phi and phi in double (src/kernels/vmath64_erf.h) against MPFR at 128
 * bits: each within VERF64_BOUND_PHI and VERF64_BOUND_PDF wherever the exact value is a
 * normal double, in ulp of the exact value, over a walk through the bit patterns of [0, 40] of both
 * signs, uniform samples of [-40, 9] and [-3, 3], and the points where phi
 * underflows; the limits and NaN. Then the f64 gelu kernel's relative error
 * in the negative tail, where z Phi(z) is tiny: printed beside SLEEF's erfc
 * (Sleef_erfcd1_u15purecfma, what gelu called before) on the same inputs, and
 * gelu and gelu' asserted within GELU_TAIL_BOUND ulp for -37 <= z <= -2
 * (away from gelu''s zero crossing at -0.75, which the kernels64 test covers
 * with its atol; below -37 Phi is denormal and keeps an absolute error). The scalar reference is tested here; that every kernel set gives
 * its bits is checkkernels' job. Without MPFR the test is skipped. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../src/kernels/simd_scalar_f64.h"
#include "../src/kernels/vmath64_erf.h"
#include "gridsweep/kernels.h"

#define GELU_TAIL_BOUND 5.0   /* gelu and gelu' for -37 <= z <= -2, in ulp */

#ifdef GS_HAVE_MPFR
#include <mpfr.h>

double Sleef_erfcd1_u15purecfma(double);

#define N_WALK (1 << 17)
#define N_UNIFORM (1 << 18)

typedef struct worst {
    double err, z;
} worst;

static mpfr_t mz, mphi, mpdf, ma, mb;

/* Phi(z) into mphi, phi(z) into mpdf, gelu into ma, gelu' into mb. */
static void exact(double z)
{
    mpfr_set_d(mz, z, MPFR_RNDN);
    mpfr_sqrt_ui(ma, 2, MPFR_RNDN);
    mpfr_div(ma, mz, ma, MPFR_RNDN);
    mpfr_neg(ma, ma, MPFR_RNDN);
    mpfr_erfc(mphi, ma, MPFR_RNDN);
    mpfr_div_ui(mphi, mphi, 2, MPFR_RNDN);
    mpfr_sqr(ma, mz, MPFR_RNDN);
    mpfr_div_si(ma, ma, -2, MPFR_RNDN);
    mpfr_exp(ma, ma, MPFR_RNDN);
    mpfr_const_pi(mb, MPFR_RNDN);
    mpfr_mul_ui(mb, mb, 2, MPFR_RNDN);
    mpfr_sqrt(mb, mb, MPFR_RNDN);
    mpfr_div(mpdf, ma, mb, MPFR_RNDN);
    mpfr_mul(ma, mz, mphi, MPFR_RNDN);
    mpfr_fma(mb, mz, mpdf, mphi, MPFR_RNDN);
}

/* |got - x| / ulp(x), where x is a normal double (ulp(x) = 2^(e - 53) for
 * x = m 2^e, 1/2 <= |m| < 1, as tests/test_kernels64.c counts). */
static void note(worst *w, double z, double got, const mpfr_t x)
{
    if (mpfr_zero_p(x) || fabs(mpfr_get_d(x, MPFR_RNDN)) < 0x1p-1022)
        return;
    mpfr_t d;
    mpfr_init2(d, 128);
    mpfr_sub_d(d, x, got, MPFR_RNDN);
    const double e = fabs(mpfr_get_d(d, MPFR_RNDN)) / ldexp(1.0, (int)(mpfr_get_exp(x) - 53));
    mpfr_clear(d);
    if (e > w->err)
        w->err = e, w->z = z;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static double uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next(s) >> 11) * 0x1p-53);
}

/* Phi as gelu had it before, from SLEEF's erfc (1.5 ULP): erfc(-x)/2 with
 * x = z/sqrt 2's rounding error dx added back through erfc's derivative. */
static double sleef_phi(double z)
{
    const double hi = 0x1.6a09e667f3bcdp-1, lo = -0x1.bdd3413b26456p-55;
    const double x = z * hi, dx = fma(z, lo, fma(z, hi, -x));
    const double u = 0.5 * (z * z), e = 0.5 * fma(z, z, -(z * z));
    double t = Sleef_expd1_u10purecfma(-u);
    t = fma(-t, e, t);
    return fma(t * 0x1.20dd750429b6dp-1, dx, 0.5 * Sleef_erfcd1_u15purecfma(-x));
}

static size_t inputs(double *z)
{
    uint64_t s = 0x9e3779b97f4a7c15ull, top;
    const double forty = 40.0;
    memcpy(&top, &forty, sizeof top);
    size_t n = 0;
    for (uint64_t i = 0; i < N_WALK; i++) {
        const uint64_t bits = top / N_WALK * i + next(&s) % (top / N_WALK);
        double w;
        memcpy(&w, &bits, sizeof w);
        z[n++] = w;
        z[n++] = -w;
    }
    for (int i = 0; i < N_UNIFORM; i++)
        z[n++] = uniform(&s, -40, 9);
    for (int i = 0; i < N_UNIFORM / 4; i++)
        z[n++] = uniform(&s, -3, 3);
    for (int i = 0; i < 4096; i++)   /* where phi and Phi become denormal */
        z[n++] = uniform(&s, -38.6, -37.4);
    return n;
}

Test(erf64, phi_against_mpfr, .timeout = 600)
{
    mpfr_inits2(128, mz, mphi, mpdf, ma, mb, (mpfr_ptr)0);
    static double z[2 * N_WALK + N_UNIFORM + N_UNIFORM / 4 + 4096];
    const size_t n = inputs(z);
    const gs_kernels *k = gs_kernels_reference();
    worst wphi = {0}, wpdf = {0}, wsleef = {0}, wf = {0}, wdf = {0};
    for (size_t i = 0; i < n; i++) {
        double pdf, f, df;
        const double phi = vphi64(z[i], &pdf);
        exact(z[i]);
        note(&wphi, z[i], phi, mphi);
        note(&wpdf, z[i], pdf, mpdf);
        if (z[i] <= -2 && z[i] >= -37) {
            note(&wsleef, z[i], sleef_phi(z[i]), mphi);
            k->eval64[GS_ACT_GELU](&z[i], &f, &df, 1);
            note(&wf, z[i], f, ma);
            note(&wdf, z[i], df, mb);
        }
    }
    printf("Phi:  max %.2f ulp (z = %.17g), bound %g\n", wphi.err, wphi.z,
           VERF64_BOUND_PHI);
    printf("phi:  max %.2f (z = %.17g), bound %g\n", wpdf.err, wpdf.z, VERF64_BOUND_PDF);
    printf("-37 <= z <= -2: gelu max %.2f (z = %.17g), gelu' max %.2f (z = %.17g), bound %g; "
           "SLEEF's erfc(-z/sqrt 2)/2 for Phi there: %.2f (z = %.17g)\n",
           wf.err, wf.z, wdf.err, wdf.z, GELU_TAIL_BOUND, wsleef.err, wsleef.z);
    cr_expect_leq(wphi.err, VERF64_BOUND_PHI, "Phi at z = %a: %.3g", wphi.z, wphi.err);
    cr_expect_leq(wpdf.err, VERF64_BOUND_PDF, "phi at z = %a: %.3g", wpdf.z, wpdf.err);
    cr_expect_leq(wf.err, GELU_TAIL_BOUND, "gelu at z = %a: %.3g", wf.z, wf.err);
    cr_expect_leq(wdf.err, GELU_TAIL_BOUND, "gelu' at z = %a: %.3g", wdf.z, wdf.err);
    mpfr_clears(mz, mphi, mpdf, ma, mb, (mpfr_ptr)0);
}
#else
Test(erf64, phi_against_mpfr, .disabled = true, .description = "MPFR not found: skipped") {}
#endif

/* The limits: phi has underflowed beyond |z| = 40. */
Test(erf64, limits)
{
    const double big[] = {40.0, 41.0, 1e300, INFINITY};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        double pdf;
        cr_assert_eq(vphi64(big[i], &pdf), 1.0);
        cr_assert_eq(pdf, 0.0);
        cr_assert_eq(vphi64(-big[i], &pdf), 0.0);
        cr_assert_eq(pdf, 0.0);
    }
    double pdf;
    cr_assert(isnan(vphi64(NAN, &pdf)) && isnan(pdf));
    cr_assert(isnan(vphi64(-NAN, &pdf)) && isnan(pdf));
}
