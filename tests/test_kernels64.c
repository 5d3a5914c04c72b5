/* The f64 kernels (--precision f64) against an oracle of higher precision:
 * every activation and derivative within its stated bound, the f64
 * uniforms' layout, and the f32 kernels' casts of the step data's doubles.
 * The training step against an independent reference: tests/test_optim64.c.
 *
 * Oracle: MPFR at 128 bits (Debian's libmpfr-dev, a test-only dependency;
 * without it the accuracy test is skipped and says so). Each activation is
 * written there without cancellation (1 + tanh u = 2 / (1 + e^-2u), sech^2 =
 * 1 / cosh^2, ...), from the double input exactly, with torch's constants:
 * softplus keeps torch's threshold (z itself above 20), leaky_relu's slope
 * and gelu_tanh's sqrt(2/pi) and 0.044715 are the doubles torch holds, selu's lambda and
 * alpha ATen's 32-digit constants. Bound (gs_act_info's f64 fields):
 * |got - exact| <= ulps ulp(exact) + atol, ulp of a denormal 2^-1074. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "gridsweep/kernels.h"
#include "../src/kernels/rng.h"
#include "kernel_inputs.h"
#include "kernel_inputs64.h"

/* (float)(1.0 / batch) is the 1.0f / batch the f32 kernels had before
 * gs_step_data held doubles: the double rounding never lands elsewhere. */
Test(kernels64, inv_batch_cast)
{
    for (int b = 1; b <= 1 << 20; b++)
        cr_assert_eq((float)(1.0 / b), 1.0f / (float)b, "batch %d", b);
}

/* gs_uniform2d turns the Philox block of gs_uniform4 into two doubles: the
 * top 24 bits of each are the floats of words 0 and 2. */
Test(kernels64, uniform2d_layout)
{
    rng r = {0x1234567887654321ull};
    for (int i = 0; i < 100000; i++) {
        const uint64_t seed = rng_next(&r), stream = rng_next(&r);
        const uint32_t step = (uint32_t)rng_next(&r), q = (uint32_t)rng_next(&r);
        float u4[4];
        double u2[2];
        gs_uniform4(seed, stream, step, q, u4);
        gs_uniform2d(seed, stream, step, q, u2);
        for (int k = 0; k < 2; k++) {
            cr_assert(u2[k] >= 0 && u2[k] < 1);
            cr_assert_eq(ldexp(floor(ldexp(u2[k], 24)), -24), (double)u4[2 * k]);
        }
    }
    /* the 52-bit midpoints of gs_dist_sample64 stay inside (0, 1) */
    gs_dist d;
    gs_dist_make(GS_DIST_NORMAL, 0, 1, 0, &d, NULL);
    cr_assert(isfinite(gs_dist_sample64(&d, 0, 1, 0.0)));
    cr_assert(isfinite(gs_dist_sample64(&d, 0, 1, 1.0 - 0x1p-53)));
    cr_assert_lt(gs_dist_sample64(&d, 0, 1, 0.0), -8.0);
}

#ifdef GS_HAVE_MPFR
#include <mpfr.h>

#define PREC 128
/* 0.85 million inputs per activation (2.5 minutes in all here) */
#define N_WALK (1 << 18)      /* bit patterns of each sign, 0 .. 40 */
#define N_UNIFORM (1 << 18)   /* uniform in [-40, 40] */
#define N_UNIT (1 << 16)      /* uniform in [-1, 1] */

typedef struct oracle {
    mpfr_t z, f, df, a, b, c, k, diff;
} oracle;

static void oracle_init(oracle *o)
{
    mpfr_inits2(PREC, o->z, o->f, o->df, o->a, o->b, o->c, o->k, o->diff, (mpfr_ptr)0);
}

static void oracle_clear(oracle *o)
{
    mpfr_clears(o->z, o->f, o->df, o->a, o->b, o->c, o->k, o->diff, (mpfr_ptr)0);
}

