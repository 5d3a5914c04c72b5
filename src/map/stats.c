/* Statistics of a basin map: outcome fractions, basin entropy (Daza et al.
 * 2016) and the box-counting dimension of the converged basin's boundary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/stats.h"

static int count_outcomes(const gs_map_grid *g, gs_map_stats *st, gs_error *err)
{
    st->cells = (int64_t)g->nx * g->ny;
    for (int64_t i = 0; i < st->cells; i++) {
        if (g->outcome[i] >= GS_OUT_COUNT)
            return gs_fail(err, "cell %lld has no valid outcome (%d)", (long long)i,
                           g->outcome[i]);
        st->count[g->outcome[i]]++;
    }
    for (int k = 0; k < GS_OUT_COUNT; k++) {
        st->fraction[k] = (double)st->count[k] / (double)st->cells;
        st->outcomes += st->count[k] > 0;
    }
    return 0;
}

/* The per-seed fractions of an ensemble map and its mean cell entropy. */
static int seed_spread(const gs_map_grid *g, gs_map_stats *st, gs_error *err)
{
    const int n = g->seeds;
    int64_t (*count)[GS_OUT_COUNT] = calloc((size_t)n, sizeof *count);
    if (!count)
        return gs_fail(err, "out of memory");
    double entropy = 0;
    for (int64_t i = 0; i < st->cells; i++) {
        int in_cell[GS_OUT_COUNT] = {0};
        for (int s = 0; s < n; s++) {
            const uint8_t o = g->seed_outcome[i * n + s];
            count[s][o]++;
            in_cell[o]++;
        }
        for (int k = 0; k < GS_OUT_COUNT; k++)
            if (in_cell[k] > 0 && in_cell[k] < n)
                entropy -= (double)in_cell[k] / n * log((double)in_cell[k] / n);
    }
    for (int k = 0; k < GS_OUT_COUNT; k++) {
        double sum = 0, ss = 0;
        for (int s = 0; s < n; s++)
            sum += (double)count[s][k] / (double)st->cells;
        const double mean = sum / n;
        for (int s = 0; s < n; s++) {
            const double d = (double)count[s][k] / (double)st->cells - mean;
            ss += d * d;
        }
        st->seed_mean[k] = mean;
        st->seed_std[k] = sqrt(ss / n);
    }
    st->seeds = n;
    st->cell_entropy = entropy / (double)st->cells;
    free(count);
    return 0;
}

/* Gibbs entropy of the outcome counts of one box; *kinds: outcomes present. */
static double box_entropy(const int32_t *c, int n, int *kinds)
{
    double s = 0;
    *kinds = 0;
    for (int k = 0; k < GS_OUT_COUNT; k++) {
        if (c[k] == 0)
            continue;
        const double p = (double)c[k] / n;
        s -= p * log(p);
        ++*kinds;
    }
    return *kinds > 1 ? s : 0.0;   /* exactly 0 inside a basin */
}

/* Sb and Sbb over the whole eps x eps boxes, one band of boxes at a time. */
static int basin_entropy(const gs_map_grid *g, int eps, gs_map_stats *st, gs_error *err)
{
    const int bx = g->nx / eps, by = g->ny / eps;
    int32_t *cnt = malloc((size_t)bx * GS_OUT_COUNT * sizeof *cnt);
    if (!cnt)
        return gs_fail(err, "out of memory");
    double sum = 0;
    for (int jb = 0; jb < by; jb++) {
        memset(cnt, 0, (size_t)bx * GS_OUT_COUNT * sizeof *cnt);
        for (int y = jb * eps; y < (jb + 1) * eps; y++) {
            const uint8_t *row = g->outcome + (size_t)y * (size_t)g->nx;
            for (int x = 0; x < bx * eps; x++)
                cnt[(x / eps) * GS_OUT_COUNT + row[x]]++;
        }
        for (int ib = 0; ib < bx; ib++) {
            int kinds;
            const double s = box_entropy(cnt + ib * GS_OUT_COUNT, eps * eps, &kinds);
            sum += s;
            st->boundary_boxes += kinds > 1;
        }
    }
    free(cnt);
    st->eps = eps;
    st->boxes = (int64_t)bx * by;
    st->sb = sum / (double)st->boxes;
    st->sbb = st->boundary_boxes ? sum / (double)st->boundary_boxes : 0.0;
    /* A margin so that exactly ln 2 (a checkerboard) does not pass on rounding. */
    st->sbb_fractal = st->sbb > log(2.0) + 1e-9;
    return 0;
}

