/* The writer of trace files (docs/formats.md): header, param and curve rows,
 * outcome. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/trace.h"
#include "gridsweep/version.h"

int gs_trace_writer_init(gs_trace_writer *w, const gs_train_config *cfg,
                         const gs_trace_spec *spec, gs_eval_fn eval, gs_error *err)
{
    *w = (gs_trace_writer){.cfg = cfg, .spec = spec, .eval = eval};
    const int n = spec->curve_points;
    w->curve_x = malloc(3 * (size_t)n * sizeof *w->curve_x);
    if (!w->curve_x)
        return gs_fail(err, "out of memory");
    w->curve_y = w->curve_x + n;
    const bool uniform = cfg->data_dist.kind == GS_DIST_UNIFORM;
    const double lo = uniform ? cfg->data_lo : gs_dist_quantile(&cfg->data_dist, 0.005);
    const double hi = uniform ? cfg->data_hi : gs_dist_quantile(&cfg->data_dist, 0.995);
    for (int i = 0; i < n; i++)
        w->curve_x[i] = (float)(lo + (i + 0.5) * (hi - lo) / n);
    /* The target by its eval kernel, as the trainer computes it. */
    gs_kernels_reference()->eval[cfg->target](w->curve_x, w->curve_y, w->curve_y + n, (size_t)n);
    return 0;
}

void gs_trace_writer_free(gs_trace_writer *w)
{
    free(w->curve_x);
    w->curve_x = NULL;
}

void gs_trace_write_header(gs_trace_writer *w, FILE *f)
{
    const gs_train_config *cfg = w->cfg;
    const gs_trace_spec *spec = w->spec;
    const char *act = gs_act_get(cfg->act)->name;
    char buf[4096];
    char init[4][32];
    w->f = f;
    for (int i = 0; i < 4; i++)
        if (cfg->precision == GS_PRECISION_F64)
            gs_fmt_double(init[i], sizeof init[i], spec->init64[i]);
        else
            gs_fmt_float(init[i], sizeof init[i], spec->init[i]);
    gs_train_config_args(cfg, true, buf, sizeof buf);
    fprintf(f, GS_TRACE_MAGIC "\n# version: %s\n# sleef: %s\n", GS_VERSION, GS_SLEEF_VERSION);
    fprintf(f, "# command: gridsweep trace --act %s --init %s,%s,%s,%s%s --point %llu\n", act,
            init[0], init[1], init[2], init[3], buf, (unsigned long long)spec->point);
    fprintf(f, "# act: %s\n# init: %s,%s,%s,%s\n", act, init[0], init[1], init[2], init[3]);
    gs_train_config_lines(cfg, true, buf, sizeof buf);
    fputs(buf, f);
    fprintf(f, "# point: %llu\n# every: %d\n# snapshots:", (unsigned long long)spec->point,
            spec->every);
    for (int i = 0; i < spec->nsnap; i++)
        fprintf(f, "%c%d", i ? ',' : ' ', spec->snap[i]);
    fputs("\nkind,step,a,b,c,d,loss,x,yhat,y\n", f);
}

/* NaN prints as "nan" whatever its sign bit, as in maps (map_format.c). */
static double unsigned_nan(double v) { return isnan(v) ? fabs(v) : v; }

/* A value of the run: an f32 run's float as %.9g (it is one, widened), an
 * f64 run's double as %.17g; both read back exactly. */
static void put_value(FILE *f, bool f64, double v)
{
    if (f64)
        fprintf(f, ",%.17g", unsigned_nan(v));
    else
        fprintf(f, ",%.9g", unsigned_nan((double)(float)v));
}

/* The parameters after t updates; loss is that of the step they take next. */
static void param_row(FILE *f, bool f64, int t, const double p[4], const double *loss)
{
    fprintf(f, "param,%d", t);
    for (int k = 0; k < 4; k++)
        put_value(f, f64, p[k]);
    if (loss)
        put_value(f, f64, *loss);
    else
        fputc(',', f);
    fputs(",,,\n", f);
}

