/* Inputs shared by the kernel tests (checkkernels and test_kernels): bit
 * views of floats, a seeded generator, and the extreme and special inputs
 * every kernel must survive. Header-only: each test is one program. */
#ifndef GS_TESTS_KERNEL_INPUTS_H
#define GS_TESTS_KERNEL_INPUTS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Same bits, except that any NaN matches any NaN: payload and sign depend on
 * which operand of a commutative instruction the compiler put first (the SIMD
 * sets differ from scalar there, e.g. on gelu_tanh(-NaN) and mish(NaN)). */
static inline int same_bits(float a, float b)
{
    return f2u(a) == f2u(b) || (isnan(a) && isnan(b));
}

/* xorshift64: a fixed seed gives the same inputs on every run. */
typedef struct rng {
    uint64_t s;
} rng;

static inline uint64_t rng_next(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static inline double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1p-53; }

static inline float rng_uniform(rng *r, double lo, double hi)
{
    return (float)(lo + (hi - lo) * rng_unit(r));
}

/* Runs of one sign, 1 to 64 long, magnitudes U[0, 12] (in the precision
 * the caller casts to: the float of a double 12u is rng_uniform's): whole
 * vectors on one side of 0 and vectors across it, in every mix (elu, celu
 * and selu take a vector with every lane above 0 apart from the rest). */
typedef struct sign_runs {
    size_t left;
    double sign;
} sign_runs;

static inline double sign_runs_next(sign_runs *s, rng *r)
{
    if (s->left == 0) {
        s->left = 1 + rng_next(r) % 64;
        s->sign = (rng_next(r) & 1) ? 1 : -1;
    }
    s->left--;
    return s->sign * (0 + 12 * rng_unit(r));
}

/* sign * 10^U(-30, 30) */
static inline float rng_logmag(rng *r)
{
    float m = (float)pow(10.0, -30.0 + 60.0 * rng_unit(r));
    return (rng_next(r) & 1) ? -m : m;
}

#define MAX_SPECIAL 256

/* Extreme and special inputs: zeros, infinities, NaNs with several payloads
 * and signs, the float range ends, denormals, the exp overflow region, the
 * kinks and the clamps in act_impl.h, and their float neighbours. */
static inline size_t special_inputs(float *z, size_t cap)
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

#endif
