/* A sweep's configuration: the training settings and the plane (src/map/plane.c
 * owns the plane; the map header is written by src/map/map_header.c). */
#include <stdint.h>
#include <stdlib.h>

#include "gridsweep/sweep.h"

int gs_sweep_validate(const gs_sweep_config *c, gs_error *err)
{
    if (gs_train_validate(&c->train, err))
        return -1;
    if (c->train.seed > UINT64_MAX - (uint64_t)(c->train.seeds - 1))
        return gs_fail(err, "--seed %llu with --seeds %d runs past the last seed, %llu",
                       (unsigned long long)c->train.seed, c->train.seeds,
                       (unsigned long long)UINT64_MAX);
    return gs_plane_validate(&c->plane, err);
}

int gs_sweep_plans_init(const gs_sweep_config *cfg, gs_train_plan **plans, gs_error *err)
{
    const int n = cfg->train.seeds > 1 ? cfg->train.seeds : 1;
    *plans = calloc((size_t)n, sizeof **plans);
    if (!*plans)
        return gs_fail(err, "out of memory");
    for (int s = 0; s < n; s++) {
        gs_train_config one = cfg->train;
        one.seed += (uint64_t)s;
        one.seeds = 1;
        if (gs_train_plan_init(&(*plans)[s], &one, err)) {
            while (s-- > 0)   /* the plans made so far */
                gs_train_plan_free(&(*plans)[s]);
            free(*plans);
            *plans = NULL;
            return -1;
        }
    }
    return 0;
}

void gs_sweep_plans_free(gs_train_plan *plans, int seeds)
{
    for (int s = 0; plans && s < (seeds > 1 ? seeds : 1); s++)
        gs_train_plan_free(&plans[s]);
    free(plans);
}

void gs_sweep_rows(const gs_sweep_config *c, int *lo, int *hi) { gs_plane_rows(&c->plane, lo, hi); }

void gs_sweep_start(const gs_sweep_config *c, int ix, int iy, double start[GS_P_COUNT])
{
    if (c->train.precision == GS_PRECISION_F64) {
        gs_plane_start64(&c->plane, ix, iy, start);
        return;
    }
    float s[GS_P_COUNT];
    gs_plane_start(&c->plane, ix, iy, s);
    for (int q = 0; q < GS_P_COUNT; q++)
        start[q] = s[q];
}
