/* gridsweep trace: one trajectory, with the learned function at snapshots. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/kernels.h"
#include "gridsweep/version.h"
#include "options.h"
#include "outfile.h"
#include "usage.h"

#define MAX_SNAPSHOTS 64
#define MAX_CURVE 10001

typedef struct trace_args {
    float init[4];
    int every, curve_points;
    uint64_t point;
    int snap[MAX_SNAPSHOTS], nsnap;
    const char *output;
    bool force;
} trace_args;

static int parse_init(const char *name, const char *arg, void *target, gs_error *err)
{
    float *p = target;
    char buf[256];
    if (strlen(arg) >= sizeof buf)
        return gs_fail(err, "%s: value too long", name);
    strcpy(buf, arg);
    int n = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 4)
            return gs_fail(err, "%s: expected 4 numbers A,B,C,D, got more: '%s'", name, arg);
        if (cli_strict_float(tok, &p[n++]))
            return gs_fail(err, "%s: '%s' is not a finite number", name, tok);
    }
    if (n != 4 || arg[strlen(arg) - 1] == ',')
        return gs_fail(err, "%s: expected 4 numbers A,B,C,D, got '%s'", name, arg);
    return 0;
}

static int parse_snapshots(const char *name, const char *arg, void *target, gs_error *err)
{
    trace_args *t = target;
    char buf[1024];
    if (strlen(arg) >= sizeof buf)
        return gs_fail(err, "%s: value too long", name);
    strcpy(buf, arg);
    t->nsnap = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (t->nsnap == MAX_SNAPSHOTS)
            return gs_fail(err, "%s: at most %d snapshots", name, MAX_SNAPSHOTS);
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

/* NaN prints as "nan" whatever its sign bit, as in maps (map_format.c). */
static double unsigned_nan(float v) { return isnan(v) ? fabs((double)v) : (double)v; }

static void put_float(FILE *f, float v)
{
    fprintf(f, ",%.9g", unsigned_nan(v));
}

/* The parameters after t updates; loss is that of the step they take next. */
static void param_row(FILE *f, int t, const gs_block *blk, const float *loss)
{
    fprintf(f, "param,%d", t);
    for (int k = 0; k < 4; k++)
        put_float(f, blk->p[k][0]);
    if (loss)
        put_float(f, *loss);
    else
        fputc(',', f);
    fputs(",,,\n", f);
}

static void curve_rows(FILE *f, int t, const gs_block *blk, gs_eval_fn eval, const float *x,
                       int n)
{
    const float a = blk->p[0][0], b = blk->p[1][0], c = blk->p[2][0], d = blk->p[3][0];
    for (int i = 0; i < n; i++) {
        float z = fmaf(a, x[i], b), fz, dfz;
        eval(&z, &fz, &dfz, 1);
        fprintf(f, "curve,%d", t);
        for (int k = 0; k < 4; k++)
            put_float(f, blk->p[k][0]);
        fputc(',', f);
        put_float(f, x[i]);
        put_float(f, fmaf(c, fz, d));
        put_float(f, x[i] <= 0 ? 0.0f : x[i]);
        fputc('\n', f);
    }
}