/* sigmoid(sign * z) into s (uses a). */
static void sigmoid_mp(mpfr_t s, const mpfr_t z, int sign, mpfr_t a)
{
    mpfr_mul_si(a, z, -sign, MPFR_RNDN);
    mpfr_exp(a, a, MPFR_RNDN);
    mpfr_add_ui(a, a, 1, MPFR_RNDN);
    mpfr_ui_div(s, 1, a, MPFR_RNDN);
}

/* The exact f and f' of act at the double z into o->f, o->df. */
static void oracle_eval(oracle *o, gs_act act, double zd)
{
    mpfr_set_d(o->z, zd, MPFR_RNDN);
    const int pos = zd > 0;
    switch (act) {
    case GS_ACT_IDENTITY:
        mpfr_set(o->f, o->z, MPFR_RNDN);
        mpfr_set_ui(o->df, 1, MPFR_RNDN);
        break;
    case GS_ACT_RELU:
        mpfr_set_d(o->f, pos ? zd : 0.0, MPFR_RNDN);
        mpfr_set_ui(o->df, pos, MPFR_RNDN);
        break;
    case GS_ACT_LEAKY_RELU:
        mpfr_mul_d(o->f, o->z, pos ? 1.0 : 0.01, MPFR_RNDN);
        mpfr_set_d(o->df, pos ? 1.0 : 0.01, MPFR_RNDN);
        break;
    case GS_ACT_ELU:
    case GS_ACT_CELU:
    case GS_ACT_SELU: {
        const int selu = act == GS_ACT_SELU;
        mpfr_set_str(o->k, selu ? "1.0507009873554804934193349852946" : "1", 10, MPFR_RNDN);
        if (pos) {
            mpfr_mul(o->f, o->z, o->k, MPFR_RNDN);
            mpfr_set(o->df, o->k, MPFR_RNDN);
        } else {
            mpfr_set_str(o->a, selu ? "1.6732632423543772848170429916717" : "1", 10, MPFR_RNDN);
            mpfr_mul(o->k, o->k, o->a, MPFR_RNDN);   /* lambda alpha */
            mpfr_expm1(o->f, o->z, MPFR_RNDN);
            mpfr_mul(o->f, o->f, o->k, MPFR_RNDN);
            mpfr_exp(o->df, o->z, MPFR_RNDN);
            mpfr_mul(o->df, o->df, o->k, MPFR_RNDN);
        }
        break;
    }
    case GS_ACT_SOFTPLUS:
        if (zd > 20) {
            mpfr_set(o->f, o->z, MPFR_RNDN);
            mpfr_set_ui(o->df, 1, MPFR_RNDN);
        } else {
            mpfr_exp(o->a, o->z, MPFR_RNDN);
            mpfr_log1p(o->f, o->a, MPFR_RNDN);
            sigmoid_mp(o->df, o->z, 1, o->a);
        }
        break;
    case GS_ACT_GELU:
        /* Phi = erfc(-z / sqrt 2) / 2, phi = exp(-z^2/2) / sqrt(2 pi) */
        mpfr_sqrt_ui(o->a, 2, MPFR_RNDN);
        mpfr_div(o->a, o->z, o->a, MPFR_RNDN);
        mpfr_neg(o->a, o->a, MPFR_RNDN);
        mpfr_erfc(o->b, o->a, MPFR_RNDN);
        mpfr_div_ui(o->b, o->b, 2, MPFR_RNDN);
        mpfr_mul(o->f, o->z, o->b, MPFR_RNDN);
        mpfr_sqr(o->a, o->z, MPFR_RNDN);
        mpfr_div_si(o->a, o->a, -2, MPFR_RNDN);
        mpfr_exp(o->a, o->a, MPFR_RNDN);
        mpfr_const_pi(o->c, MPFR_RNDN);
        mpfr_mul_ui(o->c, o->c, 2, MPFR_RNDN);
        mpfr_sqrt(o->c, o->c, MPFR_RNDN);
        mpfr_div(o->a, o->a, o->c, MPFR_RNDN);
        mpfr_fma(o->df, o->z, o->a, o->b, MPFR_RNDN);
        break;
    case GS_ACT_GELU_TANH: {
        /* u = k (z + c z^3); h = (1 + tanh u)/2 = sigmoid(2u);
         * f' = h + z/2 sech^2(u) k (1 + 3 c z^2) */
        mpfr_set_d(o->k, 0x1.9884533d43651p-1, MPFR_RNDN);   /* torch's kBeta, a double */
        mpfr_sqr(o->a, o->z, MPFR_RNDN);             /* z^2 */
        mpfr_mul_d(o->b, o->a, 0.044715, MPFR_RNDN);
        mpfr_add_ui(o->b, o->b, 1, MPFR_RNDN);
        mpfr_mul(o->b, o->b, o->z, MPFR_RNDN);
        mpfr_mul(o->b, o->b, o->k, MPFR_RNDN);        /* u */
        mpfr_mul_ui(o->c, o->b, 2, MPFR_RNDN);
        sigmoid_mp(o->df, o->c, 1, o->diff);          /* h, in df for now */
        mpfr_mul(o->f, o->z, o->df, MPFR_RNDN);
        mpfr_cosh(o->c, o->b, MPFR_RNDN);
        mpfr_sqr(o->c, o->c, MPFR_RNDN);
        mpfr_ui_div(o->c, 1, o->c, MPFR_RNDN);        /* sech^2 u */
        mpfr_mul_d(o->a, o->a, 3 * 0.044715, MPFR_RNDN);
        mpfr_add_ui(o->a, o->a, 1, MPFR_RNDN);
        mpfr_mul(o->a, o->a, o->k, MPFR_RNDN);
        mpfr_mul(o->a, o->a, o->c, MPFR_RNDN);
        mpfr_mul(o->a, o->a, o->z, MPFR_RNDN);
        mpfr_div_ui(o->a, o->a, 2, MPFR_RNDN);
        mpfr_add(o->df, o->df, o->a, MPFR_RNDN);
        break;
    }
    case GS_ACT_SILU:
        /* f = z s, f' = s (1 + z (1 - s)), 1 - s = sigmoid(-z) */
        sigmoid_mp(o->b, o->z, 1, o->a);
        sigmoid_mp(o->c, o->z, -1, o->a);
        mpfr_mul(o->f, o->z, o->b, MPFR_RNDN);
        mpfr_mul(o->df, o->z, o->c, MPFR_RNDN);
        mpfr_add_ui(o->df, o->df, 1, MPFR_RNDN);
        mpfr_mul(o->df, o->df, o->b, MPFR_RNDN);
        break;
    case GS_ACT_MISH:
        /* sp = log1p(e^z); f = z tanh(sp); f' = tanh(sp) + z sech^2(sp) s */
        mpfr_exp(o->a, o->z, MPFR_RNDN);
        mpfr_log1p(o->a, o->a, MPFR_RNDN);
        mpfr_tanh(o->b, o->a, MPFR_RNDN);
        mpfr_mul(o->f, o->z, o->b, MPFR_RNDN);
        mpfr_cosh(o->c, o->a, MPFR_RNDN);
        mpfr_sqr(o->c, o->c, MPFR_RNDN);
        mpfr_ui_div(o->c, 1, o->c, MPFR_RNDN);
        sigmoid_mp(o->k, o->z, 1, o->a);
        mpfr_mul(o->c, o->c, o->k, MPFR_RNDN);
        mpfr_fma(o->df, o->z, o->c, o->b, MPFR_RNDN);
        break;
    case GS_ACT_TANH:
        mpfr_tanh(o->f, o->z, MPFR_RNDN);
        mpfr_cosh(o->a, o->z, MPFR_RNDN);
        mpfr_sqr(o->a, o->a, MPFR_RNDN);
        mpfr_ui_div(o->df, 1, o->a, MPFR_RNDN);
        break;
    case GS_ACT_SIGMOID:
        sigmoid_mp(o->f, o->z, 1, o->a);
        sigmoid_mp(o->b, o->z, -1, o->a);
        mpfr_mul(o->df, o->f, o->b, MPFR_RNDN);
        break;
    case GS_ACT_SOFTSIGN:
        mpfr_abs(o->a, o->z, MPFR_RNDN);
        mpfr_add_ui(o->a, o->a, 1, MPFR_RNDN);
        mpfr_div(o->f, o->z, o->a, MPFR_RNDN);
        mpfr_sqr(o->a, o->a, MPFR_RNDN);
        mpfr_ui_div(o->df, 1, o->a, MPFR_RNDN);
        break;
    case GS_ACT_HARDTANH:
        mpfr_set_d(o->f, zd < -1 ? -1.0 : zd > 1 ? 1.0 : zd, MPFR_RNDN);
        mpfr_set_ui(o->df, zd > -1 && zd < 1, MPFR_RNDN);
        break;
    case GS_ACT_COUNT:
        break;
    }
}

