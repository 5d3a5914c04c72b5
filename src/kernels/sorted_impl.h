/* The sorted method (--method sorted): the batch sums of a step from the
 * step's samples sorted once per run and their prefix sums, in O(log B) per
 * start (include after train_impl.h, from kernels_tmpl.h).
 *
 * For a piecewise-linear activation f and target T, the residual
 * r(x) = c f(a x + b) + d - T(x) is affine in x between the breakpoints: T's
 * kinks and the x where a x + b crosses f's kinks. On each such piece,
 * r = P x + Q crosses any level at most once, so each loss's g (sign(r), r,
 * or r clamped to +-delta) is a constant or r itself on at most three runs
 * of the sorted samples, found by search (sorted_rank.h); each run's sums
 * follow from the prefix sums of 1, x and x^2. The sums are formed in
 * double in one order, the same in every set: vectors of starts (SV lanes,
 * sorted_simd.h) where each lane does exactly what the scalar set's one lane
 * does (no contraction, no reassociation: -ffp-contract=off), and then
 * apply_step, so the sets agree bit for bit. A step goes in stages over all
 * of a block's vectors (kinks, pieces, crossings, sums), so that the
 * searches of every vector overlap.
 *
 * Over 400 lines: the piecewise-linear functions, the pieces and their runs'
 * sums, and the staged step are one rounding contract, read together; the
 * searches, the bucket index and the vector operations have files of their
 * own (sorted_rank.h, sorted_index.h, sorted_simd.h). */
#ifndef GS_SORTED_IMPL_H
#define GS_SORTED_IMPL_H

#include "sorted_rank.h"

/* A piecewise-linear function: piece i, where z is past exactly i kinks, is
 * m[i] z + e[i]. z passes a kink when z > kink, or z >= kink where incl is
 * set, as the direct method's masks have it (relu'(0) = 0, leaky_relu'(0) =
 * 0.01, hardtanh'(+-1) = 0). */
typedef struct pl_fn {
    int nk;
    double kink[2];
    int incl[2];
    double m[3], e[3];
} pl_fn;

/* The level a search compares m x + q against for passing kink k: of z
 * itself (sign 1), or of -z (sign -1, a falling a x + b): "z > k" is "-z <
 * -k", the complement of "-z >= -k", i.e. of "-z > the double below -k". */
static inline double pl_level(const pl_fn *f, int k, int sign)
{
    const double k0 = sign > 0 ? f->kink[k] : -f->kink[k];
    const int incl = sign > 0 ? f->incl[k] : !f->incl[k];
    return incl ? nextafter(k0, -INFINITY) : k0;
}

static inline pl_fn pl_fn_of(gs_act act)
{
    switch (act) {
    case GS_ACT_RELU: return (pl_fn){1, {0, 0}, {0, 0}, {0, 1, 0}, {0, 0, 0}};
    case GS_ACT_LEAKY_RELU: return (pl_fn){1, {0, 0}, {0, 0}, {(double)0.01f, 1, 0}, {0, 0, 0}};
    case GS_ACT_HARDTANH: return (pl_fn){2, {-1, 1}, {0, 1}, {0, 1, 0}, {-1, 0, 1}};
    default: return (pl_fn){0, {0, 0}, {0, 0}, {1, 0, 0}, {0, 0, 0}};   /* identity */
    }
}

/* A vector of starts in a step. */
typedef struct start_v {
    sd a, b, c, d;          /* the parameters (0 where one is not finite) */
    sm fin, flat, rising;   /* all four finite; a = 0; a > 0 */
    sm bpass[2];            /* a = 0: the kinks of f that b passes */
    si kf[2];               /* where a x + b passes f's kinks (falling: stops passing) */
    si bp[4];               /* the breakpoints, ascending */
    sd e1[4], e2[4];        /* s1 and s2 there */
} start_v;

/* A piece [u, v) of a vector of starts: the prefix sums at its ends (a1, b1
 * of x; a2, b2 of x^2); f = alpha x + beta there with slope m; r = P x + Q,
 * sigma its slope's sign (1 where P = 0, pz). */
