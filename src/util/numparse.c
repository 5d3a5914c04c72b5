/* Strict number parsers (numparse.h). The float parser is also the map
 * reader's hot path: a 3 GB map is 200 million of its calls, hence the fast
 * path for the short decimals the writer prints. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/numparse.h"

int gs_parse_i64(const char *s, int64_t *out)
{
    const char *p = s;
    const bool neg = *p == '-';
    p += neg;
    if (!isdigit((unsigned char)*p))
        return GS_NUM_MALFORMED;
    uint64_t v = 0;
    bool big = false;
    for (; isdigit((unsigned char)*p); p++) {
        const unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            big = true;
        else
            v = v * 10 + d;
    }
    if (*p)
        return GS_NUM_MALFORMED;
    if (big || v > (uint64_t)INT64_MAX + neg)
        return GS_NUM_RANGE;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

int gs_parse_int(const char *s, int *out)
{
    int64_t v;
    const int rc = gs_parse_i64(s, &v);
    if (rc)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX)
        return GS_NUM_RANGE;
    *out = (int)v;
    return 0;
}

int gs_parse_u64(const char *s, uint64_t *out)
{
    if (*s == '-')
        return GS_NUM_MALFORMED;
    int64_t unused;
    const int rc = gs_parse_i64(s, &unused);
    if (rc == GS_NUM_MALFORMED)
        return rc;
    errno = 0;
    const unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE)
        return GS_NUM_RANGE;
    *out = v;
    return 0;
}

/* The decimal grammar; *exact and *m, *e10 describe it when it has at most
 * 17 significant digits (m * 10^e10 is then the exact value). */
static bool decimal(const char *s, uint64_t *m, int *e10, bool *exact)
{
    const char *p = s + (*s == '-');
    int ndig = 0;
    *m = 0, *e10 = 0, *exact = true;
    for (; isdigit((unsigned char)*p); p++, ndig++) {
        if (*m < UINT64_C(100000000000000000))
            *m = *m * 10 + (uint64_t)(*p - '0');
        else
            *exact = false;
    }
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, ndig++) {
            if (*m < UINT64_C(100000000000000000))
                *m = *m * 10 + (uint64_t)(*p - '0'), --*e10;
            else
                *exact = false;
        }
    }
    if (ndig == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        const bool eneg = *p == '-';
        p += (*p == '-' || *p == '+');
        if (!isdigit((unsigned char)*p))
            return false;
        int e = 0;
        for (; isdigit((unsigned char)*p); p++)
            e = e < 10000 ? e * 10 + (*p - '0') : e;
        *e10 += eneg ? -e : e;
    }
    return *p == 0;
}

int gs_parse_double(const char *s, double *out)
{
    uint64_t m;
    int e10;
    bool exact;
    if (!decimal(s, &m, &e10, &exact))
        return GS_NUM_MALFORMED;
    const double v = strtod(s, NULL);
    if (isinf(v))
        return GS_NUM_RANGE;
    *out = v;
    return 0;
}

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* d is the double nearest the decimal; (float)d is then the float nearest the
 * decimal too, unless d fell exactly on a midpoint between two floats (double
 * rounding). Only then is strtof needed. */
static bool float_midpoint(double d, float f)
{
    if ((double)f == d)
        return false;
    float g = nextafterf(f, d > f ? INFINITY : -INFINITY);
    return d == ((double)f + (double)g) * 0.5;
}

/* Exact decimals of up to 15 digits with a small exponent take Clinger's fast
 * path (one correctly rounded multiply or divide); the rest go to strtof. */
int gs_parse_float(const char *s, float *out)
{
    uint64_t m;
    int e10;
    bool exact;
    if (!decimal(s, &m, &e10, &exact))
        return GS_NUM_MALFORMED;
    if (exact && m <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
        double d = (double)m;
        d = e10 < 0 ? d / pow10_exact[-e10] : d * pow10_exact[e10];
        const float f = (float)d;
        if (isfinite(f) && !float_midpoint(d, f)) {
            *out = *s == '-' ? -f : f;
            return 0;
        }
    }
    const float v = strtof(s, NULL);
    if (isinf(v))
        return GS_NUM_RANGE;
    *out = v;
    return 0;
}

int gs_parse_double_any(const char *s, double *out)
{
    const char *p = s + (*s == '-');
    if (strcmp(p, "nan") == 0 || strcmp(p, "inf") == 0) {
        const double v = *p == 'n' ? NAN : INFINITY;
        *out = p == s ? v : -v;
        return 0;
    }
    return gs_parse_double(s, out);
}

int gs_parse_float_any(const char *s, float *out)
{
    const char *p = s + (*s == '-');
    if (strcmp(p, "nan") == 0 || strcmp(p, "inf") == 0) {
        const float v = *p == 'n' ? NAN : INFINITY;
        *out = p == s ? v : -v;
        return 0;
    }
    return gs_parse_float(s, out);
}
