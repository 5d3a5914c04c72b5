/* A sweep's configuration: the training settings and the plane (src/map/plane.c
 * owns the plane; the map header is written by src/map/map_header.c). */
#include "gridsweep/sweep.h"

int gs_sweep_validate(const gs_sweep_config *c, gs_error *err)
{
    if (gs_train_validate(&c->train, err))
        return -1;
    return gs_plane_validate(&c->plane, err);
}

void gs_sweep_rows(const gs_sweep_config *c, int *lo, int *hi) { gs_plane_rows(&c->plane, lo, hi); }

void gs_sweep_start(const gs_sweep_config *c, int ix, int iy, float start[GS_P_COUNT])
{
    gs_plane_start(&c->plane, ix, iy, start);
}
