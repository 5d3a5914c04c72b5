/* gridsweep ensemble: N single-seed maps of seeds S .. S+N-1, all else equal,
 * combined into the ensemble map `--seeds N --seed S` writes, byte for byte
 * (the combination is gs_ens_combine, which the sweep uses too). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/ensemble.h"
#include "options.h"
#include "outfile.h"

#define ENSEMBLE_HELP                                                                       \
    "usage: gridsweep ensemble MAP.csv... -o FILE [--force]\n"                            \
    "Combines single-seed maps that differ only in --seed, whose seeds are S .. S+N-1\n"  \
    "(2 to 64 maps, in any order), into the map that `--seed S --seeds N` writes: per\n"  \
    "cell the share of each outcome, the most frequent one, and the mean and spread of\n" \
    "every other result column (docs/formats.md). Bands of a --tile job combine into\n"   \
    "the ensemble's band. Maps of other settings, repeated or missing seeds and\n"        \
    "incomplete maps are refused.\n"                                                      \
    "  -o, --output FILE   the ensemble map\n"                                            \
    "  --force             overwrite an existing FILE\n"

typedef struct member {
    const char *path;
    FILE *f;
    gs_map_info info;
    gs_train_config train;
} member;

/* Opens one map and reads its settings back: its header must be the one
 * this gridsweep writes for them (same version, nothing edited). */
static int open_member(member *m)
{
    gs_error err;
    if (!(m->f = fopen(m->path, "r")))
        return cli_usage_error("ensemble: cannot open '%s': %s", m->path, strerror(errno));
    if (gs_map_read_header(m->f, m->path, &m->info, &err))
        return cli_input_error("ensemble", err.msg);
    if (m->info.seeds > 1)
        return cli_usage_error("ensemble: '%s' is an ensemble map already (%d seeds)", m->path,
                               m->info.seeds);
    if (gs_map_read_settings(&m->info, m->path, &m->train, &err))
        return cli_usage_error("ensemble: %s", err.msg);
    char *h = gs_map_header(&m->train, &m->info.plane);
    if (!h)
        return cli_runtime_error("out of memory");
    const size_t hlen = strlen(h) - strlen(GS_MAP_COLUMNS "\n");
    const bool same = hlen == m->info.header_len && memcmp(h, m->info.header, hlen) == 0;
    free(h);
    if (!same)
        return cli_usage_error("ensemble: '%s' has a header this gridsweep would not write for "
                               "its settings (another version, or edited)", m->path);
    return 0;
}

static int by_seed(const void *a, const void *b)
{
    const uint64_t x = ((const member *)a)->train.seed, y = ((const member *)b)->train.seed;
    return (x > y) - (x < y);
}

/* Sorted by seed: consecutive seeds, and every other setting the same. */
static int check_members(member *m, int n)
{
    qsort(m, (size_t)n, sizeof *m, by_seed);
    gs_train_config first = m[0].train;
    char *want = gs_map_header(&first, &m[0].info.plane);
    int rc = want ? 0 : cli_runtime_error("out of memory");
    for (int i = 1; i < n && !rc; i++) {
        if (m[i].train.seed == m[i - 1].train.seed)
            rc = cli_usage_error("ensemble: '%s' and '%s' both have seed %llu", m[i - 1].path,
                                 m[i].path, (unsigned long long)m[i].train.seed);
        else if (m[i].train.seed != m[i - 1].train.seed + 1)
            rc = cli_usage_error("ensemble: seed %llu is missing between '%s' and '%s' (the "
                                 "seeds must be S .. S+N-1)",
                                 (unsigned long long)m[i - 1].train.seed + 1, m[i - 1].path,
                                 m[i].path);
        else if (m[i].info.precision != m[0].info.precision)
            rc = cli_usage_error("ensemble: '%s' is an %s map and '%s' an %s map: precisions "
                                 "do not mix", m[0].path,
                                 gs_precision_name(m[0].info.precision), m[i].path,
                                 gs_precision_name(m[i].info.precision));
        if (rc)
            break;
        gs_train_config t = m[i].train;
        t.seed = first.seed;
        char *h = gs_map_header(&t, &m[i].info.plane);
        if (!h)
            rc = cli_runtime_error("out of memory");
        else if (strcmp(h, want) != 0)
            rc = cli_usage_error("ensemble: '%s' and '%s' differ in more than the seed",
                                 m[0].path, m[i].path);
        free(h);
    }
    free(want);
    return rc;
}

