/* Kernel oracles: the scalar reference stays within the activation table's
 * accuracy bounds of a double evaluation, its derivatives agree with the
 * double values, and known values, kinks and names hold. That every kernel
 * set matches the scalar bits is tests/checkkernels.c's job. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "gridsweep/activation.h"
#include "gridsweep/isa.h"
#include "gridsweep/kernels.h"
#include "kernel_inputs.h"

/* ---------------------------------------------------------------- helpers */

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    cr_assert_not_null(p, "out of memory");
    return p;
}

static const char *act_name(gs_act act) { return gs_act_get(act)->name; }

#define MAX_REPORTS 8

static const gs_kernels *scalar(void)
{
    static const gs_kernels *k;
    if (!k)
        k = gs_kernels_get(GS_ISA_SCALAR);
    cr_assert_not_null(k, "the scalar kernel set must always be available");
    return k;
}

/* ------------------------------------------ double-precision references */

#define REF_LAMBDA 1.0507009873554804934193349852946
#define REF_ALPHA 1.6732632423543772848170429916717
#define REF_SQRT1_2 0.70710678118654752440084436210485
#define REF_INV_SQRT_2PI 0.39894228040143267793994605993438
#define REF_GELU_K 0.79788456080286535587989211986876 /* sqrt(2/pi) */

