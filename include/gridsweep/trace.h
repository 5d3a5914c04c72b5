/* Trace files (docs/formats.md): one trajectory's parameter rows, the
 * learned function at snapshot steps, and the outcome. The writer's step
 * function is the gs_trace_step_fn of gs_train_trace. */
#ifndef GRIDSWEEP_TRACE_H
#define GRIDSWEEP_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "gridsweep/error.h"
#include "gridsweep/kernels.h"
#include "gridsweep/train.h"

#define GS_TRACE_MAGIC "# gridsweep-trace 1"
#define GS_TRACE_MAX_SNAPSHOTS 64
#define GS_TRACE_MAX_CURVE 10001

/* What a trace records besides the training settings. */
typedef struct gs_trace_spec {
    float init[4];                        /* a, b, c, d at step 0 (f32) */
    double init64[4];                     /* the same text read as doubles (f64) */
    uint64_t point;                       /* the stream id of independent sampling */
    int every;                            /* a param row every this many steps */
    int curve_points;                     /* curve rows per snapshot */
    int snap[GS_TRACE_MAX_SNAPSHOTS];     /* snapshot steps, increasing */
    int nsnap;
} gs_trace_spec;

typedef struct gs_trace_writer {
    FILE *f;
    const gs_train_config *cfg;
    const gs_trace_spec *spec;
    gs_eval_fn eval;        /* the activation's kernel, for the curve rows */
    float *curve_x;         /* curve_points midpoints of the data range (uniform) or
                             * of its central 99% (quantiles 0.005 to 0.995) */
    float *curve_y;         /* the target there (in curve_x's allocation) */
    int next_snap;
} gs_trace_writer;

/* Prepares the writer (cfg and spec must outlive it); nothing is written. */
int gs_trace_writer_init(gs_trace_writer *w, const gs_train_config *cfg,
                         const gs_trace_spec *spec, gs_eval_fn eval, gs_error *err);
/* Writes the header lines to f; the rows that follow go to f too. */
void gs_trace_write_header(gs_trace_writer *w, FILE *f);
/* The rows of step t: a gs_trace_step_fn, with the writer as ctx. */
int gs_trace_write_step(void *writer, int t, const double p[4], const double *loss);
/* The outcome lines that end the file. */
void gs_trace_write_outcome(const gs_trace_writer *w, const gs_result *r);
void gs_trace_writer_free(gs_trace_writer *w);

#endif
