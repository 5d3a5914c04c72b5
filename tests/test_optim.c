/* Optimizer steps (Adam, SGD, momentum, RMSprop) against an independent
 * double-precision computation of the torch.optim formulas.
 *
 * The batch is the 2-point midpoint grid of [-0.5, 0.5]: x = -0.25, 0.25,
 * y = relu(x) = 0, 0.25. From (a, b, c, d) = (1, 0.5, 1, -0.5) every
 * pre-activation z = a*x + b is positive, so identity and relu give the same
 * first step (later steps may cross relu's kink; the reference follows), and
 * every quantity of the first step is a dyadic number (exact in
 * float). The gradient is computed here in closed form, in double:
 *   r_i = c*f(z_i) + d - y_i,  L = mean(r^2) (MSE) or mean(|r|) (MAE),
 *   dL/dd = mean(g_i), dL/dc = mean(g_i f_i), dL/db = c mean(g_i f'_i),
 *   dL/da = c mean(g_i f'_i x_i),  g_i = 2 r_i (MSE) or sign(r_i) (MAE).
 * The reference optimizer runs in double from the double hyper-parameters
 * (as torch.optim holds them; cfg.lr is the cell's float32, as a double):
 *   SGD:      p -= lr g
 *   momentum: buf = g (first step), buf = mu buf + g (later); p -= lr buf
 *   RMSprop:  v = alpha v + (1 - alpha) g^2; p -= lr g / (sqrt(v) + eps)
 *   Adam:     m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 *             p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Tolerance: |got - want| <= 4 ulp(want) (float ulps of the expected
 * parameter), which covers the float rounding of the kernel's few operations
 * per step; a wrong formula (missing bias correction, eps inside the sqrt,
 * momentum buffer started at (1 - mu) g, ...) is off by far more.
 * torch_first_step below checks the first step bit for bit against torch
 * 1.13's float32 operations with their casts (train_impl.h), where the
 * gradient is exact in float. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "gridsweep/kernels.h"
#include "gridsweep/train.h"

#define ULPS 4

static double ulp_of(double w)
{
    float f = fabsf((float)w);
    return (double)nextafterf(f, INFINITY) - (double)f;
}

typedef struct ref_state {
    double p[4], m[4], v[4];
    int t;
} ref_state;

/* Closed-form gradient of the batch loss on the kernel's grid batch. */
static void ref_grad(const gs_train_plan *plan, gs_act act, gs_loss loss, const double p[4],
                     double g[4])
{
    const int n = plan->cfg.batch;
    memset(g, 0, 4 * sizeof *g);
    for (int i = 0; i < n; i++) {
        const double x = plan->step.xs[i], y = plan->step.ys[i];
        const double z = p[0] * x + p[1];
        double f = z, df = 1;
        if (act == GS_ACT_RELU && !(z > 0))   /* torch: relu'(0) = 0 */
            f = 0, df = 0;
        const double r = p[2] * f + p[3] - y;
        const double gi = loss == GS_LOSS_MSE ? 2 * r : (r > 0) - (r < 0);
        g[0] += p[2] * gi * df * x;
        g[1] += p[2] * gi * df;
        g[2] += gi * f;
        g[3] += gi;
    }
    for (int k = 0; k < 4; k++)
        g[k] /= n;
}

static void ref_step(const gs_train_config *cfg, ref_state *s, const double g[4])
{
    s->t++;
    const double lr = cfg->lr;
    for (int k = 0; k < 4; k++) {
        switch (cfg->opt) {
        case GS_OPT_SGD:
            s->p[k] -= lr * g[k];
            break;
        case GS_OPT_MOMENTUM:
            s->m[k] = s->t == 1 ? g[k] : (double)cfg->momentum * s->m[k] + g[k];
            s->p[k] -= lr * s->m[k];
            break;
        case GS_OPT_RMSPROP:
            s->v[k] = (double)cfg->alpha * s->v[k] + (1 - (double)cfg->alpha) * g[k] * g[k];
            s->p[k] -= lr * g[k] / (sqrt(s->v[k]) + cfg->eps);
            break;
        case GS_OPT_ADAM: {
            const double b1 = cfg->beta1, b2 = cfg->beta2;
            s->m[k] = b1 * s->m[k] + (1 - b1) * g[k];
            s->v[k] = b2 * s->v[k] + (1 - b2) * g[k] * g[k];
            const double bc1 = 1 - pow(b1, s->t), bc2 = 1 - pow(b2, s->t);
            s->p[k] -= lr / bc1 * s->m[k] / (sqrt(s->v[k]) / sqrt(bc2) + cfg->eps);
            break;
        }
        default:
            cr_assert_fail("unknown optimizer");
        }
    }
}