typedef struct piece_v {
    si u, v;
    sd a1, b1, a2, b2;
    sd m, alpha, beta, P, Q, sigma;
    sm pz;
} piece_v;

/* f's piece (its slope m and offset e) where each kink's pass mask says;
 * a later kink passed means every earlier one is (the kinks ascend). */
static inline void pl_select(const pl_fn *f, const sm *pass, sd *m, sd *e)
{
    *m = sd_set1(f->m[0]);
    *e = sd_set1(f->e[0]);
    for (int k = 0; k < f->nk; k++) {
        *m = sd_sel(pass[k], sd_set1(f->m[k + 1]), *m);
        *e = sd_sel(pass[k], sd_set1(f->e[k + 1]), *e);
    }
}

/* Loads SV starts; the searches for where a x + b crosses f's kinks, as the
 * rising sign a x + sign b (negation is exact; a falling f passes a kink
 * below the index found), into jobs (a = 0: none, m = 0 and never). */
GS_INLINE void start_load(start_v *s, const pl_fn *f, const double (*flev)[2],
                          const float (*p)[GS_BLOCK_LANES], int l0, int n, rank_job *jobs)
{
    const sd zero = sd_set1(0), one = sd_set1(1);
    s->a = sd_loadf(&p[0][l0]), s->b = sd_loadf(&p[1][l0]);
    s->c = sd_loadf(&p[2][l0]), s->d = sd_loadf(&p[3][l0]);
    /* x * 0 is 0 for a finite x; the others are summed as zeros, then NaN */
    s->fin = sm_and(sm_and(sd_eq(sd_mul(s->a, zero), zero), sd_eq(sd_mul(s->b, zero), zero)),
                    sm_and(sd_eq(sd_mul(s->c, zero), zero), sd_eq(sd_mul(s->d, zero), zero)));
    s->a = sd_sel(s->fin, s->a, zero), s->b = sd_sel(s->fin, s->b, zero);
    s->c = sd_sel(s->fin, s->c, zero), s->d = sd_sel(s->fin, s->d, zero);
    s->flat = sd_eq(s->a, zero);
    s->rising = sd_gt(s->a, zero);
    const sd sign = sd_sel(sd_lt(s->a, zero), sd_set1(-1), one);
    const sd am = sd_sel(s->flat, zero, sd_mul(sign, s->a));
    const sd bm = sd_sel(s->flat, zero, sd_mul(sign, s->b)), inv = sd_rcp(am);
    for (int k = 0; k < f->nk; k++) {
        const sd kink = sd_set1(f->kink[k]);
        s->bpass[k] = f->incl[k] ? sm_not(sd_lt(s->b, kink)) : sd_gt(s->b, kink);
        jobs[k] = (rank_job){am, inv, bm, sd_sel(s->rising, sd_set1(flev[k][0]), sd_set1(flev[k][1])),
                             si_set1(0), si_set1(n)};
    }
}

/* The breakpoints sorted (min and max are exact: any network sorts alike),
 * and the prefix sums there. */
GS_INLINE void start_breakpoints(start_v *s, const sorted_row *r, const pl_fn *f, const pl_fn *tf,
                                 const int *tk, const si *found, int two)
{
    int nb = 0;
    for (int i = 0; i < 4; i++)
        s->bp[i] = si_set1(r->n), s->e1[i] = s->e2[i] = sd_set1(0);
    for (int k = 0; k < f->nk; k++)
        s->kf[k] = s->bp[nb++] = found[k];
    for (int k = 0; k < tf->nk; k++)
        s->bp[nb++] = si_set1(tk[k]);
    si *q = s->bp;
#define CSWAP_(i, j)                                                                      \
    {                                                                                     \
        const si lo_ = si_min(q[i], q[j]), hi_ = si_max(q[i], q[j]);                      \
        q[i] = lo_, q[j] = hi_;                                                           \
    }
    if (nb == 2) {
        CSWAP_(0, 1)
    } else if (nb == 3) {
        CSWAP_(0, 1) CSWAP_(1, 2) CSWAP_(0, 1)
    } else if (nb == 4) {
        CSWAP_(0, 1) CSWAP_(2, 3) CSWAP_(0, 2) CSWAP_(1, 3) CSWAP_(1, 2)
    }
#undef CSWAP_
    for (int i = 0; i < nb; i++) {
        s->e1[i] = sd_gather_d(r->s1, q[i]);
        s->e2[i] = two ? sd_gather_d(r->s2, q[i]) : sd_set1(0);
    }
}

