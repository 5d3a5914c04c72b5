/* The plane: parameter names, axes, the command line's spellings of the
 * plane, its validation, the values at a cell and the same-plane test. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/numparse.h"
#include "gridsweep/plane.h"
#include "gridsweep/train.h"

#define NAME_(ID, name) #name,
static const char *const param_names[GS_P_COUNT] = {GS_PARAMS(NAME_, )};

const char *gs_param_name(gs_param p) { return p < GS_P_COUNT ? param_names[p] : "?"; }

bool gs_param_is_rate(gs_param p) { return p == GS_P_LR || p == GS_P_LR_IN || p == GS_P_LR_OUT; }

int gs_param_parse(const char *s, gs_param *out)
{
    for (int i = 0; i < GS_P_COUNT; i++) {
        if (strcmp(s, param_names[i]) == 0) {
            *out = (gs_param)i;
            return 0;
        }
    }
    return -1;
}

double gs_axis_value64(const gs_axis *ax, int i)
{
    const double frac = (i + 0.5) / ax->n;
    if (ax->log)
        return pow(10.0, log10(ax->lo) + frac * (log10(ax->hi) - log10(ax->lo)));
    return ax->lo + frac * (ax->hi - ax->lo);
}

float gs_axis_value(const gs_axis *ax, int i) { return (float)gs_axis_value64(ax, i); }

/* An axis end: a finite decimal within float range (the axis values are floats). */
static int axis_end(const char *s, double *out)
{
    double v;
    if (gs_parse_double(s, &v) || fabs(v) > 3.4028234663852886e38)
        return -1;
    *out = v;
    return 0;
}

int gs_axis_parse(const char *s, gs_axis *ax, gs_error *err)
{
    char buf[128], *field[5];
    int n = 0;
    if (strlen(s) >= sizeof buf)
        return gs_fail(err, "axis '%.40s...' is too long", s);
    strcpy(buf, s);
    for (char *p = buf; n < 5; n++) {
        field[n] = p;
        char *colon = strchr(p, ':');
        if (!colon) {
            n++;
            break;
        }
        *colon = 0;
        p = colon + 1;
    }
    if (n < 3 || n > 4)
        return gs_fail(err, "axis '%s': expected PARAM:LO:HI or PARAM:LO:HI:log", s);
    if (gs_param_parse(field[0], &ax->param))
        return gs_fail(err, "axis '%s': unknown parameter '%s' (valid: %s)", s, field[0],
                       GS_PARAMS_HELP);
    if (axis_end(field[1], &ax->lo) || axis_end(field[2], &ax->hi))
        return gs_fail(err, "axis '%s': LO and HI must be finite numbers", s);
    ax->log = false;
    if (n == 4) {
        if (strcmp(field[3], "log") != 0)
            return gs_fail(err, "axis '%s': the fourth field can only be 'log'", s);
        ax->log = true;
    }
    if (!(ax->lo < ax->hi))
        return gs_fail(err, "axis '%s': LO must be below HI", s);
    if (ax->log && ax->lo <= 0)
        return gs_fail(err, "axis '%s': a log axis must stay above 0", s);
    if (gs_param_is_rate(ax->param) && ax->lo <= 0)
        return gs_fail(err, "axis '%s': the learning rate must stay above 0", s);
    return 0;
}

int gs_axis_format(const gs_axis *ax, char *buf, size_t size)
{
    char lo[32], hi[32];
    gs_fmt_double(lo, sizeof lo, ax->lo);
    gs_fmt_double(hi, sizeof hi, ax->hi);
    return snprintf(buf, size, "%s:%s:%s%s", gs_param_name(ax->param), lo, hi,
                    ax->log ? ":log" : "");
}

/* ---- the command line's spellings ----------------------------------- */

/* "too large" or "too small": a number beyond int. */
static const char *too(const char *s) { return s[0] == '-' ? "too small" : "too large"; }