/* cfg on the 2-point grid (batch 2, grid sampling: x = -0.25, 0.25), where
 * the gradients of the starts below are exact in float. */
static gs_train_config on_grid2(gs_train_config cfg, gs_act act, gs_loss loss, int steps)
{
    cfg.act = act;
    cfg.loss = loss;
    cfg.sampling = GS_SAMPLING_GRID;
    cfg.batch = 2;
    cfg.steps = steps;
    return cfg;
}

/* Runs `steps` steps of the scalar kernel and of the reference, checking the
 * parameters after each. */
static void check_opt(gs_train_config cfg, gs_act act, gs_loss loss, const float start[4],
                      int steps)
{
    cfg = on_grid2(cfg, act, loss, steps);
    gs_error err;
    gs_train_plan plan;
    cr_assert_eq(gs_train_plan_init(&plan, &cfg, &err), 0, "%s", err.msg);
    cr_assert_eq(plan.step.xs[0], -0.25f);
    cr_assert_eq(plan.step.xs[1], 0.25f);
    const gs_kernels *k = gs_kernels_get(GS_ISA_SCALAR);
    cr_assert_not_null(k);
    const float st[1][5] = {{start[0], start[1], start[2], start[3], cfg.lr}};
    const uint64_t point = 0;
    gs_block blk;
    gs_block_init(&blk, 1, st, &point);
    ref_state ref = {.t = 0};
    for (int j = 0; j < 4; j++)
        ref.p[j] = start[j];
    for (int t = 1; t <= steps; t++) {
        double g[4];
        ref_grad(&plan, act, loss, ref.p, g);
        ref_step(&cfg, &ref, g);
        k->train[act][loss](&plan.step, &blk, t);
        cr_assert_eq(blk.t, t);
        for (int j = 0; j < 4; j++) {
            const double got = blk.p[j][0], want = ref.p[j];
            cr_expect_leq(fabs(got - want), ULPS * ulp_of(want),
                          "%s %s %s step %d param %c: got %.9g, want %.12g (diff %.3g ulp)",
                          gs_opt_name(cfg.opt), gs_act_get(act)->name, gs_loss_name(loss), t,
                          "abcd"[j], got, want, fabs(got - want) / ulp_of(want));
        }
    }
    gs_train_plan_free(&plan);
}

static const float START[4] = {1.0f, 0.5f, 1.0f, -0.5f};
static const float START2[4] = {0.75f, 0.375f, 1.25f, -0.25f};

static gs_train_config with_opt(gs_opt opt, float lr)
{
    gs_train_config c = gs_train_defaults();
    c.opt = opt;
    c.lr = lr;
    return c;
}

/* The case the exact checks below take: identity on the 2-point grid. */
static gs_train_config grid2(gs_opt opt, float lr, gs_loss loss, int steps)
{
    return on_grid2(with_opt(opt, lr), GS_ACT_IDENTITY, loss, steps);
}

/* blk after one step of cfg from START at cfg's rate, on the scalar set. */
static void scalar_first_step(const gs_train_config *cfg, gs_block *blk)
{
    gs_error err;
    gs_train_plan plan;
    cr_assert_eq(gs_train_plan_init(&plan, cfg, &err), 0, "%s", err.msg);
    const float st[1][5] = {{START[0], START[1], START[2], START[3], cfg->lr}};
    const uint64_t point = 0;
    gs_block_init(blk, 1, st, &point);
    gs_kernels_get(GS_ISA_SCALAR)->train[cfg->act][cfg->loss](&plan.step, blk, 1);
    gs_train_plan_free(&plan);
}

