/* The f64 training step (--precision f64) against an independent
 * reference, as tests/test_optim.c checks the f32 one: the batch loss's
 * gradient in long double from libm's long double functions, then the
 * torch.optim formulas in double (Adam, SGD, momentum, RMSprop):
 *   SGD:      p -= lr g
 *   momentum: buf = g (first step), buf = mu buf + g (later); p -= lr buf
 *   RMSprop:  v = alpha v + (1 - alpha) g^2; p -= lr g / (sqrt(v) + eps)
 *   Adam:     m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 *             p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * The kernel is built from gs_step_data directly (grid sampling, random x
 * and y, batch 37, so that the sum order has a tail), for identity, relu,
 * tanh, gelu and silu with MSE, MAE and Huber, ten steps from random starts
 * with per-layer rates. Tolerance: ULPS double ulps of the parameter's
 * scale (the largest |p| of its trajectory so far: a parameter that passes
 * near 0 keeps the absolute rounding errors of its larger values) after
 * every step; a wrong formula or a float rounding anywhere in the step is
 * off by far more (a float rounding: about 2^29 ulp). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "gridsweep/kernels.h"
#include "gridsweep/train.h"
#include "../src/kernels/rng.h"
#include "kernel_inputs.h"
#include "kernel_inputs64.h"

/* Per step, ULPS double ulps times the larger of the activation's own f64
 * bounds (gs_act_info, at least 1): its rounding enters every term of the
 * gradient, and inline exp/tanh/Phi of 2.5 to 5 ulp carry more of it
 * through ten steps than SLEEF's 1-ulp functions did (worst seen: relu 6,
 * tanh 15.5 of 40, silu 9 of 28). A float rounding is still 2^29 ulp off. */
#define ULPS 8
#define BATCH 37
#define STEPS 10
#define HUBER_DELTA 0.3

static double ulp64(double w)
{
    const double a = fabs(w);
    return nextafter(a, INFINITY) - a;
}

static long double act_ld(gs_act act, long double z, long double *df)
{
    switch (act) {
    case GS_ACT_RELU:
        *df = z > 0;
        return z > 0 ? z : 0;
    case GS_ACT_TANH: {
        const long double t = tanhl(z);
        *df = 1 / (coshl(z) * coshl(z));
        return t;
    }
    case GS_ACT_GELU: {
        const long double phi = 0.5L * erfcl(-z / sqrtl(2.0L));
        *df = phi + z * expl(-z * z / 2) / sqrtl(2 * 3.14159265358979323846264338327950288L);
        return z * phi;
    }
    case GS_ACT_SILU: {
        const long double s = 1 / (1 + expl(-z));
        *df = s * (1 + z * (1 - s));
        return z * s;
    }
    default:
        *df = 1;
        return z;
    }
}

typedef struct ref_state {
    double p[4], m[4], v[4];
    int t;
} ref_state;

static void ref_grad(const double *x, const double *y, gs_act act, gs_loss loss,
                     const double p[4], double g[4])
{
    long double s[4] = {0, 0, 0, 0};
    for (int i = 0; i < BATCH; i++) {
        long double df;
        const long double f = act_ld(act, (long double)p[0] * x[i] + p[1], &df);
        const long double r = p[2] * f + p[3] - y[i];
        long double gi;
        if (loss == GS_LOSS_MSE)
            gi = 2 * r;
        else if (loss == GS_LOSS_MAE)
            gi = (r > 0) - (r < 0);
        else
            gi = r > HUBER_DELTA ? HUBER_DELTA : r < -HUBER_DELTA ? -HUBER_DELTA : r;
        s[0] += p[2] * gi * df * x[i];
        s[1] += p[2] * gi * df;
        s[2] += gi * f;
        s[3] += gi;
    }
    for (int k = 0; k < 4; k++)
        g[k] = (double)(s[k] / BATCH);
}