/* sigmoid without overflow or cancellation on either side */
static double ref_sig(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

static double ref_softplus(double z) { return fmax(z, 0.0) + log1p(exp(-fabs(z))); }

/* 1 / cosh^2 without 1 - tanh^2's cancellation in the tails */
static double ref_sech2(double u)
{
    double c = cosh(u);
    return 1.0 / (c * c);
}

/* Limits at +-inf (sign > 0: +inf): value and derivative. */
static void ref_limit(gs_act act, int sign, double *f, double *df)
{
    double hi = sign > 0;
    switch (act) {
    case GS_ACT_IDENTITY: *f = sign * INFINITY; *df = 1; return;
    case GS_ACT_LEAKY_RELU: *f = sign * INFINITY; *df = hi ? 1 : 0.01; return;
    case GS_ACT_ELU:
    case GS_ACT_CELU: *f = hi ? INFINITY : -1; *df = hi; return;
    case GS_ACT_SELU:
        *f = hi ? INFINITY : -REF_LAMBDA * REF_ALPHA;
        *df = hi ? REF_LAMBDA : 0;
        return;
    case GS_ACT_TANH:
    case GS_ACT_SOFTSIGN:
    case GS_ACT_HARDTANH: *f = sign; *df = 0; return;
    case GS_ACT_SIGMOID: *f = hi; *df = 0; return;
    default: /* relu, softplus, gelu, gelu_tanh, silu, mish */
        *f = hi ? INFINITY : 0; *df = hi; return;
    }
}

/* f and f' in double; kinks as PyTorch autograd. NaN in: NaN value. */
static void ref_eval(gs_act act, double z, double *f, double *df)
{
    if (isnan(z)) {
        *f = *df = NAN;
        return;
    }
    if (isinf(z)) {
        ref_limit(act, z > 0 ? 1 : -1, f, df);
        return;
    }
    switch (act) {
    case GS_ACT_IDENTITY: *f = z; *df = 1; return;
    case GS_ACT_RELU: *f = z > 0 ? z : 0; *df = z > 0; return;
    case GS_ACT_LEAKY_RELU: *f = z > 0 ? z : 0.01 * z; *df = z > 0 ? 1 : 0.01; return;
    case GS_ACT_ELU:
    case GS_ACT_CELU: *f = z > 0 ? z : expm1(z); *df = z > 0 ? 1 : exp(z); return;
    case GS_ACT_SELU:
        *f = z > 0 ? REF_LAMBDA * z : REF_LAMBDA * REF_ALPHA * expm1(z);
        *df = z > 0 ? REF_LAMBDA : REF_LAMBDA * REF_ALPHA * exp(z);
        return;
    case GS_ACT_SOFTPLUS: *f = ref_softplus(z); *df = ref_sig(z); return;
    case GS_ACT_GELU: {
        /* Phi(z) through erfc: 1 + erf(z/sqrt2) cancels for negative z */
        double cdf = 0.5 * erfc(-z * REF_SQRT1_2);
        *f = z * cdf;
        *df = cdf + z * REF_INV_SQRT_2PI * exp(-0.5 * z * z);
        return;
    }
    case GS_ACT_GELU_TANH: {
        double u = REF_GELU_K * (z + 0.044715 * z * z * z);
        double h = ref_sig(2 * u);   /* (1 + tanh u) / 2 */
        *f = z * h;
        *df = h + 0.5 * z * ref_sech2(u) * REF_GELU_K * (1 + 3 * 0.044715 * z * z);
        return;
    }
    case GS_ACT_SILU: {
        double s = ref_sig(z);
        *f = z * s;
        *df = s * (1 + z * ref_sig(-z));
        return;
    }
    case GS_ACT_MISH: {
        double sp = ref_softplus(z), th = tanh(sp);
        *f = z * th;
        *df = th + z * ref_sech2(sp) * ref_sig(z);
        return;
    }
    case GS_ACT_TANH: *f = tanh(z); *df = ref_sech2(z); return;
    case GS_ACT_SIGMOID: *f = ref_sig(z); *df = ref_sig(z) * ref_sig(-z); return;
    case GS_ACT_SOFTSIGN: {
        double d = 1 + fabs(z);
        *f = z / d;
        *df = 1 / (d * d);
        return;
    }
    case GS_ACT_HARDTANH: *f = fmin(fmax(z, -1), 1); *df = z > -1 && z < 1; return;
    case GS_ACT_COUNT: break;
    }
    *f = *df = NAN;
}

/* Spacing of floats at |x| (the subnormal spacing below FLT_MIN). */
static double ulp_of(double x)
{
    x = fabs(x);
    if (x < FLT_MIN)
        return 0x1p-149;
    int e;
    frexp(x, &e);   /* x = m 2^e, m in [0.5, 1) */
    return ldexp(1.0, e - 24);
}

/* ------------------------------------------------------------- accuracy */

typedef struct bound {
    double ulps, atol;
} bound;

/* |got - exact| <= ulps ulp(exact) + atol; NaN must meet NaN, infinities and
 * results beyond FLT_MAX must be the exact value rounded to float. */
static int within(double got, double exact, bound b)
{
    if (isnan(exact) || isnan(got))
        return isnan(exact) && isnan(got);
    if (isinf(exact) || fabs(exact) > FLT_MAX || isinf(got))
        return (float)exact == (float)got;
    return fabs(got - exact) <= b.ulps * ulp_of(exact) + b.atol;
}

/* Every 1500th float in (0, 90] of both signs (all binades, down to the
 * denormals), uniform [-90, 90] and uniform [-10, 10]: about 2.6 million. */
static size_t accuracy_inputs(float **out, gs_act act)
{
    const uint32_t top = f2u(90.0f), stride = 1500;
    size_t cap = 2 * (top / stride + 1) + 1100000 + MAX_SPECIAL, n = 0;
    float *z = xmalloc(cap * sizeof *z);
    for (uint32_t u = 0; u <= top; u += stride) {
        z[n++] = u2f(u);
        z[n++] = u2f(u | 0x80000000u);
    }
    rng r = {0x853c49e6748fea9bull + (uint64_t)act};
    for (int i = 0; i < 700000; i++)
        z[n++] = rng_uniform(&r, -90, 90);
    for (int i = 0; i < 400000; i++)
        z[n++] = rng_uniform(&r, -10, 10);
    n += special_inputs(&z[n], MAX_SPECIAL);
    *out = z;
    return n;
}

static void check_accuracy(gs_act act)
{
    const gs_act_info *info = gs_act_get(act);
    const bound bf = {info->f_ulps, info->f_atol}, bdf = {info->df_ulps, info->df_atol};
    float *z;
    size_t n = accuracy_inputs(&z, act);
    float *f = xmalloc(2 * n * sizeof *f), *df = f + n;
    /* the fastest set: checkkernels holds it to the scalar bits */
    gs_kernels_get(gs_isa_best())->eval[act](z, f, df, n);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        double ef, edf;
        ref_eval(act, z[i], &ef, &edf);
        /* for a NaN input only the value is specified */
        int ok_f = within(f[i], ef, bf), ok_df = isnan(z[i]) || within(df[i], edf, bdf);
        if ((!ok_f || !ok_df) && bad++ < MAX_REPORTS)
            cr_log_error("%s: z = %.9g [%08x]: f = %.9g (exact %.17g, %.3g ulp), "
                         "f' = %.9g (exact %.17g, %.3g ulp); bounds %g ulp + %g, %g ulp + %g",
                         info->name, (double)z[i], f2u(z[i]), (double)f[i], ef,
                         fabs(f[i] - ef) / ulp_of(ef), (double)df[i], edf,
                         fabs(df[i] - edf) / ulp_of(edf), bf.ulps, bf.atol, bdf.ulps, bdf.atol);
    }
    free(f);
    free(z);
    cr_assert_eq(bad, 0, "%s: %zu results outside the table's bounds", info->name, bad);
}

