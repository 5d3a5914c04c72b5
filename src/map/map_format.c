/* Axes of the plane and the text of one map row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/map.h"

static const char *const param_names[GS_P_COUNT] = {"a", "b", "c", "d", "lr"};

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

static int strict_double(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || fabs(v) > 3.4028234663852886e38)
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
        return gs_fail(err, "axis '%s': unknown parameter '%s' (valid: a, b, c, d, lr)", s,
                       field[0]);
    if (strict_double(field[1], &ax->lo) || strict_double(field[2], &ax->hi))
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

/* NaN is "nan" whatever its sign bit: kernel sets reach a divergence by
 * different operations, and the sign of the NaN they get is not a result. */
static char *put(char *p, float v)
{
    if (isnan(v))
        return p + sprintf(p, "nan,");
    return p + sprintf(p, "%.9g,", (double)v);
}

int gs_map_format_row(char *buf, size_t size, const gs_map_row *row)
{
    char tmp[512], *p = tmp;
    p += sprintf(p, "%d,%d,", (int)row->ix, (int)row->iy);
    for (int k = 0; k < GS_P_COUNT; k++)
        p = put(p, row->start[k]);
    const gs_result *r = &row->res;
    p = put(p, r->a), p = put(p, r->b), p = put(p, r->c), p = put(p, r->d);
    p = put(p, r->window_loss), p = put(p, r->final_loss);
    p = put(p, r->lin_err), p = put(p, r->spread);
    p += sprintf(p, "%s,%d\n", gs_outcome_name(r->outcome), (int)r->t_conv);
    size_t len = (size_t)(p - tmp);
    if (len >= size)
        return -1;
    memcpy(buf, tmp, len + 1);
    return (int)len;
}