/* (|got - exact| - atol) / ulp(exact), at most 0 where the atol covers it;
 * exact in o->diff's scratch. */
static double excess_ulps(oracle *o, double got, const mpfr_t exact, double atol)
{
    mpfr_sub_d(o->diff, exact, got, MPFR_RNDN);
    mpfr_abs(o->diff, o->diff, MPFR_RNDN);
    mpfr_sub_d(o->diff, o->diff, atol, MPFR_RNDN);
    double ulp = 0x1p-1074;
    if (!mpfr_zero_p(exact)) {
        const long e = mpfr_get_exp(exact);   /* exact = m 2^e, 1/2 <= |m| < 1 */
        if (e - 53 > -1074)
            ulp = ldexp(1.0, (int)(e - 53));
    }
    mpfr_div_d(o->diff, o->diff, ulp, MPFR_RNDN);
    return mpfr_get_d(o->diff, MPFR_RNDN);
}

typedef struct worst {
    double ulps, z;         /* without atol, where |exact| >= 1e-300 */
    double excess, ez;      /* with the table's atol */
    double abs;             /* largest absolute error */
} worst;

static void note(worst *w, oracle *o, double z, double got, const mpfr_t exact, double atol)
{
    if (isinf(got) && mpfr_get_d(exact, MPFR_RNDN) == got)
        return;   /* beyond DBL_MAX: inf is the double nearest */
    const double plain = excess_ulps(o, got, exact, 0);
    if (fabs(mpfr_get_d(exact, MPFR_RNDN)) >= 1e-300 && plain > w->ulps)
        w->ulps = plain, w->z = z;
    const double ex = excess_ulps(o, got, exact, atol);
    if (ex > w->excess)
        w->excess = ex, w->ez = z;
    mpfr_sub_d(o->diff, exact, got, MPFR_RNDN);
    const double a = fabs(mpfr_get_d(o->diff, MPFR_RNDN));
    if (a > w->abs)
        w->abs = a;
}

