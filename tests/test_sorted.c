/* The sorted method (--method sorted): a step's sums against a plain
 * double-precision pass over the same samples, on random and crafted starts
 * (kinks exactly at samples, a = 0, c = 0, an exact fit, non-finite
 * parameters); every kernel set's trajectories bit for bit; which settings
 * it takes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/train.h"

static const gs_act PL[] = {GS_ACT_IDENTITY, GS_ACT_RELU, GS_ACT_LEAKY_RELU, GS_ACT_HARDTANH};
#define NPL 4

/* f(z) and f'(z) of a piecewise-linear activation in double, with the
 * direct method's derivatives at the kinks. */
static double pl_eval(gs_act act, double z, double *df)
{
    switch (act) {
    case GS_ACT_RELU: *df = z > 0; return z > 0 ? z : 0;
    case GS_ACT_LEAKY_RELU: *df = z > 0 ? 1 : (double)0.01f; return z > 0 ? z : (double)0.01f * z;
    case GS_ACT_HARDTANH:
        *df = z > -1 && z < 1;
        return z <= -1 ? -1 : (z >= 1 ? 1 : z);
    default: *df = 1; return z;
    }
}

/* The direct computation, sample by sample in double. */
static void direct_sums(const gs_train_plan *plan, int t, gs_act act, const float p[4],
                        double sums[5], double scale[5])
{
    const gs_step_data *st = &plan->step;
    const float *x = st->sx + (size_t)t * st->s_stride;
    const double a = p[0], b = p[1], c = p[2], d = p[3], delta = st->huber_delta;
    memset(sums, 0, 5 * sizeof *sums);
    memset(scale, 0, 5 * sizeof *scale);
    for (int i = 0; i < st->batch; i++) {
        double df, dy;
        const double f = pl_eval(act, a * x[i] + b, &df), y = pl_eval(st->target, x[i], &dy);
        const double r = c * f + d - y;
        double g, l;
        if (st->loss == GS_LOSS_MAE) {
            g = r > 0 ? 1 : (r < 0 ? -1 : 0);
            l = fabs(r);
        } else if (st->loss == GS_LOSS_MSE) {
            g = r;
            l = r * r;
        } else {
            g = r > delta ? delta : (r < -delta ? -delta : r);
            l = fabs(r) < delta ? 0.5 * r * r : delta * (fabs(r) - 0.5 * delta);
        }
        const double term[5] = {g * df * x[i], g * df, g * f, g, l};
        for (int k = 0; k < 5; k++) {
            sums[k] += term[k];
            scale[k] += fabs(term[k]) + fabs(r * x[i]) + fabs(r);
        }
    }
}

static gs_train_plan make_plan(gs_act act, gs_act target, gs_loss loss, gs_sampling sampling,
                               int steps, int batch)
{
    gs_train_config cfg = gs_train_defaults();
    cfg.act = act;
    cfg.target = target;
    cfg.loss = loss;
    cfg.huber_delta = 0.25;
    cfg.sampling = sampling;
    cfg.method = GS_METHOD_SORTED;
    cfg.steps = steps;
    cfg.batch = batch;
    cfg.data_lo = -1.5f;   /* past hardtanh's kinks */
    cfg.data_hi = 1.5f;
    cfg.seed = 7;
    gs_train_plan plan;
    gs_error err;
    cr_assert_eq(gs_train_plan_init(&plan, &cfg, &err), 0, "%s", err.msg);
    return plan;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static float uniform(float lo, float hi)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return lo + (hi - lo) * (float)((rng >> 40) * 0x1p-24);
}

