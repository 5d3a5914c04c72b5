/* The double math of src/kernels/vmath64.h (exp, expm1, log1p, tanh and
 * tanh's sech^2) against MPFR at 128 bits: each function within its stated
 * ulp bound over a walk through the bit patterns of its domain (every
 * binade, the subnormals included), dense uniform samples of the ordinary
 * range, and the extreme and special inputs with their neighbours. SLEEF u10,
 * the functions they replace, is measured on the same inputs and printed
 * beside them. The scalar reference is tested here; that every f64 kernel
 * set gives its bits is checkkernels' job (through the activations built on
 * these functions). Without MPFR (Debian's libmpfr-dev) the accuracy tests
 * are skipped and say so; the special values are checked either way. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "../src/kernels/simd_scalar_f64.h"
#include "../src/kernels/vmath64.h"
#include "kernel_inputs.h"
#include "kernel_inputs64.h"

static double v_exp(double x) { return vexp64_neg(x); }
static double v_expm1(double x)
{
    double e;
    return vexpm1_exp64(x, &e);
}
static double v_exp_pair(double x)
{
    double e;
    vexpm1_exp64(x, &e);
    return e;
}
static double v_log1p(double x) { return vlog1p64_01(x); }
static double v_tanh(double x)
{
    double s2;
    return vtanh64(x, &s2);
}
static double v_sech2(double x)
{
    double s2;
    vtanh64(x, &s2);
    return s2;
}
static double s_sech2(double x)
{
    /* SLEEF's nearest: 4 e / (1 + e)^2, e = exp(-2|x|), as act_impl64.h had it */
    double e = Sleef_expd1_u10purecfma(-2.0 * fabs(x)), r = 1.0 / (1.0 + e);
    return 4.0 * e * (r * r);
}

#ifdef GS_HAVE_MPFR
#include <mpfr.h>

#define N_WALK (1 << 18)      /* bit patterns of the domain, each sign */
#define N_UNIFORM (1 << 19)   /* uniform in the ordinary range */

static void m_exp(mpfr_t y, const mpfr_t x) { mpfr_exp(y, x, MPFR_RNDN); }
static void m_expm1(mpfr_t y, const mpfr_t x) { mpfr_expm1(y, x, MPFR_RNDN); }
static void m_log1p(mpfr_t y, const mpfr_t x) { mpfr_log1p(y, x, MPFR_RNDN); }
static void m_tanh(mpfr_t y, const mpfr_t x) { mpfr_tanh(y, x, MPFR_RNDN); }
static void m_sech2(mpfr_t y, const mpfr_t x)
{
    mpfr_cosh(y, x, MPFR_RNDN);
    mpfr_sqr(y, y, MPFR_RNDN);
    mpfr_ui_div(y, 1, y, MPFR_RNDN);
}

typedef struct fn {
    const char *name;
    double (*got)(double), (*sleef)(double);
    void (*exact)(mpfr_t, const mpfr_t);
    double lo, hi;   /* the domain */
    double ulps;     /* the bound vmath64.h states */
} fn;

typedef struct worst {
    double ulps, at;
} worst;

static mpfr_t mx, my, md;

/* |got - exact| in ulps of the exact value (2^-1074 below DBL_MIN); infinite
 * where a NaN or an infinity is wrong. */
static double err_ulps(double got, const mpfr_t exact)
{
    if (mpfr_nan_p(exact) || isnan(got))
        return mpfr_nan_p(exact) && isnan(got) ? 0 : INFINITY;
    if (mpfr_inf_p(exact) || isinf(got))
        return mpfr_get_d(exact, MPFR_RNDN) == got ? 0 : INFINITY;
    double ulp = 0x1p-1074;
    if (!mpfr_zero_p(exact)) {
        const long e = mpfr_get_exp(exact);   /* exact = m 2^e, 1/2 <= |m| < 1 */
        if (e - 53 > -1074)
            ulp = ldexp(1.0, (int)(e - 53));
    }
    mpfr_sub_d(md, exact, got, MPFR_RNDN);
    mpfr_abs(md, md, MPFR_RNDN);
    mpfr_div_d(md, md, ulp, MPFR_RNDN);
    return mpfr_get_d(md, MPFR_RNDN);
}

static void measure(const fn *f, double x, worst *ours, worst *sleef)
{
    mpfr_set_d(mx, x, MPFR_RNDN);
    f->exact(my, mx);
    const double e = err_ulps(f->got(x), my), s = err_ulps(f->sleef(x), my);
    if (!(e <= ours->ulps)) {
        if (e > f->ulps && !(ours->ulps > f->ulps))
            cr_log_error("%s(%a) = %a, exact %.21g: %.3g ulp", f->name, x, f->got(x),
                         mpfr_get_d(my, MPFR_RNDN), e);
        *ours = (worst){e, x};
    }
    if (!(s <= sleef->ulps))
        *sleef = (worst){s, x};
}

