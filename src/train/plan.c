/* The read-only data of a run: the kernels' step data with its sample
 * tables, and the judge's dense grid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/train.h"
#include "../kernels/rng.h"

/* Midpoints of n equal cells of [lo, hi], computed in double. */
static void midpoints(float *x, float *y, int n, float lo, float hi)
{
    for (int i = 0; i < n; i++) {
        x[i] = (float)(lo + ((double)i + 0.5) * ((double)hi - lo) / n);
        y[i] = gs_target(x[i]);
    }
}

/* One fresh batch per step from the shared stream: [steps][batch]. */
static void shared_samples(const gs_train_config *cfg, float *xs, float *ys)
{
    const int batch = cfg->batch;
    const float lo = cfg->data_lo, width = cfg->data_hi - cfg->data_lo;
    for (int t = 0; t < cfg->steps; t++) {
        float *x = xs + (size_t)t * batch, *y = ys + (size_t)t * batch;
        for (int s = 0; s < batch; s += 4) {
            float u[4];
            gs_uniform4(cfg->seed, GS_SHARED_STREAM, (uint32_t)t, (uint32_t)(s / 4), u);
            for (int i = 0; i < 4 && s + i < batch; i++) {
                x[s + i] = gs_sample_x(lo, width, u[i]);
                y[s + i] = gs_target(x[s + i]);
            }
        }
    }
}

/* The kernels' view of the settings (the sample tables are added later). */
static gs_step_data step_data(const gs_train_config *cfg)
{
    const int window = (int)lround(cfg->window * cfg->steps);
    return (gs_step_data){
        .loss = cfg->loss,
        .huber_delta = cfg->huber_delta,
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
        .batch = cfg->batch,
        .inv_batch = 1.0f / (float)cfg->batch,
        .window_start = cfg->steps - (window < 1 ? 1 : window),
        .tol = (float)cfg->tol,
    };
}

int gs_train_plan_init(gs_train_plan *plan, const gs_train_config *cfg, gs_error *err)
{
    memset(plan, 0, sizeof *plan);
    if (gs_train_validate(cfg, err))
        return -1;
    plan->cfg = *cfg;
    plan->step = step_data(cfg);
    const int batch = cfg->batch;
    size_t n = 0;
    if (cfg->sampling == GS_SAMPLING_SHARED) {
        n = (size_t)cfg->steps * batch;
        plan->step.x_stride = (size_t)batch;
    } else if (cfg->sampling == GS_SAMPLING_GRID) {
        n = (size_t)batch;
        plan->step.x_stride = 0;
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
            midpoints(xs, ys, batch, cfg->data_lo, cfg->data_hi);
        plan->step.xs = xs;
        plan->step.ys = ys;
    }
    midpoints(plan->eval_x, plan->eval_y, cfg->eval_points, cfg->data_lo, cfg->data_hi);
    return 0;
}

void gs_train_plan_free(gs_train_plan *plan)
{
    free(plan->samples);
    free(plan->eval_x);
    free(plan->eval_y);
    memset(plan, 0, sizeof *plan);
}
