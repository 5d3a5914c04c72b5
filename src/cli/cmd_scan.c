/* gridsweep scan: a continuation of basin statistics over one setting. One
 * map per value, each a sweep with the scan's sweep options plus that value
 * (DIR/NAME=VALUE.csv, resumable value by value), then DIR/scan.csv: per
 * value the outcome fractions, Sb, Sbb and the boundary dimension, as
 * `gridsweep stats` computes them. Every value and every map's options are
 * checked before the first map is started. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/activation.h"
#include "gridsweep/numparse.h"
#include "gridsweep/runner.h"
#include "gridsweep/settings.h"
#include "gridsweep/stats.h"
#include "json.h"
#include "options.h"
#include "outfile.h"

#define SCAN_HELP                                                                           \
    "usage: gridsweep scan --param NAME=V1,V2,... | NAME=LO:HI:N[:log] -o DIR\n"          \
    "                      [--eps N] [sweep options]\n"                                   \
    "Sweeps one map per value of a setting and tabulates their statistics: the basin\n"  \
    "fractions over the setting, as a continuation.\n"                                    \
    "  --param NAME=...    NAME is act or a training setting (gridsweep --list settings:\n" \
    "                      batch, steps, lr, beta1, huber_delta, data, seed, ...); the\n"  \
    "                      values as a comma list, or N values from LO to HI, evenly or\n" \
    "                      (:log) geometrically spaced (numeric settings; integers are\n"  \
    "                      rounded, and must stay distinct)\n"                            \
    "  -o, --output DIR    the maps, DIR/NAME=VALUE.csv, and DIR/scan.csv (made if\n"     \
    "                      missing); a rerun skips complete maps and resumes a .part\n"   \
    "  --eps N             box size of Sb, as gridsweep stats --eps (default 5, or the\n" \
    "                      map's smaller side when that is under 5)\n"                    \
    "Every other option is the sweep's (gridsweep --help), one activation, no --tile,\n"  \
    "-o, --resume or --force. scan.csv: '#' lines (param, scale, eps), then per value\n"  \
    "NAME,map,<a fraction per outcome>,sb,sbb,dim,dim_err (nan where no dimension).\n"

#define MAX_VALUES 1000
#define VALUE_MAX 96
#define MAX_WORDS 256

typedef struct scan_spec {
    char name[32];
    const gs_setting *setting;   /* NULL for act */
    const char *option;          /* "--lr", "--act" */
    const char *scale;           /* "linear", "log" or "list" */
    int n;
    char (*value)[VALUE_MAX];    /* canonical texts */
} scan_spec;

/* "act, loss, huber_delta, ...": the names --param takes. */
static void param_names(char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "act");
    for (int i = 0; i < gs_setting_count() && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, ", %s", gs_setting_at(i)->key);
}

/* One value through the setting's (or the activation table's) parser, to
 * its canonical text. */
static int canonical(const scan_spec *sp, const char *text, char out[VALUE_MAX])
{
    gs_error err;
    char name[64];
    snprintf(name, sizeof name, "--param %s", sp->name);
    if (!sp->setting) {
        gs_act a;
        if (gs_act_parse(text, &a))
            return cli_usage_error("%s: unknown activation '%s' (valid: %s)", name, text,
                                   gs_act_names());
        snprintf(out, VALUE_MAX, "%s", gs_act_get(a)->name);
        return 0;
    }
    gs_train_config c = gs_train_defaults();
    if (gs_setting_parse(sp->setting, name, text, &c, &err) ||
        gs_setting_check(sp->setting, &c, &err))
        return cli_usage_error("%s", err.msg);
    gs_setting_format(sp->setting, &c, out, VALUE_MAX);
    return 0;
}

