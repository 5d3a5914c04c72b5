/* The plane of a sweep: validation, tiles, starting points, the map header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/sweep.h"
#include "gridsweep/version.h"

int gs_sweep_validate(const gs_sweep_config *c, gs_error *err)
{
    if (gs_train_validate(&c->train, err))
        return -1;
    if (c->x.param == c->y.param)
        return gs_fail(err, "--x and --y are both '%s': the axes must differ",
                       gs_param_name(c->x.param));
    if (c->x.n < 1 || c->y.n < 1 || c->x.n > GS_MAX_RES || c->y.n > GS_MAX_RES)
        return gs_fail(err, "--res must be between 1 and %d per axis, got %d,%d", GS_MAX_RES,
                       c->x.n, c->y.n);
    if ((int64_t)c->x.n * c->y.n > GS_MAX_CELLS)
        return gs_fail(err, "--res %d,%d is more than %lld cells", c->x.n, c->y.n,
                       (long long)GS_MAX_CELLS);
    if (c->tile_n < 1 || c->tile_k < 1 || c->tile_k > c->tile_n)
        return gs_fail(err, "--tile %d/%d: K must be between 1 and N", c->tile_k, c->tile_n);
    if (c->tile_n > c->y.n)
        return gs_fail(err, "--tile %d/%d: N is more than the %d rows of cells", c->tile_k,
                       c->tile_n, c->y.n);
    if (!(c->at[GS_P_LR] > 0))
        return gs_fail(err, "the learning rate must be above 0, got %g", c->at[GS_P_LR]);
    return 0;
}

void gs_sweep_rows(const gs_sweep_config *c, int *lo, int *hi)
{
    *lo = (int)((int64_t)c->y.n * (c->tile_k - 1) / c->tile_n);
    *hi = (int)((int64_t)c->y.n * c->tile_k / c->tile_n);
}

void gs_sweep_start(const gs_sweep_config *c, int ix, int iy, float start[GS_P_COUNT])
{
    memcpy(start, c->at, sizeof c->at);
    start[c->x.param] = gs_axis_value(&c->x, ix);
    start[c->y.param] = gs_axis_value(&c->y, iy);
}

static void axis_text(char *buf, size_t n, const gs_axis *ax)
{
    char lo[32], hi[32];
    gs_fmt_double(lo, sizeof lo, ax->lo);
    gs_fmt_double(hi, sizeof hi, ax->hi);
    snprintf(buf, n, "%s:%s:%s%s", gs_param_name(ax->param), lo, hi, ax->log ? ":log" : "");
}

/* "a=1,c=1,lr=0.1": the parameters that are not axes. */
static void at_text(char *buf, size_t n, const gs_sweep_config *c)
{
    size_t len = 0;
    buf[0] = 0;
    for (int p = 0; p < GS_P_COUNT && len < n; p++) {
        if (p == (int)c->x.param || p == (int)c->y.param)
            continue;
        char v[32];
        gs_fmt_float(v, sizeof v, c->at[p]);
        len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? "," : "",
                                gs_param_name((gs_param)p), v);
    }
}

char *gs_sweep_header(const gs_sweep_config *c)
{
    const size_t cap = 8192;
    char *h = malloc(cap), x[96], y[96], at[160], args[2048], lines[2048];
    if (!h)
        return NULL;
    const char *act = gs_act_get(c->train.act)->name;
    axis_text(x, sizeof x, &c->x);
    axis_text(y, sizeof y, &c->y);
    at_text(at, sizeof at, c);
    gs_train_config_args(&c->train, false, args, sizeof args);
    gs_train_config_lines(&c->train, false, lines, sizeof lines);
    int lo, hi;
    gs_sweep_rows(c, &lo, &hi);
    int len = snprintf(h, cap,
                       GS_MAP_MAGIC "\n# version: %s\n# sleef: %s\n"
                       "# command: gridsweep --act %s --x %s --y %s --at %s --res %d,%d%s\n"
                       "# act: %s\n# x: %s\n# y: %s\n# res: %d,%d\n# at: %s\n%s# cells: %lld\n",
                       GS_VERSION, GS_SLEEF_VERSION, act, x, y, at, c->x.n, c->y.n, args, act,
                       x, y, c->x.n, c->y.n, at, lines, (long long)c->x.n * c->y.n);
    if (c->tile_n > 1)
        len += snprintf(h + len, cap - (size_t)len, "# tile: %d/%d rows=%d:%d\n", c->tile_k,
                        c->tile_n, lo, hi);
    snprintf(h + len, cap - (size_t)len, GS_MAP_COLUMNS "\n");
    return h;
}
