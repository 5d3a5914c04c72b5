/* Reading map files: the header, rows one at a time, and whole maps.
 * Strict on purpose: a file that is not exactly what the writer produces is
 * refused with one line saying where, so a damaged map is never half-read. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/map.h"
#include "gridsweep/numparse.h"

#define MAX_RES 65536                  /* the sweep's limits (sweep.h) */
#define MAX_CELLS ((int64_t)1 << 32)
#define HEADER_LINE_MAX 16384          /* the sweep writes at most 8 KiB of header */
#define HEADER_MAX (1 << 20)
#define ROW_MAX 512                    /* a row is at most ~260 bytes */
#define NFIELDS GS_MAP_NCOLUMNS

enum { LINE_EOF = 0, LINE_TORN = -1, LINE_LONG = -2, LINE_NUL = -3, LINE_IOERR = -4 };

/* One line into buf, '\n' kept. fgets finds the newline with memchr, which is
 * what makes a 3 GB map quick to read; a NUL byte shows up as a line whose
 * strlen stops short of its newline. */
static long get_line(FILE *f, char *buf, int size)
{
    if (!fgets(buf, size, f))
        return ferror(f) ? LINE_IOERR : LINE_EOF;
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        return (long)len;
    if (ferror(f))
        return LINE_IOERR;
    if (feof(f))
        return len ? LINE_TORN : LINE_NUL;
    return len == (size_t)size - 1 ? LINE_LONG : LINE_NUL;
}

static const char *line_problem(long code)
{
    switch (code) {
    case LINE_TORN: return "torn last line (no newline at the end of the file)";
    case LINE_LONG: return "line too long";
    case LINE_NUL: return "contains a NUL byte (binary data)";
    default: return strerror(errno ? errno : EIO);
    }
}

/* At most 40 characters of s, non-printable ones as '?', for messages. */
static const char *excerpt(const char *s, char out[48])
{
    size_t n = 0;
    for (; s[n] && s[n] != '\n' && n < 40; n++)
        out[n] = isprint((unsigned char)s[n]) ? s[n] : '?';
    if (s[n] && s[n] != '\n')
        out[n - 3] = out[n - 2] = out[n - 1] = '.';
    out[n] = 0;
    return out;
}

/* ---- numbers ---------------------------------------------------------- */

