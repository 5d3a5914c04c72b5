#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/kernels.h"
#include "options.h"

void cli_add(cli_optset *set, const char *name, cli_parse_fn parse, void *target)
{
    if (set->n < CLI_MAX_OPTS)
        set->opt[set->n++] = (cli_opt){name, parse, target, false};
}

bool cli_seen(const cli_optset *set, const char *name)
{
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->opt[i].name, name) == 0)
            return set->opt[i].seen;
    return false;
}

static cli_opt *find(cli_optset *set, const char *word, size_t len)
{
    for (int i = 0; i < set->n; i++)
        if (strlen(set->opt[i].name) == len && strncmp(set->opt[i].name, word, len) == 0)
            return &set->opt[i];
    return NULL;
}

int cli_parse(cli_optset *set, int argc, char **argv, char **pos, int maxpos, int *npos,
              const char *help)
{
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
            fputs(help, stdout);
            return -1;
        }
        if (w[0] != '-' || strcmp(w, "-") == 0) {
            if (*npos >= maxpos)
                return cli_usage_error("%s: unexpected argument '%s'", argv[0], w);
            pos[(*npos)++] = argv[i];
            continue;
        }
        const char *eq = strchr(w, '=');
        size_t len = eq ? (size_t)(eq - w) : strlen(w);
        cli_opt *o = find(set, w, len);
        if (!o)
            return cli_usage_error("%s: unknown option '%.*s' (see gridsweep %s --help)",
                                   argv[0], (int)len, w, argv[0]);
        if (o->seen)
            return cli_usage_error("%s: option %s given twice", argv[0], o->name);
        o->seen = true;
        if (!o->parse) {
            if (eq)
                return cli_usage_error("%s: option %s takes no value", argv[0], o->name);
            *(bool *)o->target = true;
            continue;
        }
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!val)
            return cli_usage_error("%s: option %s needs a value", argv[0], o->name);
        gs_error err;
        if (o->parse(o->name, val, o->target, &err))
            return cli_usage_error("%s", err.msg);
    }
    return 0;
}

int cli_strict_float(const char *s, float *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || fabs(v) > 3.4028234663852886e38)
        return -1;
    *out = (float)v;
    return 0;
}

int cli_int(const char *name, const char *arg, void *target, gs_error *err)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || errno || v < INT32_MIN || v > INT32_MAX)
        return gs_fail(err, "%s: '%s' is not an integer", name, arg);
    *(int *)target = (int)v;
    return 0;
}

int cli_u64(const char *name, const char *arg, void *target, gs_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (end == arg || *end || errno || arg[0] == '-')
        return gs_fail(err, "%s: '%s' is not a non-negative integer", name, arg);
    *(uint64_t *)target = v;
    return 0;
}

int cli_float(const char *name, const char *arg, void *target, gs_error *err)
{
    if (cli_strict_float(arg, target))
        return gs_fail(err, "%s: '%s' is not a finite number", name, arg);
    return 0;
}

int cli_double(const char *name, const char *arg, void *target, gs_error *err)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !isfinite(v))
        return gs_fail(err, "%s: '%s' is not a finite number", name, arg);
    *(double *)target = v;
    return 0;
}

int cli_string(const char *name, const char *arg, void *target, gs_error *err)
{
    if (!*arg)
        return gs_fail(err, "%s: empty value", name);
    *(const char **)target = arg;
    return 0;
}

int cli_isa(const char *name, const char *arg, void *target, gs_error *err)
{
    if (gs_isa_parse(arg, target))
        return gs_fail(err, "%s: unknown kernel set '%s' (valid: %s)", name, arg,
                       gs_isa_names());
    return 0;
}

int cli_act(const char *name, const char *arg, void *target, gs_error *err)
{
    if (gs_act_parse(arg, target))
        return gs_fail(err, "%s: unknown activation '%s' (valid: %s)", name, arg,
                       gs_act_names());
    return 0;
}