int gs_plane_parse_res(const char *s, gs_plane *p, gs_error *err)
{
    const char *comma = strchr(s, ',');
    char first[32];
    if (comma && (size_t)(comma - s) >= sizeof first)
        return gs_fail(err, "--res: expected N or NX,NY, got '%s'", s);
    if (comma) {
        memcpy(first, s, (size_t)(comma - s));
        first[comma - s] = 0;
    }
    const char *word[2] = {comma ? first : s, comma ? comma + 1 : s};
    int *n[2] = {&p->x.n, &p->y.n};
    for (int i = 0; i < 2; i++) {
        const int rc = gs_parse_int(word[i], n[i]);
        if (rc == GS_NUM_RANGE)
            return gs_fail(err, "--res %s: %s is %s (at most %d per axis)", s, word[i],
                           too(word[i]), GS_MAX_RES);
        if (rc)
            return gs_fail(err, "--res: expected N or NX,NY with whole numbers, got '%s'", s);
    }
    return 0;
}

int gs_plane_parse_at(const char *s, gs_plane *p, bool *lr_given, gs_error *err)
{
    char buf[256];
    bool seen[GS_P_COUNT] = {0};
    if (strlen(s) >= sizeof buf)
        return gs_fail(err, "--at: value too long");
    strcpy(buf, s);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        gs_param q;
        double d;
        if (!eq)
            return gs_fail(err, "--at: expected P=V, got '%s'", t);
        *eq = 0;
        if (gs_param_parse(t, &q))
            return gs_fail(err, "--at: unknown parameter '%s' (valid: %s)", t, GS_PARAMS_HELP);
        if (q == p->x.param || q == p->y.param)
            return gs_fail(err, "--at: '%s' is an axis of the plane; it cannot be fixed", t);
        if (seen[q])
            return gs_fail(err, "--at: '%s' is given twice", t);
        seen[q] = true;
        if (gs_parse_float(eq + 1, &p->at[q]) || gs_parse_double(eq + 1, &p->at64[q]))
            return gs_fail(err, "--at: %s=%s is not a finite number", t, eq + 1);
        if (gs_param_is_rate(q) && p->at[q] == 0 && gs_parse_double(eq + 1, &d) == 0 && d > 0)
            return gs_fail(err, "the learning rate must be above 0, got %s, which is 0 in "
                                "float32", eq + 1);
    }
    *lr_given = seen[GS_P_LR];
    return 0;
}

int gs_plane_parse_tile(const char *s, gs_plane *p, gs_error *err)
{
    const char *slash = strchr(s, '/');
    char k[32];
    if (!slash || (size_t)(slash - s) >= sizeof k)
        return gs_fail(err, "--tile: expected K/N, got '%s'", s);
    memcpy(k, s, (size_t)(slash - s));
    k[slash - s] = 0;
    const char *word[2] = {k, slash + 1};
    int *v[2] = {&p->tile_k, &p->tile_n};
    for (int i = 0; i < 2; i++) {
        const int rc = gs_parse_int(word[i], v[i]);
        if (rc == GS_NUM_RANGE)
            return gs_fail(err, "--tile %s: %s is %s", s, word[i], too(word[i]));
        if (rc)
            return gs_fail(err, "--tile: expected K/N, got '%s'", s);
    }
    return 0;
}

int gs_plane_validate(const gs_plane *c, gs_error *err)
{
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
    for (int q = GS_P_LR_IN; q <= GS_P_LR_OUT; q++)
        if (!isnan(c->at[q]) && !(c->at[q] > 0))
            return gs_fail(err, "%s must be above 0, got %g", gs_param_name((gs_param)q),
                           c->at[q]);
    return 0;
}

/* ---- rendering, cells, comparing ------------------------------------- */

int gs_plane_format_at(const gs_plane *c, bool f64, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int p = 0; p < GS_P_COUNT && len < n; p++) {
        if (p == (int)c->x.param || p == (int)c->y.param || isnan(c->at[p]))
            continue;
        char v[40];
        if (f64)
            gs_fmt_double(v, sizeof v, c->at64[p]);
        else
            gs_fmt_float(v, sizeof v, c->at[p]);
        len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? "," : "",
                                gs_param_name((gs_param)p), v);
    }
    return (int)len;
}

