/* gs_format_g against glibc's sprintf("%.*g"): the same bytes on random
 * floats and doubles across every decade the map rows reach and beyond,
 * exact ties (dyadic values with short expansions), the edges of each
 * decade where rounding carries into the next, zeros, subnormals and the
 * non-finite, at every precision from 1 to 17. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/numformat.h"

/* splitmix64: the test's values, the same on every run */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static long failures;

/* One value at one precision; the first few differences are printed. */
static void check(double v, int precision)
{
    char want[64], got[64];
    memset(got, 'x', sizeof got);
    const int n = snprintf(want, sizeof want, "%.*g", precision, v);
    const char *end = gs_format_g(got, v, precision);
    if (strcmp(want, got) != 0 || end != got + n) {
        if (failures < 10)
            cr_log_error("%%.%dg of %a: printf \"%s\", gs_format_g \"%s\"", precision, v, want, got);
        failures++;
    }
}

Test(numformat, random_floats_at_9_digits_and_every_precision)
{
    uint64_t s = 1;
    failures = 0;
    for (long i = 0; i < 3000000; i++) {
        const uint32_t bits = (uint32_t)next_u64(&s);
        float f;
        memcpy(&f, &bits, sizeof f);
        check((double)f, 9);
        if (i % 16 == 0)
            check((double)f, 1 + (int)(i / 16 % 17));
    }
    cr_expect_eq(failures, 0, "%ld differences", failures);
}

Test(numformat, random_doubles_at_17_digits_and_every_precision)
{
    uint64_t s = 2;
    failures = 0;
    for (long i = 0; i < 3000000; i++) {
        /* every exponent, and twice as many from 1e-13 to 1e32 (the fast path) */
        uint64_t bits = next_u64(&s);
        if (i % 3)
            bits = (bits & 0x800fffffffffffffull) | ((uint64_t)(980 + next_u64(&s) % 130) << 52);
        double v;
        memcpy(&v, &bits, sizeof v);
        check(v, 17);
        if (i % 16 == 0)
            check(v, 1 + (int)(i / 16 % 17));
    }
    cr_expect_eq(failures, 0, "%ld differences", failures);
}

Test(numformat, exact_ties_round_half_to_even)
{
    failures = 0;
    /* k / 2^n has n decimals after the point: at a precision that cuts its
     * last digit, a 5, the value is a tie */
    for (int n = 0; n <= 40; n++)
        for (uint64_t k = 1; k < 4000; k++) {
            const double v = ldexp((double)k, -n);
            for (int p = 1; p <= 17; p++)
                check(v, p), check(-v, p);
        }
    /* integers ending in 5 and their halves, and big dyadics */
    for (uint64_t k = 5; k < 2000000; k += 10)
        for (int p = 1; p <= 7; p++)
            check((double)k, p), check((double)k / 2, p);
    for (int n = 0; n < 100; n++)
        for (int p = 1; p <= 17; p++)
            check(ldexp(1.0, n), p), check(ldexp(3.0, n), p), check(ldexp(1.0, -n), p);
    cr_expect_eq(failures, 0, "%ld differences", failures);
}

Test(numformat, decade_edges_and_carries)
{
    failures = 0;
    for (int j = -40; j <= 40; j++) {
        const double t = pow(10, j);
        for (int p = 1; p <= 17; p++) {
            /* 10^j itself, its neighbours, and the values just below it that
             * round up into its decade at precision p */
            double v = t, w = t;
            for (int u = 0; u < 8; u++) {
                check(v, p), check(w, p);
                v = nextafter(v, INFINITY), w = nextafter(w, 0);
            }
            const double below = t * (1 - 0.5 * pow(10, -p));
            v = below;
            for (int u = 0; u < 8; u++)
                check(v, p), v = nextafter(v, 0);
            v = below;
            for (int u = 0; u < 8; u++)
                check(v, p), v = nextafter(v, INFINITY);
        }
    }
    cr_expect_eq(failures, 0, "%ld differences", failures);
}

Test(numformat, zeros_subnormals_extremes_and_non_finite)
{
    failures = 0;
    const double special[] = {0.0,      -0.0,     DBL_MIN,   -DBL_MIN, DBL_MAX,   -DBL_MAX,
                              DBL_TRUE_MIN, 1e-310, FLT_MIN, FLT_MAX, FLT_TRUE_MIN, INFINITY,
                              -INFINITY, NAN,     1e-5,     1e-4,      99999.5,  1e16,
                              1e17,     1e30,     1e31,     0.1,       0.2,      0.3};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        for (int p = 1; p <= 17; p++)
            check(special[i], p);
    cr_expect_eq(failures, 0, "%ld differences", failures);
}

/* The map rows' two callers: floats at 9 digits and doubles at 17, over
 * the ranges map values keep to. */
Test(numformat, values_like_map_rows_agree)
{
    uint64_t s = 3;
    failures = 0;
    for (long i = 0; i < 2000000; i++) {
        const double u = (double)(next_u64(&s) >> 11) * 0x1p-53;
        const double v = (u - 0.5) * pow(10, (int)(next_u64(&s) % 12) - 6);
        check((double)(float)v, 9);
        check(v, 17);
    }
    cr_expect_eq(failures, 0, "%ld differences", failures);
}
