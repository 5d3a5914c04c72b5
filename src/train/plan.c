/* The read-only data of a run: the kernels' step data with its sample
 * tables, and the judge's dense grid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/train.h"
#include "../kernels/rng.h"
#include "../kernels/sorted_index.h"

/* y = target(x) by the target's eval kernel, the one independent sampling
 * uses inside the kernels (every set gives the same bits), in chunks so the
 * unused derivative needs no table of its own. */
static void apply_target(gs_act target, const float *x, float *y, size_t n)
{
    const gs_eval_fn eval = gs_kernels_reference()->eval[target];
    float df[1024];
    for (size_t i = 0; i < n; i += 1024)
        eval(x + i, y + i, df, n - i < 1024 ? n - i : 1024);
}

/* x at the midpoints of n equal cells of probability: [lo, hi]'s midpoints
 * for uniform (computed in double, as maps have always had them), the
 * quantiles of (i + 0.5) / n for the others. */
static void midpoint_x(const gs_train_config *cfg, float *x, int n)
{
    const double lo = cfg->data_lo, hi = cfg->data_hi;
    for (int i = 0; i < n; i++)
        x[i] = cfg->data_dist.kind == GS_DIST_UNIFORM
                   ? (float)(lo + ((double)i + 0.5) * (hi - lo) / n)
                   : (float)gs_dist_quantile(&cfg->data_dist, ((double)i + 0.5) / n);
}

static void midpoints(const gs_train_config *cfg, float *x, float *y, int n)
{
    midpoint_x(cfg, x, n);
    apply_target(cfg->target, x, y, (size_t)n);
}

/* ---- the same tables in double (--precision f64) ---------------------- */

static void apply_target64(gs_act target, const double *x, double *y, size_t n)
{
    const gs_eval64_fn eval = gs_kernels_reference()->eval64[target];
    double df[1024];
    for (size_t i = 0; i < n; i += 1024)
        eval(x + i, y + i, df, n - i < 1024 ? n - i : 1024);
}

/* midpoints' x unrounded: the data range's ends are the settings' floats */
static void midpoints64(const gs_train_config *cfg, double *x, double *y, int n)
{
    const double lo = cfg->data_lo, hi = cfg->data_hi;
    for (int i = 0; i < n; i++)
        x[i] = cfg->data_dist.kind == GS_DIST_UNIFORM
                   ? lo + ((double)i + 0.5) * (hi - lo) / n
                   : gs_dist_quantile(&cfg->data_dist, ((double)i + 0.5) / n);
    apply_target64(cfg->target, x, y, (size_t)n);
}

/* Sample s of step t: element s % 2 of the stream's block s / 2. */
static void shared_samples64(const gs_train_config *cfg, double *xs, double *ys)
{
    const int batch = cfg->batch;
    const double lo = cfg->data_lo, width = (double)cfg->data_hi - (double)cfg->data_lo;
    for (int t = 0; t < cfg->steps; t++) {
        double *x = xs + (size_t)t * batch;
        for (int s = 0; s < batch; s += 2) {
            double u[2];
            gs_uniform2d(cfg->seed, GS_SHARED_STREAM, (uint32_t)t, (uint32_t)(s / 2), u);
            for (int i = 0; i < 2 && s + i < batch; i++)
                x[s + i] = gs_dist_sample64(&cfg->data_dist, lo, width, u[i]);
        }
    }
    apply_target64(cfg->target, xs, ys, (size_t)cfg->steps * batch);
}

