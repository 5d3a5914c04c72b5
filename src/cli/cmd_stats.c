/* gridsweep stats: outcome fractions, basin entropy and boundary dimension of a map. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "json.h"
#include "gridsweep/stats.h"
#include "options.h"

#define STATS_HELP                                                                          \
    "usage: gridsweep stats MAP.csv [MAP.csv...] [--eps N] [--json]\n"                    \
    "Summarizes a basin map:\n"                                                           \
    "  - the fraction of cells per outcome;\n"                                            \
    "  - basin entropy Sb and boundary basin entropy Sbb (Daza et al., Sci. Rep. 2016)\n" \
    "    over boxes of N x N cells, natural log; Sbb > ln 2 proves a fractal boundary;\n" \
    "  - the box-counting dimension D of the boundary between the converged basin and\n"  \
    "    the rest (least-squares fit over box sizes 1, 2, 4, ... cells, with its error\n" \
    "    and fit range) and the uncertainty exponent alpha = 2 - D. Trainable cells are\n" \
    "    the converged ones; every other outcome counts as untrainable.\n"               \
    "A warning says when the map is too coarse for D to mean much.\n"                     \
    "Of an ensemble map (--seeds N) these describe its most frequent outcome per cell;\n" \
    "it adds each outcome's fraction in every seed's map, as mean +- population std\n"   \
    "over the seeds, and the mean over the cells of the entropy of the outcome shares.\n" \
    "Of several maps (the frames of gridsweep zoom): each map's summary, then each D and\n" \
    "their median over the maps that have one (JSON: {\"maps\": [...], \"dimensions\":\n" \
    "[...], \"dimension_median\": D, \"dimension_maps\": N}).\n"                         \
    "\n"                                                                                  \
    "  --eps N     box size for the basin entropy, in cells (default 5, or the map's\n"   \
    "              smaller side when that is under 5)\n"                                  \
    "  --json      one JSON object instead of text\n"

#define MAX_MAPS 1000

/* What the reports name of a map; its grid is freed once its statistics are
 * in, so that many large frames need not be in memory at once. */
typedef struct map_ident {
    const char *path;
    char act[64], x[160], y[160];
    int nx, ny;
    bool adapted;   /* eps was cut to the map's smaller side */
} map_ident;

static void ident_of(const char *path, const gs_map_grid *g, map_ident *id)
{
    const char *act = gs_map_get(&g->info, "act"), *x = gs_map_get(&g->info, "x"),
               *y = gs_map_get(&g->info, "y");
    id->path = path;
    snprintf(id->act, sizeof id->act, "%s", act ? act : "");
    snprintf(id->x, sizeof id->x, "%s", x ? x : "");
    snprintf(id->y, sizeof id->y, "%s", y ? y : "");
    id->nx = g->nx;
    id->ny = g->ny;
}

static void print_text(const map_ident *g, const gs_map_stats *st)
{
    printf("map: %s\n  act %s, x %s, y %s, %dx%d cells\n", g->path, g->act, g->x, g->y, g->nx,
           g->ny);
    printf("outcomes%s:\n", st->seeds > 1 ? " (the most frequent per cell)" : "");
    for (int k = 0; k < GS_OUT_COUNT; k++)
        printf("  %-10s %12lld  %7.3f%%\n", gs_outcome_name((gs_outcome)k),
               (long long)st->count[k], 100 * st->fraction[k]);
    if (st->seeds > 1) {
        printf("over the %d seeds (the fraction in each seed's map, mean +- population std):\n",
               st->seeds);
        for (int k = 0; k < GS_OUT_COUNT; k++)
            printf("  %-10s %7.3f%% +- %.3f%%\n", gs_outcome_name((gs_outcome)k),
                   100 * st->seed_mean[k], 100 * st->seed_std[k]);
        printf("  cell entropy (mean over the cells, natural log) = %.6f\n", st->cell_entropy);
    }
    printf("basin entropy (boxes of %dx%d cells: %lld, %lld on a boundary; %d outcomes):\n",
           st->eps, st->eps, (long long)st->boxes, (long long)st->boundary_boxes, st->outcomes);
    printf("  Sb  = %.6f  (at most ln %d = %.6f)\n", st->sb, st->outcomes,
           log(st->outcomes > 0 ? st->outcomes : 1));
    printf("  Sbb = %.6f  (%s ln 2 = %.6f%s)\n", st->sbb, st->sbb_fractal ? ">" : "<=", log(2.0),
           st->sbb_fractal ? ": the boundary is fractal" : ": no proof of a fractal boundary");
    printf("boundary of the converged basin (box counting; a box of size s spans s+1 cells):\n");
    printf("  %8s %14s %14s\n", "size", "boundary", "boxes");
    for (int i = 0; i < st->nscales; i++)
        printf("  %8d %14lld %14lld%s\n", st->scale[i].size, (long long)st->scale[i].boundary,
               (long long)st->scale[i].total,
               st->has_dim && i >= st->fit_first && i <= st->fit_last ? "  (fit)" : "");
    if (st->has_dim) {
        printf("  D = %.4f +- %.4f  (fit over box sizes %d..%d cells, %d scales)\n", st->dim,
               st->dim_err, st->scale[st->fit_first].size, st->scale[st->fit_last].size,
               st->fit_last - st->fit_first + 1);
        printf("  alpha = 2 - D = %.4f  (uncertainty exponent)\n", st->alpha);
    } else {
        printf("  D: not estimated\n");
    }
    if (st->warn)
        printf("warning: %s\n", st->warning);
}

