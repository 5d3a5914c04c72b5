/* gridsweep merge: join the bands of a --tile K/N job array into the file a
 * single run would have written, byte for byte. Bands and the output may be
 * CSV or NetCDF (the bands by their content, the output by -o's extension or
 * --format). */
#define _GNU_SOURCE   /* fileno */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/ensemble.h"
#include "gridsweep/map.h"
#include "gridsweep/map_netcdf.h"
#include "map_sink.h"
#include "options.h"
#include "outfile.h"

#define MERGE_HELP                                                                          \
    "usage: gridsweep merge BAND... -o FILE [--format csv|nc] [--force]\n"               \
    "Joins the bands written by `gridsweep --tile K/N` (all N of them, in any order)\n"   \
    "into the map a single run would have written. Bands of different settings,\n"        \
    "missing or repeated bands, and incomplete bands are refused. Bands may be CSV\n"     \
    "or NetCDF maps, mixed.\n"                                                            \
    "  -o, --output FILE   the merged map\n"                                              \
    "  --format csv|nc     its format (default: nc if FILE ends in .nc, else csv)\n"      \
    "  --force             overwrite an existing FILE\n"

#define MAX_BANDS 4096

typedef struct band {
    const char *path;
    gs_map_info info;
    long data_start;   /* byte offset of the first row (CSV) */
    char *common;      /* header without its tile line */
    bool nc;           /* a NetCDF band */
} band;

/* The header minus the "# tile:" line: what every band must share. */
static char *strip_tile(const char *h)
{
    char *out = malloc(strlen(h) + 1), *o = out;
    if (!out)
        return NULL;
    while (*h) {
        const char *e = strchr(h, '\n');
        size_t len = e ? (size_t)(e - h + 1) : strlen(h);
        if (strncmp(h, "# tile:", 7) != 0) {
            memcpy(o, h, len);
            o += len;
        }
        h += len;
    }
    *o = 0;
    return out;
}

/* A NetCDF band: its header, and all its rows of cells there. */
static int load_nc_band(band *b)
{
    gs_error err;
    gs_map_nc *m;
    b->nc = true;
    if (gs_map_nc_open(b->path, false, &m, &err))
        return cli_usage_error("merge: %s", err.msg);
    int rc = 0;
    if (gs_map_nc_copy_info(m, &b->info, &err))
        rc = cli_usage_error("merge: %s", err.msg);
    else if (gs_map_nc_rows(m) != b->info.row_hi - b->info.row_lo)
        rc = cli_usage_error("merge: '%s' is incomplete: %lld of %lld rows", b->path,
                             (long long)gs_map_nc_rows(m) * b->info.x.n,
                             (long long)(b->info.row_hi - b->info.row_lo) * b->info.x.n);
    else if (!(b->common = strip_tile(b->info.header)))
        rc = cli_runtime_error("out of memory");
    gs_map_nc_close(m, NULL);
    return rc;
}

/* Opens a band and checks every row: complete, in order, nothing torn. */
static int load_band(band *b)
{
    gs_error err;
    FILE *f = fopen(b->path, "r");
    if (!f)
        return cli_usage_error("merge: cannot open '%s': %s", b->path, strerror(errno));
    unsigned char magic[4];
    if (gs_map_is_netcdf(magic, fread(magic, 1, sizeof magic, f))) {
        fclose(f);
        return load_nc_band(b);
    }
    rewind(f);
    int rc = 0;
    if (gs_map_read_header(f, b->path, &b->info, &err)) {
        fclose(f);
        return cli_usage_error("merge: %s", err.msg);
    }
    b->data_start = ftell(f);
    b->common = strip_tile(b->info.header);
    const int64_t want = (int64_t)(b->info.row_hi - b->info.row_lo) * b->info.x.n;
    int64_t rows = 0;
    gs_map_row row;
    long line;
    int r;
    while ((r = gs_map_read_row(f, &b->info, rows, &row, &line, &err)) == 1)
        rows++;
    if (r < 0)
        rc = cli_usage_error("merge: %s", err.msg);
    else if (rows != want)
        rc = cli_usage_error("merge: '%s' is incomplete: %lld of %lld rows", b->path,
                             (long long)rows, (long long)want);
    else if (!b->common)
        rc = cli_runtime_error("out of memory");
    fclose(f);
    return rc;
}

/* The bands, in order, must hold every row of the map exactly once: a tile
 * line edited to start a row later would otherwise lose that row. */
