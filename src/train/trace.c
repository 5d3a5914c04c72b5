/* One trajectory step by step: the trace command's training loop. */
#include <math.h>

#include "gridsweep/train.h"

/* The same in double: gs_block64 and the f64 kernels. */
static int trace64(const gs_train_plan *plan, const gs_kernels *k, const double start[5],
                   uint64_t point, gs_trace_step_fn on_step, void *ctx, gs_result *out)
{
    const gs_train_config *cfg = &plan->cfg;
    const gs_train64_fn train = k->train64[cfg->act][cfg->loss];
    gs_block64 blk;
    gs_block64_init(&blk, 1, (const double(*)[5])start, &point);
    gs_block64_set_rates(&blk, 0, isnan(cfg->lr_in) ? start[4] : gs_float_decimal(cfg->lr_in),
                         isnan(cfg->lr_out) ? start[4] : gs_float_decimal(cfg->lr_out));
    for (int t = 0; t <= cfg->steps; t++) {
        const double p[4] = {blk.p[0][0], blk.p[1][0], blk.p[2][0], blk.p[3][0]};
        if (t < cfg->steps)
            train(&plan->step, &blk, t + 1);
        const double loss = blk.loss[0];
        const int rc = on_step(ctx, t, p, t < cfg->steps ? &loss : NULL);
        if (rc)
            return rc;
    }
    return gs_train_judge64(plan, k->eval64[cfg->act], &blk, 0, out);
}

int gs_train_trace(const gs_train_plan *plan, const gs_kernels *k, const double start[5],
                   uint64_t point, gs_trace_step_fn on_step, void *ctx, gs_result *out)
{
    if (plan->cfg.precision == GS_PRECISION_F64)
        return trace64(plan, k, start, point, on_step, ctx, out);
    const gs_train_config *cfg = &plan->cfg;
    const gs_train_fn train = gs_train_kernel(plan, k);
    const float start32[1][5] = {{(float)start[0], (float)start[1], (float)start[2],
                                  (float)start[3], (float)start[4]}};
    gs_block blk;
    gs_block_init(&blk, 1, start32, &point);
    gs_block_set_rates(&blk, 0, gs_train_rate(cfg->lr_in, start32[0][4]),
                       gs_train_rate(cfg->lr_out, start32[0][4]));
    for (int t = 0; t <= cfg->steps; t++) {
        const double p[4] = {blk.p[0][0], blk.p[1][0], blk.p[2][0], blk.p[3][0]};
        if (t < cfg->steps)
            train(&plan->step, &blk, t + 1);   /* a step at a time gives the same bits */
        const double loss = blk.loss[0];
        const int rc = on_step(ctx, t, p, t < cfg->steps ? &loss : NULL);
        if (rc)
            return rc;
    }
    return gs_train_judge(plan, k->eval[cfg->act], &blk, 0, out);
}
