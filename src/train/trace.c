/* One trajectory step by step: the trace command's training loop. */
#include "gridsweep/train.h"

int gs_train_trace(const gs_train_plan *plan, const gs_kernels *k, const float start[5],
                   uint64_t point, gs_trace_step_fn on_step, void *ctx, gs_result *out)
{
    const gs_train_config *cfg = &plan->cfg;
    const gs_train_fn train = gs_train_kernel(plan, k);
    gs_block blk;
    gs_block_init(&blk, 1, (const float(*)[5])start, &point);
    gs_block_set_rates(&blk, 0, gs_train_rate(cfg->lr_in, start[4]),
                       gs_train_rate(cfg->lr_out, start[4]));
    for (int t = 0; t <= cfg->steps; t++) {
        const float p[4] = {blk.p[0][0], blk.p[1][0], blk.p[2][0], blk.p[3][0]};
        if (t < cfg->steps)
            train(&plan->step, &blk, t + 1);   /* a step at a time gives the same bits */
        const int rc = on_step(ctx, t, p, t < cfg->steps ? &blk.loss[0] : NULL);
        if (rc)
            return rc;
    }
    return gs_train_judge(plan, k->eval[cfg->act], &blk, 0, out);
}