/* One and two steps for each optimizer, MSE and MAE, identity and relu. */
static void check_all_cases(gs_train_config cfg)
{
    const gs_act acts[] = {GS_ACT_IDENTITY, GS_ACT_RELU};
    const gs_loss losses[] = {GS_LOSS_MSE, GS_LOSS_MAE};
    for (int a = 0; a < 2; a++)
        for (int l = 0; l < 2; l++) {
            check_opt(cfg, acts[a], losses[l], START, 1);
            check_opt(cfg, acts[a], losses[l], START, 2);
            check_opt(cfg, acts[a], losses[l], START2, 3);
        }
}

Test(optim, sgd)
{
    check_all_cases(with_opt(GS_OPT_SGD, 0.1f));
    check_all_cases(with_opt(GS_OPT_SGD, 0.5f));
}

/* The first SGD step from START is exactly representable: check it exactly.
 * MSE: r = (-0.25, 0), g = (0.0625, -0.25, -0.0625, -0.25). */
Test(optim, sgd_exact_first_step)
{
    const gs_train_config cfg = grid2(GS_OPT_SGD, 0.5f, GS_LOSS_MSE, 1);
    gs_block blk;
    scalar_first_step(&cfg, &blk);
    cr_expect_eq(blk.p[0][0], 1.0f - 0.5f * 0.0625f);
    cr_expect_eq(blk.p[1][0], 0.5f + 0.5f * 0.25f);
    cr_expect_eq(blk.p[2][0], 1.0f + 0.5f * 0.0625f);
    cr_expect_eq(blk.p[3][0], -0.5f + 0.5f * 0.25f);
    /* The recorded loss is that of the parameters before the step: mean(r^2). */
    cr_expect_eq(blk.loss[0], 0.03125f);
}

/* MAE: sign(0) = 0, as torch's abs backward; r = (-0.25, 0) gives
 * g = (0.125, -0.5, -0.125, -0.5). */
Test(optim, mae_sign_of_zero_residual)
{
    const gs_train_config cfg = grid2(GS_OPT_SGD, 0.5f, GS_LOSS_MAE, 1);
    gs_block blk;
    scalar_first_step(&cfg, &blk);
    cr_expect_eq(blk.p[0][0], 1.0f - 0.5f * 0.125f);
    cr_expect_eq(blk.p[1][0], 0.5f + 0.5f * 0.5f);
    cr_expect_eq(blk.p[2][0], 1.0f + 0.5f * 0.125f);
    cr_expect_eq(blk.p[3][0], -0.5f + 0.5f * 0.5f);
    cr_expect_eq(blk.loss[0], 0.125f);
}

Test(optim, momentum)
{
    gs_train_config cfg = with_opt(GS_OPT_MOMENTUM, 0.1f);
    check_all_cases(cfg);
    cfg.momentum = 0.5f;
    check_all_cases(cfg);
}

Test(optim, rmsprop)
{
    gs_train_config cfg = with_opt(GS_OPT_RMSPROP, 0.01f);
    check_all_cases(cfg);
    cfg.alpha = 0.9f;
    cfg.eps = 1e-3f;   /* large enough that eps outside the sqrt matters */
    check_all_cases(cfg);
}

Test(optim, adam)
{
    gs_train_config cfg = with_opt(GS_OPT_ADAM, 0.1f);
    check_all_cases(cfg);
    cfg.beta1 = 0.8f;
    cfg.beta2 = 0.99f;
    cfg.eps = 1e-2f;   /* large enough that eps after the bias correction matters */
    check_all_cases(cfg);
}

/* Adam's first step moves every parameter with a nonzero gradient by almost
 * exactly lr (m_hat / sqrt(v_hat) = sign(g)): a direct check of the bias
 * correction, with no reference code involved. */
Test(optim, adam_first_step_is_lr)
{
    const gs_train_config cfg = grid2(GS_OPT_ADAM, 0.1f, GS_LOSS_MSE, 1);
    gs_block blk;
    scalar_first_step(&cfg, &blk);
    const double sign[4] = {1, -1, -1, -1};   /* signs of g: p moves against them */
    for (int j = 0; j < 4; j++) {
        const double moved = (double)START[j] - blk.p[j][0];
        cr_expect(fabs(moved - 0.1 * sign[j]) < 1e-6, "param %c moved %.9g, want %g",
                  "abcd"[j], moved, 0.1 * sign[j]);
    }
}