static void ref_step(const gs_step_data *st, ref_state *s, const double g[4], const double lr[2])
{
    s->t++;
    for (int k = 0; k < 4; k++) {
        const double rate = lr[k / 2];
        switch (st->opt) {
        case GS_OPT_SGD:
            s->p[k] -= rate * g[k];
            break;
        case GS_OPT_MOMENTUM:
            s->m[k] = s->t == 1 ? g[k] : st->momentum * s->m[k] + g[k];
            s->p[k] -= rate * s->m[k];
            break;
        case GS_OPT_RMSPROP:
            s->v[k] = st->alpha * s->v[k] + (1 - st->alpha) * g[k] * g[k];
            s->p[k] -= rate * g[k] / (sqrt(s->v[k]) + st->eps);
            break;
        case GS_OPT_ADAM: {
            const double b1 = st->beta1, b2 = st->beta2;
            s->m[k] = b1 * s->m[k] + (1 - b1) * g[k];
            s->v[k] = b2 * s->v[k] + (1 - b2) * g[k] * g[k];
            const double bc1 = 1 - pow(b1, s->t), bc2 = 1 - pow(b2, s->t);
            s->p[k] -= rate / bc1 * s->m[k] / (sqrt(s->v[k]) / sqrt(bc2) + st->eps);
            break;
        }
        default:
            cr_assert_fail("unknown optimizer");
        }
    }
}

static double worst_seen;

static void check(gs_opt opt, gs_act act, gs_loss loss, rng *r)
{
    double x[BATCH], y[BATCH];
    for (int i = 0; i < BATCH; i++) {
        x[i] = rng_uniform64(r, -1, 1);
        y[i] = rng_uniform64(r, -1, 1);
    }
    gs_sum_order sum;
    cr_assert_eq(gs_sum_order_build(&sum, BATCH), 0);
    const gs_step_data st = {
        .loss = loss, .huber_delta = HUBER_DELTA, .opt = opt, .beta1 = 0.9, .beta2 = 0.999,
        .eps = 1e-8, .momentum = 0.9, .alpha = 0.99, .sampling = GS_SAMPLING_GRID,
        .data_lo = -1, .data_hi = 1, .batch = BATCH, .inv_batch = 1.0 / BATCH, .sum = &sum,
        .xs64 = x, .ys64 = y, .x_stride = 0, .window_start = STEPS, .prev_start = STEPS,
        .tol = 1e-3, .escape = 1e-2,
    };
    double start[1][5];
    for (int k = 0; k < 4; k++)
        start[0][k] = rng_uniform64(r, -2, 2);
    const double lr[2] = {pow(10, rng_uniform64(r, -3, -1)), pow(10, rng_uniform64(r, -3, -1))};
    start[0][4] = lr[0];
    const uint64_t point = 0;
    gs_block64 blk;
    gs_block64_init(&blk, 1, start, &point);
    gs_block64_set_rates(&blk, 0, lr[0], lr[1]);
    ref_state ref = {.t = 0};
    memcpy(ref.p, start[0], sizeof ref.p);
    const gs_kernels *k = gs_kernels_reference();
    double scale[4];
    for (int j = 0; j < 4; j++)
        scale[j] = fabs(start[0][j]);
    const gs_act_info *ai = gs_act_get(act);
    const double tol = ULPS * fmax(1.0, fmax(ai->f64_f_ulps, ai->f64_df_ulps));
    for (int t = 1; t <= STEPS; t++) {
        double g[4];
        ref_grad(x, y, act, loss, ref.p, g);
        ref_step(&st, &ref, g, lr);
        k->train64[act][loss](&st, &blk, t);
        for (int j = 0; j < 4; j++) {
            const double got = blk.p[j][0], want = ref.p[j];
            scale[j] = fmax(scale[j], fabs(want));
            const double e = fabs(got - want) / ulp64(scale[j]);
            if (e > worst_seen)
                worst_seen = e;
            cr_expect_leq(e, tol, "%s %s %s step %d param %c: got %.17g, want %.17g (%.3g ulp)",
                          gs_opt_name(opt), gs_act_get(act)->name, gs_loss_name(loss), t,
                          "abcd"[j], got, want, e);
        }
    }
    gs_sum_order_free(&sum);
}