int cli_range(const char *name, const char *arg, void *target, gs_error *err)
{
    float *r = target;
    const char *colon = strchr(arg, ':');
    char lo[64];
    if (!colon || (size_t)(colon - arg) >= sizeof lo)
        return gs_fail(err, "%s: expected LO:HI, got '%s'", name, arg);
    memcpy(lo, arg, (size_t)(colon - arg));
    lo[colon - arg] = 0;
    if (cli_strict_float(lo, &r[0]) || cli_strict_float(colon + 1, &r[1]))
        return gs_fail(err, "%s: expected LO:HI with finite numbers, got '%s'", name, arg);
    if (!(r[0] < r[1]))
        return gs_fail(err, "%s: the range %s is empty (LO must be below HI)", name, arg);
    return 0;
}

#define ENUM_PARSER(fn, parse, what, valid)                                               \
    int fn(const char *name, const char *arg, void *target, gs_error *err)         \
    {                                                                                     \
        if (parse(arg, target))                                                           \
            return gs_fail(err, "%s: unknown " what " '%s' (valid: " valid ")", name, arg);  \
        return 0;                                                                         \
    }
ENUM_PARSER(cli_loss, gs_loss_parse, "loss", "mae, mse, huber")
ENUM_PARSER(cli_optimizer, gs_opt_parse, "optimizer", "adam, sgd, momentum, rmsprop")
ENUM_PARSER(cli_sampling, gs_sampling_parse, "sampling", "shared, independent, grid")

void cli_add_train(cli_optset *s, gs_train_config *c)
{
    cli_add(s, "--loss", cli_loss, &c->loss);
    cli_add(s, "--huber-delta", cli_float, &c->huber_delta);
    cli_add(s, "--opt", cli_optimizer, &c->opt);
    cli_add(s, "--lr", cli_float, &c->lr);
    cli_add(s, "--beta1", cli_float, &c->beta1);
    cli_add(s, "--beta2", cli_float, &c->beta2);
    cli_add(s, "--eps", cli_float, &c->eps);
    cli_add(s, "--momentum", cli_float, &c->momentum);
    cli_add(s, "--alpha", cli_float, &c->alpha);
    cli_add(s, "--steps", cli_int, &c->steps);
    cli_add(s, "--batch", cli_int, &c->batch);
    cli_add(s, "--data", cli_range, &c->data_lo);   /* data_lo, data_hi are adjacent */
    cli_add(s, "--sampling", cli_sampling, &c->sampling);
    cli_add(s, "--seed", cli_u64, &c->seed);
    cli_add(s, "--window", cli_double, &c->window);
    cli_add(s, "--tol", cli_double, &c->tol);
    cli_add(s, "--dead-tol", cli_double, &c->dead_tol);
    cli_add(s, "--linear-tol", cli_double, &c->linear_tol);
    cli_add(s, "--eval-points", cli_int, &c->eval_points);
}

void cli_add_isa(cli_optset *set, gs_isa *isa) { cli_add(set, "--isa", cli_isa, isa); }

/* Where the kernel set comes from: --isa, else GRIDSWEEP_ISA (unset or
 * empty: the best this CPU runs). */
const char *cli_isa_source(const cli_optset *set)
{
    if (cli_seen(set, "--isa"))
        return "--isa";
    const char *env = getenv("GRIDSWEEP_ISA");
    return env && *env ? "GRIDSWEEP_ISA" : NULL;
}

int cli_pick_kernels(const cli_optset *set, gs_isa isa, const gs_kernels **out)
{
    if (!gs_isa_supported(GS_ISA_SCALAR))
        return cli_runtime_error("this CPU lacks FMA, which the scalar kernels need");
    const char *source = cli_isa_source(set);
    if (source) {
        /* How the user spelled it, for the error messages. */
        const bool from_env = strcmp(source, "GRIDSWEEP_ISA") == 0;
        const char *name = from_env ? getenv("GRIDSWEEP_ISA") : gs_isa_name(isa);
        const char *spelled = from_env ? "GRIDSWEEP_ISA=" : "--isa ";
        if (from_env && gs_isa_parse(name, &isa))
            return cli_usage_error("%s%s: unknown kernel set (valid: %s)", spelled, name,
                                   gs_isa_names());
        if (!gs_isa_supported(isa))
            return cli_usage_error("%s%s: this CPU or build cannot run it (best here: %s)",
                                   spelled, name, gs_isa_name(gs_isa_best()));
        if (gs_isa_set_mask(GS_ISA_BIT(isa)))
            return cli_runtime_error("the kernel set was picked twice");
    }
    *out = gs_kernels_get(gs_isa_best());
    return 0;
}
