/* The sorted method's searches (sorted_impl.h): on one step's row of sorted
 * samples, each lane's first index where an affine function of x passes a
 * level, for many vectors of lanes at once.
 *
 * A search is exact whatever way it goes: it asks the very predicate the
 * sums rely on, m x[i] + q > lev in double (a product and a sum, each
 * rounded once, which never falls as x rises for m >= 0), so every kernel
 * set finds the same index even where the sets guess differently. The guess
 * is theta = (lev - q) / m from a reciprocal (sd_rcp), and the predicate
 * turns within eps of it; the bucket index (sorted_index.h) bounds the
 * samples between theta - eps and theta + eps, about one for a uniform
 * batch, and a binary search over those few decides. Searches wait on
 * their loads (gathers from memory the next step's prefetch may not have
 * reached): all of a step's searches advance together, a halving at a time,
 * so their loads overlap. */
#ifndef GS_SORTED_RANK_H
#define GS_SORTED_RANK_H

#include <math.h>

#include "sorted_index.h"
#include "sorted_simd.h"

/* Vectors of lanes a block has, and searches a step makes at most (two a
 * piece, five pieces a start). */
#define SORTED_VECS ((LANES + SV - 1) / SV)
#define SORTED_JOBS (10 * SORTED_VECS)

/* One step's row of the tables, with its bucket index (idx NULL: none,
 * searches span the row). */
typedef struct sorted_row {
    const float *x;
    const double *s1, *s2;
    const int32_t *idx;
    double lo, inv_width;
    int n, k;
} sorted_row;

static inline sorted_row sorted_row_at(const gs_step_data *step, int t)
{
    const size_t o = (size_t)t * step->s_stride;
    sorted_row r = {step->sx + o, step->s1 + o, step->s2 ? step->s2 + o : NULL, NULL, 0, 0,
                    step->batch, gs_sorted_buckets(step->batch)};
    if (step->sidx)
        r.idx = step->sidx + (step->s_stride ? (size_t)t * (size_t)(r.k + 1) : 0);
    gs_sorted_scale(r.x, r.n, &r.lo, &r.inv_width);
    return r;
}

/* The first i with x[i] > lev (n if none): the target's kinks, once a step,
 * among the samples the bucket index leaves (theta = lev exactly), without
 * branches. */
static inline int first_above(const sorted_row *r, double lev)
{
    int i = 0, len = r->n;
    if (r->idx) {
        const double eps = (fabs(lev) * 0x1p-46 + 0x1p-1000) + 0x1p-1000;
        i = r->idx[gs_sorted_bucket(lev - eps, r->lo, r->inv_width, r->k)];
        len = r->idx[gs_sorted_bucket(lev + eps, r->lo, r->inv_width, r->k) + 1] - i;
    }
    for (; len > 1;) {
        const int half = len / 2;
        i += (double)r->x[i + half] > lev ? 0 : half;
        len -= half;
    }
    return len > 0 ? i + !((double)r->x[i] > lev) : i;
}

static inline si si_clamp(si k, si lo, si hi) { return si_min(si_max(k, lo), hi); }

/* A search of SV lanes: the first i with m x[i] + q > lev, clamped to
 * [lo, hi] (0 <= lo <= hi <= n); m > 0, or m = 0 (then all or none, by
 * q > lev); inv about 1 / m (sd_rcp). */
typedef struct rank_job {
    sd m, inv, q, lev;
    si lo, hi;
} rank_job;

/* The samples a job's answer lies among, [*from, *to]: the predicate turns
 * within eps of theta (eps bounds the roundings of theta and of the
 * predicate: SD_RCP_EPS relative, against the 2^-50 they need at most
 * beside sd_rcp's error, and an absolute floor far below any float's
 * spacing from another), so between the bucket bounds of theta - eps and
 * theta + eps. */
GS_INLINE void rank_range(const sorted_row *r, const rank_job *jb, si *from, si *to)
{
    const sd zero = sd_set1(0);
    const sm flat = sd_eq(jb->m, zero);
    si l = jb->lo, h = jb->hi;
    /* A flat lane's answer is lo or hi whatever the bounds: a vector of
     * flat lanes (relu's idle piece, where r = d) skips the index. */
    if (r->idx && sm_any(sm_not(flat))) {
        const sd theta = sd_mul(sd_sub(jb->lev, jb->q), jb->inv);
        const sd rel = sd_mul(sd_add(sd_abs(jb->lev), sd_abs(jb->q)), sd_set1(SD_RCP_EPS));
        const sd eps = sd_add(sd_mul(sd_add(rel, sd_set1(0x1p-1000)), jb->inv), sd_set1(0x1p-1000));
        sd ylo = sd_sub(theta, eps), yhi = sd_add(theta, eps);
        ylo = sd_sel(sd_eq(ylo, ylo), ylo, sd_set1(-INFINITY));   /* inf - inf: the whole row */
        yhi = sd_sel(sd_eq(yhi, yhi), yhi, sd_set1(INFINITY));
        /* gs_sorted_bucket, operation by operation */
        const sd o = sd_set1(r->lo), w = sd_set1(r->inv_width), top = sd_set1(r->k - 1);
        const si blo = si_of_sd(sd_min(sd_max(sd_mul(sd_sub(ylo, o), w), zero), top));
        const si bhi = si_of_sd(sd_min(sd_max(sd_mul(sd_sub(yhi, o), w), zero), top));
        si_gather_pair(r->idx, blo, &l, &h);
        if (sm_any(si_gt(bhi, blo)))
            h = si_gather_i(r->idx, si_add(bhi, si_set1(1)));
        l = si_clamp(l, jb->lo, jb->hi);
        h = si_clamp(h, jb->lo, jb->hi);
    }
    *from = si_sel(flat, si_sel(sd_gt(jb->q, jb->lev), jb->lo, jb->hi), l);
    *to = si_sel(flat, *from, h);
}

/* nj jobs' answers into out; last (if not NULL): m x + q at the last sample
 * each lane's search found below its answer (-1 if none), a crossing's tie
 * test. The binary search over [from, to) counts the samples below the
 * answer by powers of two, a job's from its lanes' longest range down. */
GS_INLINE void rank_all(const sorted_row *r, const rank_job *jb, int nj, si *out, sd *last)
{
    si to[SORTED_JOBS];
    int64_t top[SORTED_JOBS], high = 0;
    for (int j = 0; j < nj; j++)
        rank_range(r, &jb[j], &out[j], &to[j]);
    for (int j = 0; j < nj; j++) {
        const int64_t len = si_hmax(si_sub(to[j], out[j]));
        int64_t s = len > 0 ? 1 : 0;
        while (s > 0 && s <= len / 2)
            s *= 2;
        top[j] = s;
        high = s > high ? s : high;
        if (last)
            last[j] = sd_set1(-1);
    }
    for (int64_t s = high; s > 0; s /= 2)
        for (int j = 0; j < nj; j++) {
            if (top[j] < s)
                continue;
            const si probe = si_add(out[j], si_set1(s - 1));
            const sm in = si_gt(to[j], probe);
            const sd v = sd_add(sd_mul(jb[j].m, sd_gather_f(r->x, si_sel(in, probe, out[j]))), jb[j].q);
            const sm below = sm_andnot(sd_gt(v, jb[j].lev), in);
            out[j] = si_sel(below, si_add(out[j], si_set1(s)), out[j]);
            if (last)
                last[j] = sd_sel(below, v, last[j]);
        }
}

#endif