Test(optim64, every_optimizer_follows_the_reference)
{
    const gs_act acts[] = {GS_ACT_IDENTITY, GS_ACT_RELU, GS_ACT_TANH, GS_ACT_GELU, GS_ACT_SILU};
    rng r = {0xfeedface12345678ull};
    for (int o = 0; o < GS_OPT_COUNT; o++)
        for (size_t a = 0; a < sizeof acts / sizeof *acts; a++)
            for (int l = 0; l < GS_LOSS_COUNT; l++)
                for (int rep = 0; rep < 8; rep++)
                    check((gs_opt)o, acts[a], (gs_loss)l, &r);
    cr_log_info("worst: %.3g ulp", worst_seen);
}

/* The first step's loss is the batch loss of the start, in double. */
Test(optim64, loss_of_the_start)
{
    double x[BATCH], y[BATCH];
    rng r = {42};
    for (int i = 0; i < BATCH; i++)
        x[i] = rng_uniform64(&r, -1, 1), y[i] = rng_uniform64(&r, -1, 1);
    gs_sum_order sum;
    cr_assert_eq(gs_sum_order_build(&sum, BATCH), 0);
    const gs_step_data st = {
        .loss = GS_LOSS_MSE, .huber_delta = 1, .opt = GS_OPT_SGD, .sampling = GS_SAMPLING_GRID,
        .batch = BATCH, .inv_batch = 1.0 / BATCH, .sum = &sum, .xs64 = x, .ys64 = y,
        .window_start = 1, .prev_start = 1, .tol = 1e-3, .escape = 1e-2,
    };
    const double start[1][5] = {{0.7, -0.2, 1.3, 0.1, 0.01}};
    const uint64_t point = 0;
    gs_block64 blk;
    gs_block64_init(&blk, 1, start, &point);
    gs_kernels_reference()->train64[GS_ACT_TANH][GS_LOSS_MSE](&st, &blk, 1);
    long double l = 0;
    for (int i = 0; i < BATCH; i++) {
        const long double res = 1.3L * tanhl(0.7L * x[i] - 0.2L) + 0.1L - y[i];
        l += res * res;
    }
    const double want = (double)(l / BATCH);
    cr_expect_leq(fabs(blk.loss[0] - want), 4 * ulp64(want), "loss %.17g, want %.17g",
                  blk.loss[0], want);
    gs_sum_order_free(&sum);
}

/* Independent sampling in f64: sample s of step t is element s % 2 of
 * gs_uniform2d's block s / 2 on the lane's stream, x = lo + width u, and y
 * the target's eval64 at x; the recorded loss is theirs. */
Test(optim64, independent_samples)
{
    enum { B = 7 };
    gs_sum_order sum;
    cr_assert_eq(gs_sum_order_build(&sum, B), 0);
    const gs_step_data st = {
        .loss = GS_LOSS_MSE, .huber_delta = 1, .opt = GS_OPT_SGD,
        .sampling = GS_SAMPLING_INDEPENDENT, .seed = 0x1234abcdull, .data_lo = -0.5,
        .data_hi = 1.5, .dist = {.kind = GS_DIST_UNIFORM}, .target = GS_ACT_TANH, .batch = B,
        .inv_batch = 1.0 / B, .sum = &sum, .window_start = 1, .prev_start = 1, .tol = 1e-3,
        .escape = 1e-2,
    };
    const double start[1][5] = {{0.7, -0.2, 1.3, 0.1, 0.01}};
    const uint64_t point = 987654321;
    gs_block64 blk;
    gs_block64_init(&blk, 1, start, &point);
    const gs_kernels *k = gs_kernels_reference();
    k->train64[GS_ACT_SILU][GS_LOSS_MSE](&st, &blk, 1);
    long double l = 0;
    for (int s = 0; s < B; s++) {
        double u[2], y, dy;
        gs_uniform2d(st.seed, point, 0, (uint32_t)(s / 2), u);
        const double x = -0.5 + 2.0 * u[s % 2];
        k->eval64[GS_ACT_TANH](&x, &y, &dy, 1);
        const long double z = 0.7L * x - 0.2L;
        const long double res = 1.3L * z / (1 + expl(-z)) + 0.1L - y;
        l += res * res;
    }
    const double want = (double)(l / B);
    cr_expect_leq(fabs(blk.loss[0] - want), 4 * ulp64(want), "loss %.17g, want %.17g",
                  blk.loss[0], want);
    gs_sum_order_free(&sum);
}