/* Bit 1: a converged cell, bit 2: any other; a boundary box has both. */
static inline uint8_t side(uint8_t outcome) { return outcome == GS_OUT_CONVERGED ? 1 : 2; }

/* OR of the up to four boxes of one level that make box (i, j) of the next. */
static uint8_t merge4(const uint8_t *m, size_t w, size_t h, size_t i, size_t j)
{
    const size_t x = 2 * i, y = 2 * j;
    const bool right = x + 1 < w, below = y + 1 < h;
    uint8_t v = m[y * w + x];
    if (right)
        v |= m[y * w + x + 1];
    if (below)
        v |= m[(y + 1) * w + x];
    if (right && below)
        v |= m[(y + 1) * w + x + 1];
    return v;
}

/* N(s) for s = 1, 2, 4, ... until one box covers the map. Level 0 holds the
 * 2x2 blocks; each coarser level ORs four boxes of the one before, in place
 * (level L+1 writes below every index it still has to read). The last box of
 * a row or column may be cut by the map's edge, so every level covers the
 * whole map and N(s) scales like (n/s)^D without rounding steps. */
static int box_counts(const gs_map_grid *g, gs_map_stats *st, int per_axis[], gs_error *err)
{
    size_t w = (size_t)g->nx - 1, h = (size_t)g->ny - 1;
    if (w < 1 || h < 1)
        return 0;
    uint8_t *m = malloc(w * h);
    if (!m)
        return gs_fail(err, "out of memory");
    const uint8_t *o = g->outcome;
    const size_t nx = (size_t)g->nx;
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            m[y * w + x] = side(o[y * nx + x]) | side(o[y * nx + x + 1]) |
                           side(o[(y + 1) * nx + x]) | side(o[(y + 1) * nx + x + 1]);
    for (int size = 1; st->nscales < GS_STATS_MAX_SCALES; size *= 2) {
        int64_t n = 0;
        for (size_t i = 0; i < w * h; i++)
            n += m[i] == 3;
        per_axis[st->nscales] = (int)(w < h ? w : h);
        st->scale[st->nscales++] = (gs_box_scale){size, n, (int64_t)(w * h)};
        if (w == 1 && h == 1)
            break;
        const size_t w2 = (w + 1) / 2, h2 = (h + 1) / 2;
        for (size_t j = 0; j < h2; j++)
            for (size_t i = 0; i < w2; i++)
                m[j * w2 + i] = merge4(m, w, h, i, j);
        w = w2, h = h2;
    }
    free(m);
    return 0;
}

/* Least-squares slope of ln N(s) against ln(1/s), with its standard error. */
static void fit_dimension(gs_map_stats *st)
{
    const int n = st->fit_last - st->fit_first + 1;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = st->fit_first; i <= st->fit_last; i++) {
        const double x = -log((double)st->scale[i].size), y = log((double)st->scale[i].boundary);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    const double mx = sx / n, my = sy / n, vxx = sxx - n * mx * mx;
    st->dim = (sxy - n * mx * my) / vxx;
    double ssr = 0;
    for (int i = st->fit_first; i <= st->fit_last; i++) {
        const double x = -log((double)st->scale[i].size), y = log((double)st->scale[i].boundary);
        const double r = y - (my + st->dim * (x - mx));
        ssr += r * r;
    }
    st->dim_err = n > 2 ? sqrt(ssr / (n - 2) / vxx) : NAN;
    st->alpha = 2.0 - st->dim;
    st->has_dim = true;
}

