/* The map header: its writer and its reader side by side, and the
 * same-plane test on two headers. The reader is strict on purpose: a file that
 * is not exactly what the writer produces is refused with one line saying
 * where, so a damaged map is never half-read. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/ensemble.h"
#include "gridsweep/map.h"
#include "gridsweep/settings.h"
#include "gridsweep/version.h"
#include "lines.h"

#define HEADER_MAX (1 << 20)

/* ---- writing --------------------------------------------------------- */

char *gs_map_header(const gs_train_config *train, const gs_plane *plane)
{
    const size_t cap = 8192;
    char *h = malloc(cap), x[96], y[96], at[160], args[2048], lines[2048];
    if (!h)
        return NULL;
    const char *act = gs_act_get(train->act)->name;
    gs_axis_format(&plane->x, x, sizeof x);
    gs_axis_format(&plane->y, y, sizeof y);
    gs_plane_format_at(plane, train->precision == GS_PRECISION_F64, at, sizeof at);
    gs_train_config_args(train, false, args, sizeof args);
    gs_train_config_lines(train, false, lines, sizeof lines);
    const int nx = plane->x.n, ny = plane->y.n;
    int len = snprintf(h, cap,
                       GS_MAP_MAGIC "\n# version: %s\n# sleef: %s\n"
                       "# command: gridsweep --act %s --x %s --y %s --at %s --res %d,%d%s\n"
                       "# act: %s\n# x: %s\n# y: %s\n# res: %d,%d\n# at: %s\n%s# cells: %lld\n",
                       GS_VERSION, GS_SLEEF_VERSION, act, x, y, at, nx, ny, args, act, x, y, nx,
                       ny, at, lines, (long long)nx * ny);
    if (plane->tile_n > 1) {
        int lo, hi;
        gs_plane_rows(plane, &lo, &hi);
        len += snprintf(h + len, cap - (size_t)len, "# tile: %d/%d rows=%d:%d\n",
                        plane->tile_k, plane->tile_n, lo, hi);
    }
    if (train->seeds > 1) {   /* an ensemble's columns (gridsweep/ensemble.h) */
        const int n = gs_ens_column_line(h + len, cap - (size_t)len - 1);
        if (n < 0) {
            free(h);
            return NULL;
        }
        strcpy(h + len + n, "\n");
    } else {
        snprintf(h + len, cap - (size_t)len, GS_MAP_COLUMNS "\n");
    }
    return h;
}

/* ---- reading ---------------------------------------------------------- */

const char *gs_map_get(const gs_map_info *info, const char *key)
{
    for (int i = 0; i < info->nkeys; i++)
        if (strcmp(info->keys[i], key) == 0)
            return info->values[i];
    return NULL;
}

void gs_map_info_free(gs_map_info *info)
{
    free(info->header);
    free(info->kv_store);
    memset(info, 0, sizeof *info);
}

/* Appends a line to the verbatim header text. */
static int add_header(gs_map_info *info, size_t *cap, const char *line, size_t len)
{
    if (info->header_len + len + 1 > HEADER_MAX)
        return -1;
    if (info->header_len + len + 1 > *cap) {
        size_t ncap = *cap ? *cap * 2 : 4096;
        while (ncap < info->header_len + len + 1)
            ncap *= 2;
        char *h = realloc(info->header, ncap);
        if (!h)
            return -1;
        info->header = h, *cap = ncap;
    }
    memcpy(info->header + info->header_len, line, len + 1);
    info->header_len += len;
    return 0;
}

/* Reads the '#' lines and the column line that follows them. */
static int read_header_lines(FILE *f, const char *path, gs_map_info *info, char *line,
                             gs_error *err)
{
    size_t cap = 0;
    char ex[48];
    for (int lineno = 1;; lineno++) {
        long len = map_get_line(f, line, HEADER_LINE_MAX);
        if (len == LINE_EOF && lineno == 1)
            return gs_fail(err, "%s: empty file, not a gridsweep map", path);
        if (len == LINE_EOF || len == LINE_TORN)
            return gs_fail(err, "%s: ends inside the header (no column line): not a complete "
                                "gridsweep map", path);
        if (len < 0)
            return gs_fail(err, "%s: line %d: %s", path, lineno, map_line_problem(len));
        if (lineno == 1 && strcmp(line, GS_MAP_MAGIC "\n") != 0) {
            if (strncmp(line, "# gridsweep-trace", 17) == 0)
                return gs_fail(err, "%s: is a trace file, not a map", path);
            return gs_fail(err, "%s: not a gridsweep map (line 1 is '%s', expected '%s')",
                           path, map_excerpt(line, ex), GS_MAP_MAGIC);
        }
        if (line[0] != '#') {   /* the column line: a single seed's or an ensemble's */
            char ens[HEADER_LINE_MAX];
            line[len - 1] = 0;
            info->seeds = strcmp(line, GS_MAP_COLUMNS) == 0 ? 1 : 0;
            if (!info->seeds && gs_ens_column_line(ens, sizeof ens) > 0 && strcmp(line, ens) == 0)
                info->seeds = GS_MAX_SEEDS + 1;   /* an ensemble: its seeds line says how many */
            if (!info->seeds)
                return gs_fail(err, "%s: line %d: expected the column line '%.24s...', got "
                                    "'%s'", path, lineno, GS_MAP_COLUMNS, map_excerpt(line, ex));
            return 0;
        }
        if (add_header(info, &cap, line, (size_t)len))
            return gs_fail(err, "%s: header too long (or out of memory)", path);
    }
}

