/* Map statistics on maps whose answer is known:
 *  - a half-plane (straight boundary): D = 1, one band of boundary boxes whose
 *    entropy follows from how the boundary cuts them;
 *  - a checkerboard: every box is half and half, Sb = Sbb = ln 2 for even eps,
 *    and the boundary fills the plane, D = 2;
 *  - a single outcome: zero entropy, no boundary, a warning;
 *  - a random map: Sb is the entropy of the outcome distribution less the
 *    plug-in bias (K-1)/(2 eps^2) of estimating it from eps^2 cells, and D is
 *    close to 2 (below it only because a 2x2 box of a random map often holds
 *    one side only);
 *  - the Sierpinski gasket (ix & iy) == 0: D = log2 3;
 *  - stripes over a Cantor set of columns (base-4 digits 0 and 1 only, a set
 *    of dimension 1/2) times a line: D = 1.5;
 *  - the median of the dimensions of several maps (gridsweep stats over the
 *    frames of a zoom), skipping maps without one.
 * Tolerances are stated per test and are several times the error seen. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/stats.h"

typedef gs_outcome (*pattern)(int ix, int iy, int nx, int ny);

static gs_map_grid make_grid(int nx, int ny, pattern p)
{
    gs_map_grid g = {.nx = nx, .ny = ny};
    g.outcome = malloc((size_t)nx * ny);
    cr_assert_not_null(g.outcome);
    for (int iy = 0; iy < ny; iy++)
        for (int ix = 0; ix < nx; ix++)
            g.outcome[iy * nx + ix] = (uint8_t)p(ix, iy, nx, ny);
    return g;
}

static gs_map_stats stats_of(const gs_map_grid *g, int eps)
{
    gs_map_stats st;
    gs_error err;
    cr_assert_eq(gs_map_stats_compute(g, eps, &st, &err), 0, "%s", err.msg);
    return st;
}

static double entropy2(double p) { return -(p * log(p) + (1 - p) * log(1 - p)); }

static gs_outcome half_plane(int ix, int iy, int nx, int ny)
{
    (void)iy, (void)ny;
    return ix < nx / 2 ? GS_OUT_CONVERGED : GS_OUT_STUCK;
}

static gs_outcome diagonal(int ix, int iy, int nx, int ny)
{
    (void)ny;
    return ix + 2 * iy < nx ? GS_OUT_CONVERGED : GS_OUT_DIVERGED;
}

static gs_outcome disk(int ix, int iy, int nx, int ny)
{
    const double x = ix - nx / 2.0, y = iy - ny / 2.0;
    return x * x + y * y < 0.16 * nx * ny ? GS_OUT_CONVERGED : GS_OUT_LINEAR;
}

static gs_outcome checkerboard(int ix, int iy, int nx, int ny)
{
    (void)nx, (void)ny;
    return (ix + iy) % 2 ? GS_OUT_CONVERGED : GS_OUT_DEAD;
}

static gs_outcome all_dead(int ix, int iy, int nx, int ny)
{
    (void)ix, (void)iy, (void)nx, (void)ny;
    return GS_OUT_DEAD;
}

static gs_outcome all_converged(int ix, int iy, int nx, int ny)
{
    (void)ix, (void)iy, (void)nx, (void)ny;
    return GS_OUT_CONVERGED;
}

static uint32_t hash(int ix, int iy)
{
    uint32_t h = (uint32_t)ix * 0x9e3779b1u ^ (uint32_t)iy * 0x85ebca77u;
    h ^= h >> 15, h *= 0x2c1b3c6du, h ^= h >> 12, h *= 0x297a2d39u, h ^= h >> 15;
    return h;
}

static gs_outcome random5(int ix, int iy, int nx, int ny)
{
    (void)nx, (void)ny;
    return (gs_outcome)(hash(ix, iy) % GS_OUT_COUNT);
}

static gs_outcome random2(int ix, int iy, int nx, int ny)
{
    (void)nx, (void)ny;
    return hash(ix, iy) & 1 ? GS_OUT_CONVERGED : GS_OUT_STUCK;
}

static gs_outcome sierpinski(int ix, int iy, int nx, int ny)
{
    (void)nx, (void)ny;
    return (ix & iy) == 0 ? GS_OUT_CONVERGED : GS_OUT_STUCK;
}

Test(stats, half_plane)
{
    gs_map_grid g = make_grid(512, 512, half_plane);
    gs_map_stats st = stats_of(&g, 5);
    cr_assert_eq(st.count[GS_OUT_CONVERGED], 512 * 256);
    cr_assert_float_eq(st.fraction[GS_OUT_STUCK], 0.5, 1e-15);
    cr_assert_eq(st.outcomes, 2);
    /* Columns 255 | 256 fall in box column 51 (cells 255..259): 1 of 5 converged. */
    cr_assert_eq(st.boxes, 102 * 102);
    cr_assert_eq(st.boundary_boxes, 102);
    cr_assert_float_eq(st.sbb, entropy2(0.2), 1e-12);
    cr_assert_float_eq(st.sb, entropy2(0.2) * 102 / (102.0 * 102), 1e-12);
    cr_assert(!st.sbb_fractal);
    /* One box per row of boxes on the boundary, at every scale. */
    cr_assert_eq(st.scale[0].size, 1);
    cr_assert_eq(st.scale[0].boundary, 511);
    cr_assert_eq(st.scale[0].total, 511 * 511);
    cr_assert_eq(st.scale[1].boundary, 256);
    cr_assert(st.has_dim);
    cr_assert(!st.warn, "unexpected warning: %s", st.warning);
    cr_assert_float_eq(st.dim, 1.0, 0.02, "D = %g", st.dim);
    cr_assert_lt(st.dim_err, 0.01);
    cr_assert_float_eq(st.alpha, 2 - st.dim, 1e-12);
    cr_assert_geq(st.fit_last - st.fit_first + 1, GS_STATS_MIN_SCALES);
    free(g.outcome);
}