static void add_warning(gs_map_stats *st, const char *text)
{
    const size_t len = strlen(st->warning);
    snprintf(st->warning + len, sizeof st->warning - len, "%s%s", len ? "; " : "", text);
    st->warn = true;
}

/* The fit uses the fine scales with at least GS_STATS_MIN_PER_AXIS boxes per
 * axis (coarser ones are dominated by where the few boxes happen to fall);
 * with fewer than two of those, every scale that has a boundary. */
static void dimension(gs_map_stats *st, const int per_axis[])
{
    char msg[160];
    if (st->nscales == 0) {   /* a map one cell wide or high has no 2x2 box */
        add_warning(st, "the map is one cell wide or high: no box-counting dimension");
        st->dim = st->dim_err = st->alpha = NAN;
        return;
    }
    if (st->scale[0].boundary == 0) {
        add_warning(st, st->count[GS_OUT_CONVERGED] == 0 ? "no converged cells: no boundary"
                        : st->count[GS_OUT_CONVERGED] == st->cells
                            ? "every cell converged: no boundary"
                            : "no boundary between converged and other cells");
        st->dim = st->dim_err = st->alpha = NAN;
        return;
    }
    int usable = 0;
    while (usable < st->nscales && per_axis[usable] >= GS_STATS_MIN_PER_AXIS)
        usable++;
    st->fit_first = 0;
    st->fit_last = usable - 1;
    if (usable < 2)
        while (st->fit_last + 1 < st->nscales && st->scale[st->fit_last + 1].boundary > 0)
            st->fit_last++;
    if (usable < GS_STATS_MIN_SCALES) {
        snprintf(msg, sizeof msg, "only %d box sizes with %d+ boxes per axis (want %d: a map "
                 "of at least %dx%d cells)", usable, GS_STATS_MIN_PER_AXIS, GS_STATS_MIN_SCALES,
                 GS_STATS_MIN_PER_AXIS << (GS_STATS_MIN_SCALES - 1),
                 GS_STATS_MIN_PER_AXIS << (GS_STATS_MIN_SCALES - 1));
        add_warning(st, msg);
    }
    if (st->scale[0].boundary < GS_STATS_MIN_BOXES) {
        snprintf(msg, sizeof msg, "only %lld boundary boxes at the finest scale (want %d)",
                 (long long)st->scale[0].boundary, GS_STATS_MIN_BOXES);
        add_warning(st, msg);
    }
    if (st->fit_last > st->fit_first)
        fit_dimension(st);
    else
        st->dim = st->dim_err = st->alpha = NAN;
}

int gs_map_stats_compute(const gs_map_grid *grid, int eps, gs_map_stats *st, gs_error *err)
{
    memset(st, 0, sizeof *st);
    if (grid->nx < 1 || grid->ny < 1 || !grid->outcome)
        return gs_fail(err, "empty map");
    const int small = grid->nx < grid->ny ? grid->nx : grid->ny;
    if (eps < 1 || eps > small)
        return gs_fail(err, "box size %d must be between 1 and %d (the map is %dx%d)", eps, small,
                       grid->nx, grid->ny);
    int per_axis[GS_STATS_MAX_SCALES];
    st->seeds = 1;
    if (count_outcomes(grid, st, err) ||
        (grid->seeds > 1 && grid->seed_outcome && seed_spread(grid, st, err)) ||
        basin_entropy(grid, eps, st, err) ||
        box_counts(grid, st, per_axis, err))
        return -1;
    dimension(st, per_axis);
    return 0;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int gs_map_stats_median_dimension(const gs_map_stats *st, int n, double *median)
{
    double *d = malloc((size_t)(n > 0 ? n : 1) * sizeof *d);
    int k = 0;
    *median = NAN;
    if (!d)
        return -1;
    for (int i = 0; i < n; i++)
        if (st[i].has_dim && isfinite(st[i].dim))
            d[k++] = st[i].dim;
    qsort(d, (size_t)k, sizeof *d, by_value);
    if (k > 0)
        *median = k % 2 ? d[k / 2] : 0.5 * (d[k / 2 - 1] + d[k / 2]);
    free(d);
    return k;
}
