/* The windows of a zoom sequence (gridsweep/zoom.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/numparse.h"
#include "gridsweep/train.h"
#include "gridsweep/zoom.h"

/* The value of the centre of a log axis must be above 0 to have a log10. */
static int inside(const gs_axis *ax, double c, const char *text, gs_error *err)
{
    char lo[32], hi[32];
    if (c > ax->lo && c < ax->hi)
        return 0;
    gs_fmt_double(lo, sizeof lo, ax->lo);
    gs_fmt_double(hi, sizeof hi, ax->hi);
    return gs_fail(err, "--center %s=%s is outside the plane, whose %s runs from %s to %s "
                        "(the centre must lie strictly inside)",
                   gs_param_name(ax->param), text, gs_param_name(ax->param), lo, hi);
}

int gs_zoom_parse_center(const char *s, const gs_plane *p, gs_zoom *z, gs_error *err)
{
    char buf[256];
    bool seen[2] = {false, false};
    const gs_axis *axis[2] = {&p->x, &p->y};
    if (strlen(s) >= sizeof buf)
        return gs_fail(err, "--center: value too long");
    strcpy(buf, s);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        gs_param q;
        if (!eq)
            return gs_fail(err, "--center: expected %s=V,%s=V, got '%s'",
                           gs_param_name(p->x.param), gs_param_name(p->y.param), s);
        *eq = 0;
        if (gs_param_parse(t, &q))
            return gs_fail(err, "--center: unknown parameter '%s' (valid: %s)", t,
                           GS_PARAMS_HELP);
        const int a = q == p->x.param ? 0 : q == p->y.param ? 1 : -1;
        if (a < 0)
            return gs_fail(err, "--center: '%s' is not an axis of the plane (the axes are %s "
                                "and %s)", t, gs_param_name(p->x.param),
                           gs_param_name(p->y.param));
        if (seen[a])
            return gs_fail(err, "--center: '%s' is given twice", t);
        seen[a] = true;
        if (gs_parse_double(eq + 1, &z->center[a]))
            return gs_fail(err, "--center: %s=%s is not a finite number", t, eq + 1);
        if (inside(axis[a], z->center[a], eq + 1, err))
            return -1;
    }
    for (int a = 0; a < 2; a++)
        if (!seen[a])
            return gs_fail(err, "--center: no value for the axis %s (expected %s=V,%s=V)",
                           gs_param_name(axis[a]->param), gs_param_name(p->x.param),
                           gs_param_name(p->y.param));
    return 0;
}

/* Axis ax scaled by s <= 1 about c, in log10 space on a log axis; then
 * through its text and back, so the window is exactly what a map's header
 * records and gs_axis_parse has checked it. */
static int scale_axis(const gs_axis *ax, double c, double s, int k, gs_axis *out, gs_error *err)
{
    double lo, hi;
    if (ax->log) {
        const double lc = log10(c);
        lo = pow(10.0, lc - (lc - log10(ax->lo)) * s);
        hi = pow(10.0, lc + (log10(ax->hi) - lc) * s);
    } else {
        lo = c - (c - ax->lo) * s;
        hi = c + (ax->hi - c) * s;
    }
    const gs_axis scaled = {ax->param, lo, hi, ax->log, ax->n};
    char text[128];
    gs_error why;
    gs_axis_format(&scaled, text, sizeof text);
    if (!(lo < hi) || gs_axis_parse(text, out, &why))
        return gs_fail(err, "frame %d's window on %s is narrower than a double can hold "
                            "(fewer frames or a smaller --factor)", k, gs_param_name(ax->param));
    out->n = ax->n;
    return 0;
}

int gs_zoom_frame(const gs_zoom *z, const gs_plane *p, int k, gs_plane *out, gs_error *err)
{
    *out = *p;
    if (k == 0)
        return 0;   /* the plane exactly as given, not as rescaled by 1 */
    const double s = pow(z->factor, -(double)k);
    return scale_axis(&p->x, z->center[0], s, k, &out->x, err) ||
                   scale_axis(&p->y, z->center[1], s, k, &out->y, err)
               ? -1
               : 0;
}

int gs_zoom_validate(const gs_zoom *z, const gs_plane *p, gs_error *err)
{
    if (!(z->factor > 1) || !isfinite(z->factor))
        return gs_fail(err, "--factor must be a number above 1, got %g", z->factor);
    if (z->frames < 1 || z->frames > GS_ZOOM_MAX_FRAMES)
        return gs_fail(err, "--frames must be between 1 and %d, got %d", GS_ZOOM_MAX_FRAMES,
                       z->frames);
    gs_plane f;
    for (int k = 1; k < z->frames; k++)
        if (gs_zoom_frame(z, p, k, &f, err))
            return -1;
    return 0;
}
