/* gridsweep trace: parses the options, then trains one starting point with
 * gs_train_trace, the trace writer (map/trace_format.c) as its per-step
 * callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/numparse.h"
#include "gridsweep/trace.h"
#include "options.h"
#include "outfile.h"
#include "usage.h"

typedef struct trace_args {
    gs_trace_spec spec;
    const char *output;
    bool force;
} trace_args;

/* Into init (float32, f32 runs) and init64 (the same text as doubles, f64). */
static int parse_init(const char *name, const char *arg, void *target, gs_error *err)
{
    gs_trace_spec *spec = target;
    float *p = spec->init;
    char buf[256];
    if (strlen(arg) >= sizeof buf)
        return gs_fail(err, "%s: value too long", name);
    strcpy(buf, arg);
    int n = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 4)
            return gs_fail(err, "%s: expected 4 numbers A,B,C,D, got more: '%s'", name, arg);
        if (cli_strict_float(tok, &p[n]) || gs_parse_double(tok, &spec->init64[n]))
            return gs_fail(err, "%s: '%s' is not a finite number", name, tok);
        n++;
    }
    if (n != 4 || arg[strlen(arg) - 1] == ',')
        return gs_fail(err, "%s: expected 4 numbers A,B,C,D, got '%s'", name, arg);
    return 0;
}

static int parse_snapshots(const char *name, const char *arg, void *target, gs_error *err)
{
    gs_trace_spec *t = target;
    char buf[1024];
    if (strlen(arg) >= sizeof buf)
        return gs_fail(err, "%s: value too long", name);
    strcpy(buf, arg);
    t->nsnap = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (t->nsnap == GS_TRACE_MAX_SNAPSHOTS)
            return gs_fail(err, "%s: at most %d snapshots", name, GS_TRACE_MAX_SNAPSHOTS);
        if (cli_int(name, tok, &t->snap[t->nsnap], err))
            return -1;
        if (t->snap[t->nsnap] < 0)
            return gs_fail(err, "%s: step %d is negative", name, t->snap[t->nsnap]);
        if (t->nsnap && t->snap[t->nsnap] <= t->snap[t->nsnap - 1])
            return gs_fail(err, "%s: steps must increase, got '%s'", name, arg);
        t->nsnap++;
    }
    if (t->nsnap == 0)
        return gs_fail(err, "%s: no steps given", name);
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    gs_train_config cfg = gs_train_defaults();
    trace_args ta = {.spec = {.init = {1, 0.5f, 1, -0.5f}, .init64 = {1, 0.5, 1, -0.5},
                              .every = 10, .curve_points = 101}};
    gs_trace_spec *spec = &ta.spec;
    gs_isa isa = GS_ISA_SCALAR;
    cli_optset set = {0};
    cli_add(&set, "--act", cli_act, &cfg.act);
    cli_add_train(&set, &cfg);
    cli_add_isa(&set, &isa);
    cli_add(&set, "--init", parse_init, spec);
    cli_add(&set, "--every", cli_int, &spec->every);
    cli_add(&set, "--snapshots", parse_snapshots, spec);
    cli_add(&set, "--curve-points", cli_int, &spec->curve_points);
    cli_add(&set, "--point", cli_u64, &spec->point);
    cli_add(&set, "-o", cli_string, &ta.output);
    cli_add(&set, "--output", cli_string, &ta.output);
    cli_add(&set, "--force", NULL, &ta.force);
    char *pos[1];
    int npos, rc = cli_parse(&set, argc, argv, pos, 0, &npos, TRACE_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;

    gs_error err;
    if (gs_train_validate(&cfg, &err))
        return cli_usage_error("trace: %s", err.msg);
    if (cfg.seeds > 1)
        return cli_usage_error("trace: --seeds: a trace follows one seed (give --seed N)");
    if (spec->every < 1)
        return cli_usage_error("trace: --every must be at least 1, got %d", spec->every);
    if (spec->curve_points < 2 || spec->curve_points > GS_TRACE_MAX_CURVE)
        return cli_usage_error("trace: --curve-points must be between 2 and %d, got %d",
                               GS_TRACE_MAX_CURVE, spec->curve_points);
    if (!cli_seen(&set, "--snapshots")) {
        int def[4] = {0, cfg.steps / 100, cfg.steps / 10, cfg.steps};
        for (int i = 0; i < 4; i++)
            if (spec->nsnap == 0 || def[i] > spec->snap[spec->nsnap - 1])
                spec->snap[spec->nsnap++] = def[i];
    }
    if (spec->snap[spec->nsnap - 1] > cfg.steps)
        return cli_usage_error("trace: snapshot step %d is beyond --steps %d",
                               spec->snap[spec->nsnap - 1], cfg.steps);
    const gs_kernels *k;
    if ((rc = cli_pick_kernels(&set, isa, &k)))
        return rc;
    if ((rc = outfile_check(ta.output, ta.force)))
        return rc;

    gs_train_plan plan;
    if (gs_train_plan_init(&plan, &cfg, &err))
        return cli_runtime_error("trace: %s", err.msg);
    gs_trace_writer w;
    if (gs_trace_writer_init(&w, &cfg, spec, k->eval[cfg.act], &err)) {
        gs_train_plan_free(&plan);
        return cli_runtime_error("%s", err.msg);
    }
    outfile of;
    if ((rc = outfile_open(&of, ta.output))) {
        gs_trace_writer_free(&w);
        gs_train_plan_free(&plan);
        return rc;
    }
    gs_trace_write_header(&w, of.f);
    const bool f64 = cfg.precision == GS_PRECISION_F64;
    /* an f64 run's rate: the double of the float32 option's text (0.1, not 0.1f) */
    double start[5] = {0, 0, 0, 0,
                       cfg.precision == GS_PRECISION_F64 ? gs_float_decimal(cfg.lr) : cfg.lr};
    for (int i = 0; i < 4; i++)
        start[i] = f64 ? spec->init64[i] : spec->init[i];
    gs_result r;
    const int traced = gs_train_trace(&plan, k, start, spec->point, gs_trace_write_step, &w, &r);
    if (!traced)
        gs_trace_write_outcome(&w, &r);
    gs_trace_writer_free(&w);
    gs_train_plan_free(&plan);
    if (traced) {   /* out of memory in the judge: no outcome, never a made-up one */
        outfile_discard(&of);
        return cli_runtime_error("trace: out of memory");
    }
    return outfile_commit(&of);
}
