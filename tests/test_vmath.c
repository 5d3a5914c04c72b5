/* The vectorised math of src/kernels/vmath.h (exp, expm1, log1p, tanh)
 * against long double: each function within its stated ulp bound over a
 * stride through every float of its domain (every binade, the subnormals
 * included), dense samples where the reduction or the polynomial changes,
 * and the extreme and special inputs. SLEEF u10, the functions they replace,
 * is measured on the same inputs and printed beside them. The scalar
 * reference is tested here; that every kernel set gives its bits is
 * checkkernels' job (through the activations built on these functions). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "../src/kernels/simd_scalar.h"
#include "../src/kernels/vmath.h"
#include "kernel_inputs.h"

float Sleef_expm1f1_u10purecfma(float);
float Sleef_log1pf1_u10purecfma(float);

/* Every STRIDE-th float of a domain (a prime, so the mantissas it meets
 * vary) and UNIFORM samples of the ordinary range. Where long double is a
 * software quad (aarch64, run under qemu by the cross build), a tenth. */
#ifndef VMATH_STRIDE
#if LDBL_MANT_DIG > 64
#define VMATH_STRIDE 10007u
#define VMATH_UNIFORM 100000
#else
#define VMATH_STRIDE 1009u
#endif
#endif
#ifndef VMATH_UNIFORM
#define VMATH_UNIFORM 1000000
#endif

static float v_exp(float x) { return vexp_neg(x); }
static float v_expm1(float x) { return vexpm1(x); }
static float v_log1p(float x) { return vlog1p01(x); }
static float v_tanh(float x) { return vtanh(x); }
static float s_exp(float x) { return Sleef_expf1_u10purecfma(x); }
static float s_expm1(float x) { return Sleef_expm1f1_u10purecfma(x); }
static float s_log1p(float x) { return Sleef_log1pf1_u10purecfma(x); }
static float s_tanh(float x) { return Sleef_tanhf1_u10purecfma(x); }

typedef struct fn {
    const char *name;
    float (*got)(float), (*sleef)(float);
    long double (*exact)(long double);
    float lo, hi;   /* the domain */
    double ulps;    /* the bound vmath.h states */
} fn;

/* Spacing of floats at |x| (the subnormal spacing below FLT_MIN). */
static long double ulp_of(long double x)
{
    x = fabsl(x);
    if (x < FLT_MIN)
        return 0x1p-149L;
    int e;
    frexpl(x, &e);
    return ldexpl(1.0L, e - 24);
}

/* Error in ulps of the exact value; infinite when a special value is wrong
 * (a NaN, an infinity, or a zero of the wrong sign). */
static double err_ulps(float got, long double exact)
{
    if (isnan(exact) || isnan(got))
        return isnan(exact) && isnan(got) ? 0 : INFINITY;
    if (fabsl(exact) > FLT_MAX || isinf(got) || exact == 0)
        return f2u((float)exact) == f2u(got) ? 0 : INFINITY;
    return (double)(fabsl(got - exact) / ulp_of(exact));
}

typedef struct worst {
    double ulps;
    float at;
} worst;

static void measure(const fn *f, float x, worst *ours, worst *sleef)
{
    long double exact = f->exact(x);
    double e = err_ulps(f->got(x), exact), s = err_ulps(f->sleef(x), exact);
    if (!(e <= ours->ulps)) {
        if (e > f->ulps && !(ours->ulps > f->ulps))
            cr_log_error("%s(%a) = %a, exact %.21Lg: %.3g ulp", f->name, (double)x,
                         (double)f->got(x), exact, e);
        *ours = (worst){e, x};
    }
    if (!(s <= sleef->ulps))
        *sleef = (worst){s, x};
}

