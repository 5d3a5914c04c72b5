/* The sorted method (--method sorted): the batch sums of a step from the
 * step's samples sorted once per run and their prefix sums, in O(log B) per
 * start (include after train_impl.h, from kernels_tmpl.h).
 *
 * For a piecewise-linear activation f and target T, the residual
 * r(x) = c f(a x + b) + d - T(x) is affine in x between the breakpoints: T's
 * kinks and the x where a x + b crosses f's kinks. On each such piece,
 * r = P x + Q crosses any level at most once, so each loss's g (sign(r), r,
 * or r clamped to +-delta) is a constant or r itself on at most three runs
 * of the sorted samples, found by binary search; each run's sums follow from
 * the prefix sums of 1, x and x^2. Every set runs this same scalar double
 * code lane by lane (no contraction, no reassociation: -ffp-contract=off)
 * and then apply_step, so the sets agree bit for bit. */
#ifndef GS_SORTED_IMPL_H
#define GS_SORTED_IMPL_H

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

static inline int pl_passes(const pl_fn *f, int k, double z)
{
    return f->incl[k] ? z >= f->kink[k] : z > f->kink[k];
}

static inline int pl_piece(const pl_fn *f, double z)
{
    int i = 0;
    for (int k = 0; k < f->nk; k++)
        i += pl_passes(f, k, z);
    return i;
}

/* One step's row of the tables. */
typedef struct sorted_row {
    const float *x;
    const double *s1, *s2;
    int n;
} sorted_row;

static inline sorted_row sorted_row_at(const gs_step_data *step, int t)
{
    const size_t o = (size_t)t * step->s_stride;
    return (sorted_row){step->sx + o, step->s1 + o, step->s2 ? step->s2 + o : NULL, step->batch};
}

#define MAX_JOBS (GS_BLOCK_LANES * 10)   /* 5 pieces a start, 2 searches a piece */

/* Searches on one row, each for the first i with m x[i] + q > lev: m x + q
 * is monotone in x (a product and a sum, each rounded once), so the
 * predicate is false and then true along the sorted samples. A kink's
 * "z >= k" is "z > the double below k", and a falling a x + b is searched
 * as the rising -(a x + b) (negation is exact). The predicates are exact,
 * on the very doubles the sums use: no threshold is divided out, and a
 * kink on a sample falls on the side the kink rule puts it. */
typedef struct search_jobs {
    double m[MAX_JOBS], q[MAX_JOBS], lev[MAX_JOBS];
    int idx[MAX_JOBS], n;
} search_jobs;

static inline int add_job(search_jobs *J, double m, double q, double lev)
{
    J->m[J->n] = m;
    J->q[J->n] = q;
    J->lev[J->n] = lev;
    return J->n++;
}

/* Every job at once, a halving at a time, so that the jobs' chains of
 * loads and compares overlap (a search alone waits on each load) and no
 * branch depends on the data: idx = the first i in [0, n) whose predicate
 * holds, n if none (a NaN never holds). */
static inline void search_all(const float *x, int n, search_jobs *J)
{
    const int nj = J->n;
    for (int j = 0; j < nj; j++)
        J->idx[j] = 0;
    for (int len = n; len > 1;) {
        const int half = len / 2;
        for (int j = 0; j < nj; j++) {
            const double v = J->m[j] * (double)x[J->idx[j] + half] + J->q[j];
            J->idx[j] += v > J->lev[j] ? 0 : half;
        }
        len -= half;
    }
    if (n > 0)
        for (int j = 0; j < nj; j++)
            J->idx[j] += !(J->m[j] * (double)x[J->idx[j]] + J->q[j] > J->lev[j]);
}

static inline int clamp_index(int k, int lo, int hi) { return k < lo ? lo : (k > hi ? hi : k); }

/* The sums over one run [u, v) where g is the constant G (out: sum g,
 * sum g x, sum of the loss), with sum r = P X + Q n there: mae's |r| = G r;
 * huber's linear part delta (|r| - delta/2) = G r - delta^2/2. */
static inline void run_const(const sorted_row *row, int u, int v, double P, double Q, double G,
                             double lin_off, double out[3])
{
    if (u >= v)
        return;
    const double n = (double)(v - u), X = row->s1[v] - row->s1[u];
    out[0] += G * n;
    out[1] += G * X;
    out[2] += G * (P * X + Q * n) - lin_off * n;
}

/* The sums over one run [u, v) where g = r = P x + Q; the loss is
 * half * sum r^2 (mse: 1, huber: 1/2), never below 0. */