/* Piece i of nb + 1: f and the target are affine on it, their pieces
 * counted from the kinks its first sample has passed (its index against
 * each kink's; a = 0: f's piece of b). */
GS_INLINE void piece_at(piece_v *pc, const start_v *s, int i, int nb, const sorted_row *r,
                        const pl_fn *f, const pl_fn *tf, const int *tk, int two)
{
    const sd zero = sd_set1(0);
    pc->u = i > 0 ? s->bp[i - 1] : si_set1(0);
    pc->v = i < nb ? s->bp[i] : si_set1(r->n);
    pc->a1 = i > 0 ? s->e1[i - 1] : zero;   /* s1[0] = s2[0] = 0 */
    pc->b1 = i < nb ? s->e1[i] : sd_set1(r->s1[r->n]);
    pc->a2 = i > 0 ? s->e2[i - 1] : zero;
    pc->b2 = i < nb ? s->e2[i] : (two ? sd_set1(r->s2[r->n]) : zero);
    sm pass[2], tpass[2];
    for (int k = 0; k < f->nk; k++)
        pass[k] = sm_sel(s->flat, s->bpass[k], sm_xor(si_gt(s->kf[k], pc->u), s->rising));
    for (int k = 0; k < tf->nk; k++)
        tpass[k] = sm_not(si_gt(si_set1(tk[k]), pc->u));
    sd e, tm, te;
    pl_select(f, pass, &pc->m, &e);
    pl_select(tf, tpass, &tm, &te);
    pc->alpha = sd_mul(pc->m, s->a);
    pc->beta = sd_add(sd_mul(pc->m, s->b), e);
    pc->P = sd_sub(sd_mul(s->c, pc->alpha), tm);
    pc->Q = sd_sub(sd_add(sd_mul(s->c, pc->beta), s->d), te);
    pc->pz = sd_eq(pc->P, zero);
    pc->sigma = sd_sel(sd_lt(pc->P, zero), sd_set1(-1), sd_set1(1));
}

/* A piece's crossing of lev: s = sigma r = |P| x + sigma Q rises with x
 * (P = 0: m = 0, no search). */
GS_INLINE rank_job crossing(const piece_v *pc, double lev)
{
    const sd m = sd_sel(pc->pz, sd_set1(0), sd_mul(pc->sigma, pc->P));
    return (rank_job){m, sd_rcp(m), sd_mul(pc->sigma, pc->Q), sd_set1(lev), pc->u, pc->v};
}
/* A piece's sums (sum g, sum g x, the loss) from its searches, run after
 * run in the reference's order; g is constant (mae's sign, huber's
 * +-delta) or r itself (mse, huber's middle). The reference skipped empty
 * runs and pieces; here they add zeros (+-0: finite operands), which change
 * no sum: a sum that starts at +0 can never be -0, and x + (+-0) = x for
 * any other x. */

/* r itself on [u, v): half * sum r^2 the loss (mse 1, huber 1/2), never below 0. */
GS_INLINE void run_linear(const piece_v *pc, si u, si v, sd a1, sd b1, sd a2, sd b2, double half,
                          sd out[3])
{
    const sd n = sd_of_si(si_sub(v, u)), x = sd_sub(b1, a1), x2 = sd_sub(b2, a2);
    const sd r0 = sd_add(sd_mul(pc->P, x), sd_mul(pc->Q, n));
    const sd r1 = sd_add(sd_mul(pc->P, x2), sd_mul(pc->Q, x));
    const sd l = sd_add(sd_mul(pc->P, r1), sd_mul(pc->Q, r0));
    out[0] = r0;
    out[1] = r1;
    out[2] = sd_sel(sd_gt(l, sd_set1(0)), half == 1 ? l : sd_mul(sd_set1(half), l), sd_set1(0));
}