static void check(const fn *f)
{
    worst ours = {0, 0}, sleef = {0, 0};
    /* the stride through every float of the domain, both signs */
    for (uint64_t u = 0; u < 0x7f800000u; u += VMATH_STRIDE)
        for (int sign = 0; sign < 2; sign++) {
            float x = u2f((uint32_t)u | (sign ? 0x80000000u : 0));
            if (x >= f->lo && x <= f->hi)
                measure(f, x, &ours, &sleef);
        }
    /* dense uniform samples of the ordinary range */
    rng r = {0x9e3779b97f4a7c15ull};
    const float lo = f->lo > -20 ? f->lo : -20, hi = f->hi < 20 ? f->hi : 20;
    for (int i = 0; i < VMATH_UNIFORM; i++)
        measure(f, rng_uniform(&r, lo, hi), &ours, &sleef);
    /* special and extreme inputs, with their float neighbours */
    float special[MAX_SPECIAL];
    size_t ns = special_inputs(special, MAX_SPECIAL);
    for (size_t i = 0; i < ns; i++) {
        const float x = special[i];
        const float near[3] = {x, nextafterf(x, -INFINITY), nextafterf(x, INFINITY)};
        for (int k = 0; k < 3; k++)
            if (isnan(near[k]) || (near[k] >= f->lo && near[k] <= f->hi))
                measure(f, near[k], &ours, &sleef);
    }
    printf("%-8s max %.3f ulp at %a (bound %g); SLEEF u10 max %.3f ulp at %a\n", f->name,
           ours.ulps, (double)ours.at, f->ulps, sleef.ulps, (double)sleef.at);
    fflush(stdout);
    cr_assert(ours.ulps <= f->ulps, "%s: %.3f ulp at %a, over its bound of %g ulp", f->name,
              ours.ulps, (double)ours.at, f->ulps);
}

Test(vmath, exp)
{
    check(&(fn){"exp", v_exp, s_exp, expl, -INFINITY, 0, 1});
}

Test(vmath, expm1)
{
    check(&(fn){"expm1", v_expm1, s_expm1, expm1l, -INFINITY, 0, 1});
}

Test(vmath, log1p)
{
    check(&(fn){"log1p", v_log1p, s_log1p, log1pl, 0, 1, 1.5});
}

Test(vmath, tanh)
{
    check(&(fn){"tanh", v_tanh, s_tanh, tanhl, -INFINITY, INFINITY, 2.5});
}

/* The limits and special values exactly, not within a bound. */
Test(vmath, special_values)
{
    cr_assert(vexp_neg(-INFINITY) == 0 && !signbit(vexp_neg(-INFINITY)));
    cr_assert(vexp_neg(INFINITY) == 1 && vexp_neg(89.0f) == 1);   /* x > 0 is taken as 0 */
    cr_assert(vexp_neg(0.0f) == 1 && vexp_neg(-0.0f) == 1);
    cr_assert(vexp_neg(-103.0f) > 0 && vexp_neg(-104.0f) == 0);   /* subnormals, then 0 */
    cr_assert(isnan(vexp_neg(NAN)) && isnan(vexpm1(NAN)) && isnan(vlog1p01(NAN)) &&
              isnan(vtanh(NAN)));
    cr_assert(vexpm1(-INFINITY) == -1 && vexpm1(-20.0f) == -1);
    cr_assert(f2u(vexpm1(-0.0f)) == f2u(-0.0f) && f2u(vexpm1(0.0f)) == 0);
    cr_assert(vexpm1(-0x1p-149f) == -0x1p-149f);
    cr_assert(f2u(vlog1p01(0.0f)) == 0 && vlog1p01(0x1p-149f) == 0x1p-149f);
    cr_assert(f2u(vtanh(-0.0f)) == f2u(-0.0f) && f2u(vtanh(0.0f)) == 0);
    cr_assert(vtanh(INFINITY) == 1 && vtanh(-INFINITY) == -1);
    cr_assert(vtanh(9.1f) == 1 && vtanh(9.0f) < 1 && vtanh(-1e30f) == -1 && vtanh(FLT_MAX) == 1);
    cr_assert(vtanh(0x1p-149f) == 0x1p-149f && vtanh(-0x1p-126f) == -0x1p-126f);
}