static int check_coverage(band *const *order, int n)
{
    int next = 0;   /* the first row no band holds yet */
    for (int k = 0; k < n; k++) {
        const gs_map_info *in = &order[k]->info;
        if (in->row_lo > next)
            return cli_usage_error("merge: no band holds rows %d:%d ('%s', band %d/%d, starts "
                                   "at row %d)", next, in->row_lo, order[k]->path, k + 1, n,
                                   in->row_lo);
        if (in->row_lo < next)
            return cli_usage_error("merge: rows %d:%d are in two bands ('%s' and '%s')",
                                   in->row_lo, next < in->row_hi ? next : in->row_hi,
                                   order[k - 1]->path, order[k]->path);
        next = in->row_hi;
    }
    if (next != order[0]->info.y.n)
        return cli_usage_error("merge: no band holds rows %d:%d ('%s', the last band, ends at "
                               "row %d)", next, order[0]->info.y.n, order[n - 1]->path, next);
    return 0;
}

static int copy_rows(FILE *out, const band *b)
{
    FILE *f = fopen(b->path, "r");
    char buf[1 << 16];
    size_t n;
    if (!f || fseek(f, b->data_start, SEEK_SET) != 0) {
        if (f)
            fclose(f);
        return cli_runtime_error("merge: cannot read '%s'", b->path);
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    int bad = ferror(f) || ferror(out);
    fclose(f);
    return bad ? cli_runtime_error("merge: copying '%s' failed", b->path) : 0;
}

/* Where the rows of the merged map go: a CSV file or a NetCDF writer. */
typedef struct merge_out {
    FILE *csv;
    gs_map_nc *nc;
    const char *path;
} merge_out;

static int emit(merge_out *out, const gs_map_row *row)
{
    gs_error err;
    char line[512];
    if (out->nc) {
        if (gs_map_nc_put(out->nc, row, &err))
            return cli_runtime_error("merge: %s", err.msg);
        return 0;
    }
    const int n = gs_map_format_row(line, sizeof line, row);
    if (n < 0 || fwrite(line, 1, (size_t)n, out->csv) != (size_t)n)
        return cli_runtime_error("merge: writing '%s' failed", out->path);
    return 0;
}

/* Every row of a band, one by one, to out. */
static int emit_rows(merge_out *out, const band *b)
{
    gs_error err;
    gs_map_row row;
    int rc = 0;
    if (!b->nc) {
        FILE *f = fopen(b->path, "r");
        if (!f || fseek(f, b->data_start, SEEK_SET) != 0) {
            if (f)
                fclose(f);
            return cli_runtime_error("merge: cannot read '%s'", b->path);
        }
        for (int64_t i = 0; !rc; i++) {
            const int r = gs_map_read_row(f, &b->info, i, &row, NULL, &err);
            if (r <= 0) {
                rc = r < 0 ? cli_runtime_error("merge: '%s' changed: %s", b->path, err.msg) : 0;
                break;
            }
            rc = emit(out, &row);
        }
        fclose(f);
        return rc;
    }
    gs_map_nc *m;
    if (gs_map_nc_open(b->path, false, &m, &err))
        return cli_runtime_error("merge: %s", err.msg);
    const int nx = b->info.x.n;
    gs_map_row *cells = malloc((size_t)nx * sizeof *cells);
    if (!cells)
        rc = cli_runtime_error("out of memory");
    for (int64_t r = 0; !rc && r < gs_map_nc_rows(m); r++) {
        if (gs_map_nc_read_row(m, r, cells, &err))
            rc = cli_runtime_error("merge: %s", err.msg);
        for (int ix = 0; ix < nx && !rc; ix++)
            rc = emit(out, &cells[ix]);
    }
    free(cells);
    gs_map_nc_close(m, NULL);
    return rc;
}

/* The merged map: the common header, then every band's rows in order. A CSV
 * band into a CSV map is copied byte for byte. */
static int write_merged(outfile *of, map_format format, band *const *order, int n)
{
    gs_error err;
    merge_out out = {.csv = of->f, .path = of->part};
    const char *common = order[0]->common;
    int rc = 0;
    if (format == MAP_CSV) {
        fputs(common, of->f);
        char ens[GS_ENS_ROW_MAX];   /* an ensemble's bands join under its column line */
        if (order[0]->info.seeds > 1 && gs_ens_column_line(ens, sizeof ens) > 0)
            fprintf(of->f, "%s\n", ens);
        else
            fputs(GS_MAP_COLUMNS "\n", of->f);
        for (int k = 0; k < n && !rc; k++)
            rc = order[k]->nc ? emit_rows(&out, order[k]) : copy_rows(of->f, order[k]);
        return rc;
    }
    const size_t hlen = strlen(common) + sizeof GS_MAP_COLUMNS + 1;
    char *header = malloc(hlen);
    void *start = NULL;
    size_t start_len = 0;
    if (!header)
        return cli_runtime_error("out of memory");
    snprintf(header, hlen, "%s%s\n", common, GS_MAP_COLUMNS);
    of->binary = true;
    if (gs_map_nc_empty(header, &start, &start_len, &err))
        rc = cli_runtime_error("merge: %s", err.msg);
    else if (fwrite(start, 1, start_len, of->f) != start_len || fflush(of->f) != 0)
        rc = cli_runtime_error("merge: writing '%s' failed: %s", of->part, strerror(errno));
    else if (gs_map_nc_open(of->part, true, &out.nc, &err))
        rc = cli_runtime_error("merge: %s", err.msg);
    else
        rc = outfile_relock(of);   /* libnetcdf's open closed a descriptor */
    for (int k = 0; k < n && !rc; k++)
        rc = emit_rows(&out, order[k]);
    if (out.nc && gs_map_nc_close(out.nc, &err) && !rc)
        rc = cli_runtime_error("merge: %s", err.msg);
    if (out.nc)
        outfile_relock_quiet(of);
    free(header);
    free(start);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    const char *output = NULL, *format_name = NULL;
    bool force = false;
    cli_optset set = {0};
    cli_add(&set, "--format", cli_string, &format_name);
    cli_add(&set, "-o", cli_string, &output);
    cli_add(&set, "--output", cli_string, &output);
    cli_add(&set, "--force", NULL, &force);
    static char *pos[MAX_BANDS];
    int npos, rc = cli_parse(&set, argc, argv, pos, MAX_BANDS, &npos, MERGE_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (npos == 0)
        return cli_usage_error("merge: no bands given (see gridsweep merge --help)");
    if (!output)
        return cli_usage_error("merge: -o FILE is required");
    map_format format = map_format_of_path(output, MAP_CSV);
    if (format_name && map_format_parse(format_name, &format))
        return cli_usage_error("merge: --format: unknown format '%s' (valid: csv, nc)",
                               format_name);
    if (format == MAP_NC && strcmp(output, "-") == 0)
        return cli_usage_error("merge: -o -: a NetCDF map is written in place, not as a "
                               "stream; name a file with -o");
    if ((rc = outfile_check(output, force)))
        return rc;
    band *bands = calloc((size_t)npos, sizeof *bands), **order = NULL;
    if (!bands)
        return cli_runtime_error("out of memory");
    for (int i = 0; i < npos && !rc; i++) {
        bands[i].path = pos[i];
        rc = load_band(&bands[i]);
    }
    const int n = rc ? 0 : bands[0].info.tile_n;
    if (!rc && !(order = calloc((size_t)n, sizeof *order)))
        rc = cli_runtime_error("out of memory");
    for (int i = 0; i < npos && !rc; i++) {
        const gs_map_info *in = &bands[i].info;
        if (strcmp(bands[i].common, bands[0].common) != 0)
            rc = cli_usage_error("merge: '%s' and '%s' are not bands of the same map (their "
                                 "settings differ)",
                                 bands[0].path, bands[i].path);
        else if (in->tile_n != n)
            rc = cli_usage_error("merge: '%s' is band %d/%d, '%s' is band %d/%d", bands[0].path,
                                 bands[0].info.tile_k, n, bands[i].path, in->tile_k, in->tile_n);
        else if (order[in->tile_k - 1])
            rc = cli_usage_error("merge: band %d/%d is given twice ('%s' and '%s')", in->tile_k,
                                 n, order[in->tile_k - 1]->path, bands[i].path);
        else
            order[in->tile_k - 1] = &bands[i];
    }
    for (int k = 0; k < n && !rc; k++)
        if (!order[k])
            rc = cli_usage_error("merge: band %d/%d is missing", k + 1, n);
    if (!rc && format == MAP_NC && bands[0].info.seeds > 1)   /* its variables are one seed's */
        rc = cli_usage_error("merge: '%s' is an ensemble of %d seeds; a NetCDF map holds one "
                             "seed's columns: merge it to CSV", bands[0].path,
                             bands[0].info.seeds);
    if (!rc)
        rc = check_coverage(order, n);
    outfile of;
    if (!rc && !(rc = outfile_open(&of, output))) {
        rc = write_merged(&of, format, order, n);
        if (rc)
            outfile_discard(&of);
        else
            rc = outfile_commit(&of);
    }
    for (int i = 0; i < npos; i++) {
        gs_map_info_free(&bands[i].info);
        free(bands[i].common);
    }
    free(bands);
    free(order);
    return rc;
}