/* mae: g = -sigma below the crossing k2, sigma from it (jb: its search);
 * s == 0 exactly on samples just below k2 gives g = 0 there: only if the
 * last sample the search passed has it (last), rare, never more than the
 * ties. The constant piece (P = 0): g = sign(Q). */
GS_INLINE void mae_sums(const sorted_row *r, const piece_v *pc, const rank_job *jb, si k2, sd last,
                        sd out[3])
{
    const sd zero = sd_set1(0), one = sd_set1(1), mone = sd_set1(-1);
    si k1 = k2;
    const sm tie = sm_andnot(pc->pz, sm_and(sd_eq(last, zero), si_gt(k2, pc->u)));
    /* a constant piece in every lane (relu's idle one) reads no sums */
    const sd s1k2 = sm_any(sm_not(pc->pz)) ? sd_gather_d(r->s1, k2) : zero;
    sd s1k1 = s1k2;
    if (sm_any(tie)) {
        int64_t kk[SV], uu[SV];
        double pp[SV], qq[SV];
        si_store(kk, k1), si_store(uu, pc->u), sd_store(pp, jb->m), sd_store(qq, jb->q);
        for (int l = 0; l < SV; l++)
            while (sm_lane(tie, l) && kk[l] > uu[l] && pp[l] * (double)r->x[kk[l] - 1] + qq[l] == 0)
                kk[l]--;
        k1 = si_load(kk);
        s1k1 = sd_gather_d(r->s1, k1);
    }
    const sd sg = pc->sigma, g1 = sd_mul(mone, sg);
    const sd n1 = sd_of_si(si_sub(k1, pc->u)), x1 = sd_sub(s1k1, pc->a1);
    const sd n2 = sd_of_si(si_sub(pc->v, k2)), x2 = sd_sub(pc->b1, s1k2);
    const sd c0 = sd_add(sd_mul(g1, n1), sd_mul(sg, n2));
    const sd c1 = sd_add(sd_mul(g1, x1), sd_mul(sg, x2));
    const sd c2 = sd_add(sd_mul(g1, sd_add(sd_mul(pc->P, x1), sd_mul(pc->Q, n1))),
                         sd_mul(sg, sd_add(sd_mul(pc->P, x2), sd_mul(pc->Q, n2))));
    const sd g = sd_sel(sd_gt(pc->Q, zero), one, sd_sel(sd_lt(pc->Q, zero), mone, zero));
    const sd n = sd_of_si(si_sub(pc->v, pc->u)), x = sd_sub(pc->b1, pc->a1);
    out[0] = sd_sel(pc->pz, sd_mul(g, n), c0);
    out[1] = sd_sel(pc->pz, sd_mul(g, x), c1);
    out[2] = sd_sel(pc->pz, sd_mul(sd_mul(pc->Q, g), n), c2);
}

/* huber: -sigma delta below klo (the first s > -delta), r up to khi (the
 * first s > delta), sigma delta from there; at |r| = delta both sides give
 * g = r and the same loss. The linear part is delta (|r| - delta/2) =
 * G r - delta^2/2. khi: its search clamped to the piece; clamped to
 * [klo, v] it is the larger of it and klo. */
