/* The body of checkkernels' train families, written once for both
 * precisions: checkkernels_train.c (f32) and checkkernels_train64.c (f64)
 * define the names below and include it, as the kernel sets include
 * kernels_tmpl.h. The training step of each activation x loss, every
 * optimizer and sampling mode a sub-case. The reference is the scalar set
 * training one lane per block, one step per call; each set trains the same
 * starting points in blocks of 1..lanes lanes, all steps in one call. Every
 * field of the block state must match bit for bit. With CKT_SORTED the
 * piecewise-linear activations also train with --method sorted
 * (train_sorted), on tables sorted from the same samples.
 *
 * The includer defines:
 *   CKT_REAL, CKT_BLOCK           the precision's value and block types
 *   CKT_BLOCK_INIT, CKT_SET_RATES its gs_block*_init and _set_rates
 *   CKT_TRAIN_FN, CKT_TRAIN       the train function type, gs_kernels' table
 *   CKT_LANES                     gs_kernels' lane count for the precision
 *   CKT_XS, CKT_YS                gs_step_data's sample table fields
 *   CKT_UNIFORM, CKT_SPECIALS, CKT_MAX_SPECIAL, CKT_SAME_BITS
 *                                 kernel_inputs*.h's generators and compare
 *   CKT_BITS_FMT, CKT_BITS(x)     a value's bits in a failure message
 *   CKT_SORTED                    1: check --method sorted too
 *   CKT_CHECK, CKT_BENCH          the names of the two entry points */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkkernels.h"
#include "gridsweep/train.h"   /* optimizer and sampling names for the messages */

#define REF_LANES GS_BLOCK_LANES
#define MAX_STEPS 4
#define MAX_BATCH 130

/* Batch sizes: every one from 1 to 100 (the tails of a vector, of the
 * 64-sample sub-batch and of the 4-sample groups of the random streams),
 * then around the second sub-batch's end. */
#define N_BATCHES 104
static int batch_size(int i) { return i < 100 ? i + 1 : 127 + (i - 100); }

typedef struct tcase {
    gs_step_data step;
    gs_sum_order sum;          /* step.sum, for the case's batch */
    int steps;
    CKT_REAL xs[MAX_STEPS * MAX_BATCH], ys[MAX_STEPS * MAX_BATCH];
    int sorted;   /* --method sorted (CKT_SORTED only) */
#if CKT_SORTED
    /* each row of xs sorted, with its prefix sums (step.h) */
    float sx[MAX_STEPS * (MAX_BATCH + 1)];
    double s1[MAX_STEPS * (MAX_BATCH + 1)], s2[MAX_STEPS * (MAX_BATCH + 1)];
#endif
    CKT_REAL start[REF_LANES][5];
    CKT_REAL lr_out[REF_LANES];   /* c and d's rate (a and b take start[l][4]) */
    uint64_t point[REF_LANES];
    CKT_BLOCK ref[REF_LANES];   /* lane 0 of each: the scalar result */
} tcase;

/* A value from the special pool (NaN, inf, +-0, denormals, huge), or a
 * random one. */
static CKT_REAL maybe_special(rng *r, const CKT_REAL *pool, size_t npool, CKT_REAL x)
{
    return rng_next(r) % 8 == 0 ? pool[rng_next(r) % npool] : x;
}