/* The step data's f64 fields and tables, the dense grid and the plateau. */
static int plan_init64(gs_train_plan *plan, size_t n, gs_error *err)
{
    const gs_train_config *cfg = &plan->cfg;
    plan->step.huber_delta = cfg->huber_delta;
    plan->step.inv_batch = 1.0 / cfg->batch;
    plan->step.tol = cfg->tol;
    if (n)
        plan->samples64 = malloc(2 * n * sizeof(double));
    plan->eval_x64 = malloc(2 * (size_t)cfg->eval_points * sizeof(double));
    if ((n && !plan->samples64) || !plan->eval_x64)
        return gs_fail(err, "out of memory for the sample tables");
    plan->eval_y64 = plan->eval_x64 + cfg->eval_points;
    if (n) {
        double *xs = plan->samples64, *ys = plan->samples64 + n;
        if (cfg->sampling == GS_SAMPLING_SHARED)
            shared_samples64(cfg, xs, ys);
        else
            midpoints64(cfg, xs, ys, cfg->batch);
        plan->step.xs64 = xs;
        plan->step.ys64 = ys;
        gs_step_scan_tables(&plan->step, n);
    }
    midpoints64(cfg, plan->eval_x64, plan->eval_y64, cfg->eval_points);
    const bool uniform = cfg->data_dist.kind == GS_DIST_UNIFORM;
    plan->range_lo64 = uniform ? cfg->data_lo : gs_dist_quantile(&cfg->data_dist, 0.005);
    plan->range_hi64 = uniform ? cfg->data_hi : gs_dist_quantile(&cfg->data_dist, 0.995);
    plan->plateau = gs_affine_plateau64(cfg->loss, cfg->huber_delta, plan->eval_x64,
                                        plan->eval_y64, cfg->eval_points);
    if (plan->plateau < 0)
        return gs_fail(err, "out of memory for the plateau");
    plan->step.escape = GS_ESCAPE_FRACTION * plan->plateau;
    return 0;
}

/* ---- float32 ----------------------------------------------------------- */

/* Step t's batch from the shared stream. */
static void shared_batch(const gs_train_config *cfg, int t, float *x)
{
    const int batch = cfg->batch;
    const float lo = cfg->data_lo, width = cfg->data_hi - cfg->data_lo;
    for (int s = 0; s < batch; s += 4) {
        float u[4];
        gs_uniform4(cfg->seed, GS_SHARED_STREAM, (uint32_t)t, (uint32_t)(s / 4), u);
        for (int i = 0; i < 4 && s + i < batch; i++)
            x[s + i] = gs_dist_sample(&cfg->data_dist, lo, width, u[i]);
    }
}

/* One fresh batch per step from the shared stream: [steps][batch]. */
static void shared_samples(const gs_train_config *cfg, float *xs, float *ys)
{
    for (int t = 0; t < cfg->steps; t++)
        shared_batch(cfg, t, xs + (size_t)t * cfg->batch);
    apply_target(cfg->target, xs, ys, (size_t)cfg->steps * cfg->batch);
}

/* A float's bits as an unsigned key in the float's order (no NaN here). */
static uint32_t order_key(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u & 0x80000000u ? ~u : u | 0x80000000u;
}