/* An integer within [lo, hi] (numparse.h's grammar). */
static int parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t v;
    if (gs_parse_i64(s, &v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* ---- header ----------------------------------------------------------- */

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
        long len = get_line(f, line, HEADER_LINE_MAX);
        if (len == LINE_EOF && lineno == 1)
            return gs_fail(err, "%s: empty file, not a gridsweep map", path);
        if (len == LINE_EOF || len == LINE_TORN)
            return gs_fail(err, "%s: ends inside the header (no column line): not a complete "
                                "gridsweep map", path);
        if (len < 0)
            return gs_fail(err, "%s: line %d: %s", path, lineno, line_problem(len));
        if (lineno == 1 && strcmp(line, GS_MAP_MAGIC "\n") != 0) {
            if (strncmp(line, "# gridsweep-trace", 17) == 0)
                return gs_fail(err, "%s: is a trace file, not a map", path);
            return gs_fail(err, "%s: not a gridsweep map (line 1 is '%s', expected '%s')",
                           path, excerpt(line, ex), GS_MAP_MAGIC);
        }
        if (line[0] != '#') {
            line[len - 1] = 0;
            if (strcmp(line, GS_MAP_COLUMNS) != 0)
                return gs_fail(err, "%s: line %d: expected the column line '%.24s...', got "
                                    "'%s'", path, lineno, GS_MAP_COLUMNS, excerpt(line, ex));
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
                           excerpt(p, ex));
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

/* "NX,NY", both within the sweep's limits. */
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
    if (parse_i64(buf, 1, MAX_RES, &x) || parse_i64(comma + 1, 1, MAX_RES, &y) ||
        x * y > MAX_CELLS)
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
    if (parse_i64(buf, 1, ny, &v[0]) || parse_i64(slash + 1, v[0], ny, &v[1]) ||
        parse_i64(rows + 6, 0, ny - 1, &v[2]) || parse_i64(colon + 1, v[2] + 1, ny, &v[3]))
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
                       MAX_RES, res);
    info->tile_k = info->tile_n = 1;
    info->row_lo = 0, info->row_hi = info->y.n;
    if (tile && parse_tile(tile, info))
        return gs_fail(err, "%s: header 'tile': expected K/N rows=LO:HI within the %d rows, "
                            "got '%s'", path, info->y.n, tile);
    /* cells is the whole map's count, in a band too (docs/formats.md). */
    info->cells = (int64_t)info->x.n * info->y.n;
    int64_t c;
    if (parse_i64(cells, 1, MAX_CELLS, &c) || c != info->cells)
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

/* ---- rows ------------------------------------------------------------- */

/* The file line of row `index`: the header lines, the column line, then rows. */
static long long row_line(const gs_map_info *info, int64_t index)
{
    long long n = 0;
    for (size_t i = 0; i < info->header_len; i++)
        n += info->header[i] == '\n';
    return n + 2 + index;
}

/* Cuts the line into its fields at the commas; the count must be exact. */
static int split_fields(char *s, char *field[NFIELDS])
{
    int n = 0;
    for (char *p = s;; p++) {
        if (n < NFIELDS)
            field[n] = p;
        n++;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = 0;
    }
    return n;
}

#define MEMBER(row, col, type) ((type *)(void *)((char *)(row) + (col)->offset))

/* Each field by its column's type; returns the index of the first bad field,
 * or -1. */
static int parse_fields(char *field[NFIELDS], gs_map_row *row)
{
    for (int i = 0; i < NFIELDS; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        switch (col->type) {
        case GS_COL_INT: {
            int64_t v;
            if (parse_i64(field[i], INT32_MIN, INT32_MAX, &v))
                return i;
            *MEMBER(row, col, int32_t) = (int32_t)v;
            break;
        }
        case GS_COL_FLOAT:
            if (gs_parse_float_any(field[i], MEMBER(row, col, float)))
                return i;
            break;
        case GS_COL_OUTCOME:
            if (gs_outcome_parse(field[i], MEMBER(row, col, gs_outcome)))
                return i;
            break;
        }
    }
    if (row->res.t_conv < -1)   /* -1 is "never"; no other negative step */
        return GS_COLUMN_t_conv;
    return -1;
}

int gs_map_read_row(FILE *f, const gs_map_info *info, int64_t expected_index, gs_map_row *row,
                    long *line_start, gs_error *err)
{
    char buf[ROW_MAX], ex[48], *field[NFIELDS];
    if (line_start)
        *line_start = ftell(f);
    const long len = get_line(f, buf, sizeof buf);
    if (len == LINE_EOF)
        return 0;
    if (len < 0)
        return gs_fail(err, "line %lld: %s", row_line(info, expected_index), line_problem(len));
    const int64_t file_rows = (int64_t)(info->row_hi - info->row_lo) * info->x.n;
    if (expected_index >= file_rows)
        return gs_fail(err, "line %lld: more rows than the %lld cells %s",
                       row_line(info, expected_index), (long long)file_rows,
                       info->tile_n > 1 ? "of this band" : "of the map");
    buf[len - 1] = 0;
    const int n = split_fields(buf, field);
    if (n != NFIELDS)
        return gs_fail(err, "line %lld: %d fields, expected %d", row_line(info, expected_index),
                       n, NFIELDS);
    const int bad = parse_fields(field, row);
    if (bad >= 0)
        return gs_fail(err, "line %lld: bad %s '%s'", row_line(info, expected_index),
                       gs_map_column_at(bad)->name, excerpt(field[bad], ex));
    const int64_t ix = expected_index % info->x.n, iy = info->row_lo + expected_index / info->x.n;
    if (row->ix != ix || row->iy != iy)
        return gs_fail(err, "line %lld: cell %d,%d out of order, expected %lld,%lld",
                       row_line(info, expected_index), (int)row->ix, (int)row->iy,
                       (long long)ix, (long long)iy);
    return 1;
}

/* ---- whole maps ------------------------------------------------------- */

void gs_map_grid_free(gs_map_grid *grid)
{
    gs_map_info_free(&grid->info);
    free(grid->outcome);
    free(grid->final_loss);
    free(grid->t_conv);
    memset(grid, 0, sizeof *grid);
}

static int load_rows(FILE *f, const char *path, gs_map_grid *g, gs_error *err)
{
    const int64_t cells = g->info.cells;
    g->outcome = malloc((size_t)cells);
    g->final_loss = malloc((size_t)cells * sizeof *g->final_loss);
    g->t_conv = malloc((size_t)cells * sizeof *g->t_conv);
    if (!g->outcome || !g->final_loss || !g->t_conv)
        return gs_fail(err, "%s: out of memory for %lld cells", path, (long long)cells);
    gs_map_row row;
    gs_error e;
    for (int64_t i = 0;; i++) {
        const int rc = gs_map_read_row(f, &g->info, i, &row, NULL, &e);
        if (rc < 0)
            return gs_fail(err, "%s: %s", path, e.msg);
        if (rc == 0) {
            if (i < cells)
                return gs_fail(err, "%s: truncated: %lld of %lld rows", path, (long long)i,
                               (long long)cells);
            return 0;
        }
        g->outcome[i] = (uint8_t)row.res.outcome;
        g->final_loss[i] = row.res.final_loss;
        g->t_conv[i] = row.res.t_conv;
    }
}

int gs_map_load(const char *path, gs_map_grid *grid, gs_error *err)
{
    memset(grid, 0, sizeof *grid);
    FILE *f = fopen(path, "rb");
    if (!f)
        return gs_fail(err, "%s: %s", path, strerror(errno));
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    int rc = gs_map_read_header(f, path, &grid->info, err);
    const gs_map_info *in = &grid->info;
    if (rc == 0 && in->tile_n > 1)
        rc = gs_fail(err, "%s: is band %d/%d (rows %d:%d) of a tiled map; join the bands with "
                          "gridsweep merge first", path, in->tile_k, in->tile_n, in->row_lo,
                     in->row_hi);
    if (rc == 0) {
        grid->nx = in->x.n, grid->ny = in->y.n;
        rc = load_rows(f, path, grid, err);
    }
    fclose(f);
    if (rc)
        gs_map_grid_free(grid);
    return rc;
}

/* ---- comparing planes ------------------------------------------------- */

static bool same_axis(const gs_axis *a, const gs_axis *b)
{
    return a->param == b->param && a->lo == b->lo && a->hi == b->hi && a->log == b->log;
}

/* "a=1,c=1,lr=0.1" as values per parameter; NAN where absent. */
static int parse_at(const char *s, double v[GS_P_COUNT])
{
    char buf[256];
    for (int p = 0; p < GS_P_COUNT; p++)
        v[p] = NAN;
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), *end;
        gs_param p;
        if (!eq)
            return -1;
        *eq = 0;
        if (gs_param_parse(tok, &p) || !isnan(v[p]))
            return -1;
        v[p] = strtod(eq + 1, &end);
        if (end == eq + 1 || *end || isnan(v[p]))
            return -1;
    }
    return 0;
}

static bool same_at(const char *a, const char *b)
{
    double va[GS_P_COUNT], vb[GS_P_COUNT];
    if (!a || !b)
        return a == b;
    if (parse_at(a, va) || parse_at(b, vb))
        return strcmp(a, b) == 0;
    for (int p = 0; p < GS_P_COUNT; p++)
        if (!(va[p] == vb[p] || (isnan(va[p]) && isnan(vb[p]))))
            return false;
    return true;
}

static const char *or_none(const char *s) { return s ? s : "(none)"; }

int gs_map_same_plane(const gs_map_info *a, const gs_map_info *b, gs_error *err)
{
    static const char *const keys[] = {"x", "y", "res", "at"};
    bool same[4] = {same_axis(&a->x, &b->x), same_axis(&a->y, &b->y),
                    a->x.n == b->x.n && a->y.n == b->y.n,
                    same_at(gs_map_get(a, "at"), gs_map_get(b, "at"))};
    for (int i = 0; i < 4; i++)
        if (!same[i])
            return gs_fail(err, "%s differs: '%s' vs '%s'", keys[i],
                           or_none(gs_map_get(a, keys[i])), or_none(gs_map_get(b, keys[i])));
    return 0;
}