static void make_case(tcase *c, gs_opt opt, gs_sampling sampling, int batch, int variant, rng *r)
{
    CKT_REAL pool[CKT_MAX_SPECIAL];
    const size_t npool = CKT_SPECIALS(pool, CKT_MAX_SPECIAL);
    const CKT_REAL lo = CKT_UNIFORM(r, -3, 0);
    c->steps = 1 + (int)(rng_next(r) % MAX_STEPS);
    c->step = (gs_step_data){
        .huber_delta = (CKT_REAL)pow(10.0, rng_unit(r) * 3 - 2),
        .opt = opt,
        .beta1 = CKT_UNIFORM(r, 0, 0.99),
        .beta2 = CKT_UNIFORM(r, 0.9, 0.9999),
        .eps = (CKT_REAL)pow(10.0, rng_unit(r) * 6 - 10),
        .momentum = CKT_UNIFORM(r, 0, 0.99),
        .alpha = CKT_UNIFORM(r, 0.8, 0.999),
        .sampling = sampling,
        .seed = rng_next(r),
        .data_lo = lo,
        .data_hi = lo + (CKT_REAL)pow(10.0, rng_unit(r) * 3 - 2),
        .batch = batch,
        .inv_batch = (CKT_REAL)1 / (CKT_REAL)batch,
        .window_start = (int)(rng_next(r) % (unsigned)(c->steps + 1)),
        .tol = (CKT_REAL)pow(10.0, rng_unit(r) * 3 - 3),
        .escape = (CKT_REAL)pow(10.0, rng_unit(r) * 3 - 2),
        /* Independent sampling's targets and distributions (the others
         * take y from the tables below). */
        .target = (gs_act)(rng_next(r) % GS_ACT_COUNT),
    };
    c->step.prev_start = (int)(rng_next(r) % (unsigned)(c->step.window_start + 1));
    c->step.sum = &c->sum;
    const gs_dist_kind kind = (gs_dist_kind)(variant % GS_DIST_COUNT);
    gs_dist_make(kind, rng_uniform(r, -1, 1), rng_uniform(r, 0.1f, 2), rng_uniform(r, 0.5f, 6),
                 &c->step.dist, NULL);
    /* Sample tables: in range, and in variant 3 with special values too. */
    const int rows = sampling == GS_SAMPLING_SHARED ? c->steps : 1;
    for (int i = 0; i < rows * batch; i++) {
        CKT_REAL x = CKT_UNIFORM(r, c->step.data_lo, c->step.data_hi);
        CKT_REAL y = rng_next(r) % 4 ? (x <= 0 ? (CKT_REAL)0 : x) : CKT_UNIFORM(r, -2, 2);
        if (variant == 3) {
            x = maybe_special(r, pool, npool, x);
            y = maybe_special(r, pool, npool, y);
        }
        c->xs[i] = x;
        c->ys[i] = y;
    }
    c->step.CKT_XS = sampling == GS_SAMPLING_INDEPENDENT ? NULL : c->xs;
    c->step.CKT_YS = sampling == GS_SAMPLING_INDEPENDENT ? NULL : c->ys;
    c->step.x_stride = sampling == GS_SAMPLING_SHARED ? (size_t)batch : 0;
    gs_step_scan_tables(&c->step, (size_t)rows * batch);
    /* Starting points: random, and from variant 2 on with special values. */
    for (int l = 0; l < REF_LANES; l++) {
        for (int k = 0; k < 4; k++) {
            c->start[l][k] = CKT_UNIFORM(r, -3, 3);
            if (variant >= 2)
                c->start[l][k] = maybe_special(r, pool, npool, c->start[l][k]);
        }
        c->start[l][4] = (CKT_REAL)pow(10.0, rng_unit(r) * 4 - 3);
        if (variant >= 2 && rng_next(r) % 8 == 0)
            c->start[l][4] = rng_next(r) % 2 ? (CKT_REAL)0 : (CKT_REAL)1e10;
        c->point[l] = rng_next(r);
        /* Per-layer rates: the same in variant 0, apart in the others. */
        c->lr_out[l] = variant == 0 ? c->start[l][4] : (CKT_REAL)pow(10.0, rng_unit(r) * 4 - 3);
    }
}

#if CKT_SORTED
static int float_order(const void *p, const void *q)
{
    const float a = *(const float *)p, b = *(const float *)q;
    return (a > b) - (a < b);
}

/* The sorted method's tables of the case's x (finite: variants 0 to 2) and a
 * piecewise-linear target; y is the target's, not the table's. */
static void make_sorted(tcase *c, rng *r)
{
    static const gs_act pl[] = {GS_ACT_IDENTITY, GS_ACT_RELU, GS_ACT_LEAKY_RELU,
                                GS_ACT_HARDTANH};
    const int batch = c->step.batch, shared = c->step.sampling == GS_SAMPLING_SHARED;
    const size_t stride = (size_t)batch + 1;
    for (int t = 0; t < (shared ? c->steps : 1); t++) {
        float *x = c->sx + t * stride;
        double *s1 = c->s1 + t * stride, *s2 = c->s2 + t * stride;
        memcpy(x, c->xs + (size_t)t * batch, (size_t)batch * sizeof *x);
        qsort(x, (size_t)batch, sizeof *x, float_order);
        x[batch] = 0;
        s1[0] = s2[0] = 0;
        for (int i = 0; i < batch; i++) {
            s1[i + 1] = s1[i] + (double)x[i];
            s2[i + 1] = s2[i] + (double)x[i] * (double)x[i];
        }
    }
    c->sorted = 1;
    c->step.target = pl[rng_next(r) % 4];
    c->step.sx = c->sx;
    c->step.s1 = c->s1;
    c->step.s2 = c->s2;
    c->step.s_stride = shared ? stride : 0;
}
#endif

