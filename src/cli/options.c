#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/kernels.h"
#include "gridsweep/numparse.h"
#include "gridsweep/settings.h"
#include "options.h"
#include "usage.h"

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

/* Another name of o (same target, as -o and --output) already given. */
static const cli_opt *seen_alias(const cli_optset *set, const cli_opt *o)
{
    for (int i = 0; i < set->n; i++)
        if (&set->opt[i] != o && set->opt[i].target == o->target && set->opt[i].seen &&
            set->opt[i].parse == o->parse && set->opt[i].parse != cli_setting)
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
            cli_print_help(stdout, help);
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
        const cli_opt *alias = seen_alias(set, o);
        if (alias)
            return cli_usage_error("%s: options %s and %s are the same option; give it once",
                                   argv[0], alias->name, o->name);
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

int cli_strict_float(const char *s, float *out) { return gs_parse_float(s, out) ? -1 : 0; }

/* "is too large" or "is too small" for a number beyond the type. */
static const char *too(const char *arg) { return arg[0] == '-' ? "small" : "large"; }

int cli_int(const char *name, const char *arg, void *target, gs_error *err)
{
    const int rc = gs_parse_int(arg, target);
    if (rc == GS_NUM_RANGE)
        return gs_fail(err, "%s: '%s' is too %s for an integer", name, arg, too(arg));
    if (rc)
        return gs_fail(err, "%s: '%s' is not an integer", name, arg);
    return 0;
}

int cli_u64(const char *name, const char *arg, void *target, gs_error *err)
{
    const int rc = gs_parse_u64(arg, target);
    if (rc == GS_NUM_RANGE)
        return gs_fail(err, "%s: '%s' is too large (at most %llu)", name, arg,
                       (unsigned long long)UINT64_MAX);
    if (rc)
        return gs_fail(err, "%s: '%s' is not a non-negative integer", name, arg);
    return 0;
}

int cli_float(const char *name, const char *arg, void *target, gs_error *err)
{
    const int rc = gs_parse_float(arg, target);
    if (rc == GS_NUM_RANGE)
        return gs_fail(err, "%s: '%s' is too large for float32 (at most %g)", name, arg,
                       (double)FLT_MAX);
    if (rc)
        return gs_fail(err, "%s: '%s' is not a finite number", name, arg);
    return 0;
}

int cli_double(const char *name, const char *arg, void *target, gs_error *err)
{
    if (gs_parse_double(arg, target))
        return gs_fail(err, "%s: '%s' is not a finite number", name, arg);
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

/* A training setting: the target is the whole gs_train_config, the option
 * name finds the row of the settings table. */
int cli_setting(const char *name, const char *arg, void *target, gs_error *err)
{
    const gs_setting *s = gs_setting_by_option(name);
    if (!s)
        return gs_fail(err, "%s: not a training setting", name);
    return gs_setting_parse(s, name, arg, target, err);
}

void cli_add_setting(cli_optset *set, const char *option, gs_train_config *cfg)
{
    cli_add(set, option, cli_setting, cfg);
}

void cli_add_train(cli_optset *set, gs_train_config *cfg)
{
    for (int i = 0; i < gs_setting_count(); i++)
        cli_add_setting(set, gs_setting_at(i)->option, cfg);
}

/* "a | b | c" from "a, b, c". */
static void print_bar_list(FILE *f, const char *names)
{
    for (const char *p = names; *p; p++) {
        if (p[0] == ',' && p[1] == ' ')
            fputs(" |", f);
        else
            fputc(*p, f);
    }
}

/* A help line is "  ", the option and its metavar padded to OPTION_WIDTH,
 * " ", the description: descriptions start at column HELP_COLUMN. */
#define OPTION_WIDTH 19
#define HELP_COLUMN (2 + OPTION_WIDTH + 1)

/* The section of the help that TRAIN_OPTIONS_HELP marks (usage.h). */
static void print_train_help(FILE *f)
{
    const gs_train_config def = gs_train_defaults();
    const char *const titles[] = {[GS_SECTION_TRAIN] = "Training (the same for sweep and trace):",
                                  [GS_SECTION_JUDGE] = "Judging a run:",
                                  [GS_SECTION_ENSEMBLE] = "Seed ensembles (sweep and scan):"};
    fprintf(f, "%s\n  %-*s activation (default %s; the sweep takes a comma list)\n",
            titles[GS_SECTION_TRAIN], OPTION_WIDTH, "--act NAME", gs_act_get(def.act)->name);
    for (int i = 0; i < gs_setting_count(); i++) {
        const gs_setting *s = gs_setting_at(i);
        char opt[64], what[256], value[96];
        if (i > 0 && s->section != gs_setting_at(i - 1)->section)
            fprintf(f, "%s\n", titles[s->section]);
        snprintf(opt, sizeof opt, "%s %s", s->option, s->metavar);
        gs_setting_describe(s, what, sizeof what);
        gs_setting_format(s, &def, value, sizeof value);
        fprintf(f, "  %-*s ", OPTION_WIDTH, opt);
        for (const char *p = what; *p; p++)   /* a two-line help goes on under itself */
            if (*p == '\n')
                fprintf(f, "\n%*s", HELP_COLUMN, "");
            else
                fputc(*p, f);
        fprintf(f, " (default %s)\n", value);
    }
    fprintf(f, "Kernels:\n  %-*s force a kernel set: ", OPTION_WIDTH, "--isa NAME");
    print_bar_list(f, gs_isa_names());
    fprintf(f, " (default: the best\n%*sthis CPU runs; every set gives identical results)\n",
            HELP_COLUMN, "");
    fprintf(f, "%*sGRIDSWEEP_ISA=NAME in the environment does the same (--isa wins)\n",
            HELP_COLUMN, "");
}

void cli_print_help(FILE *f, const char *help)
{
    for (const char *p = help; *p; p++) {
        if (*p == TRAIN_OPTIONS_HELP[0])
            print_train_help(f);
        else
            fputc(*p, f);
    }
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
