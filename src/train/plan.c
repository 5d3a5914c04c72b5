/* The read-only data of a run: the sample tables and the dense grid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/train.h"
#include "rng.h"


/* Midpoints of n equal cells of [lo, hi], computed in double. */
static void midpoints(float *x, float *y, int n, float lo, float hi)
{
    for (int i = 0; i < n; i++) {
        x[i] = (float)(lo + ((double)i + 0.5) * ((double)hi - lo) / n);
        y[i] = gs_target(x[i]);
    }
}

int gs_train_plan_init(gs_train_plan *plan, const gs_train_config *cfg, gs_error *err)
{
    memset(plan, 0, sizeof *plan);
    if (gs_train_validate(cfg, err))
        return -1;
    plan->cfg = *cfg;
    const int batch = cfg->batch;
    size_t n = 0;
    if (cfg->sampling == GS_SAMPLING_SHARED) {
        n = (size_t)cfg->steps * batch;
        plan->x_stride = (size_t)batch;
    } else if (cfg->sampling == GS_SAMPLING_GRID) {
        n = (size_t)batch;
        plan->x_stride = 0;
    }
    if (n) {
        plan->xs = malloc(n * sizeof(float));
        plan->ys = malloc(n * sizeof(float));
    }
    plan->eval_x = malloc((size_t)cfg->eval_points * sizeof(float));
    plan->eval_y = malloc((size_t)cfg->eval_points * sizeof(float));
    if ((n && (!plan->xs || !plan->ys)) || !plan->eval_x || !plan->eval_y) {
        gs_train_plan_free(plan);
        return gs_fail(err, "out of memory for the sample tables");
    }
    const float lo = cfg->data_lo, width = cfg->data_hi - cfg->data_lo;
    if (cfg->sampling == GS_SAMPLING_SHARED) {
        for (int t = 0; t < cfg->steps; t++) {
            float *x = plan->xs + (size_t)t * batch, *y = plan->ys + (size_t)t * batch;
            for (int s = 0; s < batch; s += 4) {
                float u[4];
                gs_uniform4(cfg->seed, GS_SHARED_STREAM, (uint32_t)t, (uint32_t)(s / 4), u);
                for (int i = 0; i < 4 && s + i < batch; i++) {
                    x[s + i] = gs_sample_x(lo, width, u[i]);
                    y[s + i] = gs_target(x[s + i]);
                }
            }
        }
    } else if (cfg->sampling == GS_SAMPLING_GRID) {
        midpoints(plan->xs, plan->ys, batch, cfg->data_lo, cfg->data_hi);
    }
    midpoints(plan->eval_x, plan->eval_y, cfg->eval_points, cfg->data_lo, cfg->data_hi);
    int window = (int)lround(cfg->window * cfg->steps);
    plan->window_start = cfg->steps - (window < 1 ? 1 : window);
    plan->inv_batch = 1.0f / (float)batch;
    return 0;
}

void gs_train_plan_free(gs_train_plan *plan)
{
    free(plan->xs);
    free(plan->ys);
    free(plan->eval_x);
    free(plan->eval_y);
    memset(plan, 0, sizeof *plan);
}
