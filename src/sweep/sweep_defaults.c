/* The sweep's own defaults and the learning-rate rule, shared by the command
 * line and the benchmarks so that both mean the same sweep. */
#include <math.h>

#include "gridsweep/sweep.h"

#define DEFAULT_RES 256

/* Fixed value q is v, in float32 and in double. */
static void set_at(gs_sweep_config *c, gs_param q, float v)
{
    c->at[q] = v;
    c->at64[q] = gs_float_decimal(v);   /* an option's float32, as typed */
}

gs_sweep_config gs_sweep_defaults(void)
{
    gs_sweep_config c = {
        .train = gs_train_defaults(),
        .x = {.param = GS_P_B, .lo = -2, .hi = 2, .n = DEFAULT_RES},
        .y = {.param = GS_P_D, .lo = -2, .hi = 2, .n = DEFAULT_RES},
        .tile_k = 1,
        .tile_n = 1,
    };
    set_at(&c, GS_P_A, 1), set_at(&c, GS_P_B, 0), set_at(&c, GS_P_C, 1), set_at(&c, GS_P_D, 0);
    set_at(&c, GS_P_LR, c.train.lr);
    set_at(&c, GS_P_LR_IN, NAN), set_at(&c, GS_P_LR_OUT, NAN);   /* unset: lr's value */
    return c;
}

int gs_sweep_set_lr(gs_sweep_config *c, bool lr_at, bool lr_option, gs_error *err)
{
    if (lr_at && lr_option)
        return gs_fail(err, "the learning rate is given twice (--lr and --at lr=)");
    if (!lr_at)
        set_at(c, GS_P_LR, c->train.lr);
    if ((c->x.param == GS_P_LR || c->y.param == GS_P_LR) && lr_option)
        return gs_fail(err, "--lr: the learning rate is an axis of the plane");
    c->train.lr = c->at[GS_P_LR];
    /* The per-layer rates by the same rule; an option's value is set (not
     * NaN) exactly when the option was given. */
    const gs_param rate[2] = {GS_P_LR_IN, GS_P_LR_OUT};
    float *option[2] = {&c->train.lr_in, &c->train.lr_out};
    const char *name[2] = {"--lr-in", "--lr-out"};
    for (int i = 0; i < 2; i++) {
        const bool given = !isnan(*option[i]);
        if (given && !isnan(c->at[rate[i]]))
            return gs_fail(err, "%s is given twice (%s and --at %s=)", gs_param_name(rate[i]),
                           name[i], gs_param_name(rate[i]));
        if (given && (c->x.param == rate[i] || c->y.param == rate[i]))
            return gs_fail(err, "%s: %s is an axis of the plane", name[i],
                           gs_param_name(rate[i]));
        if (given)
            set_at(c, rate[i], *option[i]);
        *option[i] = c->at[rate[i]];
    }
    return 0;
}