/* LO:HI:N[:log] into value texts the setting's parser then reads. */
static int spread_values(const scan_spec *sp, const char *text, char (*raw)[VALUE_MAX], int *n)
{
    char buf[128], *part[5];
    int k = 0;
    if (strlen(text) >= sizeof buf)
        return cli_usage_error("--param %s: value too long", sp->name);
    strcpy(buf, text);
    for (char *save, *t = strtok_r(buf, ":", &save); t && k < 5; t = strtok_r(NULL, ":", &save))
        part[k++] = t;
    const gs_setting_type type = sp->setting ? sp->setting->type : GS_TYPE_LOSS;
    const bool numeric = type == GS_TYPE_FLOAT || type == GS_TYPE_DOUBLE ||
                         type == GS_TYPE_INT || type == GS_TYPE_U64;
    if (!numeric)
        return cli_usage_error("--param %s: takes a comma list of values, not LO:HI:N",
                               sp->name);
    double lo, hi;
    int count;
    const bool log_scale = k == 4 && strcmp(part[3], "log") == 0;
    if ((k != 3 && !log_scale) || gs_parse_double(part[0], &lo) ||
        gs_parse_double(part[1], &hi) || gs_parse_int(part[2], &count))
        return cli_usage_error("--param %s: expected V1,V2,... or LO:HI:N[:log], got '%s'",
                               sp->name, text);
    if (count < 2 || count > MAX_VALUES || !(lo < hi))
        return cli_usage_error("--param %s: LO:HI:N needs LO < HI and N from 2 to %d, got "
                               "'%s'", sp->name, MAX_VALUES, text);
    if (log_scale && !(lo > 0))
        return cli_usage_error("--param %s: a log scale needs LO > 0, got '%s'", sp->name,
                               text);
    for (int i = 0; i < count; i++) {
        const double t = (double)i / (count - 1);
        double v = log_scale ? lo * exp(t * log(hi / lo)) : lo + t * (hi - lo);
        if (i == 0 || i == count - 1)
            v = i == 0 ? lo : hi;   /* the ends exactly as given */
        if (type == GS_TYPE_INT || type == GS_TYPE_U64)
            snprintf(raw[i], VALUE_MAX, "%.0f", round(v));
        else if (type == GS_TYPE_FLOAT)
            gs_fmt_float(raw[i], VALUE_MAX, (float)v);
        else
            gs_fmt_double(raw[i], VALUE_MAX, v);
    }
    *n = count;
    return 0;
}