/* Starts with their breakpoints exactly on samples, and the other corners. */
static int crafted_starts(const gs_train_plan *plan, int t, float (*s)[4])
{
    const float *x = plan->step.sx + (size_t)t * plan->step.s_stride;
    const float xk = x[plan->step.batch / 3], xm = x[plan->step.batch / 2];
    int n = 0;
    const float rows[][4] = {
        {1, -xk, 1, 0}, {-1, xk, 1, 0.25f},       /* relu's kink on a sample, both slopes */
        {1, 1 - xk, 1, 0}, {1, -1 - xm, -1, 0},   /* hardtanh's kinks on samples */
        {2, -2 * xk, 0.5f, 0},                    /* a kink on a sample, exactly */
        {0, 0.5f, 1, -0.5f}, {0, -0.5f, 1, 0}, {0, 0, 1, 0},   /* a = 0 */
        {1, 0.5f, 0, -0.5f}, {1, 0.5f, 0, 0},     /* c = 0: r = d - y */
        {1, 0, 1, 0},                             /* the target itself for identity targets */
        {1, 0.5f, 1, -0.5f}, {1, 0.5f, 1, 0},     /* the discussion's starts */
        {1e30f, 1e30f, 1e-30f, 0}, {1e-30f, -1e-30f, 1e30f, 1},   /* extremes */
        {-3, 0.25f, -2, 1}, {0.5f, xm, 1, -xm},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        memcpy(s[n++], rows[i], sizeof rows[i]);
    return n;
}

static void expect_close(const double got[5], const double want[5], const double scale[5],
                         const char *what)
{
    static const char *const names[5] = {"sum g f' x", "sum g f'", "sum g f", "sum g", "loss"};
    for (int k = 0; k < 5; k++) {
        const double tol = 1e-12 * (scale[k] + 1);
        cr_expect(fabs(got[k] - want[k]) <= tol || (isinf(want[k]) && got[k] == want[k]),
                  "%s: %s %.17g, direct %.17g", what, names[k], got[k], want[k]);
    }
}

Test(sorted, sums_equal_a_double_direct_pass)
{
    const gs_kernels *k = gs_kernels_reference();
    const gs_sampling modes[] = {GS_SAMPLING_SHARED, GS_SAMPLING_GRID};
    char what[200];
    for (int m = 0; m < 2; m++)
        for (int ia = 0; ia < NPL; ia++)
            for (int it = 0; it < NPL; it++)
                for (int loss = 0; loss < GS_LOSS_COUNT; loss++) {
                    gs_train_plan plan = make_plan(PL[ia], PL[it], (gs_loss)loss, modes[m], 3, 97);
                    for (int t = 0; t < 3; t++) {
                        float s[64][4];
                        int n = crafted_starts(&plan, t, s);
                        while (n < 64) {
                            const float v[4] = {uniform(-3, 3), uniform(-2, 2), uniform(-3, 3),
                                                uniform(-1, 1)};
                            memcpy(s[n++], v, sizeof v);
                        }
                        for (int i = 0; i < n; i++) {
                            double got[5], want[5], scale[5];
                            k->sorted_sums(&plan.step, t, PL[ia], s[i], got);
                            direct_sums(&plan, t, PL[ia], s[i], want, scale);
                            snprintf(what, sizeof what, "%s on %s, %s, %s, step %d, start %d "
                                     "(%g, %g, %g, %g)", gs_act_get(PL[ia])->name,
                                     gs_act_get(PL[it])->name, gs_loss_name((gs_loss)loss),
                                     gs_sampling_name(modes[m]), t, i, (double)s[i][0],
                                     (double)s[i][1], (double)s[i][2], (double)s[i][3]);
                            expect_close(got, want, scale, what);
                        }
                    }
                    gs_train_plan_free(&plan);
                }
}

/* The bucket index only narrows the searches: without it (every search
 * over the whole row) every set finds the same sums, bit for bit, on starts
 * whose kinks and crossings fall on samples and far outside the data. */
Test(sorted, the_bucket_index_changes_no_bit)
{
    for (int ia = 0; ia < NPL; ia++)
        for (int loss = 0; loss < GS_LOSS_COUNT; loss++) {
            gs_train_plan plan = make_plan(PL[ia], PL[(ia + loss) % NPL], (gs_loss)loss,
                                           GS_SAMPLING_SHARED, 2, 193);
            cr_assert_not_null(plan.step.sidx);
            gs_step_data bare = plan.step;
            bare.sidx = NULL;
            float s[64][4];
            int n = crafted_starts(&plan, 1, s);
            while (n < 64) {
                const float v[4] = {uniform(-40, 40), uniform(-20, 20), uniform(-3, 3),
                                    uniform(-1, 1)};
                memcpy(s[n++], v, sizeof v);
            }
            for (int isa = 0; isa < GS_ISA_COUNT; isa++) {
                const gs_kernels *k = gs_kernels_get((gs_isa)isa);
                if (!k)
                    continue;
                for (int i = 0; i < n; i++) {
                    double got[5], want[5];
                    k->sorted_sums(&plan.step, 1, PL[ia], s[i], got);
                    k->sorted_sums(&bare, 1, PL[ia], s[i], want);
                    cr_expect_eq(memcmp(got, want, sizeof got), 0,
                                 "%s %s %s start %d (%g, %g, %g, %g): index %.17g, none %.17g",
                                 gs_isa_name((gs_isa)isa), gs_act_get(PL[ia])->name,
                                 gs_loss_name((gs_loss)loss), i, (double)s[i][0],
                                 (double)s[i][1], (double)s[i][2], (double)s[i][3], got[0],
                                 want[0]);
                }
            }
            gs_train_plan_free(&plan);
        }
}

Test(sorted, an_exact_fit_has_zero_sums)
{
    gs_train_plan plan = make_plan(GS_ACT_RELU, GS_ACT_RELU, GS_LOSS_MAE, GS_SAMPLING_SHARED, 2, 64);
    const float p[4] = {1, 0, 1, 0};
    double got[5];
    gs_kernels_reference()->sorted_sums(&plan.step, 1, GS_ACT_RELU, p, got);
    for (int k = 0; k < 5; k++)
        cr_expect_eq(got[k], 0.0, "sum %d is %g", k, got[k]);
    gs_train_plan_free(&plan);
}

Test(sorted, a_start_that_is_not_finite_has_nan_sums)
{
    gs_train_plan plan = make_plan(GS_ACT_HARDTANH, GS_ACT_RELU, GS_LOSS_HUBER, GS_SAMPLING_GRID, 1, 33);
    const float bad[] = {NAN, INFINITY, -INFINITY};
    for (int q = 0; q < 4; q++)
        for (int i = 0; i < 3; i++) {
            float p[4] = {1, 0.5f, 1, -0.5f};
            p[q] = bad[i];
            double got[5];
            gs_kernels_reference()->sorted_sums(&plan.step, 0, GS_ACT_HARDTANH, p, got);
            for (int k = 0; k < 5; k++)
                cr_expect(isnan(got[k]), "parameter %d = %g: sum %d is %g", q, (double)bad[i], k,
                          got[k]);
        }
    gs_train_plan_free(&plan);
}

/* Every set this CPU runs trains the same bits as the scalar set, through
 * every field of the block, with a run cut in two pieces for good measure. */
Test(sorted, every_kernel_set_gives_the_same_bits)
{
    enum { N = 40, STEPS = 60 };
    float starts[N][5];
    uint64_t points[N];
    for (int i = 0; i < N; i++) {
        const float v[5] = {uniform(-2, 2), uniform(-2, 2), uniform(-2, 2), uniform(-1, 1), 0.05f};
        memcpy(starts[i], v, sizeof v);
        points[i] = (uint64_t)i;
    }
    starts[3][0] = 0, starts[4][2] = 0, starts[5][0] = NAN;
    const gs_kernels *ref = gs_kernels_reference();
    for (int ia = 0; ia < NPL; ia++)
        for (int loss = 0; loss < GS_LOSS_COUNT; loss++) {
            gs_train_plan plan = make_plan(PL[ia], GS_ACT_RELU, (gs_loss)loss, GS_SAMPLING_SHARED,
                                           STEPS, 50);
            gs_block want[N];
            for (int i = 0; i < N; i++) {
                gs_block_init(&want[i], 1, &starts[i], &points[i]);
                ref->train_sorted[PL[ia]][loss](&plan.step, &want[i], STEPS / 3);
                ref->train_sorted[PL[ia]][loss](&plan.step, &want[i], STEPS);
            }
            for (int isa = 0; isa < GS_ISA_COUNT; isa++) {
                const gs_kernels *k = gs_kernels_get((gs_isa)isa);
                if (!k)
                    continue;
                for (int l0 = 0; l0 < N; l0 += k->lanes) {
                    const int n = N - l0 < k->lanes ? N - l0 : k->lanes;
                    gs_block blk;
                    gs_block_init(&blk, n, &starts[l0], &points[l0]);
                    k->train_sorted[PL[ia]][loss](&plan.step, &blk, STEPS);
                    for (int l = 0; l < n; l++) {
                        const gs_block *w = &want[l0 + l];
                        const float got[] = {blk.p[0][l], blk.p[1][l], blk.p[2][l], blk.p[3][l],
                                             blk.m[0][l], blk.v[3][l], blk.loss[l], blk.ema[l],
                                             blk.wsum[l], blk.rsum[l], blk.t_escape[l],
                                             blk.t_diverge[l]};
                        const float exp[] = {w->p[0][0], w->p[1][0], w->p[2][0], w->p[3][0],
                                             w->m[0][0], w->v[3][0], w->loss[0], w->ema[0],
                                             w->wsum[0], w->rsum[0], w->t_escape[0],
                                             w->t_diverge[0]};
                        cr_expect_eq(memcmp(got, exp, sizeof got), 0,
                                     "%s %s start %d: %s differs from scalar (a %a vs %a)",
                                     gs_act_get(PL[ia])->name, gs_loss_name((gs_loss)loss),
                                     l0 + l, gs_isa_name((gs_isa)isa), (double)got[0],
                                     (double)exp[0]);
                    }
                }
            }
            gs_train_plan_free(&plan);
        }
}

Test(sorted, every_set_has_a_kernel_for_exactly_the_piecewise_linear_activations)
{
    for (int isa = 0; isa < GS_ISA_COUNT; isa++) {
        const gs_kernels *k = gs_kernels_get((gs_isa)isa);
        if (!k)
            continue;
        cr_expect_not_null(k->sorted_sums);
        for (int a = 0; a < GS_ACT_COUNT; a++)
            for (int loss = 0; loss < GS_LOSS_COUNT; loss++)
                cr_expect_eq(k->train_sorted[a][loss] != NULL, gs_act_piecewise_linear((gs_act)a),
                             "%s %s %s", gs_isa_name((gs_isa)isa), gs_act_get((gs_act)a)->name,
                             gs_loss_name((gs_loss)loss));
    }
}

Test(sorted, validation_names_what_it_cannot_do)
{
    gs_train_config c = gs_train_defaults();
    gs_error err;
    c.method = GS_METHOD_SORTED;
    cr_expect_eq(gs_train_validate(&c, &err), 0, "%s", err.msg);
    c.sampling = GS_SAMPLING_GRID;
    cr_expect_eq(gs_train_validate(&c, &err), 0, "%s", err.msg);
    c.sampling = GS_SAMPLING_INDEPENDENT;
    cr_expect_neq(gs_train_validate(&c, &err), 0);
    cr_expect(strstr(err.msg, "--sampling") != NULL, "%s", err.msg);
    c = gs_train_defaults();
    c.method = GS_METHOD_SORTED;
    c.act = GS_ACT_ELU;
    cr_expect_neq(gs_train_validate(&c, &err), 0);
    cr_expect(strstr(err.msg, "--act") && strstr(err.msg, "elu"), "%s", err.msg);
    c.act = GS_ACT_RELU;
    c.target = GS_ACT_TANH;
    cr_expect_neq(gs_train_validate(&c, &err), 0);
    cr_expect(strstr(err.msg, "--target") && strstr(err.msg, "tanh"), "%s", err.msg);
    c.target = GS_ACT_HARDTANH;
    c.steps = GS_SORTED_MAX_ROWS / 256;
    cr_expect_neq(gs_train_validate(&c, &err), 0, "steps x (batch + 1) over the limit");
    c.method = GS_METHOD_DIRECT;
    cr_expect_eq(gs_train_validate(&c, &err), 0, "%s", err.msg);
}
