/* kernel_inputs.h for the f64 kernels: bit views of doubles and the extreme
 * and special double inputs (include after kernel_inputs.h, which has the
 * generator). */
#ifndef GS_TESTS_KERNEL_INPUTS64_H
#define GS_TESTS_KERNEL_INPUTS64_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t d2u(double f)
{
    uint64_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline double u2d(uint64_t u)
{
    double f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Same bits, any NaN matching any NaN (see same_bits). */
static inline int same_bits64(double a, double b)
{
    return d2u(a) == d2u(b) || (isnan(a) && isnan(b));
}

/* sign * 10^U(-300, 300) */
static inline double rng_logmag64(rng *r)
{
    double m = pow(10.0, -300.0 + 600.0 * rng_unit(r));
    return (rng_next(r) & 1) ? -m : m;
}

static inline double rng_uniform64(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unit(r);
}

#define MAX_SPECIAL64 320

/* Zeros, infinities, NaNs with payloads and signs, the double range ends,
 * denormals, the exp overflow and underflow regions, the kinks and the
 * clamps of act_impl64.h (softplus's threshold 20, gelu_tanh's 30, gelu's 40,
 * silu's and mish's 800, softsign's 1e300), and their double neighbours. */
static inline size_t special_inputs64(double *z, size_t cap)
{
    static const uint64_t raw[] = {
        0x0000000000000000ull, 0x8000000000000000ull,   /* +-0 */
        0x7ff0000000000000ull, 0xfff0000000000000ull,   /* +-inf */
        0x7ff8000000000000ull, 0xfff8000000000000ull,   /* quiet NaN, the x86 default NaN */
        0x7ff8123456789abcull, 0xfffd54321abcdef0ull,   /* quiet NaNs with payloads */
        0x7ff0000000000001ull, 0xfff0000012345678ull,   /* signalling NaNs */
        0x7fefffffffffffffull, 0xffefffffffffffffull,   /* +-DBL_MAX */
        0x0010000000000000ull, 0x8010000000000000ull,   /* +-DBL_MIN */
        0x0000000000000001ull, 0x8000000000000001ull,   /* smallest denormal */
        0x000fffffffffffffull, 0x800fffffffffffffull,   /* largest denormal */
    };
    static const double pts[] = {1e-310, 1e-30, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 22.0, 30.0,
                                 37.5, 38.6, 40.0, 88.7, 100.0, 372.0, 709.78, 745.1, 800.0,
                                 1e10, 1e19, 1e30, 1e154, 1e300, 1e305};
    static const double kinks[] = {0.0, 1.0, -1.0, 20.0};
    size_t n = 0;
    for (size_t i = 0; i < sizeof raw / sizeof *raw && n < cap; i++)
        z[n++] = u2d(raw[i]);
    for (size_t i = 0; i < sizeof pts / sizeof *pts && n + 6 <= cap; i++) {
        double p = pts[i];
        z[n++] = p;
        z[n++] = -p;
        z[n++] = nextafter(p, INFINITY);
        z[n++] = nextafter(p, 0.0);
        z[n++] = -nextafter(p, INFINITY);
        z[n++] = -nextafter(p, 0.0);
    }
    for (size_t i = 0; i < sizeof kinks / sizeof *kinks && n + 4 <= cap; i++) {
        double k = kinks[i], up = nextafter(k, INFINITY), dn = nextafter(k, -INFINITY);
        z[n++] = up;
        z[n++] = dn;
        z[n++] = nextafter(up, INFINITY);
        z[n++] = nextafter(dn, -INFINITY);
    }
    return n;
}

#endif