int cmd_trace(int argc, char **argv)
{
    gs_train_config cfg = gs_train_defaults();
    trace_args ta = {.init = {1, 0.5f, 1, -0.5f}, .every = 10, .curve_points = 101};
    gs_isa isa = GS_ISA_SCALAR;
    cli_optset set = {0};
    cli_add(&set, "--act", cli_act, &cfg.act);
    cli_add_train(&set, &cfg);
    cli_add_isa(&set, &isa);
    cli_add(&set, "--init", parse_init, ta.init);
    cli_add(&set, "--every", cli_int, &ta.every);
    cli_add(&set, "--snapshots", parse_snapshots, &ta);
    cli_add(&set, "--curve-points", cli_int, &ta.curve_points);
    cli_add(&set, "--point", cli_u64, &ta.point);
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
    if (ta.every < 1)
        return cli_usage_error("trace: --every must be at least 1, got %d", ta.every);
    if (ta.curve_points < 2 || ta.curve_points > MAX_CURVE)
        return cli_usage_error("trace: --curve-points must be between 2 and %d, got %d",
                               MAX_CURVE, ta.curve_points);
    if (!cli_seen(&set, "--snapshots")) {
        int def[4] = {0, cfg.steps / 100, cfg.steps / 10, cfg.steps};
        for (int i = 0; i < 4; i++)
            if (ta.nsnap == 0 || def[i] > ta.snap[ta.nsnap - 1])
                ta.snap[ta.nsnap++] = def[i];
    }
    if (ta.snap[ta.nsnap - 1] > cfg.steps)
        return cli_usage_error("trace: snapshot step %d is beyond --steps %d",
                               ta.snap[ta.nsnap - 1], cfg.steps);
    const gs_kernels *k;
    if ((rc = cli_pick_kernels(&set, isa, &k)))
        return rc;
    if ((rc = outfile_check(ta.output, ta.force)))
        return rc;

    gs_train_plan plan;
    if (gs_train_plan_init(&plan, &cfg, &err))
        return cli_runtime_error("trace: %s", err.msg);
    float *cx = malloc((size_t)ta.curve_points * sizeof *cx);
    if (!cx) {
        gs_train_plan_free(&plan);
        return cli_runtime_error("out of memory");
    }
    for (int i = 0; i < ta.curve_points; i++)
        cx[i] = (float)(cfg.data_lo +
                        (i + 0.5) * ((double)cfg.data_hi - cfg.data_lo) / ta.curve_points);

    outfile of;
    if ((rc = outfile_open(&of, ta.output))) {
        free(cx);
        gs_train_plan_free(&plan);
        return rc;
    }
    FILE *f = of.f;
    char buf[4096];
    char init[4][32];
    for (int i = 0; i < 4; i++)
        gs_fmt_float(init[i], sizeof init[i], ta.init[i]);
    gs_train_config_args(&cfg, true, buf, sizeof buf);
    fprintf(f, "# gridsweep-trace 1\n# version: %s\n# sleef: %s\n", GS_VERSION, GS_SLEEF_VERSION);
    fprintf(f, "# command: gridsweep trace --act %s --init %s,%s,%s,%s%s --point %llu\n",
            gs_act_get(cfg.act)->name, init[0], init[1], init[2], init[3], buf,
            (unsigned long long)ta.point);
    fprintf(f, "# act: %s\n# init: %s,%s,%s,%s\n", gs_act_get(cfg.act)->name, init[0], init[1],
            init[2], init[3]);
    gs_train_config_lines(&cfg, true, buf, sizeof buf);
    fputs(buf, f);
    fprintf(f, "# point: %llu\n# every: %d\n# snapshots:", (unsigned long long)ta.point,
            ta.every);
    for (int i = 0; i < ta.nsnap; i++)
        fprintf(f, "%c%d", i ? ',' : ' ', ta.snap[i]);
    fputs("\nkind,step,a,b,c,d,loss,x,yhat,y\n", f);

    gs_block blk;
    const float start[1][5] = {{ta.init[0], ta.init[1], ta.init[2], ta.init[3], cfg.lr}};
    gs_block_init(&blk, 1, start, &ta.point);
    gs_train_fn train = k->train[cfg.act][cfg.loss];
    int next_snap = 0;
    for (int t = 0; t <= cfg.steps; t++) {
        if (next_snap < ta.nsnap && ta.snap[next_snap] == t) {
            curve_rows(f, t, &blk, k->eval[cfg.act], cx, ta.curve_points);
            next_snap++;
        }
        if (t == cfg.steps) {
            param_row(f, t, &blk, NULL);
            break;
        }
        gs_block before = blk;
        train(&plan, &blk, t + 1);
        if (t % ta.every == 0)
            param_row(f, t, &before, &blk.loss[0]);
    }
    gs_result r;
    gs_train_judge(&plan, k->eval[cfg.act], &blk, 0, &r);
    fprintf(f, "# outcome: %s\n# window_loss: %.9g\n# final_loss: %.9g\n# lin_err: %.9g\n"
               "# spread: %.9g\n# t_conv: %d\n",
            gs_outcome_name(r.outcome), unsigned_nan(r.window_loss), unsigned_nan(r.final_loss),
            unsigned_nan(r.lin_err), unsigned_nan(r.spread), r.t_conv);
    free(cx);
    gs_train_plan_free(&plan);
    return outfile_commit(&of);
}