/* The learned function c*f(a*x+b)+d at the curve points, and the target (in
 * float32: the f32 kernels' arithmetic, on the f32 parameters). */
static void curve_rows(const gs_trace_writer *w, int t, const double p64[4])
{
    FILE *f = w->f;
    const float p[4] = {(float)p64[0], (float)p64[1], (float)p64[2], (float)p64[3]};
    for (int i = 0; i < w->spec->curve_points; i++) {
        const float x = w->curve_x[i];
        float z = fmaf(p[0], x, p[1]), fz, dfz;
        w->eval(&z, &fz, &dfz, 1);
        fprintf(f, "curve,%d", t);
        for (int k = 0; k < 4; k++)
            put_value(f, false, p[k]);
        fputc(',', f);
        put_value(f, false, x);
        put_value(f, false, fmaf(p[2], fz, p[3]));
        put_value(f, false, w->curve_y[i]);
        fputc('\n', f);
    }
}

/* The same in double (an f64 run): the curve's x, the target and the model
 * through the reference set's eval64 (every set's bits). */
static void curve_rows64(const gs_trace_writer *w, int t, const double p[4])
{
    FILE *f = w->f;
    const gs_train_config *cfg = w->cfg;
    const gs_kernels *ref = gs_kernels_reference();
    const int n = w->spec->curve_points;
    const bool uniform = cfg->data_dist.kind == GS_DIST_UNIFORM;
    const double lo = uniform ? cfg->data_lo : gs_dist_quantile(&cfg->data_dist, 0.005);
    const double hi = uniform ? cfg->data_hi : gs_dist_quantile(&cfg->data_dist, 0.995);
    for (int i = 0; i < n; i++) {
        double x = lo + (i + 0.5) * (hi - lo) / n, y, z = fma(p[0], x, p[1]), fz, dfz;
        ref->eval64[cfg->target](&x, &y, &dfz, 1);
        ref->eval64[cfg->act](&z, &fz, &dfz, 1);
        fprintf(f, "curve,%d", t);
        for (int k = 0; k < 4; k++)
            put_value(f, true, p[k]);
        fputc(',', f);
        put_value(f, true, x);
        put_value(f, true, fma(p[2], fz, p[3]));
        put_value(f, true, y);
        fputc('\n', f);
    }
}

int gs_trace_write_step(void *writer, int t, const double p[4], const double *loss)
{
    gs_trace_writer *w = writer;
    const gs_trace_spec *spec = w->spec;
    if (w->next_snap < spec->nsnap && spec->snap[w->next_snap] == t) {
        if (w->cfg->precision == GS_PRECISION_F64)
            curve_rows64(w, t, p);
        else
            curve_rows(w, t, p);
        w->next_snap++;
    }
    if (!loss || t % spec->every == 0)
        param_row(w->f, w->cfg->precision == GS_PRECISION_F64, t, p, loss);
    return 0;
}

void gs_trace_write_outcome(const gs_trace_writer *w, const gs_result *r)
{
    const bool f64 = w->cfg->precision == GS_PRECISION_F64;
    const double v[4] = {r->window_loss, r->final_loss, r->lin_err, r->spread};
    char text[4][40], score[40];
    for (int i = 0; i < 4; i++)   /* an f32 run's values are floats: written as such */
        snprintf(text[i], sizeof text[i], f64 ? "%.17g" : "%.9g",
                 f64 ? unsigned_nan(v[i]) : unsigned_nan((double)(float)v[i]));
    snprintf(score, sizeof score, f64 ? "%.17g" : "%.9g", f64 ? r->score : (double)(float)r->score);
    fprintf(w->f,
            "# outcome: %s\n# window_loss: %s\n# final_loss: %s\n# lin_err: %s\n"
            "# spread: %s\n# t_escape: %d\n# t_enter: %d\n# t_diverge: %d\n# score: %s\n",
            gs_outcome_name(r->outcome), text[0], text[1], text[2], text[3], r->t_escape,
            r->t_enter, r->t_diverge, score);
}