Test(stats, smooth_curved_boundaries)
{
    pattern shapes[] = {diagonal, disk};
    for (int i = 0; i < 2; i++) {
        gs_map_grid g = make_grid(512, 512, shapes[i]);
        gs_map_stats st = stats_of(&g, 5);
        cr_assert(!st.warn, "shape %d: %s", i, st.warning);
        cr_assert_float_eq(st.dim, 1.0, 0.05, "shape %d: D = %g", i, st.dim);
        cr_assert(!st.sbb_fractal);
        free(g.outcome);
    }
}

Test(stats, checkerboard)
{
    gs_map_grid g = make_grid(512, 512, checkerboard);
    gs_map_stats st = stats_of(&g, 4);
    cr_assert_eq(st.boundary_boxes, st.boxes);
    cr_assert_float_eq(st.sb, log(2.0), 1e-12);
    cr_assert_float_eq(st.sbb, log(2.0), 1e-12);
    cr_assert(!st.sbb_fractal, "Sbb = ln 2 exactly is not > ln 2");
    /* Odd eps: every box holds 13 of one and 12 of the other. */
    st = stats_of(&g, 5);
    cr_assert_float_eq(st.sb, entropy2(12.0 / 25), 1e-12);
    cr_assert_float_eq(st.sbb, entropy2(12.0 / 25), 1e-12);
    /* Every box at every scale is on the boundary. */
    for (int i = 0; i < st.nscales; i++)
        cr_assert_eq(st.scale[i].boundary, st.scale[i].total);
    cr_assert(!st.warn, "%s", st.warning);
    cr_assert_float_eq(st.dim, 2.0, 0.01, "D = %g", st.dim);
    cr_assert_float_eq(st.alpha, 0.0, 0.01);
    free(g.outcome);
}

Test(stats, single_outcome)
{
    gs_map_grid g = make_grid(256, 128, all_dead);
    gs_map_stats st = stats_of(&g, 5);
    cr_assert_eq(st.outcomes, 1);
    cr_assert_eq(st.fraction[GS_OUT_DEAD], 1.0);
    cr_assert_eq(st.sb, 0.0);
    cr_assert_eq(st.sbb, 0.0);
    cr_assert_eq(st.boundary_boxes, 0);
    cr_assert(!st.has_dim);
    cr_assert(isnan(st.dim));
    cr_assert(st.warn);
    cr_assert_not_null(strstr(st.warning, "no converged cells"), "%s", st.warning);
    free(g.outcome);

    g = make_grid(64, 64, all_converged);
    st = stats_of(&g, 8);
    cr_assert(st.warn && !st.has_dim);
    cr_assert_not_null(strstr(st.warning, "every cell converged"), "%s", st.warning);
    free(g.outcome);
}

/* Entropy of the whole map's outcome distribution. */
static double map_entropy(const gs_map_stats *st)
{
    double h = 0;
    for (int k = 0; k < GS_OUT_COUNT; k++)
        if (st->fraction[k] > 0)
            h -= st->fraction[k] * log(st->fraction[k]);
    return h;
}

Test(stats, random_map)
{
    gs_map_grid g = make_grid(512, 512, random5);
    gs_map_stats st = stats_of(&g, 20);
    const double h = map_entropy(&st);
    cr_assert_float_eq(h, log((double)GS_OUT_COUNT), 1e-3, "the hash is uniform enough");
    /* Bias of the plug-in entropy from eps^2 cells: (K - 1) / (2 eps^2). */
    cr_assert_float_eq(st.sb, h - (GS_OUT_COUNT - 1.0) / (2 * 400), 0.01, "Sb = %g, H = %g",
                       st.sb, h);
    cr_assert_eq(st.sb, st.sbb, "every box is on a boundary");
    cr_assert(st.sbb_fractal);
    st = stats_of(&g, 5);
    cr_assert_float_eq(st.sb, h - (GS_OUT_COUNT - 1.0) / (2 * 25), 0.01, "Sb = %g, H = %g", st.sb, h);
    cr_assert(!st.warn, "%s", st.warning);
    cr_assert_float_eq(st.dim, 2.0, 0.15, "D = %g", st.dim);
    free(g.outcome);

    /* Half converged: a 2x2 box misses a side 1 time in 8, so D is nearer 2. */
    g = make_grid(512, 512, random2);
    st = stats_of(&g, 5);
    cr_assert_float_eq(st.dim, 2.0, 0.05, "D = %g", st.dim);
    free(g.outcome);
}