/* ---------------------------------------------------------- derivatives */

/* The double derivatives against a five-point central difference of the
 * double values, away from kinks; step and tolerance scale with the roundoff
 * of the difference quotient. */
static int near_kink(gs_act act, double z, double h)
{
    switch (act) {
    case GS_ACT_RELU:
    case GS_ACT_LEAKY_RELU:
    case GS_ACT_ELU:
    case GS_ACT_SELU:
    case GS_ACT_CELU:
    case GS_ACT_SOFTSIGN:   /* f'' jumps at 0 */
        return fabs(z) <= 3 * h;
    case GS_ACT_HARDTANH: return fabs(fabs(z) - 1) <= 3 * h;
    default: return 0;
    }
}

static void check_derivative(gs_act act)
{
    rng r = {0xda942042e4dd58b5ull + (uint64_t)act};
    size_t bad = 0, tested = 0;
    for (int i = 0; i < 400000; i++) {
        double z = i % 2 ? rng_uniform(&r, -90, 90) : rng_uniform(&r, -6, 6);
        double h = 1e-3 / fmax(1.0, fabs(z));   /* gelu's tails vary on a 1/|z| scale */
        if (near_kink(act, z, h))
            continue;
        double f, d, fp1, fm1, fp2, fm2, dummy;
        ref_eval(act, z, &f, &d);
        ref_eval(act, z + h, &fp1, &dummy);
        ref_eval(act, z - h, &fm1, &dummy);
        ref_eval(act, z + 2 * h, &fp2, &dummy);
        ref_eval(act, z - 2 * h, &fm2, &dummy);
        double cd = (8 * (fp1 - fm1) - (fp2 - fm2)) / (12 * h);
        double tol = 1e-7 * fabs(d) + 1e-14 * (1 + fabs(f)) / h;
        tested++;
        if (!(fabs(cd - d) <= tol) && bad++ < MAX_REPORTS)
            cr_log_error("%s: z = %.17g: f' = %.17g, central difference %.17g", act_name(act),
                         z, d, cd);
    }
    cr_assert_gt(tested, 300000);
    cr_assert_eq(bad, 0, "%s: %zu derivatives disagree with the difference quotient",
                 act_name(act), bad);
}

/* ------------------------------------------------------ per-activation */

