/* GET /api/trace: the trace of one cell of a view, the file `gridsweep trace`
 * writes for the same start, lr and stream id (the sweep's point of a cell is
 * its index in the plane), made by the trainer's trace loop and writer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gridsweep/numparse.h"
#include "gridsweep/trace.h"
#include "serve_impl.h"

#define TRACE_ROWS 1000   /* param rows at most: every = steps / this */


static int parse_cell(const char *name, const char *text, int n, int *out, gs_error *err)
{
    if (!text)
        return gs_fail(err, "serve: trace: %s is missing", name);
    if (gs_parse_int(text, out) || *out < 0 || *out >= n)
        return gs_fail(err, "serve: trace: %s must be a cell index from 0 to %d, got '%.40s'",
                       name, n - 1, text);
    return 0;
}

int serve_trace(const gs_sweep_config *view, const gs_kernels *k, const char *ix_text,
                const char *iy_text, char **text, size_t *len, gs_error *err)
{
    int ix, iy;
    if (parse_cell("ix", ix_text, view->x.n, &ix, err) ||
        parse_cell("iy", iy_text, view->y.n, &iy, err))
        return -1;
    double start[GS_P_COUNT];
    gs_sweep_start(view, ix, iy, start);   /* f32: floats, widened */
    gs_train_config cfg = view->train;
    cfg.lr = (float)start[GS_P_LR];
    /* A per-layer rate that is set or an axis is the cell's; unset, lr's. */
    float *rate[2] = {&cfg.lr_in, &cfg.lr_out};
    for (int i = 0; i < 2; i++) {
        const gs_param q = i ? GS_P_LR_OUT : GS_P_LR_IN;
        const bool own = view->x.param == q || view->y.param == q || !isnan(view->at[q]);
        *rate[i] = own ? (float)start[q] : NAN;
    }
    const int steps = cfg.steps;
    gs_trace_spec spec = {.init = {(float)start[GS_P_A], (float)start[GS_P_B], (float)start[GS_P_C],
                                   (float)start[GS_P_D]},
                          .init64 = {start[GS_P_A], start[GS_P_B], start[GS_P_C], start[GS_P_D]},
                          .point = (uint64_t)iy * (uint64_t)view->x.n + (uint64_t)ix,
                          .every = steps > TRACE_ROWS ? steps / TRACE_ROWS : 1,
                          .curve_points = 101};
    /* `gridsweep trace`'s default snapshots: 0, steps/100, steps/10, steps. */
    const int def[4] = {0, steps / 100, steps / 10, steps};
    for (int i = 0; i < 4; i++)
        if (spec.nsnap == 0 || def[i] > spec.snap[spec.nsnap - 1])
            spec.snap[spec.nsnap++] = def[i];

    gs_train_plan plan;
    if (gs_train_plan_init(&plan, &cfg, err))
        return -1;
    gs_trace_writer w;
    if (gs_trace_writer_init(&w, &cfg, &spec, k->eval[cfg.act], err)) {
        gs_train_plan_free(&plan);
        return -1;
    }
    FILE *f = open_memstream(text, len);
    if (!f) {
        gs_trace_writer_free(&w);
        gs_train_plan_free(&plan);
        return gs_fail(err, "out of memory");
    }
    gs_trace_write_header(&w, f);
    gs_result r;
    const int traced = gs_train_trace(&plan, k, start, spec.point, gs_trace_write_step, &w, &r);
    if (!traced)
        gs_trace_write_outcome(&w, &r);
    gs_trace_writer_free(&w);
    gs_train_plan_free(&plan);
    const bool failed = fclose(f) != 0 || traced;
    if (failed) {
        free(*text);
        return gs_fail(err, "out of memory");
    }
    return 0;
}