static inline void run_linear(const sorted_row *row, int u, int v, double P, double Q,
                              double half, double out[3])
{
    if (u >= v)
        return;
    const double n = (double)(v - u), X = row->s1[v] - row->s1[u], X2 = row->s2[v] - row->s2[u];
    const double R0 = P * X + Q * n, R1 = P * X2 + Q * X, L = P * R1 + Q * R0;
    out[0] += R0;
    out[1] += R1;
    out[2] += L > 0 ? half * L : 0.0;
}

/* One affine piece [u, v) of a start: f = alpha x + beta there (f' = m),
 * r = P x + Q; job: its first search (the level 0 for mae, -delta and
 * delta for huber), -1 if it needs none. */
typedef struct lane_piece {
    int u, v, job;
    double m, alpha, beta, P, Q;
} lane_piece;

/* The searches a piece needs: r crosses a level once at most, and
 * s = sigma r = |P| x + sigma Q rises with x. */
static inline void piece_jobs(lane_piece *pc, gs_loss loss, double delta, search_jobs *J)
{
    pc->job = -1;
    if (loss == GS_LOSS_MSE || pc->P == 0)
        return;
    const double sigma = pc->P > 0 ? 1.0 : -1.0, sp = sigma * pc->P, sq = sigma * pc->Q;
    if (loss == GS_LOSS_MAE) {
        pc->job = add_job(J, sp, sq, 0.0);
        return;
    }
    pc->job = add_job(J, sp, sq, -delta);
    add_job(J, sp, sq, delta);
}

/* One piece's sum g, sum g x and loss into out, from its searches. */
static inline void piece_sums(const sorted_row *row, const lane_piece *pc, gs_loss loss,
                              double delta, const int *found, double out[3])
{
    const int u = pc->u, v = pc->v;
    const double P = pc->P, Q = pc->Q;
    if (loss == GS_LOSS_MSE) {
        run_linear(row, u, v, P, Q, 1.0, out);
        return;
    }
    if (P == 0) {   /* r = Q throughout */
        const double n = (double)(v - u), X = row->s1[v] - row->s1[u];
        double g, l;
        if (loss == GS_LOSS_MAE) {
            g = Q > 0 ? 1.0 : (Q < 0 ? -1.0 : 0.0);
            l = Q * g;
        } else {
            const double aq = Q < 0 ? -Q : Q;
            g = Q > delta ? delta : (Q < -delta ? -delta : Q);
            l = aq < delta ? 0.5 * Q * Q : delta * (aq - 0.5 * delta);
        }
        out[0] += g * n;
        out[1] += g * X;
        out[2] += l * n;
        return;
    }
    const double sigma = P > 0 ? 1.0 : -1.0, sp = sigma * P, sq = sigma * Q;
    if (loss == GS_LOSS_MAE) {
        const int k2 = clamp_index(found[0], u, v);   /* first s > 0 */
        int k1 = k2;   /* s == 0 exactly: g = 0; rare, never more than the ties */
        while (k1 > u && sp * (double)row->x[k1 - 1] + sq == 0)
            k1--;
        run_const(row, u, k1, P, Q, -sigma, 0.0, out);
        run_const(row, k2, v, P, Q, sigma, 0.0, out);
        return;
    }
    /* huber: at |r| = delta both sides give g = r and the same loss */
    const int klo = clamp_index(found[0], u, v);     /* first s > -delta */
    const int khi = clamp_index(found[1], klo, v);   /* first s > delta */
    const double off = 0.5 * delta * delta;
    run_const(row, u, klo, P, Q, -sigma * delta, off, out);
    run_linear(row, klo, khi, P, Q, 0.5, out);
    run_const(row, khi, v, P, Q, sigma * delta, off, out);
}

/* The sums (gs_sorted_sums_fn's five, in double) of nl starts, p[q][l], on
 * one step's row: every start's kinks searched at once, then its pieces,
 * then every piece's crossings at once, then each start's sums. */