#define BATCH 4096

/* The inputs: a walk through the bit patterns of [0, 40] of both signs
 * (every binade, the denormals included), uniform samples in [-40, 40] and
 * [-1, 1], and the finite special doubles. */
static size_t inputs(double *z)
{
    rng r = {0x0123456789abcdefull};
    size_t n = 0;
    const uint64_t top = d2u(40.0);
    for (uint64_t i = 0; i < N_WALK; i++) {
        const double w = u2d(top / N_WALK * i + rng_next(&r) % (top / N_WALK));
        z[n++] = w;
        z[n++] = -w;
    }
    for (int i = 0; i < N_UNIFORM; i++)
        z[n++] = rng_uniform64(&r, -40, 40);
    for (int i = 0; i < N_UNIT; i++)
        z[n++] = rng_uniform64(&r, -1, 1);
    double sp[MAX_SPECIAL64];
    const size_t ns = special_inputs64(sp, MAX_SPECIAL64);
    for (size_t i = 0; i < ns; i++)
        if (isfinite(sp[i]))
            z[n++] = sp[i];
    return n;
}

Test(kernels64, accuracy_against_mpfr, .timeout = 1800)
{
    const gs_kernels *k = gs_kernels_reference();   /* every set has its bits (checkkernels) */
    const size_t cap = 2 * N_WALK + N_UNIFORM + N_UNIT + MAX_SPECIAL64;
    double *z = malloc(cap * sizeof *z);
    cr_assert_not_null(z);
    const size_t n = inputs(z);
    oracle o;
    oracle_init(&o);
    /* docs/kernels.md's table: "beyond atol" is the largest (|err| - atol) / ulp */
    printf("| activation | f: max ulp | f: max abs | f: beyond atol | f: bound | f': max ulp | "
           "f': max abs | f': beyond atol | f': bound |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int a = 0; a < GS_ACT_COUNT; a++) {
        const gs_act_info *info = gs_act_get((gs_act)a);
        worst wf = {0}, wdf = {0};
        double f[BATCH], df[BATCH];
        for (size_t i0 = 0; i0 < n; i0 += BATCH) {
            const size_t m = n - i0 < BATCH ? n - i0 : BATCH;
            k->eval64[a](&z[i0], f, df, m);
            for (size_t i = 0; i < m; i++) {
                oracle_eval(&o, (gs_act)a, z[i0 + i]);
                note(&wf, &o, z[i0 + i], f[i], o.f, info->f64_f_atol);
                note(&wdf, &o, z[i0 + i], df[i], o.df, info->f64_df_atol);
            }
        }
        printf("| %s | %.2f | %.2g | %.2f | %g ulp + %g | %.2f | %.2g | %.2f | %g ulp + %g |\n",
               info->name, wf.ulps, wf.abs, wf.excess, info->f64_f_ulps, info->f64_f_atol,
               wdf.ulps, wdf.abs, wdf.excess, info->f64_df_ulps, info->f64_df_atol);
        fflush(stdout);
        cr_expect_leq(wf.excess, info->f64_f_ulps, "%s: f at z = %a is %.3g ulp (+ atol %g) off",
                      info->name, wf.ez, wf.excess, info->f64_f_atol);
        cr_expect_leq(wdf.excess, info->f64_df_ulps,
                      "%s: f' at z = %a is %.3g ulp (+ atol %g) off", info->name, wdf.ez,
                      wdf.excess, info->f64_df_atol);
    }
    oracle_clear(&o);
    free(z);
}
#else
Test(kernels64, accuracy_against_mpfr, .disabled = true,
     .description = "needs MPFR (Debian's libmpfr-dev): scripts/deps test")
{
}
#endif