Test(stats, sierpinski_gasket)
{
    gs_map_grid g = make_grid(512, 512, sierpinski);
    gs_map_stats st = stats_of(&g, 5);
    cr_assert(!st.warn, "%s", st.warning);
    cr_assert_float_eq(st.dim, log2(3.0), 0.1, "D = %g", st.dim);
    free(g.outcome);
}

/* Converged in the columns whose base-4 digits are all 0 or 1. */
static gs_outcome cantor_stripes(int ix, int iy, int nx, int ny)
{
    (void)iy, (void)nx, (void)ny;
    for (; ix; ix /= 4)
        if (ix % 4 > 1)
            return GS_OUT_STUCK;
    return GS_OUT_CONVERGED;
}

Test(stats, cantor_stripes)
{
    gs_map_grid g = make_grid(4096, 4096, cantor_stripes);
    gs_map_stats st = stats_of(&g, 5);
    cr_assert(!st.warn, "%s", st.warning);
    cr_assert_float_eq(st.dim, 1.5, 0.05, "D = %g", st.dim);   /* 1.509 seen */
    free(g.outcome);
}

Test(stats, median_dimension)
{
    gs_map_stats st[4] = {0};
    const double dims[4] = {1.7, 1.2, NAN, 1.5};
    for (int i = 0; i < 4; i++) {
        st[i].has_dim = !isnan(dims[i]);
        st[i].dim = dims[i];
    }
    double median;
    cr_assert_eq(gs_map_stats_median_dimension(st, 4, &median), 3);
    cr_assert_float_eq(median, 1.5, 1e-15);   /* the middle of three */
    cr_assert_eq(gs_map_stats_median_dimension(st, 2, &median), 2);
    cr_assert_float_eq(median, 1.45, 1e-15);   /* the mean of the middle two */
    cr_assert_eq(gs_map_stats_median_dimension(st + 2, 1, &median), 0);
    cr_assert(isnan(median));
}

Test(stats, coarse_map_warns)
{
    gs_map_grid g = make_grid(16, 16, half_plane);
    gs_map_stats st = stats_of(&g, 4);
    cr_assert(st.warn);
    cr_assert_not_null(strstr(st.warning, "box sizes"), "%s", st.warning);
    cr_assert_not_null(strstr(st.warning, "15 boundary boxes"), "%s", st.warning);
    cr_assert(st.has_dim, "still an estimate, with the warning");
    free(g.outcome);

    /* 64x64: enough scales, too few boundary boxes. */
    g = make_grid(64, 64, half_plane);
    st = stats_of(&g, 4);
    cr_assert(st.warn);
    cr_assert_null(strstr(st.warning, "box sizes"), "%s", st.warning);
    cr_assert_not_null(strstr(st.warning, "63 boundary boxes"), "%s", st.warning);
    free(g.outcome);
}

Test(stats, bad_eps)
{
    gs_map_grid g = make_grid(8, 6, half_plane);
    gs_map_stats st;
    gs_error err;
    cr_assert_eq(gs_map_stats_compute(&g, 0, &st, &err), -1);
    cr_assert_eq(gs_map_stats_compute(&g, 7, &st, &err), -1);
    cr_assert_not_null(strstr(err.msg, "between 1 and 6"), "%s", err.msg);
    cr_assert_eq(gs_map_stats_compute(&g, 6, &st, &err), 0);
    cr_assert_eq(st.boxes, 1);
    free(g.outcome);
}

Test(stats, rejects_bad_outcomes)
{
    gs_map_grid g = make_grid(8, 8, half_plane);
    g.outcome[10] = GS_OUT_COUNT;
    gs_map_stats st;
    gs_error err;
    cr_assert_eq(gs_map_stats_compute(&g, 2, &st, &err), -1);
    free(g.outcome);
}

/* A map one cell wide has no 2x2 box: no dimension, and a note saying why
 * (not "no boundary", which would blame the map's outcomes). */
Test(stats, one_cell_wide)
{
    gs_map_grid g = make_grid(1, 16, half_plane);
    gs_map_stats st = stats_of(&g, 1);
    cr_assert_eq(st.nscales, 0);
    cr_assert(!st.has_dim);
    cr_assert(st.warn);
    cr_assert_not_null(strstr(st.warning, "one cell wide"), "%s", st.warning);
    cr_assert_eq(st.boxes, 16);
    free(g.outcome);
}