static CKT_TRAIN_FN train_of(const ck_run *run, const gs_kernels *k, const tcase *c)
{
#if CKT_SORTED
    if (c->sorted)
        return k->train_sorted[run->fn.act][run->fn.loss];
#else
    (void)c;
#endif
    return k->CKT_TRAIN[run->fn.act][run->fn.loss];
}

/* The scalar result of each lane: alone in its block, one step per call.
 * So a start whose every z lies on one side of 0 takes
 * train_impl.h's one-sided path here (block_side: relu below or above 0,
 * elu, celu and selu above), and the full path in compare_set's blocks that
 * mix it with starts whose z cross 0. */
static void reference(const ck_run *run, tcase *c)
{
    const CKT_TRAIN_FN train = train_of(run, run->ref, c);
    for (int l = 0; l < REF_LANES; l++) {
        CKT_BLOCK_INIT(&c->ref[l], 1, &c->start[l], &c->point[l]);
        CKT_SET_RATES(&c->ref[l], 0, c->start[l][4], c->lr_out[l]);
        for (int t = 0; t < c->steps; t++)
            train(&c->step, &c->ref[l], t + 1);
    }
}

#define FIELD(name, expr) {name, offsetof(CKT_BLOCK, expr)}
static const struct {
    const char *name;
    size_t offset;   /* of the field's lane 0 */
} fields[] = {
    FIELD("a", p[0]),       FIELD("b", p[1]),       FIELD("c", p[2]),
    FIELD("d", p[3]),       FIELD("m_a", m[0]),     FIELD("m_b", m[1]),
    FIELD("m_c", m[2]),     FIELD("m_d", m[3]),     FIELD("v_a", v[0]),
    FIELD("v_b", v[1]),     FIELD("v_c", v[2]),     FIELD("v_d", v[3]),
    FIELD("loss", loss),    FIELD("ema", ema),      FIELD("wsum", wsum),
    FIELD("wprev", wprev),  FIELD("t_escape", t_escape), FIELD("t_enter", t_enter),
    FIELD("t_diverge", t_diverge), FIELD("inv_loss0", inv_loss0), FIELD("rsum", rsum),
    FIELD("lr_in", lr_in),  FIELD("lr_out", lr_out),
};

static CKT_REAL lane_field(const CKT_BLOCK *b, size_t field, int lane)
{
    const CKT_REAL *f = (const CKT_REAL *)((const char *)b + fields[field].offset);
    return f[lane];
}

static void compare_set(ck_run *run, gs_isa isa, const tcase *c, const char *what, rng *r)
{
    const gs_kernels *k = run->sets[isa];
    const CKT_TRAIN_FN train = train_of(run, k, c);
    for (int l0 = 0; l0 < REF_LANES;) {
        const int room = REF_LANES - l0 < k->CKT_LANES ? REF_LANES - l0 : k->CKT_LANES;
        const int n = 1 + (int)(rng_next(r) % (unsigned)room);   /* partial blocks too */
        CKT_BLOCK b;
        CKT_BLOCK_INIT(&b, n, &c->start[l0], &c->point[l0]);
        for (int j = 0; j < n; j++)
            CKT_SET_RATES(&b, j, c->start[l0 + j][4], c->lr_out[l0 + j]);
        train(&c->step, &b, c->steps);
        for (int j = 0; j < n; j++) {
            const CKT_BLOCK *ref = &c->ref[l0 + j];
            for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
                const CKT_REAL got = lane_field(&b, f, j), want = lane_field(ref, f, 0);
                if (!CKT_SAME_BITS(got, want))
                    ck_fail(run, isa,
                            "%s, lane %d of %d: %s = %a [" CKT_BITS_FMT "], scalar %a ["
                            CKT_BITS_FMT "] (start %a %a %a %a lr %a)",
                            what, j, n, fields[f].name, (double)got, CKT_BITS(got), (double)want,
                            CKT_BITS(want), (double)c->start[l0 + j][0], (double)c->start[l0 + j][1],
                            (double)c->start[l0 + j][2], (double)c->start[l0 + j][3],
                            (double)c->start[l0 + j][4]);
            }
        }
        if (b.t != c->steps)
            ck_fail(run, isa, "%s: step count differs", what);
        l0 += n;
    }
}