/* +-inf give the limits and NaN gives NaN (f' at NaN: whatever the f32
 * kernel gives, e.g. relu'(NaN) = 0), the f32 kernels' values as floats. */
Test(kernels64, limits)
{
    const gs_kernels *k = gs_kernels_reference();
    const double in[3] = {INFINITY, -INFINITY, NAN};
    for (int a = 0; a < GS_ACT_COUNT; a++) {
        double f[3], df[3];
        k->eval64[a](in, f, df, 3);
        /* the f32 kernels' limits, which the f64 ones must share */
        float fin[3] = {INFINITY, -INFINITY, NAN}, ff[3], fdf[3];
        k->eval[a](fin, ff, fdf, 3);
        const char *name = gs_act_get((gs_act)a)->name;
        for (int i = 0; i < 2; i++) {
            cr_expect(same_bits((float)f[i], ff[i]) || (f[i] == 0 && ff[i] == 0),
                      "%s(%g) = %g, f32 %g", name, in[i], f[i], (double)ff[i]);
            cr_expect(same_bits((float)df[i], fdf[i]) || (df[i] == 0 && fdf[i] == 0),
                      "%s'(%g) = %g, f32 %g", name, in[i], df[i], (double)fdf[i]);
        }
        cr_expect(isnan(f[2]), "%s(NaN) = %g", name, f[2]);
        cr_expect(same_bits((float)df[2], fdf[2]), "%s'(NaN) = %g, f32 %g", name, df[2],
                  (double)fdf[2]);
    }
}