/* Reads the rows in lockstep and writes their ensemble rows. */
static int combine(member *m, int n, FILE *out)
{
    gs_map_row rows[GS_MAX_SEEDS];
    gs_ens_row ens;
    gs_error err;
    char line[GS_ENS_ROW_MAX + 1];
    const int64_t cells = (int64_t)(m[0].info.row_hi - m[0].info.row_lo) * m[0].info.x.n;
    for (int64_t i = 0; i < cells; i++) {
        for (int s = 0; s < n; s++) {
            const int r = gs_map_read_row(m[s].f, &m[s].info, i, &rows[s], NULL, &err);
            if (r < 0)
                return cli_usage_error("ensemble: %s: %s", m[s].path, err.msg);
            if (r == 0)
                return cli_usage_error("ensemble: '%s' is incomplete: %lld of %lld rows",
                                       m[s].path, (long long)i, (long long)cells);
        }
        gs_ens_combine(rows, n, &ens);
        const int len = gs_ens_format_row(line, sizeof line, &ens);
        if (len < 0 || fwrite(line, 1, (size_t)len, out) != (size_t)len)
            return cli_runtime_error("ensemble: writing the map failed");
    }
    for (int s = 0; s < n; s++)
        if (gs_map_read_row(m[s].f, &m[s].info, cells, &rows[0], NULL, &err) != 0)
            return cli_usage_error("ensemble: '%s' has more rows than its %lld cells",
                                   m[s].path, (long long)cells);
    return 0;
}

int cmd_ensemble(int argc, char **argv)
{
    const char *output = NULL;
    bool force = false;
    cli_optset set = {0};
    cli_add(&set, "-o", cli_string, &output);
    cli_add(&set, "--output", cli_string, &output);
    cli_add(&set, "--force", NULL, &force);
    char *pos[GS_MAX_SEEDS + 1];
    int npos, rc = cli_parse(&set, argc, argv, pos, GS_MAX_SEEDS + 1, &npos, ENSEMBLE_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos < 2 || npos > GS_MAX_SEEDS)
        return cli_usage_error("ensemble: give 2 to %d maps, got %d (see gridsweep ensemble "
                               "--help)", GS_MAX_SEEDS, npos);
    if (!output)
        return cli_usage_error("ensemble: -o FILE is required");
    if ((rc = outfile_check(output, force)))
        return rc;
    member m[GS_MAX_SEEDS] = {0};
    for (int i = 0; i < npos && !rc; i++) {
        m[i].path = pos[i];
        rc = open_member(&m[i]);
    }
    if (!rc)
        rc = check_members(m, npos);
    outfile of;
    if (!rc && !(rc = outfile_open(&of, output))) {
        gs_train_config t = m[0].train;
        t.seeds = npos;
        char *h = gs_map_header(&t, &m[0].info.plane);
        if (!h)
            rc = cli_runtime_error("out of memory");
        else if (fputs(h, of.f) < 0)
            rc = cli_runtime_error("ensemble: writing the map failed");
        free(h);
        if (!rc)
            rc = combine(m, npos, of.f);
        if (rc)
            outfile_discard(&of);
        else
            rc = outfile_commit(&of);
    }
    for (int i = 0; i < npos; i++) {
        if (m[i].f)
            fclose(m[i].f);
        gs_map_info_free(&m[i].info);
    }
    return rc;
}
