/* Kernel checker (in the spirit of dav1d's checkasm): every SIMD kernel set
 * must match the scalar reference bit for bit, and the reference must stay
 * within the activation table's accuracy bounds of a double evaluation. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "gridsweep/activation.h"
#include "gridsweep/isa.h"
#include "gridsweep/kernels.h"

/* ---------------------------------------------------------------- helpers */

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* xorshift64: fixed seeds keep every run identical */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1p-53; }

static float rng_uniform(rng *r, double lo, double hi)
{
    return (float)(lo + (hi - lo) * rng_unit(r));
}

/* sign * 10^U(-30, 30) */
static float rng_logmag(rng *r)
{
    float m = (float)pow(10.0, -30.0 + 60.0 * rng_unit(r));
    return (rng_next(r) & 1) ? -m : m;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    cr_assert_not_null(p, "out of memory");
    return p;
}

static const char *act_name(gs_act act) { return gs_act_get(act)->name; }

/* Extreme and special inputs: zeros, infinities, NaNs with several payloads
 * and signs, the float range ends, denormals, the exp overflow region, the
 * kinks and the clamps in act_impl.h, and their float neighbours. */
static size_t special_inputs(float *z, size_t cap)
{
    static const uint32_t raw[] = {
        0x00000000u, 0x80000000u,              /* +-0 */
        0x7f800000u, 0xff800000u,              /* +-inf */
        0x7fc00000u, 0xffc00000u,              /* quiet NaN, the x86 default NaN */
        0x7fc12345u, 0xffd54321u,              /* quiet NaNs with payloads */
        0x7f800001u, 0xff812345u,              /* signalling NaNs */
        0x7f7fffffu, 0xff7fffffu,              /* +-FLT_MAX */
        0x00800000u, 0x80800000u,              /* +-FLT_MIN */
        0x00000001u, 0x80000001u,              /* smallest denormal */
        0x007fffffu, 0x807fffffu,              /* largest denormal */
    };
    static const float pts[] = {1e-40f, 88.7f, 89.0f, 100.0f, 1e10f, 1.0f, 10.0f, 12.0f,
                                20.0f, 104.0f, 200.0f, 1e19f, 1e30f, 0.5f, 2.0f, 5.0f};
    static const float kinks[] = {0.0f, 1.0f, -1.0f};
    size_t n = 0;
    for (size_t i = 0; i < sizeof raw / sizeof *raw && n < cap; i++)
        z[n++] = u2f(raw[i]);
    for (size_t i = 0; i < sizeof pts / sizeof *pts && n + 6 <= cap; i++) {
        float p = pts[i];
        z[n++] = p;
        z[n++] = -p;
        z[n++] = nextafterf(p, INFINITY);
        z[n++] = nextafterf(p, 0.0f);
        z[n++] = -nextafterf(p, INFINITY);
        z[n++] = -nextafterf(p, 0.0f);
    }
    for (size_t i = 0; i < sizeof kinks / sizeof *kinks && n + 4 <= cap; i++) {
        float k = kinks[i], up = nextafterf(k, INFINITY), dn = nextafterf(k, -INFINITY);
        z[n++] = up;
        z[n++] = dn;
        z[n++] = nextafterf(up, INFINITY);
        z[n++] = nextafterf(dn, -INFINITY);
    }
    return n;
}

#define MAX_SPECIAL 256

/* The sets this CPU runs besides scalar. */
static int simd_sets(const gs_kernels **out)
{
    int n = 0;
    for (int i = 0; i < GS_ISA_COUNT; i++) {
        const gs_kernels *k = gs_kernels_get((gs_isa)i);
        if (i != GS_ISA_SCALAR && k)
            out[n++] = k;
    }
    return n;
}

/* cached: gs_kernels_get runs cpuid, which is slow under virtualization */
static const gs_kernels *scalar(void)
{
    static const gs_kernels *k;
    if (!k)
        k = gs_kernels_get(GS_ISA_SCALAR);
    cr_assert_not_null(k, "the scalar kernel set must always be available");
    return k;
}

/* ------------------------------------------------------- bit-exactness */

#define MAX_REPORTS 8

/* Same bits, except that any NaN matches any NaN: payload and sign depend on
 * which operand of a commutative instruction the compiler put first (the SIMD
 * sets differ from scalar there, e.g. on gelu_tanh(-NaN) and mish(NaN)). */
static int same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Runs z[0..n) through the scalar and the SIMD set, compares the bit patterns
 * of value and derivative, reports the first few mismatches and returns their
 * count. */
static size_t compare_bits(gs_act act, const gs_kernels *k, const float *z, size_t n,
                           const char *what)
{
    float *f0 = xmalloc(4 * n * sizeof *f0 + 4);
    float *df0 = f0 + n, *f1 = df0 + n, *df1 = f1 + n;
    scalar()->eval[act](z, f0, df0, n);
    k->eval[act](z, f1, df1, n);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (same_bits(f0[i], f1[i]) && same_bits(df0[i], df1[i]))
            continue;
        if (bad++ < MAX_REPORTS)
            cr_log_error("%s on %s (%s): z = %a [%08x]: scalar f = %a [%08x] f' = %a [%08x], "
                         "%s f = %a [%08x] f' = %a [%08x]",
                         act_name(act), gs_isa_name(k->isa), what, (double)z[i], f2u(z[i]),
                         (double)f0[i], f2u(f0[i]), (double)df0[i], f2u(df0[i]),
                         gs_isa_name(k->isa), (double)f1[i], f2u(f1[i]), (double)df1[i],
                         f2u(df1[i]));
    }
    free(f0);
    return bad;
}

