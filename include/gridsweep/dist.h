/* The data distributions x is drawn from. Every one is sampled by the
 * quantile transform of the same counter-based uniforms (rng.h), so shared,
 * independent and grid sampling work for all of them, and grid sampling and
 * the judge's dense grid take the quantiles of cell midpoints, (i + 0.5) / n.
 * A kernel-layer header: independent sampling draws inside the kernels. */
#ifndef GRIDSWEEP_DIST_H
#define GRIDSWEEP_DIST_H

#include <math.h>
#include <stddef.h>

#include "gridsweep/error.h"

/* X(ID, "name"): the order fixes the enum. uniform is U[lo, hi) with the range
 * of --data; the others take their parameters after a colon. */
#define GS_DISTS(X) X(UNIFORM, "uniform") X(NORMAL, "normal") X(LAPLACE, "laplace") \
    X(STUDENT_T, "student-t")
#define GS_DIST_ENUM_(ID, name) GS_DIST_##ID,
typedef enum gs_dist_kind { GS_DISTS(GS_DIST_ENUM_) GS_DIST_COUNT } gs_dist_kind;
#undef GS_DIST_ENUM_

/* normal:MEAN,STD; laplace:MEAN,SCALE; student-t:NU,SCALE (centred at 0).
 * The constants after `scale` are derived by gs_dist_make (student-t's). */
typedef struct gs_dist {
    gs_dist_kind kind;
    double loc, scale, nu;
    double log_beta;   /* log B(nu/2, 1/2), for the t distribution's tail */
} gs_dist;

/* A distribution from its parameters (uniform ignores them); 0, or -1 with a
 * one-line message for a scale or nu that is not a positive finite number. */
int gs_dist_make(gs_dist_kind kind, double loc, double scale, double nu, gs_dist *out,
                 gs_error *err);

/* The quantile function of a non-uniform distribution at p in (0, 1), in
 * double. Accuracy (tests/test_dist.c checks it against scipy's values):
 * normal (Wichura's AS 241) and laplace (closed form) within 4e-16 relative;
 * student-t within 1e-13 relative (nu = 1, 2: closed forms; other nu: the
 * regularised incomplete beta inverted by safeguarded Newton steps). */
double gs_dist_quantile(const gs_dist *d, double p);

/* One sample from a uniform u = k 2^-24 of gs_uniform4: uniform keeps the
 * float arithmetic lo + width u (the bits maps have always had); the others
 * take the quantile of the cell midpoint u + 2^-25, so p stays inside (0, 1)
 * and the tails reach as far as p = 2^-25 (normal: 5.3 std; Cauchy: 1.1e7
 * scales). */
static inline float gs_dist_sample(const gs_dist *d, float lo, float width, float u)
{
    if (d->kind == GS_DIST_UNIFORM)
        return lo + width * u;
    return (float)gs_dist_quantile(d, (double)u + 0x1p-25);
}

/* The same in double, from a 53-bit uniform u = k 2^-53 of gs_uniform2d:
 * uniform is lo + width u; the others take the quantile of the midpoint of
 * u's cell of width 2^-52 (floor(u 2^52) + 1/2) 2^-52, exact in double and
 * inside (0, 1) (u + 2^-54 would round to 1 at the top), so the tails reach
 * p = 2^-53 (normal: 8.1 std). */
static inline double gs_dist_sample64(const gs_dist *d, double lo, double width, double u)
{
    if (d->kind == GS_DIST_UNIFORM)
        return lo + width * u;
    return gs_dist_quantile(d, (floor(u * 0x1p52) + 0.5) * 0x1p-52);
}

#endif