GS_INLINE void sorted_step(const sorted_row *row, const pl_fn *f, const pl_fn *tf,
                               gs_loss loss, double delta, const float (*p)[GS_BLOCK_LANES],
                               int nl, double (*sums)[GS_BLOCK_LANES])
{
    const int n = row->n;
    search_jobs J;
    int tk[2] = {n, n};
    /* the target's kinks, once for every start */
    J.n = 0;
    for (int k = 0; k < tf->nk; k++)
        add_job(&J, 1.0, 0.0, pl_level(tf, k, 1));
    search_all(row->x, n, &J);
    for (int k = 0; k < tf->nk; k++)
        tk[k] = J.idx[k];
    /* where each start's a x + b crosses f's kinks (none where a = 0: a job
     * that never holds) */
    J.n = 0;
    for (int l = 0; l < nl; l++) {
        const double a = p[0][l], b = p[1][l], sign = a < 0 ? -1.0 : 1.0;
        for (int k = 0; k < f->nk; k++)
            add_job(&J, a != 0 ? sign * a : 0.0, a != 0 ? sign * b : 0.0,
                    a != 0 ? pl_level(f, k, (int)sign) : 1.0);
    }
    search_all(row->x, n, &J);
    /* each start's pieces and the thresholds of their crossings */
    lane_piece pc[GS_BLOCK_LANES][5];
    int np[GS_BLOCK_LANES];
    search_jobs C;
    C.n = 0;
    for (int l = 0; l < nl; l++) {
        const float *pl[4] = {&p[0][l], &p[1][l], &p[2][l], &p[3][l]};
        np[l] = -1;
        if (!isfinite(*pl[0]) || !isfinite(*pl[1]) || !isfinite(*pl[2]) || !isfinite(*pl[3]))
            continue;
        const double a = *pl[0], b = *pl[1], c = *pl[2], d = *pl[3];
        /* The breakpoints, the missing ones at n: a sorting network of
         * four in registers (an insertion sort through memory stalls). */
        int q0 = tf->nk > 0 ? tk[0] : n, q1 = tf->nk > 1 ? tk[1] : n, q2 = n, q3 = n;
        if (f->nk > 0)
            q2 = J.idx[l * f->nk];
        if (f->nk > 1)
            q3 = J.idx[l * f->nk + 1];
#define CSWAP_(x, y)                                                                      \
    do {                                                                                  \
        const int lo_ = x < y ? x : y, hi_ = x < y ? y : x;                               \
        x = lo_;                                                                          \
        y = hi_;                                                                          \
    } while (0)
        CSWAP_(q0, q1);
        CSWAP_(q2, q3);
        CSWAP_(q0, q2);
        CSWAP_(q1, q3);
        CSWAP_(q1, q2);
#undef CSWAP_
        const int ends[5] = {q0, q1, q2, q3, n};
        np[l] = 0;
        for (int i = 0, v = 0; i < 5; i++) {
            const int u = v;
            v = ends[i];
            if (u >= v)
                continue;
            /* f and the target are affine on the piece: their pieces at its first sample */
            const double xu = row->x[u];
            const int pf = pl_piece(f, a * xu + b), pt = pl_piece(tf, xu);
            lane_piece *q = &pc[l][np[l]++];
            q->u = u;
            q->v = v;
            q->m = f->m[pf];
            q->alpha = q->m * a;
            q->beta = q->m * b + f->e[pf];
            q->P = c * q->alpha - tf->m[pt];
            q->Q = c * q->beta + d - tf->e[pt];
            piece_jobs(q, loss, delta, &C);
        }
    }
    search_all(row->x, n, &C);
    for (int l = 0; l < nl; l++) {
        double ga = 0, gb = 0, gc = 0, gd = 0, ls = 0;
        if (np[l] < 0)
            ga = gb = gc = gd = ls = NAN;
        for (int i = 0; i < np[l]; i++) {
            const lane_piece *q = &pc[l][i];
            double s[3] = {0, 0, 0};
            piece_sums(row, q, loss, delta, q->job >= 0 ? &C.idx[q->job] : NULL, s);
            gd += s[0];
            gb += q->m * s[0];
            ga += q->m * s[1];
            gc += q->alpha * s[1] + q->beta * s[0];
            ls += s[2];
        }
        sums[0][l] = ga;
        sums[1][l] = gb;
        sums[2][l] = gc;
        sums[3][l] = gd;
        sums[4][l] = ls;
    }
}

/* The searches jump about a row: fetch the next step's row into cache while
 * this step's runs (every step's row is a new one, a few KiB). */
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
}

GS_INLINE void sorted_block_impl(const gs_step_data *step, gs_block *blk, int t_end, gs_act act,
                                 gs_loss loss)
{
    const pl_fn f = pl_fn_of(act), tf = pl_fn_of(step->target);
    const double delta = (float)step->huber_delta;   /* the float the f32 kernels use */
    const int n = blk->n < 1 ? 1 : (blk->n < LANES ? blk->n : LANES);
    for (int t = blk->t; t < t_end; t++) {
        const sorted_row row = sorted_row_at(step, t);
        if (t + 1 < t_end && step->s_stride)
            prefetch_row(step, t + 1);
        double o[5][GS_BLOCK_LANES];
        sorted_step(&row, &f, &tf, loss, delta, (const float(*)[GS_BLOCK_LANES])blk->p, n, o);
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
    float pp[4][GS_BLOCK_LANES] = {{p[0]}, {p[1]}, {p[2]}, {p[3]}};
    double o[5][GS_BLOCK_LANES];
    sorted_step(&row, &f, &tf, step->loss, (float)step->huber_delta, (const float(*)[GS_BLOCK_LANES])pp,
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