static int parse_param(const char *spec, scan_spec *sp)
{
    const char *eq = strchr(spec, '=');
    char names[512];
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof sp->name || !eq[1])
        return cli_usage_error("--param: expected NAME=V1,V2,... or NAME=LO:HI:N[:log], got "
                               "'%s'", spec);
    memcpy(sp->name, spec, (size_t)(eq - spec));
    sp->name[eq - spec] = 0;
    if (strcmp(sp->name, "act") == 0) {
        sp->option = "--act";
    } else if ((sp->setting = gs_setting_by_key(sp->name))) {
        sp->option = sp->setting->option;
    } else {
        param_names(names, sizeof names);
        return cli_usage_error("--param: unknown setting '%s' (valid: %s)", sp->name, names);
    }
    char (*raw)[VALUE_MAX] = calloc(MAX_VALUES, VALUE_MAX);
    sp->value = calloc(MAX_VALUES, VALUE_MAX);
    if (!raw || !sp->value) {
        free(raw);
        return cli_runtime_error("out of memory");
    }
    const char *rest = eq + 1;
    int rc = 0, n = 0;
    const bool range = !strchr(rest, ',') && strchr(rest, ':') &&
                       (!sp->setting || sp->setting->type != GS_TYPE_RANGE);
    sp->scale = "list";
    if (range) {
        rc = spread_values(sp, rest, raw, &n);
        sp->scale = strstr(rest, ":log") ? "log" : "linear";
    } else {
        const char *p = rest;
        for (;;) {
            const char *comma = strchr(p, ',');
            const size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (n == MAX_VALUES || len == 0 || len >= VALUE_MAX) {
                rc = cli_usage_error("--param %s: %s", sp->name,
                                     n == MAX_VALUES ? "more than 1000 values"
                                     : len == 0      ? "an empty value in the list"
                                                     : "a value too long");
                break;
            }
            memcpy(raw[n], p, len);
            raw[n++][len] = 0;
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    for (int i = 0; i < n && !rc; i++) {
        rc = canonical(sp, raw[i], sp->value[i]);
        for (int j = 0; j < i && !rc; j++)
            if (strcmp(sp->value[i], sp->value[j]) == 0)
                rc = cli_usage_error("--param %s: the value %s comes twice%s", sp->name,
                                     sp->value[i], range ? " (N too large for the range?)" : "");
    }
    sp->n = n;
    free(raw);
    return rc;
}

/* DIR/NAME=VALUE.csv */
static char *map_path(const char *dir, const scan_spec *sp, int i)
{
    const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
    const size_t len = strlen(dir) + strlen(sp->name) + strlen(sp->value[i]) + 8;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s%s%s=%s.csv", dir, sep, sp->name, sp->value[i]);
    return p;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The sweep's words for value i: the user's, the value, the output. */
static int sweep_words(char **words, int nw, const scan_spec *sp, int i, const char *path,
                       char *part, char **argv)
{
    int n = 0;
    argv[n++] = "sweep";
    for (int k = 0; k < nw; k++)
        argv[n++] = words[k];
    argv[n++] = (char *)sp->option;
    argv[n++] = (char *)sp->value[i];
    const size_t len = strlen(path);   /* part holds len + 6 bytes at least (the caller sized it) */
    memcpy(part, path, len);
    memcpy(part + len, ".part", 6);
    argv[n++] = exists(path) || exists(part) ? "--resume" : "-o";   /* resumable */
    argv[n++] = (char *)path;
    argv[n] = NULL;
    return n;
}

/* One row of scan.csv: the map's statistics as gridsweep stats gives them. */
static int table_row(FILE *out, const scan_spec *sp, int i, const char *path, int eps_opt,
                     bool eps_given)
{
    gs_map_grid g;
    gs_error err;
    if (gs_map_load(path, &g, &err))
        return cli_input_error("scan", err.msg);
    int eps = eps_opt;
    if (!eps_given && (eps > g.nx || eps > g.ny))
        eps = g.nx < g.ny ? g.nx : g.ny;
    gs_map_stats st;
    int rc = 0;
    if (eps > g.nx || eps > g.ny)
        rc = cli_usage_error("scan: --eps %d is larger than the %dx%d map '%s'", eps, g.nx,
                             g.ny, path);
    else if (gs_map_stats_compute(&g, eps, &st, &err))
        rc = cli_runtime_error("scan: %s", err.msg);
    gs_map_grid_free(&g);
    if (rc)
        return rc;
    const char *base = strrchr(path, '/');
    fprintf(out, "%s,%s", sp->value[i], base ? base + 1 : path);
    for (int k = 0; k < GS_OUT_COUNT; k++)
        fprintf(out, ",%.9g", st.fraction[k]);
    const double row[] = {st.sb, st.sbb, st.has_dim ? st.dim : NAN, st.has_dim ? st.dim_err : NAN};
    for (size_t k = 0; k < sizeof row / sizeof *row; k++)
        fprintf(out, isfinite(row[k]) ? ",%.9g" : ",nan", row[k]);
    fputc('\n', out);
    return 0;
}

static int write_table(const char *dir, const scan_spec *sp, char **paths, int eps,
                       bool eps_given, bool quiet)
{
    char *file = malloc(strlen(dir) + 16);
    if (!file)
        return cli_runtime_error("out of memory");
    sprintf(file, "%s%sscan.csv", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
    outfile of;
    int rc = outfile_open(&of, file);
    if (!rc) {
        fprintf(of.f, "# gridsweep-scan 1\n# param: %s\n# scale: %s\n# eps: %d%s\n%s,map",
                sp->name, sp->scale, eps, eps_given ? "" : " (or the map's smaller side)",
                sp->name);
        for (int k = 0; k < GS_OUT_COUNT; k++)
            fprintf(of.f, ",%s", gs_outcome_name((gs_outcome)k));
        fputs(",sb,sbb,dim,dim_err\n", of.f);
        for (int i = 0; i < sp->n && !rc; i++)
            rc = table_row(of.f, sp, i, paths[i], eps, eps_given);
        if (rc)
            outfile_discard(&of);
        else
            rc = outfile_commit(&of);
    }
    if (!rc && !quiet)
        fprintf(stderr, "gridsweep: wrote %s\n", file);
    free(file);
    return rc;
}

/* Takes scan's own options out of argv; the rest are the sweep's. */
static int split_args(int argc, char **argv, const char **param, const char **dir, int *eps,
                      bool *eps_given, char **words, int *nw)
{
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i], *eq = strchr(w, '=');
        const size_t len = eq ? (size_t)(eq - w) : strlen(w);
        const char **target = NULL;
        if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
            cli_print_help(stdout, SCAN_HELP);
            return -1;
        }
        if (len == 7 && strncmp(w, "--param", 7) == 0)
            target = param;
        else if ((len == 2 && strncmp(w, "-o", 2) == 0) ||
                 (len == 8 && strncmp(w, "--output", 8) == 0))
            target = dir;
        const char *eps_text = NULL;
        if (target || (len == 5 && strncmp(w, "--eps", 5) == 0)) {
            const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!v)
                return cli_usage_error("scan: option %.*s needs a value", (int)len, w);
            if (target && *target)
                return cli_usage_error("scan: option %.*s given twice", (int)len, w);
            if (target) {
                *target = v;
                continue;
            }
            eps_text = v;
            if (*eps_given || gs_parse_int(eps_text, eps) || *eps < 1)
                return cli_usage_error("scan: --eps must be given once, as an integer >= 1, "
                                       "got '%s'", eps_text);
            *eps_given = true;
            continue;
        }
        static const char *const refused[] = {"--resume", "--tile", "--force", "--list",
                                              "--version"};
        for (size_t k = 0; k < sizeof refused / sizeof *refused; k++)
            if (strlen(refused[k]) == len && strncmp(w, refused[k], len) == 0)
                return cli_usage_error("scan: %s is not a scan option (a rerun resumes; see "
                                       "gridsweep scan --help)", refused[k]);
        if (*nw == MAX_WORDS)
            return cli_usage_error("scan: too many arguments");
        words[(*nw)++] = argv[i];
    }
    if (!*param)
        return cli_usage_error("scan: --param NAME=VALUES is required (see gridsweep scan "
                               "--help)");
    if (!*dir)
        return cli_usage_error("scan: -o DIR is required");
    return 0;
}

