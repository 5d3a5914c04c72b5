/* %.Pg in integer arithmetic. A finite double is m 2^e (m < 2^53); its P
 * significant digits are q = m 2^e 10^k rounded to an integer (k = P - 1 -
 * the decimal exponent), half to even as glibc rounds the exact value. With
 * 5^|k| below 2^64 the product or quotient fits in 128 bits and the rounding
 * is decided exactly, from the remainder; every other value (subnormal,
 * beyond about 1e-11 to 1e30, non-finite) and a compiler without a 128-bit
 * integer go to snprintf, as do precisions outside 1 to 17. tests/test_map.c
 * compares the two on millions of values, ties and decade edges among them. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/numformat.h"

#define PREC_MAX 17

static char *format_printf(char *p, double v, int precision)
{
    return p + sprintf(p, "%.*g", precision, v);
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 u128;

#define POW5_MAX 27   /* 5^27 < 2^63 */
static const uint64_t POW5[POW5_MAX + 1] = {
    1ull,
    5ull,
    25ull,
    125ull,
    625ull,
    3125ull,
    15625ull,
    78125ull,
    390625ull,
    1953125ull,
    9765625ull,
    48828125ull,
    244140625ull,
    1220703125ull,
    6103515625ull,
    30517578125ull,
    152587890625ull,
    762939453125ull,
    3814697265625ull,
    19073486328125ull,
    95367431640625ull,
    476837158203125ull,
    2384185791015625ull,
    11920928955078125ull,
    59604644775390625ull,
    298023223876953125ull,
    1490116119384765625ull,
    7450580596923828125ull,
};

/* quo rounded half to even by the remainder: rem / den against 1/2. */
static u128 round_even(u128 quo, u128 rem, u128 den)
{
    const u128 twice = rem << 1;
    return twice > den || (twice == den && (quo & 1)) ? quo + 1 : quo;
}

/* *q = m 2^e 10^k rounded half to even; -1 where that is out of this
 * arithmetic's reach (the caller falls back to snprintf). */
static int scaled(uint64_t m, int e, int k, uint64_t *q)
{
    u128 r;
    if (k >= 0) {
        if (k > POW5_MAX)
            return -1;
        const u128 n = (u128)m * POW5[k];   /* below 2^116 */
        const int sh = e + k;               /* m 2^e 10^k = n 2^sh */
        if (sh >= 0) {
            if (sh >= 64 || (n >> (64 - sh)) != 0)
                return -1;
            r = n << sh;
        } else {
            if (-sh >= 120)
                return -1;
            const u128 quo = n >> -sh;
            r = round_even(quo, n - (quo << -sh), (u128)1 << -sh);
        }
    } else {
        if (-k > POW5_MAX)
            return -1;
        u128 num = m, den = (u128)POW5[-k] << -k;   /* 10^-k, below 2^90 */
        if (e >= 0) {
            if (e > 70)
                return -1;
            num <<= e;
        } else {
            if (-e > 35)
                return -1;
            den <<= -e;
        }
        const u128 quo = num / den;
        r = round_even(quo, num - quo * den, den);
    }
    if (r > UINT64_MAX)
        return -1;
    *q = (uint64_t)r;
    return 0;
}

/* The digits of q, exactly n of them (q < 10^n). */
static void put_digits(char *d, uint64_t q, int n)
{
    for (int i = n - 1; i >= 0; i--, q /= 10)
        d[i] = (char)('0' + q % 10);
}

/* How many of the n digits remain once trailing zeros go. */
static int trim_zeros(const char *d, int n)
{
    while (n > 0 && d[n - 1] == '0')
        n--;
    return n;
}

char *gs_format_g(char *p, double v, int precision)
{
    if (precision < 1 || precision > PREC_MAX || !isfinite(v))
        return format_printf(p, v, precision);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    const int neg = (int)(bits >> 63), field = (int)((bits >> 52) & 0x7ff);
    if (v == 0) {
        if (neg)
            *p++ = '-';
        *p++ = '0';
        *p = 0;
        return p;
    }
    if (field == 0)   /* subnormal */
        return format_printf(p, v, precision);
    const uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
    const int e = field - 1075;   /* |v| = m 2^e */
    static const uint64_t POW10[PREC_MAX + 1] = {1ull,
                                                 10ull,
                                                 100ull,
                                                 1000ull,
                                                 10000ull,
                                                 100000ull,
                                                 1000000ull,
                                                 10000000ull,
                                                 100000000ull,
                                                 1000000000ull,
                                                 10000000000ull,
                                                 100000000000ull,
                                                 1000000000000ull,
                                                 10000000000000ull,
                                                 100000000000000ull,
                                                 1000000000000000ull,
                                                 10000000000000000ull,
                                                 100000000000000000ull};
    /* The decimal exponent: floor(log10 |v|), or one less (|v| is in
     * [2^(e2 - 1), 2^e2)); the loop moves it up until q has P digits, which
     * also takes a rounding up to 10^P into the next decade. */
    const int e2 = e + 53;
    int x = (int)floor((e2 - 1) * 0.30102999566398119521), tries = 0;
    uint64_t q = 0;
    for (;; tries++) {
        if (tries == 3 || scaled(m, e, precision - 1 - x, &q))
            return format_printf(p, v, precision);
        if (q >= POW10[precision])
            x++;
        else if (q < POW10[precision - 1])
            x--;
        else
            break;
    }
    char d[PREC_MAX];
    put_digits(d, q, precision);
    if (neg)
        *p++ = '-';
    if (x < -4 || x >= precision) {   /* d.ddde+XX */
        const int n = trim_zeros(d, precision);
        *p++ = d[0];
        if (n > 1) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)n - 1);
            p += n - 1;
        }
        *p++ = 'e';
        *p++ = x < 0 ? '-' : '+';
        const int ax = x < 0 ? -x : x;
        if (ax >= 100)
            *p++ = (char)('0' + ax / 100);
        *p++ = (char)('0' + ax / 10 % 10);
        *p++ = (char)('0' + ax % 10);
    } else if (x >= 0) {   /* ddd.ddd: x + 1 digits before the point */
        const int n = trim_zeros(d, precision);
        memcpy(p, d, (size_t)x + 1);
        p += x + 1;
        if (n > x + 1) {
            *p++ = '.';
            memcpy(p, d + x + 1, (size_t)(n - x - 1));
            p += n - x - 1;
        }
    } else {   /* 0.000ddd */
        const int n = trim_zeros(d, precision);
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *p++ = '0';
        memcpy(p, d, (size_t)n);
        p += n;
    }
    *p = 0;
    return p;
}

#else
char *gs_format_g(char *p, double v, int precision) { return format_printf(p, v, precision); }
#endif
