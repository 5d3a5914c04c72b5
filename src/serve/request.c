/* A request's parameters into a sweep config. Each parameter is the sweep
 * command's option without its dashes (steps=500 is --steps 500) and goes
 * through the same parsers and validation, so a bad value is refused with the
 * CLI's own message. Then the limits of one request. */
#include <stdio.h>
#include <string.h>

#include "gridsweep/settings.h"
#include "serve_impl.h"

const char *serve_arg(const serve_args *a, const char *key)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->key[i], key) == 0)
            return a->value[i];
    return NULL;
}

bool serve_reserved_key(const char *key)
{
    static const char *const reserved[] = {"token", "client", "gen", "download", "ix", "iy"};
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strcmp(key, reserved[i]) == 0)
            return true;
    return false;
}

/* The plane's own options, applied after the settings in this order (at
 * needs the axes, as on the command line). */
static const char *const plane_keys[] = {"x", "y", "res", "at"};

static bool is_plane_key(const char *key)
{
    for (size_t i = 0; i < sizeof plane_keys / sizeof *plane_keys; i++)
        if (strcmp(key, plane_keys[i]) == 0)
            return true;
    return false;
}

static int check_limits(const gs_sweep_config *c, const gs_serve_limits *lim, gs_error *err)
{
    const int64_t cells = (int64_t)c->x.n * c->y.n;
    if (cells > lim->max_cells)
        return gs_fail(err, "serve: %lld cells in one request; the limit is %lld",
                       (long long)cells, (long long)lim->max_cells);
    if (c->train.steps > lim->max_steps)
        return gs_fail(err, "serve: --steps %d in one request; the limit is %d",
                       c->train.steps, lim->max_steps);
    const double samples = (double)c->train.steps * c->train.batch;
    if (samples > lim->max_samples)
        return gs_fail(err, "serve: --steps x --batch is %.3g in one request; the limit is "
                            "%.3g", samples, lim->max_samples);
    const double work = (double)cells * c->train.steps * c->train.batch;
    if (work > lim->max_work)
        return gs_fail(err, "serve: %.3g sample-steps (cells x steps x batch) in one "
                            "request; the limit is %.3g", work, lim->max_work);
    return 0;
}

int serve_parse_view(const gs_sweep_config *base, const serve_args *a,
                     const gs_serve_limits *lim, gs_sweep_config *out, gs_error *err)
{
    gs_sweep_config c = *base;
    char option[64];
    bool lr_option = false, lr_at = false;
    if (a->overflow)
        return gs_fail(err, "serve: more than %d parameters", SERVE_MAX_ARGS);
    if (a->repeated)
        return gs_fail(err, "serve: a parameter is given twice");
    for (int i = 0; i < a->n; i++) {
        const char *key = a->key[i], *value = a->value[i];
        if (serve_reserved_key(key) || is_plane_key(key))
            continue;
        if (strcmp(key, "act") == 0) {
            if (gs_act_parse(value, &c.train.act))
                return gs_fail(err, "--act: unknown activation '%s' (valid: %s)", value,
                               gs_act_names());
            continue;
        }
        const gs_setting *s = NULL;
        if (strlen(key) < sizeof option - 2) {
            snprintf(option, sizeof option, "--%s", key);
            s = gs_setting_by_option(option);
        }
        if (!s)
            return gs_fail(err, "serve: unknown parameter '%.64s'", key);
        if (gs_setting_parse(s, option, value, &c.train, err))
            return -1;
        lr_option |= strcmp(key, "lr") == 0;
    }
    const char *v;
    if (((v = serve_arg(a, "x")) && gs_axis_parse(v, &c.x, err)) ||
        ((v = serve_arg(a, "y")) && gs_axis_parse(v, &c.y, err)) ||
        ((v = serve_arg(a, "res")) && gs_plane_parse_res(v, &c.plane, err)) ||
        ((v = serve_arg(a, "at")) && gs_plane_parse_at(v, &c.plane, &lr_at, err)))
        return -1;
    if (gs_sweep_set_lr(&c, lr_at, lr_option, err) || gs_sweep_validate(&c, err) ||
        check_limits(&c, lim, err))
        return -1;
    if (c.train.seeds > 1)   /* the page draws single-seed maps */
        return gs_fail(err, "serve: seeds: the explorer draws one seed; use gridsweep --seeds");
    *out = c;
    return 0;
}