/* One map's object, without a newline. */
static void print_json(const map_ident *g, const gs_map_stats *st)
{
    printf("{\"file\": ");
    json_string(stdout, g->path);
    printf(", \"act\": ");
    json_string(stdout, g->act);
    printf(", \"x\": ");
    json_string(stdout, g->x);
    printf(", \"y\": ");
    json_string(stdout, g->y);
    printf(", \"nx\": %d, \"ny\": %d, \"cells\": %lld, \"counts\": {", g->nx, g->ny,
           (long long)st->cells);
    for (int k = 0; k < GS_OUT_COUNT; k++)
        printf("%s\"%s\": %lld", k ? ", " : "", gs_outcome_name((gs_outcome)k),
               (long long)st->count[k]);
    printf("}, \"fractions\": {");
    for (int k = 0; k < GS_OUT_COUNT; k++) {
        printf("%s\"%s\": ", k ? ", " : "", gs_outcome_name((gs_outcome)k));
        json_number(stdout, st->fraction[k]);
    }
    printf("}");
    if (st->seeds > 1) {   /* an ensemble map only: a single seed's output keeps its bytes */
        printf(", \"seeds\": %d, \"seed_fractions\": {", st->seeds);
        for (int k = 0; k < GS_OUT_COUNT; k++) {
            printf("%s\"%s\": {\"mean\": ", k ? ", " : "", gs_outcome_name((gs_outcome)k));
            json_number(stdout, st->seed_mean[k]);
            printf(", \"std\": ");
            json_number(stdout, st->seed_std[k]);
            printf("}");
        }
        printf("}, \"cell_entropy\": ");
        json_number(stdout, st->cell_entropy);
    }
    printf(", \"eps\": %d, \"boxes\": %lld, \"boundary_boxes\": %lld, \"outcomes\": %d, "
           "\"sb\": ", st->eps, (long long)st->boxes, (long long)st->boundary_boxes,
           st->outcomes);
    json_number(stdout, st->sb);
    printf(", \"sbb\": ");
    json_number(stdout, st->sbb);
    printf(", \"sbb_fractal\": %s, \"scales\": [", st->sbb_fractal ? "true" : "false");
    for (int i = 0; i < st->nscales; i++)
        printf("%s{\"size\": %d, \"boundary\": %lld, \"boxes\": %lld}", i ? ", " : "",
               st->scale[i].size, (long long)st->scale[i].boundary,
               (long long)st->scale[i].total);
    printf("], \"dimension\": ");
    json_number(stdout, st->has_dim ? st->dim : NAN);
    printf(", \"dimension_err\": ");
    json_number(stdout, st->has_dim ? st->dim_err : NAN);
    printf(", \"alpha\": ");
    json_number(stdout, st->has_dim ? st->alpha : NAN);
    if (st->has_dim)
        printf(", \"fit_sizes\": [%d, %d]", st->scale[st->fit_first].size,
               st->scale[st->fit_last].size);
    else
        printf(", \"fit_sizes\": null");
    printf(", \"warning\": ");
    if (st->warn)
        json_string(stdout, st->warning);
    else
        printf("null");
    printf("}");
}