static float key_float(uint32_t k)
{
    const uint32_t u = k & 0x80000000u ? k & 0x7fffffffu : ~k;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Sorts x[0 .. n) ascending: three stable passes of 11 bits over the keys
 * (tmp: n keys), linear where a comparison sort of a long run's batches
 * would dominate the plan. -0 sorts before +0; equal values either way sum
 * the same. */
static void sort_floats(float *x, uint32_t *key, uint32_t *tmp, int n)
{
    for (int i = 0; i < n; i++)
        key[i] = order_key(x[i]);
    for (int shift = 0; shift < 33; shift += 11) {
        size_t count[2049] = {0};
        for (int i = 0; i < n; i++)
            count[((key[i] >> shift) & 2047) + 1]++;
        for (int d = 0; d < 2048; d++)
            count[d + 1] += count[d];
        for (int i = 0; i < n; i++)
            tmp[count[(key[i] >> shift) & 2047]++] = key[i];
        uint32_t *swap = key;
        key = tmp;
        tmp = swap;
    }
    for (int i = 0; i < n; i++)   /* key: the last pass's output */
        x[i] = key_float(key[i]);
}

/* The sorted method's tables (step.h): each step's batch, the very floats
 * the direct method draws, sorted, with the prefix sums of x (and of x^2
 * but for mae) in double, in one block the plan owns. */
static int sorted_tables(gs_train_plan *plan, const gs_train_config *cfg)
{
    const int batch = cfg->batch, rows = cfg->sampling == GS_SAMPLING_GRID ? 1 : cfg->steps;
    const size_t stride = (size_t)batch + 1, n = (size_t)rows * stride;
    const int sums = cfg->loss == GS_LOSS_MAE ? 1 : 2;
    const size_t index_row = (size_t)gs_sorted_buckets(batch) + 1;
    double *s = malloc(n * (sums * sizeof(double) + sizeof(float)) +
                       rows * index_row * sizeof(int32_t));
    if (!s)
        return -1;
    float *sx = (float *)(s + sums * n);
    int32_t *sidx = (int32_t *)(sx + n);
    uint32_t *keys = malloc(2 * (size_t)batch * sizeof *keys);
    if (!keys) {
        free(s);
        return -1;
    }
    for (int t = 0; t < rows; t++) {
        float *x = sx + (size_t)t * stride;
        double *s1 = s + (size_t)t * stride, *s2 = sums > 1 ? s1 + n : NULL;
        if (cfg->sampling == GS_SAMPLING_GRID)
            midpoint_x(cfg, x, batch);
        else
            shared_batch(cfg, t, x);
        sort_floats(x, keys, keys + batch, batch);
        x[batch] = 0;   /* the row's unused last slot */
        s1[0] = 0;
        for (int i = 0; i < batch; i++)
            s1[i + 1] = s1[i] + (double)x[i];
        if (s2) {
            s2[0] = 0;
            for (int i = 0; i < batch; i++)
                s2[i + 1] = s2[i] + (double)x[i] * (double)x[i];
        }
        gs_sorted_index(x, batch, sidx + (size_t)t * index_row);
    }
    free(keys);
    plan->sorted = s;
    plan->step.sx = sx;
    plan->step.s1 = s;
    plan->step.s2 = sums > 1 ? s + n : NULL;
    plan->step.s_stride = rows > 1 ? stride : 0;
    plan->step.sidx = sidx;
    return 0;
}

/* The kernels' view of the settings (the sample tables are added later). */
static gs_step_data step_data(const gs_train_config *cfg)
{
    const int window = (int)lround(cfg->window * cfg->steps);
    const int window_start = cfg->steps - (window < 1 ? 1 : window);
    return (gs_step_data){
        .loss = cfg->loss,
        .huber_delta = (float)cfg->huber_delta,
        .opt = cfg->opt,
        .beta1 = cfg->beta1,
        .beta2 = cfg->beta2,
        .eps = cfg->eps,
        .momentum = cfg->momentum,
        .alpha = cfg->alpha,
        .sampling = cfg->sampling,
        .seed = cfg->seed,
        .data_lo = cfg->data_lo,
        .data_hi = cfg->data_hi,
        .dist = cfg->data_dist,
        .target = cfg->target,
        .batch = cfg->batch,
        .inv_batch = 1.0f / (float)cfg->batch,
        .window_start = window_start,
        /* the window before the window, as long where the run is long enough */
        .prev_start = window_start - (cfg->steps - window_start) > 0
                          ? window_start - (cfg->steps - window_start)
                          : 0,
        .tol = (float)cfg->tol,
    };
}

/* Adam's bias corrections (step.h's bias): up to the first step where both
 * are exactly 1 (the 37,412th for beta2 = 0.999), at most GS_BIAS_STEPS of
 * them (1 MiB). The betas are in [0, 1), so beta^(t+1) only falls; where
 * the table reaches a 1 within its length, beta <= 0.99943, and each step
 * shrinks beta^(t+1) by far more than pow's error: from a 1 on, every step
 * has 1. */
#define GS_BIAS_STEPS (1 << 16)

static int bias_table(gs_train_plan *plan, const gs_train_config *cfg)
{
    if (cfg->opt != GS_OPT_ADAM)
        return 0;
    const int cap = cfg->steps < GS_BIAS_STEPS ? cfg->steps : GS_BIAS_STEPS;
    plan->bias = malloc(2 * (size_t)cap * sizeof *plan->bias);
    if (!plan->bias)
        return -1;
    int n = 0, ones = 0;
    while (n < cap && !ones) {
        const double k = (double)(n + 1);
        const double bc1 = 1.0 - pow(cfg->beta1, k), bc2 = sqrt(1.0 - pow(cfg->beta2, k));
        plan->bias[2 * n] = bc1;
        plan->bias[2 * n + 1] = bc2;
        ones = bc1 == 1.0 && bc2 == 1.0;
        n++;
    }
    plan->step.bias = plan->bias;
    plan->step.bias_steps = n;
    plan->step.bias_ones = ones;
    return 0;
}

int gs_train_plan_init(gs_train_plan *plan, const gs_train_config *cfg, gs_error *err)
{
    memset(plan, 0, sizeof *plan);
    if (gs_train_validate(cfg, err))
        return -1;
    plan->cfg = *cfg;
    plan->step = step_data(cfg);
    if (bias_table(plan, cfg)) {
        gs_train_plan_free(plan);
        return gs_fail(err, "out of memory for the optimizer's bias corrections");
    }
    const int batch = cfg->batch;
    size_t n = 0;
    if (cfg->method == GS_METHOD_SORTED) {
        if (sorted_tables(plan, cfg)) {
            gs_train_plan_free(plan);
            return gs_fail(err, "out of memory for the sorted method's tables");
        }
    } else if (cfg->sampling == GS_SAMPLING_SHARED) {
        n = (size_t)cfg->steps * batch;
        plan->step.x_stride = (size_t)batch;
    } else if (cfg->sampling == GS_SAMPLING_GRID) {
        n = (size_t)batch;
        plan->step.x_stride = 0;
    }
    plan->sum = malloc(sizeof *plan->sum);
    if (!plan->sum || gs_sum_order_build(plan->sum, batch)) {
        free(plan->sum);
        plan->sum = NULL;
        gs_train_plan_free(plan);
        return gs_fail(err, "out of memory for the sum order");
    }
    plan->step.sum = plan->sum;
    if (cfg->precision == GS_PRECISION_F64) {
        if (plan_init64(plan, n, err)) {
            gs_train_plan_free(plan);
            return -1;
        }
        return 0;
    }
    if (n)
        plan->samples = malloc(2 * n * sizeof(float));
    plan->eval_x = malloc((size_t)cfg->eval_points * sizeof(float));
    plan->eval_y = malloc((size_t)cfg->eval_points * sizeof(float));
    if ((n && !plan->samples) || !plan->eval_x || !plan->eval_y) {
        gs_train_plan_free(plan);
        return gs_fail(err, "out of memory for the sample tables");
    }
    if (n) {
        float *xs = plan->samples, *ys = plan->samples + n;
        if (cfg->sampling == GS_SAMPLING_SHARED)
            shared_samples(cfg, xs, ys);
        else
            midpoints(cfg, xs, ys, batch);
        plan->step.xs = xs;
        plan->step.ys = ys;
        gs_step_scan_tables(&plan->step, n);
    }
    midpoints(cfg, plan->eval_x, plan->eval_y, cfg->eval_points);
    const bool uniform = cfg->data_dist.kind == GS_DIST_UNIFORM;
    plan->range_lo = uniform ? cfg->data_lo : (float)gs_dist_quantile(&cfg->data_dist, 0.005);
    plan->range_hi = uniform ? cfg->data_hi : (float)gs_dist_quantile(&cfg->data_dist, 0.995);
    plan->plateau = gs_affine_plateau(cfg->loss, cfg->huber_delta, plan->eval_x, plan->eval_y,
                                      cfg->eval_points);
    if (plan->plateau < 0) {
        gs_train_plan_free(plan);
        return gs_fail(err, "out of memory for the plateau");
    }
    plan->step.escape = (float)(GS_ESCAPE_FRACTION * plan->plateau);
    return 0;
}

void gs_train_plan_free(gs_train_plan *plan)
{
    free(plan->samples);
    free(plan->sorted);
    if (plan->sum)
        gs_sum_order_free(plan->sum);
    free(plan->sum);
    free(plan->bias);
    free(plan->eval_x);
    free(plan->eval_y);
    free(plan->samples64);
    free(plan->eval_x64);
    memset(plan, 0, sizeof *plan);
}

gs_train_fn gs_train_kernel(const gs_train_plan *plan, const gs_kernels *k)
{
    const gs_train_config *cfg = &plan->cfg;
    return cfg->method == GS_METHOD_SORTED ? k->train_sorted[cfg->act][cfg->loss]
                                           : k->train[cfg->act][cfg->loss];
}