#define ACT_TESTS(ID, name)                                                                \
    Test(accuracy, name) { check_accuracy(GS_ACT_##ID); }                                  \
    Test(derivative, name) { check_derivative(GS_ACT_##ID); }
GS_ACTIVATIONS(ACT_TESTS)

/* ---------------------------------------------------------- known values */

static float val(gs_act act, float z, float *df)
{
    float f, d;
    scalar()->eval[act](&z, &f, &d, 1);
    if (df)
        *df = d;
    return f;
}

static float dval(gs_act act, float z)
{
    float d;
    val(act, z, &d);
    return d;
}

Test(known, kinks)
{
    for (int s = 0; s < 2; s++) {
        float z = s ? -0.0f : 0.0f;
        cr_assert_eq(dval(GS_ACT_RELU, z), 0.0f, "relu'(0) = 0");
        cr_assert_eq(dval(GS_ACT_LEAKY_RELU, z), 0.01f, "leaky_relu'(0) = 0.01");
        cr_assert_eq(dval(GS_ACT_ELU, z), 1.0f, "elu'(0) = 1");
        cr_assert_eq(dval(GS_ACT_CELU, z), 1.0f, "celu'(0) = 1");
        cr_assert_eq(dval(GS_ACT_SELU, z), 1.7580993408473766f, "selu'(0) = lambda alpha");
        cr_assert_eq(dval(GS_ACT_SOFTSIGN, z), 1.0f, "softsign'(0) = 1");
        cr_assert_eq(dval(GS_ACT_IDENTITY, z), 1.0f);
    }
    cr_assert_eq(dval(GS_ACT_HARDTANH, 1.0f), 0.0f, "hardtanh'(1) = 0");
    cr_assert_eq(dval(GS_ACT_HARDTANH, -1.0f), 0.0f, "hardtanh'(-1) = 0");
    cr_assert_eq(dval(GS_ACT_HARDTANH, nextafterf(1.0f, 0)), 1.0f);
    cr_assert_eq(dval(GS_ACT_HARDTANH, nextafterf(-1.0f, 0)), 1.0f);
    cr_assert_eq(dval(GS_ACT_RELU, 0x1p-149f), 1.0f);
    cr_assert_eq(dval(GS_ACT_LEAKY_RELU, 0x1p-149f), 1.0f);
    /* the double reference follows the same conventions */
    double f, d;
    ref_eval(GS_ACT_SELU, 0, &f, &d);
    cr_assert_eq((float)d, 1.7580993408473766f);
    ref_eval(GS_ACT_HARDTANH, 1, &f, &d);
    cr_assert_eq(d, 0.0);
}

Test(known, piecewise_linear_exact)
{
    rng r = {42};
    int bad = 0;
    for (int i = 0; i < 100000; i++) {
        float z = i % 2 ? rng_uniform(&r, -90, 90) : rng_logmag(&r), d1, d2, d3;
        /* relu(-0) may be -0: compare values there, bits elsewhere */
        float want_leaky = z > 0 ? z : z * 0.01f;
        float id = val(GS_ACT_IDENTITY, z, &d1), rl = val(GS_ACT_RELU, z, &d2);
        float lk = val(GS_ACT_LEAKY_RELU, z, &d3), ht = val(GS_ACT_HARDTANH, z, NULL);
        int ok = f2u(id) == f2u(z) && d1 == 1.0f && rl == (z > 0 ? z : 0.0f) &&
                 d2 == (z > 0 ? 1.0f : 0.0f) && f2u(lk) == f2u(want_leaky) &&
                 d3 == (z > 0 ? 1.0f : 0.01f) && ht == fminf(fmaxf(z, -1.0f), 1.0f);
        if (!ok && bad++ < MAX_REPORTS)
            cr_log_error("z = %a: identity %a/%a relu %a/%a leaky_relu %a/%a hardtanh %a",
                         (double)z, (double)id, (double)d1, (double)rl, (double)d2, (double)lk,
                         (double)d3, (double)ht);
    }
    cr_assert_eq(bad, 0, "%d piecewise-linear results are not exact", bad);
}

Test(known, constants)
{
    float d;
    /* selu's lambda and lambda * alpha, as float literals and as doubles */
    cr_assert_eq(val(GS_ACT_SELU, 1.0f, &d), 1.0507009873554805f);
    cr_assert_eq(d, 1.0507009873554805f);
    cr_assert_eq(val(GS_ACT_SELU, -INFINITY, &d), -1.7580993408473766f);
    cr_assert_eq(d, 0.0f);
    cr_assert_eq(1.0507009873554805f, (float)REF_LAMBDA);
    cr_assert_eq(1.7580993408473766f, (float)(REF_LAMBDA * REF_ALPHA));
    cr_assert_eq(val(GS_ACT_ELU, -INFINITY, NULL), -1.0f);

    const gs_act_info *sp = gs_act_get(GS_ACT_SOFTPLUS);
    float s = val(GS_ACT_SOFTPLUS, 0.0f, &d);
    cr_assert(fabs(s - M_LN2) <= sp->f_ulps * ulp_of(M_LN2) + sp->f_atol, "softplus(0) = %a",
              (double)s);
    cr_assert_eq(d, 0.5f);

    cr_assert_eq(val(GS_ACT_SIGMOID, 0.0f, &d), 0.5f);
    cr_assert_eq(d, 0.25f);
    cr_assert_eq(val(GS_ACT_TANH, 0.0f, &d), 0.0f);
    cr_assert_eq(d, 1.0f);
    cr_assert_eq(val(GS_ACT_GELU, 0.0f, &d), 0.0f);
    cr_assert_eq(d, 0.5f);
    cr_assert_eq(val(GS_ACT_GELU_TANH, 0.0f, &d), 0.0f);
    cr_assert_eq(d, 0.5f);
    cr_assert_eq(val(GS_ACT_SILU, 0.0f, &d), 0.0f);
    cr_assert_eq(d, 0.5f);
    cr_assert_eq(val(GS_ACT_MISH, 0.0f, NULL), 0.0f);
    cr_assert_eq(val(GS_ACT_SOFTSIGN, 1.0f, &d), 0.5f);
    cr_assert_eq(d, 0.25f);
    cr_assert_eq(val(GS_ACT_SOFTSIGN, -1.0f, NULL), -0.5f);
    cr_assert_eq(val(GS_ACT_HARDTANH, 2.0f, &d), 1.0f);
    cr_assert_eq(d, 0.0f);
    cr_assert_eq(val(GS_ACT_HARDTANH, -2.0f, &d), -1.0f);
    cr_assert_eq(d, 0.0f);
    cr_assert_eq(val(GS_ACT_HARDTANH, 0.5f, &d), 0.5f);
    cr_assert_eq(d, 1.0f);
}

Test(known, limits_and_nan)
{
    for (int a = 0; a < GS_ACT_COUNT; a++) {
        for (int s = -1; s <= 1; s += 2) {
            double ef, edf;
            ref_limit((gs_act)a, s, &ef, &edf);
            float d, f = val((gs_act)a, s * INFINITY, &d);
            cr_assert_eq(f, (float)ef, "%s(%cinf) = %g, want %g", act_name((gs_act)a),
                         s > 0 ? '+' : '-', (double)f, ef);
            cr_assert_eq(d, (float)edf, "%s'(%cinf) = %g, want %g", act_name((gs_act)a),
                         s > 0 ? '+' : '-', (double)d, edf);
        }
        cr_assert(isnan(val((gs_act)a, NAN, NULL)), "%s(NaN) must be NaN", act_name((gs_act)a));
        cr_assert(isnan(val((gs_act)a, -NAN, NULL)), "%s(-NaN) must be NaN", act_name((gs_act)a));
    }
}

/* ------------------------------------------------------- names and pieces */

Test(names, activations)
{
    const char *names = gs_act_names();
    int commas = 0;
    for (const char *p = names; *p; p++)
        commas += *p == ',';
    cr_assert_eq(commas + 1, GS_ACT_COUNT, "gs_act_names() lists every activation once");
    for (int a = 0; a < GS_ACT_COUNT; a++) {
        const gs_act_info *info = gs_act_get((gs_act)a);
        gs_act out = GS_ACT_COUNT;
        cr_assert_not_null(info);
        cr_assert_eq(gs_act_parse(info->name, &out), 0, "%s parses", info->name);
        cr_assert_eq(out, (gs_act)a);
        cr_assert_not_null(strstr(names, info->name));
        cr_assert(info->formula && info->kink && info->npieces >= 1 &&
                  info->npieces <= GS_MAX_PIECES);
        /* pieces tile the whole line */
        cr_assert(isinf(info->pieces[0].lo) && info->pieces[0].lo < 0);
        cr_assert(isinf(info->pieces[info->npieces - 1].hi));
        for (int i = 0; i + 1 < info->npieces; i++)
            cr_assert_eq(info->pieces[i].hi, info->pieces[i + 1].lo);
    }
    cr_assert_null(gs_act_get(GS_ACT_COUNT));
    static const char *bad[] = {"", "RELU", "relu ", " relu", "swish", "leaky-relu", "gelu_",
                                "tanhh", "re"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gs_act out = GS_ACT_RELU;
        cr_assert_eq(gs_act_parse(bad[i], &out), -1, "\"%s\" must be rejected", bad[i]);
        cr_assert_eq(out, GS_ACT_RELU, "a rejected name leaves *out alone");
    }
}

Test(names, isas)
{
    for (int i = 0; i < GS_ISA_COUNT; i++) {
        gs_isa out = GS_ISA_COUNT;
        cr_assert_eq(gs_isa_parse(gs_isa_name((gs_isa)i), &out), 0);
        cr_assert_eq(out, (gs_isa)i);
        cr_assert_not_null(strstr(gs_isa_names(), gs_isa_name((gs_isa)i)));
        const gs_kernels *k = gs_kernels_get((gs_isa)i);
        cr_assert_eq(k != NULL, gs_isa_supported((gs_isa)i));
        if (k) {
            cr_assert_eq(k->isa, (gs_isa)i);
            cr_assert(k->lanes >= 1 && k->lanes <= GS_BLOCK_LANES);
            for (int a = 0; a < GS_ACT_COUNT; a++)
                cr_assert_not_null(k->eval[a]);
        }
    }
    cr_assert(gs_isa_supported(GS_ISA_SCALAR));
    cr_assert(gs_isa_supported(gs_isa_best()));
    static const char *bad[] = {"", "sse", "AVX2", "avx", "avx-512", "avx512f", "scalar "};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        gs_isa out = GS_ISA_SCALAR;
        cr_assert_eq(gs_isa_parse(bad[i], &out), -1, "\"%s\" must be rejected", bad[i]);
    }
}

/* The mask is set once per process: each case runs in a child of its own. */
static bool in_child(bool (*fn)(int), int arg)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork");
    if (pid == 0)
        _exit(fn(arg) ? 0 : 1);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

Test(isa, detected_once)
{
    const unsigned sets = gs_isa_cpu_sets();
    cr_assert(sets & GS_ISA_BIT(GS_ISA_SCALAR));
    cr_assert_eq(sets & ~GS_ISA_ALL, 0);
    for (int i = 0; i < GS_ISA_COUNT; i++)
        cr_assert_eq(gs_isa_supported((gs_isa)i), (sets & GS_ISA_BIT((gs_isa)i)) != 0);
    cr_assert_eq(gs_isa_cpu_sets(), sets);
}

/* Masked to set i (and scalar): the best is i, and only those two are handed out. */
static bool mask_forces(int i)
{
    bool ok = gs_isa_set_mask(GS_ISA_BIT((gs_isa)i)) == 0 && gs_isa_best() == (gs_isa)i;
    for (int j = 0; j < GS_ISA_COUNT; j++) {
        const bool usable = (j == i || j == GS_ISA_SCALAR) && gs_isa_supported((gs_isa)j);
        ok = ok && (gs_kernels_get((gs_isa)j) != NULL) == usable;
    }
    return ok;
}

Test(isa, mask_forces_each_set)
{
    for (int i = 0; i < GS_ISA_COUNT; i++)
        if (gs_isa_supported((gs_isa)i))
            cr_expect(in_child(mask_forces, i), "masking to %s", gs_isa_name((gs_isa)i));
}

/* A second mask is refused and changes nothing. */
static bool mask_once(int unused)
{
    (void)unused;
    return gs_isa_set_mask(GS_ISA_BIT(GS_ISA_SCALAR)) == 0 && gs_isa_best() == GS_ISA_SCALAR &&
           gs_isa_set_mask(GS_ISA_ALL) == -1 && gs_isa_best() == GS_ISA_SCALAR;
}

/* Once a table is handed out, the mask cannot change the set in use. */
static bool no_mask_after_a_table(int unused)
{
    (void)unused;
    const gs_isa best = gs_isa_best();
    return gs_kernels_get(GS_ISA_SCALAR) != NULL &&
           gs_isa_set_mask(GS_ISA_BIT(GS_ISA_SCALAR)) == -1 && gs_isa_best() == best;
}

Test(isa, mask_is_set_once)
{
    cr_assert(in_child(mask_once, 0), "a second mask must be refused");
    cr_assert(in_child(no_mask_after_a_table, 0),
              "the mask must not change once a table is handed out");
}

Test(names, pieces)
{
    cr_assert_eq(gs_act_piece_of(GS_ACT_RELU, -3, -1), GS_PIECE_FLAT);
    cr_assert_eq(gs_act_piece_of(GS_ACT_RELU, 1, 2), GS_PIECE_AFFINE);
    cr_assert_eq(gs_act_piece_of(GS_ACT_RELU, -1, 1), -1);
    cr_assert_eq(gs_act_piece_of(GS_ACT_HARDTANH, -5, -2), GS_PIECE_FLAT);
    cr_assert_eq(gs_act_piece_of(GS_ACT_HARDTANH, -0.5f, 0.5f), GS_PIECE_AFFINE);
    cr_assert_eq(gs_act_piece_of(GS_ACT_HARDTANH, 2, 5), GS_PIECE_FLAT);
    cr_assert_eq(gs_act_piece_of(GS_ACT_HARDTANH, 0, 2), -1);
    cr_assert_eq(gs_act_piece_of(GS_ACT_HARDTANH, -2, 2), -1);
    cr_assert_eq(gs_act_piece_of(GS_ACT_LEAKY_RELU, -3, -1), GS_PIECE_AFFINE);
    cr_assert_eq(gs_act_piece_of(GS_ACT_LEAKY_RELU, -1, 1), -1);
    cr_assert_eq(gs_act_piece_of(GS_ACT_IDENTITY, -1e30f, 1e30f), GS_PIECE_AFFINE);
    cr_assert_eq(gs_act_piece_of(GS_ACT_ELU, 1, 2), GS_PIECE_AFFINE);
    cr_assert_eq(gs_act_piece_of(GS_ACT_ELU, -2, -1), GS_PIECE_CURVED);
    static const float iv[][2] = {{-3, -1}, {1, 2}, {-1, 1}, {-1e30f, 1e30f}};
    for (size_t i = 0; i < sizeof iv / sizeof *iv; i++)
        cr_assert_eq(gs_act_piece_of(GS_ACT_SOFTPLUS, iv[i][0], iv[i][1]), GS_PIECE_CURVED);
}