/* Splits the private copy of the header into "# key: value" pairs. */
static int split_keys(const char *path, gs_map_info *info, gs_error *err)
{
    if (!(info->kv_store = malloc(info->header_len + 1)))
        return gs_fail(err, "%s: out of memory", path);
    memcpy(info->kv_store, info->header, info->header_len + 1);
    char *p = strchr(info->kv_store, '\n') + 1, ex[48];   /* past the magic line */
    for (int lineno = 2; *p; lineno++) {
        char *nl = strchr(p, '\n'), *k = p + 2, *q = k;
        *nl = 0;
        while (islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_')
            q++;
        if (p[1] != ' ' || q == k || q[0] != ':' || q[1] != ' ')
            return gs_fail(err, "%s: line %d: expected '# key: value', got '%s'", path, lineno,
                           map_excerpt(p, ex));
        *q = 0;
        if (gs_map_get(info, k))
            return gs_fail(err, "%s: line %d: key '%s' given twice", path, lineno, k);
        if (info->nkeys == GS_MAP_MAX_KEYS)
            return gs_fail(err, "%s: more than %d header keys", path, GS_MAP_MAX_KEYS);
        info->keys[info->nkeys] = k;
        info->values[info->nkeys++] = q + 2;
        p = nl + 1;
    }
    return 0;
}

static const char *need(const gs_map_info *info, const char *path, const char *key,
                        gs_error *err)
{
    const char *v = gs_map_get(info, key);
    if (!v)
        gs_fail(err, "%s: the header has no '%s' line", path, key);
    return v;
}

/* "NX,NY", within the limits of the plane (plane.h), which the sweep keeps. */
static int parse_res(const char *s, int *nx, int *ny)
{
    char buf[32], *comma;
    int64_t x, y;
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    if (!(comma = strchr(buf, ',')))
        return -1;
    *comma = 0;
    if (map_int(buf, 1, GS_MAX_RES, &x) || map_int(comma + 1, 1, GS_MAX_RES, &y) ||
        x * y > GS_MAX_CELLS)
        return -1;
    *nx = (int)x, *ny = (int)y;
    return 0;
}

/* "K/N rows=LO:HI" */
static int parse_tile(const char *s, gs_map_info *info)
{
    char buf[64];
    int64_t v[4];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *slash = strchr(buf, '/'), *rows = strstr(buf, " rows="), *colon = strrchr(buf, ':');
    if (!slash || !rows || !colon || !(slash < rows && rows < colon))
        return -1;
    *slash = *rows = *colon = 0;
    const int ny = info->y.n;
    if (map_int(buf, 1, ny, &v[0]) || map_int(slash + 1, v[0], ny, &v[1]) ||
        map_int(rows + 6, 0, ny - 1, &v[2]) || map_int(colon + 1, v[2] + 1, ny, &v[3]))
        return -1;
    info->tile_k = (int)v[0], info->tile_n = (int)v[1];
    info->row_lo = (int)v[2], info->row_hi = (int)v[3];
    return 0;
}

/* The keys every map has, parsed and checked against each other. */
static int parse_keys(const char *path, gs_map_info *info, gs_error *err)
{
    const char *act = need(info, path, "act", err), *x = need(info, path, "x", err);
    const char *y = need(info, path, "y", err), *res = need(info, path, "res", err);
    const char *cells = need(info, path, "cells", err), *tile = gs_map_get(info, "tile");
    const char *at = gs_map_get(info, "at");
    if (!act || !x || !y || !res || !cells)
        return -1;
    if (gs_act_parse(act, &info->act))
        return gs_fail(err, "%s: header 'act': unknown activation '%s'", path, act);
    gs_error e;
    if (gs_axis_parse(x, &info->x, &e) || gs_axis_parse(y, &info->y, &e))
        return gs_fail(err, "%s: header: %s", path, e.msg);
    if (info->x.param == info->y.param)
        return gs_fail(err, "%s: header: x and y are both '%s'", path,
                       gs_param_name(info->x.param));
    if (parse_res(res, &info->x.n, &info->y.n))
        return gs_fail(err, "%s: header 'res': expected NX,NY (1 to %d each), got '%s'", path,
                       GS_MAX_RES, res);
    info->tile_k = info->tile_n = 1;
    info->row_lo = 0, info->row_hi = info->y.n;
    if (tile && parse_tile(tile, info))
        return gs_fail(err, "%s: header 'tile': expected K/N rows=LO:HI within the %d rows, "
                            "got '%s'", path, info->y.n, tile);
    /* A fixed value not given is unknown, not 0: NaN, which only NaN matches. */
    bool lr_given;
    for (int p = 0; p < GS_P_COUNT; p++)
        info->at[p] = NAN, info->at64[p] = NAN;
    if (at && gs_plane_parse_at(at, &info->plane, &lr_given, &e)) {
        const size_t option = strncmp(e.msg, "--at: ", 6) == 0 ? 6 : 0;   /* not typed here */
        return gs_fail(err, "%s: header 'at': %s", path, e.msg + option);
    }
    const char *precision = gs_map_get(info, "precision");
    info->precision = GS_PRECISION_F32;
    if (precision && gs_precision_parse(precision, &info->precision))
        return gs_fail(err, "%s: header 'precision': expected %s, got '%s'", path,
                       gs_precision_names(), precision);
    /* An ensemble's column line goes with a seeds line of 2 or more. */
    const char *seeds = gs_map_get(info, "seeds");
    int64_t ns = 1;
    if (seeds && map_int(seeds, 2, GS_MAX_SEEDS, &ns))
        return gs_fail(err, "%s: header 'seeds': expected 2 to %d, got '%s'", path, GS_MAX_SEEDS,
                       seeds);
    if ((ns > 1) != (info->seeds > 1))
        return gs_fail(err, "%s: the column line is %s, but the header %s", path,
                       info->seeds > 1 ? "an ensemble's" : "a single seed's",
                       seeds ? "has a seeds line" : "has no seeds line");
    info->seeds = (int)ns;
    /* cells is the whole map's count, in a band too (docs/formats.md). */
    info->cells = (int64_t)info->x.n * info->y.n;
    int64_t c;
    if (map_int(cells, 1, GS_MAX_CELLS, &c) || c != info->cells)
        return gs_fail(err, "%s: header 'cells' is '%s', expected %lld for res %s", path, cells,
                       (long long)info->cells, res);
    return 0;
}

int gs_map_read_header(FILE *f, const char *path, gs_map_info *info, gs_error *err)
{
    memset(info, 0, sizeof *info);
    char *line = malloc(HEADER_LINE_MAX);
    if (!line)
        return gs_fail(err, "%s: out of memory", path);
    int rc = read_header_lines(f, path, info, line, err);
    free(line);
    if (rc == 0)
        rc = split_keys(path, info, err);
    if (rc == 0)
        rc = parse_keys(path, info, err);
    if (rc)
        gs_map_info_free(info);
    return rc;
}

/* ---- the settings back --------------------------------------------- */

int gs_map_read_settings(const gs_map_info *info, const char *path, gs_train_config *train,
                         gs_error *err)
{
    *train = gs_train_defaults();
    train->act = info->act;
    for (int i = 0; i < gs_setting_count(); i++) {
        const gs_setting *s = gs_setting_at(i);
        const char *v = gs_map_get(info, s->key);
        gs_error e;
        if (!v && (s->if_set || s->type == GS_TYPE_RATE || strcmp(s->key, "lr") == 0))
            continue;   /* left out at its default; the rates are in 'at' or an axis */
        if (!v)
            return gs_fail(err, "%s: the header has no '%s' line", path, s->key);
        if (gs_setting_parse(s, s->key, v, train, &e))
            return gs_fail(err, "%s: header %s", path, e.msg);
    }
    if (!isnan(info->at[GS_P_LR]))
        train->lr = info->at[GS_P_LR];
    if (!isnan(info->at[GS_P_LR_IN]))
        train->lr_in = info->at[GS_P_LR_IN];
    if (!isnan(info->at[GS_P_LR_OUT]))
        train->lr_out = info->at[GS_P_LR_OUT];
    return 0;
}

/* ---- comparing planes ------------------------------------------------- */

static const char *or_none(const char *s) { return s ? s : "(none)"; }

int gs_map_same_plane(const gs_map_info *a, const gs_map_info *b, gs_error *err)
{
    const char *key;
    const bool f64 = a->precision == GS_PRECISION_F64 || b->precision == GS_PRECISION_F64;
    if (gs_plane_same(&a->plane, &b->plane, f64, &key))
        return gs_fail(err, "%s differs: '%s' vs '%s'", key, or_none(gs_map_get(a, key)),
                       or_none(gs_map_get(b, key)));
    return 0;
}