/* Signed zeros where the residual is zero: targets +-0 and, in half of the
 * lanes, c and d +-0, so yhat is +-0 and y - yhat is -0 at y = -0, yhat = +0
 * (where the AVX2 f32 relu loop's one-instruction sign is wrong, and the step
 * data's ys_no_neg_zero keeps it out; train_impl.h), or targets +0 only.
 * The f64 sets have no such loop; the case checks their signed zeros. */
static void make_zero_case(tcase *c, gs_opt opt, gs_sampling sampling, int batch, int neg, rng *r)
{
    make_case(c, opt, sampling, batch, 0, r);
    const int rows = sampling == GS_SAMPLING_SHARED ? c->steps : 1;
    for (int i = 0; i < rows * batch; i++)
        c->ys[i] = neg && rng_next(r) % 2 ? -(CKT_REAL)0 : (CKT_REAL)0;
    for (int l = 0; l < REF_LANES; l += 2) {
        c->start[l][2] = rng_next(r) % 2 ? -(CKT_REAL)0 : (CKT_REAL)0;
        c->start[l][3] = rng_next(r) % 2 ? -(CKT_REAL)0 : (CKT_REAL)0;
    }
    gs_step_scan_tables(&c->step, (size_t)rows * batch);
}

/* z = a x + b where exp-based derivatives are subnormal or nearly so in
 * float (e^z below 2^-100): there g f'(z) x rounds in the subnormal range,
 * which the AVX2 f32 loop's doubled sums must keep out of (train_impl.h's
 * sign2_in_band). Half of the lanes at z near -95, the rest near +95; in
 * f64, the far tails of each activation. */
static void make_tiny_df_case(tcase *c, gs_opt opt, gs_sampling sampling, int batch, rng *r)
{
    make_case(c, opt, sampling, batch, 0, r);
    for (int l = 0; l < REF_LANES; l++) {
        c->start[l][0] = CKT_UNIFORM(r, -1, 1);
        c->start[l][1] = (l % 2 ? 1 : -1) * CKT_UNIFORM(r, 86, 104);
    }
}

void CKT_CHECK(ck_run *run)
{
    tcase *c = malloc(sizeof *c);
    if (!c) {
        for (int s = 0; s < GS_ISA_COUNT; s++)
            if (run->sets[s])
                ck_fail(run, (gs_isa)s, "out of memory");
        return;
    }
    rng r = {run->seed * 0x9e3779b97f4a7c15ull + 31 * (uint64_t)run->fn.act +
             7 * (uint64_t)run->fn.loss + 3};
    /* Each sampling mode at every batch size; the optimizer takes turns (and
     * shifts every 4 sizes), so each one meets each mode at 26 sizes, of
     * every residue mod 4. Then --method sorted, where it applies: shared
     * and grid sampling, finite samples, special starts in variant 2. */
#if CKT_SORTED
    const int sorted_too = run->ref->train_sorted[run->fn.act][run->fn.loss] != NULL;
#else
    const int sorted_too = 0;
#endif
    for (int mode = 0; mode < GS_SAMPLING_COUNT + (sorted_too ? 2 : 0); mode++) {
        const int sorted = mode >= GS_SAMPLING_COUNT;
        const int sampling = !sorted ? mode
                             : mode == GS_SAMPLING_COUNT ? GS_SAMPLING_SHARED : GS_SAMPLING_GRID;
        for (int bi = 0; bi < N_BATCHES; bi++) {
            const int opt = (bi + bi / 4 + sampling) % GS_OPT_COUNT, batch = batch_size(bi);
            const int variant = (int)(rng_next(&r) % (sorted ? 3 : 4));
            if (gs_sum_order_build(&c->sum, batch)) {
                for (int s = 0; s < GS_ISA_COUNT; s++)
                    if (run->sets[s])
                        ck_fail(run, (gs_isa)s, "out of memory");
                free(c);
                return;
            }
            make_case(c, (gs_opt)opt, (gs_sampling)sampling, batch, variant, &r);
            c->sorted = 0;
#if CKT_SORTED
            if (sorted)
                make_sorted(c, &r);
#endif
            reference(run, c);
            char what[120];
            snprintf(what, sizeof what, "%s%s/%s, batch %d, %d steps%s",
                     sorted ? "sorted, " : "", gs_opt_name(opt), gs_sampling_name(sampling),
                     batch, c->steps, variant >= 2 ? ", special inputs" : "");
            for (int s = 0; s < GS_ISA_COUNT; s++)
                if (run->sets[s])
                    compare_set(run, (gs_isa)s, c, what, &r);
            gs_sum_order_free(&c->sum);
        }
    }
    for (int i = 0; i < 16; i++) {
        const int batch = 1 + (int)(rng_next(&r) % MAX_BATCH), neg = i % 2, tiny = i >= 8;
        const gs_sampling sampling = i / 2 % 2 ? GS_SAMPLING_GRID : GS_SAMPLING_SHARED;
        const gs_opt opt = (gs_opt)(i / 4 % 2 ? GS_OPT_SGD : GS_OPT_ADAM);
        if (gs_sum_order_build(&c->sum, batch)) {
            for (int s = 0; s < GS_ISA_COUNT; s++)
                if (run->sets[s])
                    ck_fail(run, (gs_isa)s, "out of memory");
            break;
        }
        if (tiny)
            make_tiny_df_case(c, opt, sampling, batch, &r);
        else
            make_zero_case(c, opt, sampling, batch, neg, &r);
        c->sorted = 0;
        reference(run, c);
        char what[120];
        snprintf(what, sizeof what, "%s/%s, batch %d, %d steps, %s", gs_opt_name(opt),
                 gs_sampling_name(sampling), batch, c->steps,
                 tiny ? "|z| near 95" : neg ? "targets +-0" : "targets +0");
        for (int s = 0; s < GS_ISA_COUNT; s++)
            if (run->sets[s])
                compare_set(run, (gs_isa)s, c, what, &r);
        gs_sum_order_free(&c->sum);
    }
    free(c);
}