/* The dimensions of several maps and their median. */
static void print_median_text(const map_ident *id, const gs_map_stats *st, int n)
{
    double median;
    const int with = gs_map_stats_median_dimension(st, n, &median);
    printf("\nboundary dimension over %d maps (converged against every other outcome):\n", n);
    for (int i = 0; i < n; i++) {
        if (st[i].has_dim)
            printf("  %s  D = %.4f +- %.4f%s\n", id[i].path, st[i].dim, st[i].dim_err,
                   st[i].warn ? "  (warning)" : "");
        else
            printf("  %s  D: not estimated\n", id[i].path);
    }
    if (with > 0)
        printf("  median D = %.4f  (over the %d map%s with a dimension)\n", median, with,
               with == 1 ? "" : "s");
    else
        printf("  median D: no map has a dimension\n");
}

static void print_median_json(const map_ident *id, const gs_map_stats *st, int n)
{
    double median;
    const int with = gs_map_stats_median_dimension(st, n, &median);
    printf("{\"maps\": [");
    for (int i = 0; i < n; i++) {
        printf("%s", i ? ",\n  " : "\n  ");
        print_json(&id[i], &st[i]);
    }
    printf("],\n \"dimensions\": [");
    for (int i = 0; i < n; i++) {
        printf("%s", i ? ", " : "");
        json_number(stdout, st[i].has_dim ? st[i].dim : NAN);
    }
    printf("], \"dimension_median\": ");
    json_number(stdout, with > 0 ? median : NAN);
    printf(", \"dimension_maps\": %d}\n", with > 0 ? with : 0);
}

/* Map i's statistics, eps cut to a small map's side unless given. */
static int one_map(const char *path, int eps, bool eps_given, bool name_it, map_ident *id,
                   gs_map_stats *st)
{
    gs_map_grid g;
    gs_error err;
    if (gs_map_load(path, &g, &err))
        return cli_input_error("stats", err.msg);
    ident_of(path, &g, id);
    id->adapted = false;
    if (!eps_given && (eps > g.nx || eps > g.ny)) {   /* the default fits any map */
        eps = g.nx < g.ny ? g.nx : g.ny;
        id->adapted = true;
    }
    int rc = 0;
    if (eps > g.nx || eps > g.ny)
        rc = cli_usage_error("stats: --eps %d is larger than the %dx%d map%s%s%s", eps, g.nx,
                             g.ny, name_it ? " '" : "", name_it ? path : "", name_it ? "'" : "");
    else if (gs_map_stats_compute(&g, eps, st, &err))
        rc = cli_runtime_error("stats: %s", err.msg);
    gs_map_grid_free(&g);
    return rc;
}

int cmd_stats(int argc, char **argv)
{
    int eps = 5;
    bool json = false;
    cli_optset set = {0};
    cli_add(&set, "--eps", cli_int, &eps);
    cli_add(&set, "--json", NULL, &json);
    static char *pos[MAX_MAPS];
    int npos, rc = cli_parse(&set, argc, argv, pos, MAX_MAPS, &npos, STATS_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos < 1)
        return cli_usage_error("stats: expected one map file or more (see gridsweep stats "
                               "--help)");
    if (eps < 1)
        return cli_usage_error("stats: --eps must be at least 1, got %d", eps);
    /* Every map is read before anything is printed: a bad one prints one line only. */
    map_ident *id = calloc((size_t)npos, sizeof *id);
    gs_map_stats *st = calloc((size_t)npos, sizeof *st);
    if (!id || !st)
        rc = cli_runtime_error("out of memory");
    for (int i = 0; i < npos && !rc; i++)
        rc = one_map(pos[i], eps, cli_seen(&set, "--eps"), npos > 1, &id[i], &st[i]);
    for (int i = 0; i < npos && !rc; i++) {
        if (json && npos == 1) {
            print_json(&id[i], &st[i]);
            printf("\n");
        } else if (!json) {
            printf("%s", i ? "\n" : "");
            print_text(&id[i], &st[i]);
            if (id[i].adapted)
                printf("note: the map is %dx%d cells, so the boxes are %dx%d (the default is "
                       "5x5)\n", id[i].nx, id[i].ny, st[i].eps, st[i].eps);
        }
    }
    if (!rc && npos > 1)
        (json ? print_median_json : print_median_text)(id, st, npos);
    free(id);
    free(st);
    if (rc)
        return rc;
    return fflush(stdout) == 0 ? 0 : cli_runtime_error("stats: cannot write the output");
}
