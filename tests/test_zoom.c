/* The windows of a zoom (gridsweep/zoom.h) and float32's resolution of a
 * plane (gs_plane_float_resolution): frame 0 is the plane as given, each
 * next frame 1/factor as wide about the centre on both axes (a log axis in
 * log10 space), nested; bad centres, factors and frame counts refused; the
 * issue's numbers, 3 distinct float32 starts over 8 cells of a 1e-7-wide
 * window on b around 0.5, and 1 over a 1e-8-wide one. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "gridsweep/sweep.h"
#include "gridsweep/zoom.h"

static gs_plane plane(const char *x, const char *y, int n)
{
    gs_plane p = gs_sweep_defaults().plane;
    gs_error err;
    cr_assert_eq(gs_axis_parse(x, &p.x, &err), 0, "%s", err.msg);
    cr_assert_eq(gs_axis_parse(y, &p.y, &err), 0, "%s", err.msg);
    p.x.n = p.y.n = n;
    return p;
}

static gs_zoom zoom(const gs_plane *p, const char *center, double factor, int frames)
{
    gs_zoom z = {.factor = factor, .frames = frames};
    gs_error err;
    cr_assert_eq(gs_zoom_parse_center(center, p, &z, &err), 0, "%s", err.msg);
    cr_assert_eq(gs_zoom_validate(&z, p, &err), 0, "%s", err.msg);
    return z;
}

Test(zoom, linear_axes)
{
    const gs_plane p = plane("b:-2:2", "d:-2:2", 16);
    const gs_zoom z = zoom(&p, "d=-0.5,b=0.5", 4, 6);   /* either order */
    cr_assert_eq(z.center[0], 0.5);
    cr_assert_eq(z.center[1], -0.5);
    gs_plane f, prev = p;
    gs_error err;
    cr_assert_eq(gs_zoom_frame(&z, &p, 0, &f, &err), 0);
    cr_assert(memcmp(&f, &p, sizeof f) == 0, "frame 0 is the plane itself");
    for (int k = 1; k < 6; k++) {
        cr_assert_eq(gs_zoom_frame(&z, &p, k, &f, &err), 0, "%s", err.msg);
        const double s = pow(4, -k);
        cr_assert_float_eq(f.x.hi - f.x.lo, 4 * s, 1e-12);
        cr_assert_float_eq(f.y.hi - f.y.lo, 4 * s, 1e-12);
        /* About the centre: it keeps its place, 5/8 of the way across b. */
        cr_assert_float_eq((0.5 - f.x.lo) / (f.x.hi - f.x.lo), 0.625, 1e-9);
        cr_assert_float_eq((-0.5 - f.y.lo) / (f.y.hi - f.y.lo), 0.375, 1e-9);
        cr_assert(f.x.lo >= prev.x.lo && f.x.hi <= prev.x.hi, "nested");
        cr_assert(f.y.lo >= prev.y.lo && f.y.hi <= prev.y.hi, "nested");
        cr_assert_eq(f.x.n, 16);
        cr_assert_eq(f.x.param, GS_P_B);
        prev = f;
    }
}

Test(zoom, log_axis_in_log_space)
{
    const gs_plane p = plane("lr:0.001:10:log", "b:-1:1", 8);
    const gs_zoom z = zoom(&p, "lr=0.1,b=0", 10, 3);
    gs_plane f;
    gs_error err;
    cr_assert_eq(gs_zoom_frame(&z, &p, 1, &f, &err), 0, "%s", err.msg);
    /* 4 decades around 10^-1 (2 below, 2 above): 0.4 decades, 0.2 each side. */
    cr_assert(f.x.log);
    cr_assert_float_eq(log10(f.x.lo), -1.2, 1e-12);
    cr_assert_float_eq(log10(f.x.hi), -0.8, 1e-12);
    cr_assert_float_eq(f.y.lo, -0.1, 1e-15);
    cr_assert_float_eq(f.y.hi, 0.1, 1e-15);
}

static void refused(const gs_plane *p, const char *center, double factor, int frames,
                    const char *want)
{
    gs_zoom z = {.factor = factor, .frames = frames};
    gs_error err = {{0}};
    const int rc = gs_zoom_parse_center(center, p, &z, &err) || gs_zoom_validate(&z, p, &err);
    cr_assert_neq(rc, 0, "%s accepted", center);
    cr_assert(strstr(err.msg, want), "'%s' lacks '%s'", err.msg, want);
}

Test(zoom, refusals)
{
    const gs_plane p = plane("b:-2:2", "d:-2:2", 8);
    refused(&p, "b=3,d=0", 2, 3, "outside the plane");
    refused(&p, "b=2,d=0", 2, 3, "outside the plane");   /* on the edge: not inside */
    refused(&p, "a=0,d=0", 2, 3, "not an axis");
    refused(&p, "q=0,d=0", 2, 3, "unknown parameter");
    refused(&p, "b=0", 2, 3, "no value for the axis d");
    refused(&p, "b=0,b=1", 2, 3, "given twice");
    refused(&p, "b=x,d=0", 2, 3, "not a finite number");
    refused(&p, "b0,d=0", 2, 3, "expected b=V,d=V");
    refused(&p, "b=0,d=0", 1, 3, "--factor");
    refused(&p, "b=0,d=0", NAN, 3, "--factor");
    refused(&p, "b=0,d=0", 2, 0, "--frames");
    refused(&p, "b=0,d=0", 2, GS_ZOOM_MAX_FRAMES + 1, "--frames");
    refused(&p, "b=0.5,d=0", 10, 400, "narrower than a double");
}

Test(zoom, float32_resolution)
{
    gs_error msg;
    gs_plane p = plane("b:-2:2", "d:-2:2", 256);
    cr_assert_eq(gs_plane_float_resolution(&p, false, &msg), 0);
    p = plane("b:0.49999995:0.50000005", "d:-2:2", 8);   /* 1e-7 wide */
    cr_assert_eq(gs_plane_float_resolution(&p, false, &msg), 1);
    cr_assert(strstr(msg.msg, "float32 holds only 3 distinct values of b over these 8 cells"),
              "%s", msg.msg);
    p = plane("b:-2:2", "d:0.499999995:0.500000005", 8);   /* 1e-8 wide, on y */
    cr_assert_eq(gs_plane_float_resolution(&p, false, &msg), 1);
    cr_assert(strstr(msg.msg, "only 1 distinct value of d over these 8 cells"), "%s", msg.msg);
    cr_assert(strstr(msg.msg, "(--precision f64 tells them apart)"), "%s", msg.msg);
    cr_assert_eq(gs_plane_float_resolution(&p, true, &msg), 0);   /* double resolves it */
    p = plane("b:-2:2", "d:0.5:0.5000000000000004", 8);   /* below double's spacing too */
    cr_assert_eq(gs_plane_float_resolution(&p, true, &msg), 1);
    cr_assert(strstr(msg.msg, "float64 holds only"), "%s", msg.msg);
}