#define BENCH_BATCH 256
#define BENCH_STEPS 100
#define BENCH_REPS 5

/* Adam on shared samples, the defaults' shape: ns per lane-sample-step. */
double CKT_BENCH(const gs_kernels *k, gs_act act, gs_loss loss)
{
    static CKT_REAL xs[BENCH_STEPS * BENCH_BATCH], ys[BENCH_STEPS * BENCH_BATCH];
    rng r = {0x2545f4914f6cdd1dull};
    for (int i = 0; i < BENCH_STEPS * BENCH_BATCH; i++) {
        xs[i] = CKT_UNIFORM(&r, -0.5, 0.5);
        ys[i] = xs[i] <= 0 ? (CKT_REAL)0 : xs[i];
    }
    static gs_sum_order sum;
    if (!sum.order && gs_sum_order_build(&sum, BENCH_BATCH))
        return -1;
    gs_step_data step = {
        .sum = &sum, .loss = loss, .huber_delta = 1, .opt = GS_OPT_ADAM,
        .beta1 = (CKT_REAL)0.9, .beta2 = (CKT_REAL)0.999, .eps = (CKT_REAL)1e-8,
        .momentum = (CKT_REAL)0.9, .alpha = (CKT_REAL)0.99, .sampling = GS_SAMPLING_SHARED,
        .data_lo = -0.5, .data_hi = 0.5, .batch = BENCH_BATCH,
        .inv_batch = (CKT_REAL)1 / BENCH_BATCH, .CKT_XS = xs, .CKT_YS = ys, .x_stride = BENCH_BATCH,
        .window_start = BENCH_STEPS * 9 / 10, .prev_start = BENCH_STEPS * 8 / 10,
        .tol = (CKT_REAL)0.03, .escape = (CKT_REAL)0.045,
    };
    gs_step_scan_tables(&step, BENCH_STEPS * BENCH_BATCH);
    CKT_REAL start[GS_BLOCK_LANES][5];
    uint64_t point[GS_BLOCK_LANES];
    for (int l = 0; l < GS_BLOCK_LANES; l++) {
        start[l][0] = 1, start[l][1] = CKT_UNIFORM(&r, -2, 2), start[l][2] = 1;
        start[l][3] = CKT_UNIFORM(&r, -2, 2), start[l][4] = (CKT_REAL)0.1;
        point[l] = (uint64_t)l;
    }
    const CKT_TRAIN_FN train = k->CKT_TRAIN[act][loss];
    double t[BENCH_REPS];
    CKT_BLOCK b;
    for (int i = -1; i < BENCH_REPS; i++) {   /* run -1 warms up */
        CKT_BLOCK_INIT(&b, k->CKT_LANES, start, point);
        const double t0 = ck_now_ns();
        train(&step, &b, BENCH_STEPS);
        if (i >= 0)
            t[i] = ck_now_ns() - t0;
    }
    return ck_median(t, BENCH_REPS) / ((double)k->CKT_LANES * BENCH_BATCH * BENCH_STEPS);
}
