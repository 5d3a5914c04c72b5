/* The plane: parameter names, axes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/numparse.h"
#include "gridsweep/plane.h"
#include "gridsweep/train.h"

#define NAME_(ID, name) #name,
static const char *const param_names[GS_P_COUNT] = {GS_PARAMS(NAME_, )};

const char *gs_param_name(gs_param p) { return p < GS_P_COUNT ? param_names[p] : "?"; }

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

float gs_axis_value(const gs_axis *ax, int i)
{
    const double frac = (i + 0.5) / ax->n;
    if (ax->log)
        return (float)pow(10.0, log10(ax->lo) + frac * (log10(ax->hi) - log10(ax->lo)));
    return (float)(ax->lo + frac * (ax->hi - ax->lo));
}

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
    if (ax->param == GS_P_LR && ax->lo <= 0)
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