static bool quiet(char **words, int nw)
{
    for (int k = 0; k < nw; k++)
        if (strcmp(words[k], "--quiet") == 0)
            return true;
    return false;
}

/* The words already set what --param scans. */
static int param_given_twice(char **words, int nw, const scan_spec *sp)
{
    const size_t len = strlen(sp->option);
    for (int k = 0; k < nw; k++)
        if (strncmp(words[k], sp->option, len) == 0 && (!words[k][len] || words[k][len] == '='))
            return cli_usage_error("scan: --param %s and %s both set %s", sp->name,
                                   sp->option, sp->name);
    return 0;
}

int cmd_scan(int argc, char **argv)
{
    const char *param = NULL, *dir = NULL;
    char *words[MAX_WORDS];
    int nw = 0, eps = 5;
    bool eps_given = false;
    int rc = split_args(argc, argv, &param, &dir, &eps, &eps_given, words, &nw);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (gs_runner_ranks(cli_runner()) > 1)
        return cli_usage_error("scan: runs on one process (under mpirun, run gridsweep sweep "
                               "per value)");
    scan_spec sp = {0};
    char **paths = NULL, *sweep_argv[MAX_WORDS + 8], *part = NULL;
    if (!(rc = parse_param(param, &sp)))
        rc = param_given_twice(words, nw, &sp);
    struct stat st;
    bool made = false;
    if (!rc && stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        rc = cli_usage_error("scan: -o %s is not a directory", dir);
    else if (!rc && lstat(dir, &st) != 0) {
        if (mkdir(dir, 0777) != 0)
            rc = cli_usage_error("scan: cannot make the directory '%s': %s", dir,
                                 strerror(errno));
        made = rc == 0;
    }
    if (!rc && !(paths = calloc((size_t)sp.n, sizeof *paths)))
        rc = cli_runtime_error("out of memory");
    size_t part_cap = 0;   /* part holds the longest path's ".part" name */
    for (int i = 0; i < sp.n && !rc; i++) {
        if (!(paths[i] = map_path(dir, &sp, i))) {
            rc = cli_runtime_error("out of memory");
            break;
        }
        const size_t need = strlen(paths[i]) + 6;
        char *grown = need > part_cap ? realloc(part, need) : part;
        if (!grown) {
            rc = cli_runtime_error("out of memory");
            break;
        }
        part = grown;
        part_cap = need > part_cap ? need : part_cap;
        const int n = sweep_words(words, nw, &sp, i, paths[i], part, sweep_argv);
        rc = cmd_sweep_check(n, sweep_argv);   /* every map is checked before the first runs */
    }
    if (rc && made)
        rmdir(dir);   /* nothing was written: the directory goes too */
    for (int i = 0; i < sp.n && !rc; i++) {
        const int n = sweep_words(words, nw, &sp, i, paths[i], part, sweep_argv);
        if ((rc = cmd_sweep(n, sweep_argv)) && rc != EXIT_USAGE)   /* a stop or a fault */
            fprintf(stderr, "gridsweep: scan: %d of %d maps are complete; run the same scan "
                            "again to finish it (it resumes)\n", i, sp.n);
    }
    if (!rc)
        rc = write_table(dir, &sp, paths, eps, eps_given, quiet(words, nw));
    for (int i = 0; paths && i < sp.n; i++)
        free(paths[i]);
    free(paths);
    free(part);
    free(sp.value);
    return rc;
}
