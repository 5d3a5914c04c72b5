/* gridsweep samples: the samples (x, y) training uses, for independent checks. */
#include <stdio.h>
#include <stdlib.h>

#include "../kernels/rng.h"
#include "cli.h"
#include "options.h"
#include "outfile.h"
#include "usage.h"

int cmd_samples(int argc, char **argv)
{
    gs_train_config cfg = gs_train_defaults();
    uint64_t point = 0;
    cli_optset set = {0};
    cli_add_setting(&set, "--steps", &cfg);
    cli_add_setting(&set, "--batch", &cfg);
    cli_add_setting(&set, "--data", &cfg);
    cli_add_setting(&set, "--seed", &cfg);
    cli_add_setting(&set, "--sampling", &cfg);
    cli_add_setting(&set, "--data-dist", &cfg);
    cli_add_setting(&set, "--target", &cfg);
    cli_add_setting(&set, "--precision", &cfg);
    cli_add(&set, "--point", cli_u64, &point);
    char *pos[1];
    int npos, rc = cli_parse(&set, argc, argv, pos, 0, &npos, SAMPLES_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    gs_error err;
    if (gs_train_validate(&cfg, &err))
        return cli_usage_error("samples: %s", err.msg);
    gs_train_plan plan;
    if (gs_train_plan_init(&plan, &cfg, &err))
        return cli_runtime_error("samples: %s", err.msg);
    const float lo = cfg.data_lo, width = cfg.data_hi - cfg.data_lo;
    const gs_eval_fn target = gs_kernels_reference()->eval[cfg.target];
    const bool f64 = cfg.precision == GS_PRECISION_F64;
    printf("step,i,x,y\n");
    for (int t = 0; t < cfg.steps; t++) {
        for (int s = 0; s < cfg.batch; s++) {
            double x, y;
            if (f64 && cfg.sampling == GS_SAMPLING_INDEPENDENT) {   /* as the f64 kernels draw it */
                double u[2], dy;
                gs_uniform2d(cfg.seed, point, (uint32_t)t, (uint32_t)(s / 2), u);
                x = gs_dist_sample64(&cfg.data_dist, lo, (double)cfg.data_hi - lo, u[s % 2]);
                gs_kernels_reference()->eval64[cfg.target](&x, &y, &dy, 1);
            } else if (f64) {
                const size_t i = (size_t)t * plan.step.x_stride + (size_t)s;
                x = plan.step.xs64[i];
                y = plan.step.ys64[i];
            } else if (cfg.sampling == GS_SAMPLING_INDEPENDENT) {   /* as the kernels draw it */
                float u[4], x32, y32, dy;
                gs_uniform4(cfg.seed, point, (uint32_t)t, (uint32_t)(s / 4), u);
                x32 = gs_dist_sample(&cfg.data_dist, lo, width, u[s % 4]);
                target(&x32, &y32, &dy, 1);
                x = x32, y = y32;
            } else {
                const size_t i = (size_t)t * plan.step.x_stride + (size_t)s;
                x = plan.step.xs[i];
                y = plan.step.ys[i];
            }
            if (f64)   /* 17 digits: doubles read back exactly */
                printf("%d,%d,%.17g,%.17g\n", t, s, x, y);
            else
                printf("%d,%d,%.9g,%.9g\n", t, s, x, y);
        }
    }
    gs_train_plan_free(&plan);
    outfile out = {.f = stdout};
    return outfile_commit(&out);
}
