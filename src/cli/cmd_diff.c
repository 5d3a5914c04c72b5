/* gridsweep diff: how the outcome of each cell changes between two maps of one plane. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "gridsweep/map.h"
#include "options.h"

#define DIFF_HELP                                                                           \
    "usage: gridsweep diff A.csv B.csv [--json]\n"                                        \
    "Compares two maps of the same plane (same x, y, res and fixed values; the\n"         \
    "activation and the training settings may differ, the precision may not) cell by\n"  \
    "cell: the 5x5 matrix of outcome transitions (rows: the outcome in A, columns: in\n"  \
    "B), as counts and as fractions of all cells, and the fraction of cells whose\n"      \
    "outcome changed.\n"                                                                  \
    "\n"                                                                                  \
    "  --json      one JSON object instead of text\n"

typedef struct transitions {
    int64_t n[GS_OUT_COUNT][GS_OUT_COUNT];
    int64_t cells, changed;
} transitions;

static void count_transitions(const gs_map_grid *a, const gs_map_grid *b, transitions *t)
{
    *t = (transitions){.cells = (int64_t)a->nx * a->ny};
    for (int64_t i = 0; i < t->cells; i++) {
        t->n[a->outcome[i]][b->outcome[i]]++;
        t->changed += a->outcome[i] != b->outcome[i];
    }
}

static void print_matrix(const transitions *t, bool fractions)
{
    printf("  %-10s", "A \\ B");
    for (int k = 0; k < GS_OUT_COUNT; k++)
        printf(" %12s", gs_outcome_name((gs_outcome)k));
    printf("\n");
    for (int i = 0; i < GS_OUT_COUNT; i++) {
        printf("  %-10s", gs_outcome_name((gs_outcome)i));
        for (int j = 0; j < GS_OUT_COUNT; j++) {
            if (fractions)
                printf(" %11.3f%%", 100.0 * (double)t->n[i][j] / (double)t->cells);
            else
                printf(" %12lld", (long long)t->n[i][j]);
        }
        printf("\n");
    }
}

static void print_text(const char *pa, const char *pb, const gs_map_grid *a,
                       const transitions *t)
{
    printf("diff: %s -> %s\n  x %s, y %s, %dx%d cells\n", pa, pb, gs_map_get(&a->info, "x"),
           gs_map_get(&a->info, "y"), a->nx, a->ny);
    printf("cells (rows: outcome in A, columns: outcome in B):\n");
    print_matrix(t, false);
    printf("fraction of all cells:\n");
    print_matrix(t, true);
    printf("changed: %lld of %lld cells (%.3f%%)\n", (long long)t->changed, (long long)t->cells,
           100.0 * (double)t->changed / (double)t->cells);
}

static void print_json(const char *pa, const char *pb, const gs_map_grid *a,
                       const transitions *t)
{
    printf("{\"a\": ");
    json_string(stdout, pa);
    printf(", \"b\": ");
    json_string(stdout, pb);
    printf(", \"nx\": %d, \"ny\": %d, \"cells\": %lld, \"outcomes\": [", a->nx, a->ny,
           (long long)t->cells);
    for (int k = 0; k < GS_OUT_COUNT; k++)
        printf("%s\"%s\"", k ? ", " : "", gs_outcome_name((gs_outcome)k));
    for (int frac = 0; frac < 2; frac++) {
        printf("], \"%s\": [", frac ? "fractions" : "counts");
        for (int i = 0; i < GS_OUT_COUNT; i++) {
            printf("%s[", i ? ", " : "");
            for (int j = 0; j < GS_OUT_COUNT; j++) {
                if (frac)
                    printf("%s%.9g", j ? ", " : "", (double)t->n[i][j] / (double)t->cells);
                else
                    printf("%s%lld", j ? ", " : "", (long long)t->n[i][j]);
            }
            printf("]");
        }
    }
    printf("], \"changed\": %lld, \"changed_fraction\": %.9g}\n", (long long)t->changed,
           (double)t->changed / (double)t->cells);
}

int cmd_diff(int argc, char **argv)
{
    bool json = false;
    cli_optset set = {0};
    cli_add(&set, "--json", NULL, &json);
    char *pos[2];
    int npos, rc = cli_parse(&set, argc, argv, pos, 2, &npos, DIFF_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos != 2)
        return cli_usage_error("diff: expected two map files (see gridsweep diff --help)");

    gs_map_grid a, b;
    gs_error err;
    if (gs_map_load(pos[0], &a, &err))
        return cli_input_error("diff", err.msg);
    if (gs_map_load(pos[1], &b, &err)) {
        gs_map_grid_free(&a);
        return cli_input_error("diff", err.msg);
    }
    const char *pa = gs_map_get(&a.info, "precision"), *pb = gs_map_get(&b.info, "precision");
    if (gs_map_same_plane(&a.info, &b.info, &err)) {
        rc = cli_usage_error("diff: %s and %s are not maps of the same plane: %s", pos[0],
                             pos[1], err.msg);
    } else if (strcmp(pa ? pa : "f32", pb ? pb : "f32") != 0) {
        /* a float32 cell and a float64 cell are not the same start */
        rc = cli_usage_error("diff: %s is an %s map and %s an %s map: maps of different "
                             "precisions are not compared", pos[0], pa ? pa : "f32", pos[1],
                             pb ? pb : "f32");
    } else {
        transitions t;
        count_transitions(&a, &b, &t);
        if (json)
            print_json(pos[0], pos[1], &a, &t);
        else
            print_text(pos[0], pos[1], &a, &t);
        rc = fflush(stdout) == 0 ? 0 : cli_runtime_error("diff: cannot write the output");
    }
    gs_map_grid_free(&a);
    gs_map_grid_free(&b);
    return rc;
}
