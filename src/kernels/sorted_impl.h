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

/* The first i in [lo, hi) where "m x[i] + q passes level" differs from flip,
 * for a predicate that is false and then true along the sorted x (m x + q is
 * monotone in x: a product and a sum, each rounded once); hi if none.
 * Branch-free: which way a search goes is a coin flip to a predictor. */
static inline int sorted_first(const float *x, int lo, int hi, double m, double q, double level,
                               int incl, int flip)
{
    int n = hi - lo;
    if (n <= 0)
        return lo;
    const float *base = x + lo;
    while (n > 1) {
        const int half = n / 2;
        const double v = m * (double)base[half] + q;
        base += ((incl ? v >= level : v > level) == flip) ? half : 0;
        n -= half;
    }
    const double v = m * (double)base[0] + q;
    return (int)(base - x) + ((incl ? v >= level : v > level) == flip);
}

/* The sums over one run [u, v) where g is the constant G (out: sum g,
 * sum g x, sum of the loss), with G0 = sum r there: mae's |r| = G r;
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

/* One affine piece [u, v) of r = P x + Q: out += sum g, sum g x, sum loss. */
static inline void piece_sums(const sorted_row *row, int u, int v, gs_loss loss, double delta,
                              double P, double Q, double out[3])
{
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
    /* s = sigma r = |P| x + sigma Q rises with x; r = sigma s. */
    const double sigma = P > 0 ? 1.0 : -1.0, sp = sigma * P, sq = sigma * Q;
    if (loss == GS_LOSS_MAE) {
        const int k2 = sorted_first(row->x, u, v, sp, sq, 0.0, 0, 0);   /* first s > 0 */
        int k1 = k2;   /* s == 0 exactly: g = 0; rare, never more than the ties */
        while (k1 > u && sp * (double)row->x[k1 - 1] + sq == 0)
            k1--;
        run_const(row, u, k1, P, Q, -sigma, 0.0, out);
        run_const(row, k2, v, P, Q, sigma, 0.0, out);
        return;
    }
    /* huber: at |r| = delta both sides give g = r and the same loss */
    const int klo = sorted_first(row->x, u, v, sp, sq, -delta, 0, 0);    /* first s > -delta */
    const int khi = sorted_first(row->x, klo, v, sp, sq, delta, 0, 0);   /* first s > delta */
    const double off = 0.5 * delta * delta;
    run_const(row, u, klo, P, Q, -sigma * delta, off, out);
    run_linear(row, klo, khi, P, Q, 0.5, out);
    run_const(row, khi, v, P, Q, sigma * delta, off, out);
}

/* The sums of one start p = (a, b, c, d): sums[0..4] as gs_sorted_sums_fn.
 * tk: the first index past each of the target's kinks. */
static inline void sorted_lane(const sorted_row *row, const pl_fn *f, const pl_fn *tf,
                               const int tk[2], gs_loss loss, double delta, const float p[4],
                               double sums[5])
{
    if (!isfinite(p[0]) || !isfinite(p[1]) || !isfinite(p[2]) || !isfinite(p[3])) {
        for (int k = 0; k < 5; k++)
            sums[k] = NAN;
        return;
    }
    const double a = p[0], b = p[1], c = p[2], d = p[3];
    /* The breakpoints, sorted (at most 2 + 2 + 2 of them). */
    int bp[6], nb = 0;
    bp[nb++] = 0;
    for (int k = 0; k < tf->nk; k++)
        bp[nb++] = tk[k];
    if (a != 0)
        for (int k = 0; k < f->nk; k++)
            bp[nb++] = sorted_first(row->x, 0, row->n, a, b, f->kink[k], f->incl[k], a < 0);
    bp[nb++] = row->n;
    for (int i = 1; i < nb; i++)
        for (int j = i; j > 0 && bp[j - 1] > bp[j]; j--) {
            const int tmp = bp[j];
            bp[j] = bp[j - 1];
            bp[j - 1] = tmp;
        }
    double ga = 0, gb = 0, gc = 0, gd = 0, ls = 0;
    for (int i = 0; i + 1 < nb; i++) {
        const int u = bp[i], v = bp[i + 1];
        if (u >= v)
            continue;
        /* f and T are affine on the piece: read their pieces at its first sample */
        const double xu = row->x[u];
        const int pf = pl_piece(f, a * xu + b), pt = pl_piece(tf, xu);
        const double m = f->m[pf], alpha = m * a, beta = m * b + f->e[pf];
        const double P = c * alpha - tf->m[pt], Q = c * beta + d - tf->e[pt];
        double s[3] = {0, 0, 0};
        piece_sums(row, u, v, loss, delta, P, Q, s);
        gd += s[0];
        gb += m * s[0];
        ga += m * s[1];
        gc += alpha * s[1] + beta * s[0];
        ls += s[2];
    }
    sums[0] = ga;
    sums[1] = gb;
    sums[2] = gc;
    sums[3] = gd;
    sums[4] = ls;
}

static inline void target_kinks(const sorted_row *row, const pl_fn *tf, int tk[2])
{
    for (int k = 0; k < tf->nk; k++)
        tk[k] = sorted_first(row->x, 0, row->n, 1.0, 0.0, tf->kink[k], tf->incl[k], 0);
}

GS_INLINE void sorted_block_impl(const gs_step_data *step, gs_block *blk, int t_end, gs_act act,
                                 gs_loss loss)
{
    const pl_fn f = pl_fn_of(act), tf = pl_fn_of(step->target);
    const double delta = step->huber_delta;
    const int n = blk->n < 1 ? 1 : (blk->n < LANES ? blk->n : LANES);
    for (int t = blk->t; t < t_end; t++) {
        const sorted_row row = sorted_row_at(step, t);
        int tk[2] = {0, 0};
        target_kinks(&row, &tf, tk);
        _Alignas(GS_ALIGN) float sums[5][LANES];
        for (int l = 0; l < n; l++) {
            const float p[4] = {blk->p[0][l], blk->p[1][l], blk->p[2][l], blk->p[3][l]};
            double o[5];
            sorted_lane(&row, &f, &tf, tk, loss, delta, p, o);
            for (int k = 0; k < 5; k++)
                sums[k][l] = (float)o[k];
        }
        for (int l = n; l < LANES; l++)   /* idle lanes mirror the last one */
            for (int k = 0; k < 5; k++)
                sums[k][l] = sums[k][n - 1];
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
    int tk[2] = {0, 0};
    target_kinks(&row, &tf, tk);
    sorted_lane(&row, &f, &tf, tk, step->loss, step->huber_delta, p, sums);
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
