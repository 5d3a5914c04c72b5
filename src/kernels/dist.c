/* Quantile functions of the data distributions, in double (include/gridsweep/dist.h).
 * One translation unit for every kernel set, so a sample has the same bits
 * whichever set draws it. */
#include <math.h>
#include <stdbool.h>

#include "gridsweep/dist.h"

static const double PI = 3.14159265358979323846;

int gs_dist_make(gs_dist_kind kind, double loc, double scale, double nu, gs_dist *out,
                 gs_error *err)
{
    *out = (gs_dist){.kind = kind, .loc = loc, .scale = scale, .nu = nu};
    if (kind == GS_DIST_UNIFORM)
        return 0;
    if (!isfinite(loc))
        return gs_fail(err, "the location must be a finite number, got %g", loc);
    if (!(scale > 0) || !isfinite(scale))
        return gs_fail(err, "the scale must be a positive finite number, got %g", scale);
    if (kind == GS_DIST_STUDENT_T) {
        if (!(nu > 0) || !isfinite(nu))
            return gs_fail(err, "nu must be a positive finite number, got %g", nu);
        out->log_beta = lgamma(0.5 * nu) + lgamma(0.5) - lgamma(0.5 * nu + 0.5);
    }
    return 0;
}

/* ---- normal: Wichura, Algorithm AS 241 (PPND16), Appl. Statist. 37 (1988) --- */

static double normal_quantile(double p)
{
    const double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        const double r = 0.180625 - q * q;
        return q *
               (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
                     67265.770927008700853) * r + 45921.953931549871457) * r +
                   13731.693765509461125) * r + 1971.5909503065514427) * r +
                 133.14166789178437745) * r + 3.387132872796366608) /
               (((((((r * 5226.495278852545925 + 28729.085735721942674) * r +
                     39307.89580009271061) * r + 21213.794301586595867) * r +
                   5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    double r = sqrt(-log(q < 0 ? p : 1.0 - p)), val;
    if (r <= 5.0) {
        r -= 1.6;
        val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
                    0.24178072517745061177) * r + 1.27045825245236838258) * r +
                  3.64784832476320460504) * r + 5.7694972214606914055) * r +
                4.6303378461565452959) * r + 1.42343711074968357734) /
              (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                    0.0151986665636164571966) * r + 0.14810397642748007459) * r +
                  0.68976733498510000455) * r + 1.6763848301838038494) * r +
                2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                    0.0012426609473880784386) * r + 0.026532189526576123093) * r +
                  0.29656057182850489123) * r + 1.7848265399172913358) * r +
                5.4637849111641143699) * r + 6.6579046435011037772) /
              (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                    1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
                  0.0148753612908506148525) * r + 0.13692988092273580531) * r +
                0.59983220655588793769) * r + 1.0);
    }
    return q < 0 ? -val : val;
}

/* ---- Student's t ------------------------------------------------------- */

/* The continued fraction of the regularised incomplete beta I_x(a, b)
 * (modified Lentz), convergent for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    d = 1.0 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        const double m2 = 2.0 * m;
        for (int half = 0; half < 2; half++) {
            const double aa = half == 0 ? m * (b - m) * x / ((a - 1.0 + m2) * (a + m2))
                                        : -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
            d = 1.0 + aa * d;
            c = 1.0 + aa / c;
            d = 1.0 / (fabs(d) < tiny ? tiny : d);
            c = fabs(c) < tiny ? tiny : c;
            h *= d * c;
            if (half == 1 && fabs(d * c - 1.0) < 1e-16)
                return h;
        }
    }
    return h;
}

/* Both tails of t > 0 at once, each computed where it is small so that
 * neither loses digits: *upper = P(T > t), *centre = P(0 < T <= t), with
 * x = nu / (nu + t^2) and P(T > t) = I_x(nu/2, 1/2) / 2. */
static void t_tails(const gs_dist *d, double t, double *upper, double *centre)
{
    const double a = 0.5 * d->nu, b = 0.5, s = d->nu + t * t;
    const double lx = log(d->nu) - log(s), l1x = 2.0 * log(t) - log(s);
    const double front = exp(a * lx + b * l1x - d->log_beta);
    if (exp(lx) < (a + 1.0) / (a + b + 2.0)) {
        *upper = 0.5 * front * beta_cf(a, b, exp(lx)) / a;
        *centre = 0.5 - *upper;
    } else {
        *centre = 0.5 * front * beta_cf(b, a, t * t / s) / b;
        *upper = 0.5 - *centre;
    }
}

/* The density of the standard t distribution at t. */
static double t_density(const gs_dist *d, double t)
{
    return exp(-d->log_beta - 0.5 * log(d->nu) - 0.5 * (d->nu + 1.0) * log1p(t * t / d->nu));
}

/* The t > 0 with P(T > t) = q, 0 < q < 1/2 (standard t). Newton steps on
 * log(tail) against log(t), where the tail is nearly a power of t (so the
 * steps are nearly exact far out), on whichever tail is the smaller one;
 * kept inside a bracket that every step narrows, bisecting when a step
 * would leave it. */
static double t_upper_quantile(const gs_dist *d, double q)
{
    const double nu = d->nu;
    if (nu == 1.0)   /* Cauchy: tan of the smaller angle, which is exact */
        return q < 0.25 ? 1.0 / tan(PI * q) : tan(PI * (0.5 - q));
    if (nu == 2.0)
        return (1.0 - 2.0 * q) / sqrt(2.0 * q * (1.0 - q));
    const bool use_upper = q < 0.25;
    const double target = log(use_upper ? q : 0.5 - q);   /* 0.5 - q is exact here */
    const double z = -normal_quantile(q);
    double t = z * (1.0 + (z * z + 1.0) / (4.0 * nu)), lo = 0.0, hi = INFINITY;
    for (int it = 0; it < 400; it++) {
        double upper, centre;
        t_tails(d, t, &upper, &centre);
        const double g = use_upper ? upper : centre;
        const double excess = log(g) - target;   /* > 0: upper tail too heavy, t too small */
        if (excess == 0)
            return t;
        if ((excess > 0) == use_upper)
            lo = t;
        else
            hi = t;
        /* d log g / d log t = -+ t f(t) / g */
        const double slope = (use_upper ? -1.0 : 1.0) * t * t_density(d, t) / g;
        double next = t * exp(-excess / slope);
        if (!(next > lo && next < hi))
            next = isinf(hi) ? 2.0 * t + 1.0 : lo > 0 && hi > 4 * lo ? sqrt(lo * hi) : 0.5 * (lo + hi);
        if (fabs(next - t) <= 1e-15 * t)
            return next;
        t = next;
    }
    return t;
}

double gs_dist_quantile(const gs_dist *d, double p)
{
    switch (d->kind) {
    case GS_DIST_NORMAL: return d->loc + d->scale * normal_quantile(p);
    case GS_DIST_LAPLACE:
        /* 2p and 2(1 - p) are exact, so log keeps its accuracy near the centre. */
        return p < 0.5 ? d->loc + d->scale * log(2.0 * p)
                       : d->loc - d->scale * log(2.0 * (1.0 - p));
    case GS_DIST_STUDENT_T:
        if (p == 0.5)
            return 0.0;
        return p < 0.5 ? -d->scale * t_upper_quantile(d, p) : d->scale * t_upper_quantile(d, 1.0 - p);
    case GS_DIST_UNIFORM:
    case GS_DIST_COUNT: break;
    }
    return NAN;
}