#define N_RANDOM (1u << 16)

static void check_bitexact(gs_act act)
{
    const gs_kernels *sets[GS_ISA_COUNT];
    int nsets = simd_sets(sets);
    if (nsets == 0)
        cr_skip_test("no SIMD kernel set runs on this CPU");
    float *z = xmalloc(N_RANDOM * sizeof *z);
    rng r = {0x9e3779b97f4a7c15ull + (uint64_t)act};
    size_t bad = 0;
    for (int s = 0; s < nsets; s++) {
        for (size_t i = 0; i < N_RANDOM; i++)
            z[i] = rng_uniform(&r, -90, 90);
        bad += compare_bits(act, sets[s], z, N_RANDOM, "uniform [-90, 90]");
        for (size_t i = 0; i < N_RANDOM; i++)
            z[i] = rng_uniform(&r, -1, 1);
        bad += compare_bits(act, sets[s], z, N_RANDOM, "uniform [-1, 1]");
        for (size_t i = 0; i < N_RANDOM; i++)
            z[i] = rng_logmag(&r);
        bad += compare_bits(act, sets[s], z, N_RANDOM, "log-uniform 1e-30..1e30");
        for (size_t i = 0; i < N_RANDOM; i++)
            z[i] = u2f((uint32_t)rng_next(&r));    /* any bit pattern, NaNs included */
        bad += compare_bits(act, sets[s], z, N_RANDOM, "random bit patterns");
        size_t ns = special_inputs(z, MAX_SPECIAL);
        bad += compare_bits(act, sets[s], z, ns, "special inputs");
    }
    free(z);
    cr_assert_eq(bad, 0, "%s: %zu results differ from the scalar reference", act_name(act), bad);
}

/* Every length 0..100 from every start offset 0..15 (input and outputs
 * misaligned differently): the same bits as scalar, and nothing written
 * outside [0, n). */
#define MAX_LEN 100
#define MAX_OFF 16
#define GUARD 0xdeadbeefu

static void check_lengths(gs_act act)
{
    const gs_kernels *sets[GS_ISA_COUNT];
    int nsets = simd_sets(sets);
    const gs_kernels *all[GS_ISA_COUNT + 1] = {scalar()};
    for (int s = 0; s < nsets; s++)
        all[s + 1] = sets[s];
    enum { CAP = MAX_LEN + 2 * MAX_OFF };
    float src[CAP], ref_f[MAX_LEN], ref_df[MAX_LEN], f[CAP], df[CAP];
    float pool[MAX_SPECIAL];
    size_t npool = special_inputs(pool, MAX_SPECIAL);
    rng r = {0x2545f4914f6cdd1dull + (uint64_t)act};
    size_t bad = 0;
    for (size_t n = 0; n <= MAX_LEN; n++) {
        for (size_t off = 0; off < MAX_OFF; off++) {
            size_t oo = (off * 7 + 3) % MAX_OFF;   /* output offset */
            for (size_t i = 0; i < CAP; i++)
                src[i] = (rng_next(&r) & 3) == 0 ? pool[rng_next(&r) % npool]
                                                  : rng_uniform(&r, -12, 12);
            scalar()->eval[act](&src[off], ref_f, ref_df, n);
            for (int s = 0; s <= nsets; s++) {
                for (size_t i = 0; i < CAP; i++)
                    f[i] = df[i] = u2f(GUARD);
                all[s]->eval[act](&src[off], &f[oo], &df[oo], n);
                for (size_t i = 0; i < CAP; i++) {
                    int inside = i >= oo && i < oo + n;
                    int ok = inside ? same_bits(f[i], ref_f[i - oo]) &&
                                          same_bits(df[i], ref_df[i - oo])
                                    : f2u(f[i]) == GUARD && f2u(df[i]) == GUARD;
                    if (!ok && bad++ < MAX_REPORTS)
                        cr_log_error("%s on %s: n = %zu, input offset %zu, output offset %zu, "
                                     "element %td: %s (f = %a [%08x], f' = %a [%08x])",
                                     act_name(act), gs_isa_name(all[s]->isa), n, off, oo,
                                     (ptrdiff_t)i - (ptrdiff_t)oo,
                                     inside ? "differs from scalar on a fresh call"
                                            : "written outside [0, n)",
                                     (double)f[i], f2u(f[i]), (double)df[i], f2u(df[i]));
                }
            }
        }
    }
    cr_assert_eq(bad, 0, "%s: %zu length/offset failures", act_name(act), bad);
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
    /* the fastest set: the bitexact tests hold it to the scalar bits */
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
    Test(bitexact, name) { check_bitexact(GS_ACT_##ID); }                                  \
    Test(lengths, name) { check_lengths(GS_ACT_##ID); }                                    \
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