GS_INLINE void huber_sums(const sorted_row *r, const piece_v *pc, si klo, si khi, double delta,
                          sd out[3])
{
    const sd zero = sd_set1(0), dl = sd_set1(delta), ndl = sd_set1(-delta), half = sd_set1(0.5);
    khi = si_max(khi, klo);
    const sd a1 = sd_gather_d(r->s1, klo), b1 = sd_gather_d(r->s1, khi);
    const sd a2 = sd_gather_d(r->s2, klo), b2 = sd_gather_d(r->s2, khi);
    const sd off = sd_set1(0.5 * delta * delta);
    const sd g1 = sd_mul(sd_mul(sd_set1(-1), pc->sigma), dl), g3 = sd_mul(pc->sigma, dl);
    const sd n1 = sd_of_si(si_sub(klo, pc->u)), x1 = sd_sub(a1, pc->a1);
    const sd n3 = sd_of_si(si_sub(pc->v, khi)), x3 = sd_sub(pc->b1, b1);
    sd mid[3];
    run_linear(pc, klo, khi, a1, b1, a2, b2, 0.5, mid);
    const sd l1 = sd_sub(sd_mul(g1, sd_add(sd_mul(pc->P, x1), sd_mul(pc->Q, n1))), sd_mul(off, n1));
    const sd l3 = sd_sub(sd_mul(g3, sd_add(sd_mul(pc->P, x3), sd_mul(pc->Q, n3))), sd_mul(off, n3));
    const sd c0 = sd_add(sd_add(sd_mul(g1, n1), mid[0]), sd_mul(g3, n3));
    const sd c1 = sd_add(sd_add(sd_mul(g1, x1), mid[1]), sd_mul(g3, x3));
    const sd c2 = sd_add(sd_add(l1, mid[2]), l3);
    /* r = Q throughout */
    const sd q = pc->Q, aq = sd_abs(q);
    const sd g = sd_sel(sd_gt(q, dl), dl, sd_sel(sd_lt(q, ndl), ndl, q));
    const sd l = sd_sel(sd_lt(aq, dl), sd_mul(sd_mul(half, q), q), sd_mul(dl, sd_sub(aq, sd_mul(half, dl))));
    const sd n = sd_of_si(si_sub(pc->v, pc->u)), x = sd_sub(pc->b1, pc->a1);
    out[0] = sd_sel(pc->pz, sd_mul(g, n), c0);
    out[1] = sd_sel(pc->pz, sd_mul(g, x), c1);
    out[2] = sd_sel(pc->pz, sd_mul(l, n), c2);
    (void)zero;
}

/* The levels the searches compare against, the same at every step: the
 * target's kinks (rising) and f's, rising and falling (pl_level, whose
 * nextafter is formed once a block, not once a step). */
typedef struct pl_levels {
    double t[2];
    double f[2][2];
} pl_levels;

static inline pl_levels pl_levels_of(const pl_fn *f, const pl_fn *tf)
{
    pl_levels lv = {{0, 0}, {{0, 0}, {0, 0}}};
    for (int k = 0; k < tf->nk; k++)
        lv.t[k] = pl_level(tf, k, 1);
    for (int k = 0; k < f->nk; k++)
        lv.f[k][0] = pl_level(f, k, 1), lv.f[k][1] = pl_level(f, k, -1);
    return lv;
}

/* The sums (gs_sorted_sums_fn's five, in double) of nl starts, p[q][l], on
 * one step's row: every vector's kinks searched at once, then its pieces,
 * then every piece's crossings at once, then the sums, piece after piece. */