/* Each lane uses its own lr (start[4]); lanes do not interact. Every kernel
 * set the CPU runs: lane l of a block equals a 1-lane scalar run. */
Test(optim, per_lane_learning_rate)
{
    for (int o = 0; o < GS_OPT_COUNT; o++) {
        const gs_train_config cfg = grid2((gs_opt)o, 0.1f, GS_LOSS_MSE, 3);
        gs_error err;
        gs_train_plan plan;
        cr_assert_eq(gs_train_plan_init(&plan, &cfg, &err), 0, "%s", err.msg);
        float st[3][5] = {{1, 0.5f, 1, -0.5f, 0.1f}, {1, 0.5f, 1, -0.5f, 0.01f},
                          {1, 0.5f, 1, -0.5f, 0.3f}};
        const uint64_t pts[3] = {0, 1, 2};
        for (int isa = 0; isa < GS_ISA_COUNT; isa++) {
            const gs_kernels *k = gs_kernels_get((gs_isa)isa);
            if (!k || k->lanes < 3)
                continue;
            gs_block blk;
            gs_block_init(&blk, 3, st, pts);
            k->train[cfg.act][cfg.loss](&plan.step, &blk, 3);
            for (int l = 0; l < 3; l++) {
                gs_block one;
                gs_block_init(&one, 1, &st[l], &pts[l]);
                gs_kernels_get(GS_ISA_SCALAR)->train[cfg.act][cfg.loss](&plan.step, &one, 3);
                for (int j = 0; j < 4; j++)
                    cr_expect_eq(blk.p[j][l], one.p[j][0], "%s %s lane %d param %c",
                                 gs_isa_name((gs_isa)isa), gs_opt_name(cfg.opt), l, "abcd"[j]);
            }
            cr_expect_neq(blk.p[0][0], blk.p[0][1], "different lr, same result");
        }
        gs_train_plan_free(&plan);
    }
}

/* The first step of each optimizer, bit for bit, against the float32
 * operations torch 1.13 performs (single-tensor optimizers; ATen's add with
 * alpha and addcmul fused, addcdiv not; every scalar cast to float at its
 * op, 1 - beta in double first). MSE from START on the 2-point grid:
 * g = (0.0625, -0.25, -0.0625, -0.25), exact in float. The old float
 * constants (1.0f - 0.9f, a float bias correction) give other bits. */
Test(optim, torch_first_step)
{
    const float g[4] = {0.0625f, -0.25f, -0.0625f, -0.25f};
    for (int o = 0; o < GS_OPT_COUNT; o++) {
        gs_train_config cfg = grid2((gs_opt)o, 0.1f, GS_LOSS_MSE, 1);
        cfg.eps = 1e-3;   /* large enough to matter */
        gs_block blk;
        scalar_first_step(&cfg, &blk);
        for (int j = 0; j < 4; j++) {
            float want = START[j];
            switch (cfg.opt) {
            case GS_OPT_ADAM: {
                const float m = fmaf((float)(1 - cfg.beta1), g[j], 0.0f * (float)cfg.beta1);
                const float v = fmaf((float)(1 - cfg.beta2) * g[j], g[j], 0.0f);
                const float bc2_sqrt = (float)sqrt(1 - pow(cfg.beta2, 1.0));
                const float denom = sqrtf(v) / bc2_sqrt + (float)cfg.eps;
                const float neg_step = (float)(-((double)cfg.lr / (1 - pow(cfg.beta1, 1.0))));
                want = want + (neg_step * m) / denom;
                break;
            }
            case GS_OPT_SGD:
            case GS_OPT_MOMENTUM:   /* buf = clone(g) at the first step */
                want = fmaf(-cfg.lr, g[j], want);
                break;
            case GS_OPT_RMSPROP: {
                const float v = fmaf((float)(1 - cfg.alpha) * g[j], g[j], 0.0f);
                want = want + (-cfg.lr * g[j]) / (sqrtf(v) + (float)cfg.eps);
                break;
            }
            default: break;
            }
            cr_expect_eq(blk.p[j][0], want, "%s param %c: got %a, torch's ops give %a",
                         gs_opt_name(cfg.opt), "abcd"[j], (double)blk.p[j][0], (double)want);
        }
    }
}