void gs_plane_rows(const gs_plane *c, int *lo, int *hi)
{
    *lo = (int)((int64_t)c->y.n * (c->tile_k - 1) / c->tile_n);
    *hi = (int)((int64_t)c->y.n * c->tile_k / c->tile_n);
}

void gs_plane_start(const gs_plane *c, int ix, int iy, float start[GS_P_COUNT])
{
    memcpy(start, c->at, sizeof c->at);
    start[c->x.param] = gs_axis_value(&c->x, ix);
    start[c->y.param] = gs_axis_value(&c->y, iy);
    for (int q = GS_P_LR_IN; q <= GS_P_LR_OUT; q++)
        start[q] = gs_train_rate(start[q], start[GS_P_LR]);
}

void gs_plane_start64(const gs_plane *c, int ix, int iy, double start[GS_P_COUNT])
{
    for (int q = 0; q < GS_P_COUNT; q++)
        start[q] = c->at64[q];
    start[c->x.param] = gs_axis_value64(&c->x, ix);
    start[c->y.param] = gs_axis_value64(&c->y, iy);
    for (int q = GS_P_LR_IN; q <= GS_P_LR_OUT; q++)
        if (isnan(start[q]))
            start[q] = start[GS_P_LR];
}

/* The values of cells 0..n-1 rise with i (or stay put where the format runs
 * out of digits), so counting the steps counts the distinct values. */
static int distinct_values(const gs_axis *ax, bool f64)
{
    int distinct = 1;
    double prev = f64 ? gs_axis_value64(ax, 0) : gs_axis_value(ax, 0);
    for (int i = 1; i < ax->n; i++) {
        const double v = f64 ? gs_axis_value64(ax, i) : gs_axis_value(ax, i);
        distinct += v != prev;
        prev = v;
    }
    return distinct;
}

int gs_plane_float_resolution(const gs_plane *c, bool f64, gs_error *msg)
{
    const gs_axis *axis[2] = {&c->x, &c->y};
    for (int a = 0; a < 2; a++) {
        const int distinct = distinct_values(axis[a], f64);
        if (distinct < axis[a]->n) {
            char text[128];
            gs_axis_format(axis[a], text, sizeof text);
            /* f32: say whether double would tell the cells apart */
            const char *then = f64 ? ""
                               : distinct_values(axis[a], true) == axis[a]->n
                                   ? " (--precision f64 tells them apart)"
                                   : " (float64 cannot tell them apart either)";
            gs_fail(msg, "%s holds only %d distinct value%s of %s over these %d "
                         "cells (%s %s): neighbouring cells start at the same point%s",
                    f64 ? "float64" : "float32", distinct, distinct == 1 ? "" : "s",
                    gs_param_name(axis[a]->param), axis[a]->n, a ? "y" : "x", text, then);
            return 1;
        }
    }
    return 0;
}

static bool same_axis(const gs_axis *a, const gs_axis *b)
{
    return a->param == b->param && a->lo == b->lo && a->hi == b->hi && a->log == b->log;
}

/* The fixed values; NaN (unknown) equals NaN. */
static bool same_at(const gs_plane *a, const gs_plane *b, bool f64)
{
    for (int p = 0; p < GS_P_COUNT; p++) {
        const bool axis_a = p == (int)a->x.param || p == (int)a->y.param;
        const bool axis_b = p == (int)b->x.param || p == (int)b->y.param;
        if (axis_a != axis_b)
            return false;
        if (!axis_a && !(a->at[p] == b->at[p] || (isnan(a->at[p]) && isnan(b->at[p]))))
            return false;
        if (!axis_a && f64 &&
            !(a->at64[p] == b->at64[p] || (isnan(a->at64[p]) && isnan(b->at64[p]))))
            return false;
    }
    return true;
}

int gs_plane_same(const gs_plane *a, const gs_plane *b, bool f64, const char **key)
{
    if (!same_axis(&a->x, &b->x))
        *key = "x";
    else if (!same_axis(&a->y, &b->y))
        *key = "y";
    else if (a->x.n != b->x.n || a->y.n != b->y.n)
        *key = "res";
    else if (!same_at(a, b, f64))
        *key = "at";
    else
        return 0;
    return -1;
}