GS_INLINE void sorted_step(const sorted_row *r, const pl_fn *f, const pl_fn *tf,
                           const pl_levels *lv, gs_loss loss, double delta,
                           const float (*p)[GS_BLOCK_LANES], int nl,
                           double (*sums)[GS_BLOCK_LANES])
{
    const int nv = (nl + SV - 1) / SV, nb = f->nk + tf->nk, two = loss != GS_LOSS_MAE;
    const int per = loss == GS_LOSS_HUBER ? 2 : 1;   /* searches a piece */
    int tk[2];
    for (int k = 0; k < tf->nk; k++)
        tk[k] = first_above(r, lv->t[k]);
    const double(*flev)[2] = lv->f;   /* f's kinks' levels, rising and falling */
    start_v st[SORTED_VECS];
    rank_job jobs[SORTED_JOBS];
    si found[SORTED_JOBS];
    sd last[SORTED_JOBS];
    for (int v = 0; v < nv; v++)
        start_load(&st[v], f, flev, p, v * SV, r->n, &jobs[v * f->nk]);
    rank_all(r, jobs, nv * f->nk, found, NULL);
    piece_v pc[SORTED_VECS][5];
    for (int v = 0; v < nv; v++) {
        start_breakpoints(&st[v], r, f, tf, tk, &found[v * f->nk], two);
        for (int i = 0; i <= nb; i++) {
            piece_at(&pc[v][i], &st[v], i, nb, r, f, tf, tk, two);
            if (loss == GS_LOSS_MAE)
                jobs[v * (nb + 1) + i] = crossing(&pc[v][i], 0.0);
            else if (loss == GS_LOSS_HUBER) {
                jobs[2 * (v * (nb + 1) + i)] = crossing(&pc[v][i], -delta);
                jobs[2 * (v * (nb + 1) + i) + 1] = crossing(&pc[v][i], delta);
            }
        }
    }
    if (loss != GS_LOSS_MSE)
        rank_all(r, jobs, nv * (nb + 1) * per, found, loss == GS_LOSS_MAE ? last : NULL);
    const sd zero = sd_set1(0), nan = sd_set1(NAN);
    for (int v = 0; v < nv; v++) {
        sd ga = zero, gb = zero, gc = zero, gd = zero, ls = zero;
        for (int i = 0; i <= nb; i++) {
            const piece_v *q = &pc[v][i];
            const int j = (v * (nb + 1) + i) * per;
            sd s[3];
            if (loss == GS_LOSS_MAE)
                mae_sums(r, q, &jobs[j], found[j], last[j], s);
            else if (loss == GS_LOSS_MSE)
                run_linear(q, q->u, q->v, q->a1, q->b1, q->a2, q->b2, 1.0, s);
            else
                huber_sums(r, q, found[j], found[j + 1], delta, s);
            gd = sd_add(gd, s[0]);
            gb = sd_add(gb, sd_mul(q->m, s[0]));
            ga = sd_add(ga, sd_mul(q->m, s[1]));
            gc = sd_add(gc, sd_add(sd_mul(q->alpha, s[1]), sd_mul(q->beta, s[0])));
            ls = sd_add(ls, s[2]);
        }
        const sm fin = st[v].fin;
        sd_store(&sums[0][v * SV], sd_sel(fin, ga, nan));
        sd_store(&sums[1][v * SV], sd_sel(fin, gb, nan));
        sd_store(&sums[2][v * SV], sd_sel(fin, gc, nan));
        sd_store(&sums[3][v * SV], sd_sel(fin, gd, nan));
        sd_store(&sums[4][v * SV], sd_sel(fin, ls, nan));
    }
}

/* The searches jump about a row: fetch the next step's row into cache while
 * this step's runs (every step's row is a new one, a few KiB; a longer row
 * costs more prefetches than its few gathers wait). */
static inline void prefetch_row(const gs_step_data *step, int t)
{
    const sorted_row r = sorted_row_at(step, t);
    const int n = r.n + 1;
    for (int i = 0; i < n; i += 16)
        __builtin_prefetch(&r.x[i]);
    for (int i = 0; i < n; i += 8) {
        __builtin_prefetch(&r.s1[i]);
        if (r.s2)
            __builtin_prefetch(&r.s2[i]);
    }
    for (int i = 0; r.idx && i <= r.k; i += 16)
        __builtin_prefetch(&r.idx[i]);
}