static void check(const fn *f)
{
    mpfr_inits2(128, mx, my, md, (mpfr_ptr)0);
    worst ours = {0, 0}, sleef = {0, 0};
    rng r = {0x9e3779b97f4a7c15ull};
    /* a walk through the bit patterns up to the domain's largest finite
     * magnitude, both signs, a random pattern in each step */
    const double top = fmin(fmax(fabs(f->lo), fabs(f->hi)), DBL_MAX);
    const uint64_t span = d2u(top) / N_WALK;
    for (uint64_t i = 0; i < N_WALK; i++)
        for (int sign = 0; sign < 2; sign++) {
            const double x = (sign ? -1 : 1) * u2d(span * i + rng_next(&r) % span);
            if (x >= f->lo && x <= f->hi)
                measure(f, x, &ours, &sleef);
        }
    /* dense uniform samples of the ordinary range */
    const double lo = f->lo > -40 ? f->lo : -40, hi = f->hi < 40 ? f->hi : 40;
    for (int i = 0; i < N_UNIFORM; i++)
        measure(f, rng_uniform64(&r, lo, hi), &ours, &sleef);
    /* special and extreme inputs, with their double neighbours */
    double special[MAX_SPECIAL64];
    const size_t ns = special_inputs64(special, MAX_SPECIAL64);
    for (size_t i = 0; i < ns; i++) {
        const double x = special[i];
        const double near[3] = {x, nextafter(x, -INFINITY), nextafter(x, INFINITY)};
        for (int k = 0; k < 3; k++)
            if (isnan(near[k]) || (near[k] >= f->lo && near[k] <= f->hi))
                measure(f, near[k], &ours, &sleef);
    }
    printf("%-6s max %.4f ulp at %a (bound %g); SLEEF u10 max %.3f ulp at %a\n", f->name,
           ours.ulps, ours.at, f->ulps, sleef.ulps, sleef.at);
    fflush(stdout);
    mpfr_clears(mx, my, md, (mpfr_ptr)0);
    cr_assert(ours.ulps <= f->ulps, "%s: %.3f ulp at %a, over its bound of %g ulp", f->name,
              ours.ulps, ours.at, f->ulps);
}

static double s_exp(double x) { return Sleef_expd1_u10purecfma(x); }
static double s_expm1(double x) { return Sleef_expm1d1_u10purecfma(x); }
static double s_log1p(double x) { return Sleef_log1pd1_u10purecfma(x); }
static double s_tanh(double x) { return Sleef_tanhd1_u10purecfma(x); }

Test(vmath64, exp, .timeout = 600)
{
    check(&(fn){"exp", v_exp, s_exp, m_exp, -INFINITY, 0, 1.0});
}

Test(vmath64, exp_beside_expm1, .timeout = 600)
{
    check(&(fn){"exp'", v_exp_pair, s_exp, m_exp, -INFINITY, 0, 1.0});
}

Test(vmath64, expm1, .timeout = 600)
{
    check(&(fn){"expm1", v_expm1, s_expm1, m_expm1, -INFINITY, 0, 1.5});
}

Test(vmath64, log1p, .timeout = 600)
{
    check(&(fn){"log1p", v_log1p, s_log1p, m_log1p, 0, 1, 1.5});
}

Test(vmath64, tanh, .timeout = 600)
{
    check(&(fn){"tanh", v_tanh, s_tanh, m_tanh, -INFINITY, INFINITY, 2.5});
}

Test(vmath64, sech2, .timeout = 600)
{
    check(&(fn){"sech2", v_sech2, s_sech2, m_sech2, -INFINITY, INFINITY, 3});
}
#else
Test(vmath64, accuracy_against_mpfr, .disabled = true,
     .description = "needs MPFR (Debian's libmpfr-dev): scripts/deps test")
{
}
#endif

/* The limits and special values exactly, not within a bound. */
Test(vmath64, special_values)
{
    double e;
    cr_assert(vexp64_neg(-INFINITY) == 0 && !signbit(vexp64_neg(-INFINITY)));
    cr_assert(vexp64_neg(0.0) == 1 && vexp64_neg(-0.0) == 1);
    cr_assert(vexp64_neg(-745.0) > 0 && vexp64_neg(-746.0) == 0);   /* subnormals, then 0 */
    cr_assert(vexp64_neg(-708.5) < DBL_MIN && vexp64_neg(-708.3) >= DBL_MIN);
    cr_assert(isnan(vexp64_neg(NAN)) && isnan(vexpm1_exp64(NAN, &e)) && isnan(e) &&
              isnan(vlog1p64_01(NAN)) && isnan(v_tanh(NAN)) && isnan(v_sech2(NAN)));
    cr_assert(vexpm1_exp64(-INFINITY, &e) == -1 && e == 0);
    cr_assert(vexpm1_exp64(-38.0, &e) == -1 && vexpm1_exp64(-37.0, &e) > -1);
    cr_assert(vexpm1_exp64(INFINITY, &e) == 0 && e == 1);   /* x > 0 is taken as 0 */
    cr_assert(d2u(vexpm1_exp64(-0.0, &e)) == d2u(-0.0) && e == 1);
    cr_assert(d2u(vexpm1_exp64(0.0, &e)) == 0 && e == 1);
    cr_assert(vexpm1_exp64(-0x1p-1074, &e) == -0x1p-1074 && e == 1);
    cr_assert(vexpm1_exp64(-0x1p-61, &e) == -0x1p-61);
    cr_assert(d2u(vlog1p64_01(0.0)) == 0 && vlog1p64_01(0x1p-1074) == 0x1p-1074);
    cr_assert(vlog1p64_01(1.0) == M_LN2);
    cr_assert(d2u(v_tanh(-0.0)) == d2u(-0.0) && d2u(v_tanh(0.0)) == 0);
    cr_assert(v_tanh(INFINITY) == 1 && v_tanh(-INFINITY) == -1);
    cr_assert(v_tanh(19.1) == 1 && v_tanh(18.0) < 1 && v_tanh(-1e300) == -1 && v_tanh(DBL_MAX) == 1);
    cr_assert(v_tanh(0x1p-1074) == 0x1p-1074 && v_tanh(-DBL_MIN) == -DBL_MIN);
    cr_assert(v_sech2(0.0) == 1 && v_sech2(INFINITY) == 0 && v_sech2(-INFINITY) == 0);
    cr_assert(v_sech2(30.0) > 0 && v_sech2(30.0) < 1e-25);   /* relative to the underflow */
    cr_assert(v_sech2(360.0) > 0 && v_sech2(360.0) < DBL_MIN && v_sech2(380.0) == 0);
}