GS_INLINE void sorted_block_impl(const gs_step_data *step, gs_block *blk, int t_end, gs_act act,
                                 gs_loss loss)
{
    const pl_fn f = pl_fn_of(act), tf = pl_fn_of(step->target);
    const pl_levels lv = pl_levels_of(&f, &tf);
    const double delta = (float)step->huber_delta;   /* the float the f32 kernels use */
    const int n = blk->n < 1 ? 1 : (blk->n < LANES ? blk->n : LANES);
    for (int t = blk->t; t < t_end; t++) {
        const sorted_row row = sorted_row_at(step, t);
        if (t + 1 < t_end && step->s_stride && step->batch <= 1024)
            prefetch_row(step, t + 1);
        double o[5][GS_BLOCK_LANES];
        sorted_step(&row, &f, &tf, &lv, loss, delta, (const float(*)[GS_BLOCK_LANES])blk->p, n, o);
        _Alignas(GS_ALIGN) float sums[5][LANES];
        for (int k = 0; k < 5; k++) {
            for (int l = 0; l < n; l++)
                sums[k][l] = (float)o[k][l];
            for (int l = n; l < LANES; l++)   /* idle lanes mirror the last one */
                sums[k][l] = sums[k][n - 1];
        }
        acc s;
        for (int v = 0; v < NV; v++) {
            s.ga[v] = vf_load(&sums[0][v * VW]);
            s.gb[v] = vf_load(&sums[1][v * VW]);
            s.gc[v] = vf_load(&sums[2][v * VW]);
            s.gd[v] = vf_load(&sums[3][v * VW]);
            s.ls[v] = vf_load(&sums[4][v * VW]);
        }
        apply_step(step, blk, t, act, loss, &s);
    }
    blk->t = t_end;
}

static void GS_CAT(sorted_sums, GS_KSUFFIX)(const gs_step_data *step, int t, gs_act act,
                                            const float p[4], double sums[5])
{
    const pl_fn f = pl_fn_of(act), tf = pl_fn_of(step->target);
    const sorted_row row = sorted_row_at(step, t);
    const pl_levels lv = pl_levels_of(&f, &tf);
    float pp[4][GS_BLOCK_LANES] = {{p[0]}, {p[1]}, {p[2]}, {p[3]}};
    double o[5][GS_BLOCK_LANES];
    sorted_step(&row, &f, &tf, &lv, step->loss, (float)step->huber_delta, (const float(*)[GS_BLOCK_LANES])pp,
                1, o);
    for (int k = 0; k < 5; k++)
        sums[k] = o[k][0];
}

/* The activations it trains: those whose every piece is flat or affine
 * (gs_act_piecewise_linear; tests/test_sorted.c checks the two agree). */
#define GS_SORTED_ACTS(X) X(IDENTITY, identity) X(RELU, relu) X(LEAKY_RELU, leaky_relu) \
    X(HARDTANH, hardtanh)

#define GS_SORTED_FN_LOSS(ID, name, LOSS, lname)                                          \
    static void GS_CAT(train_sorted_##name##_##lname, GS_KSUFFIX)(                        \
        const gs_step_data *step, gs_block *blk, int t_end)                               \
    {                                                                                     \
        sorted_block_impl(step, blk, t_end, GS_ACT_##ID, LOSS);                           \
    }
#define GS_SORTED_FN(ID, name)                                                            \
    GS_SORTED_FN_LOSS(ID, name, GS_LOSS_MAE, mae)                                         \
    GS_SORTED_FN_LOSS(ID, name, GS_LOSS_MSE, mse)                                         \
    GS_SORTED_FN_LOSS(ID, name, GS_LOSS_HUBER, huber)
GS_SORTED_ACTS(GS_SORTED_FN)

/* The table's entries (kernels_tmpl.h). */
#define GS_SORTED_REF(ID, name)                                                           \
    [GS_ACT_##ID] = {GS_CAT(train_sorted_##name##_mae, GS_KSUFFIX),                       \
                     GS_CAT(train_sorted_##name##_mse, GS_KSUFFIX),                       \
                     GS_CAT(train_sorted_##name##_huber, GS_KSUFFIX)},
#define GS_SORTED_TABLE                                                                   \
    .train_sorted = {GS_SORTED_ACTS(GS_SORTED_REF)}, .sorted_sums = GS_CAT(sorted_sums, GS_KSUFFIX),

#endif
