/* Reading a NetCDF map: its header back from the global attributes, its
 * variables checked against the column table, its length against its record
 * count, and its rows of cells. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "map_netcdf_impl.h"

/* ---- opening ------------------------------------------------------------ */

/* The header text again from the global attributes after MAP_ATTR. */
static int read_header(gs_map_nc *m, gs_error *err)
{
    int natts, st = nc_inq_natts(m->ncid, &natts);
    if (st)
        return map_nc_fail(err, m->path, st);
    size_t cap = 4096, used = 0;
    char *h = malloc(cap), name[NC_MAX_NAME + 1];
    bool in_map = false;
    if (!h)
        return gs_fail(err, "%s: out of memory", m->path);
    used = (size_t)snprintf(h, cap, "%s\n", GS_MAP_MAGIC);
    for (int i = 0; i < natts; i++) {
        nc_type type;
        size_t len;
        if ((st = nc_inq_attname(m->ncid, NC_GLOBAL, i, name)) ||
            (st = nc_inq_att(m->ncid, NC_GLOBAL, name, &type, &len)))
            break;
        if (!in_map) {
            in_map = strcmp(name, MAP_ATTR) == 0;
            continue;
        }
        const size_t need = used + strlen(name) + len + 8 + sizeof GS_MAP_COLUMNS;
        char *grown = need > cap ? realloc(h, cap = need * 2) : h;
        if (!grown || type != NC_CHAR) {
            free(grown ? grown : h);
            return grown ? gs_fail(err, "%s: global attribute '%s' is not text", m->path, name)
                         : gs_fail(err, "%s: out of memory", m->path);
        }
        h = grown;
        used += (size_t)sprintf(h + used, "# %s: ", name);
        if ((st = nc_get_att_text(m->ncid, NC_GLOBAL, name, h + used)))
            break;
        if (memchr(h + used, '\n', len) || memchr(h + used, '\0', len)) {
            free(h);   /* a line break would make a header line of its own */
            return gs_fail(err, "%s: global attribute '%s' is not one line of text", m->path,
                           name);
        }
        used += len;
        h[used++] = '\n';
    }
    if (!st && !in_map) {
        free(h);
        return gs_fail(err, "%s: a NetCDF file, but not a gridsweep map (no '%s' attribute)",
                       m->path, MAP_ATTR);
    }
    if (!st)
        snprintf(h + used, cap - used, "%s\n", GS_MAP_COLUMNS);
    const int rc = st ? map_nc_fail(err, m->path, st)
                      : map_nc_parse_header(h, m->path, &m->info, err);
    free(h);
    return rc;
}

/* A variable named name, of this type, over exactly these dimensions. */
static int find_var(gs_map_nc *m, const char *name, nc_type want, int ndims, const int *dims,
                    int *varid, gs_error *err)
{
    nc_type type;
    int n, d[NC_MAX_VAR_DIMS];
    if (nc_inq_varid(m->ncid, name, varid) || nc_inq_var(m->ncid, *varid, NULL, &type, &n, d, NULL))
        return gs_fail(err, "%s: no variable '%s' (a column of the map)", m->path, name);
    if (type != want || n != ndims || memcmp(d, dims, (size_t)n * sizeof *d) != 0)
        return gs_fail(err, "%s: variable '%s' has another type or other dimensions than "
                            "gridsweep writes", m->path, name);
    return 0;
}

static int find_schema(gs_map_nc *m, gs_error *err)
{
    const gs_map_info *in = &m->info;
    map_axis x, y;
    map_nc_axis(in, ROLE_X, &x);
    map_nc_axis(in, ROLE_Y, &y);
    const char *xname = x.name, *yname = y.name;
    int xdim, ydim, unlim;
    size_t nx, nrec;
    if (nc_inq_dimid(m->ncid, xname, &xdim) || nc_inq_dimid(m->ncid, yname, &ydim) ||
        nc_inq_unlimdim(m->ncid, &unlim) || unlim != ydim || nc_inq_dimlen(m->ncid, xdim, &nx) ||
        nc_inq_dimlen(m->ncid, ydim, &nrec) || nx != (size_t)in->x.n)
        return gs_fail(err, "%s: expected the dimensions %s (unlimited) and %s (%d)", m->path,
                       yname, xname, in->x.n);
    m->nx = in->x.n;
    m->max_rows = in->row_hi - in->row_lo;
    m->rows = m->synced = (int64_t)nrec;
    if (m->rows > m->max_rows)
        return gs_fail(err, "%s: %lld rows, more than the %lld of %s", m->path,
                       (long long)m->rows, (long long)m->max_rows,
                       in->tile_n > 1 ? "this band" : "the map");
    const int dims[2] = {ydim, xdim};
    const nc_type coord = map_nc_stored(GS_COL_FLOAT, in->precision).type;
    if (find_var(m, xname, coord, 1, &xdim, &m->xvar, err) ||
        find_var(m, yname, coord, 1, &ydim, &m->yvar, err))
        return -1;
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        const role r = m->roles[i] = map_nc_role(col, in);
        if (r == ROLE_VAR &&
            find_var(m, col->name, map_nc_stored(col->type, in->precision).type, 2, dims, &m->varid[i], err))
            return -1;
    }
    return 0;
}

/* libnetcdf reads a record past the end of a cut file as zeros, without an
 * error: the file must be at least as long as its records say. In the format
 * gridsweep writes, its records start where they start in the file gridsweep
 * writes for this header (a header edited longer only moves them later). */
static int check_length(gs_map_nc *m, gs_error *err)
{
    int format;
    struct stat st;
    if (nc_inq_format(m->ncid, &format) || format != NC_FORMAT_64BIT_OFFSET ||
        stat(m->path, &st) != 0)
        return 0;   /* not the layout gridsweep writes (nccopy'd): libnetcdf's word */
    const size_t len = m->info.header_len + sizeof GS_MAP_COLUMNS + 1;
    char *header = malloc(len);
    void *empty = NULL;
    size_t begin = 0;
    if (!header)
        return gs_fail(err, "%s: out of memory", m->path);
    snprintf(header, len, "%s%s\n", m->info.header, GS_MAP_COLUMNS);
    const int rc = gs_map_nc_empty(header, &empty, &begin, err);
    free(header);
    free(empty);
    if (rc)
        return -1;
    /* A record: each record variable's row, padded to 4 bytes; y first. */
    const gs_precision precision = m->info.precision;
    int64_t record = ((int64_t)map_nc_stored(GS_COL_FLOAT, precision).size + 3) / 4 * 4;
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const int64_t bytes =
            (int64_t)m->nx * (int64_t)map_nc_stored(gs_map_column_at(i)->type, precision).size;
        record += m->roles[i] == ROLE_VAR ? (bytes + 3) / 4 * 4 : 0;
    }
    const int64_t need = (int64_t)begin + m->rows * record;
    if ((int64_t)st.st_size < need)
        return gs_fail(err, "%s: cut short: %lld bytes, its %lld rows of cells need %lld", m->path,
                       (long long)st.st_size, (long long)m->rows, (long long)need);
    return 0;
}

int gs_map_nc_open(const char *path, bool write, gs_map_nc **out, gs_error *err)
{
    gs_map_nc *m = calloc(1, sizeof *m);
    *out = NULL;
    if (!m || !(m->path = strdup(path))) {
        free(m);
        return gs_fail(err, "%s: out of memory", path);
    }
    int st = nc_open(path, write ? NC_WRITE : NC_NOWRITE, &m->ncid);
    if (st) {
        free(m->path);
        free(m);
        return map_nc_fail(err, path, st);
    }
    int rc = read_header(m, err);
    if (!rc)
        rc = find_schema(m, err);
    if (!rc)
        rc = check_length(m, err);
    if (!rc) {
        m->xcoord = malloc((size_t)m->nx * sizeof *m->xcoord);
        m->stage = malloc((size_t)m->nx * sizeof(double));
        m->pending = write ? malloc((size_t)m->nx * sizeof *m->pending) : NULL;
        if (!m->xcoord || !m->stage || (write && !m->pending))
            rc = gs_fail(err, "%s: out of memory for a row of %d cells", path, m->nx);
        else if ((st = nc_get_var_double(m->ncid, m->xvar, m->xcoord)))
            rc = map_nc_fail(err, path, st);
    }
    if (rc) {
        gs_map_nc_close(m, NULL);
        return -1;
    }
    *out = m;
    return 0;
}

const gs_map_info *gs_map_nc_info(const gs_map_nc *m) { return &m->info; }
int64_t gs_map_nc_rows(const gs_map_nc *m) { return m->torn ? m->synced : m->rows; }

int gs_map_nc_copy_info(const gs_map_nc *m, gs_map_info *out, gs_error *err)
{
    const size_t len = m->info.header_len + sizeof GS_MAP_COLUMNS + 1;
    char *text = malloc(len);
    if (!text)
        return gs_fail(err, "%s: out of memory", m->path);
    snprintf(text, len, "%s%s\n", m->info.header, GS_MAP_COLUMNS);
    const int rc = map_nc_parse_header(text, m->path, out, err);
    free(text);
    return rc;
}

/* ---- rows --------------------------------------------------------------- */

int gs_map_nc_read_row(gs_map_nc *m, int64_t r, gs_map_row *cells, gs_error *err)
{
    const gs_map_info *in = &m->info;
    if (r < 0 || r >= m->rows)
        return gs_fail(err, "%s: no row %lld (the file has %lld)", m->path, (long long)r,
                       (long long)m->rows);
    const size_t start[2] = {(size_t)r, 0}, count[2] = {1, (size_t)m->nx};
    map_coord y;
    int st = nc_get_vara_double(m->ncid, m->yvar, start, count, &y);
    for (int i = 0; i < GS_MAP_NCOLUMNS && !st; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        if (m->roles[i] != ROLE_VAR)
            continue;
        /* FLOAT as double whatever the file holds (libnetcdf converts) */
        st = col->type == GS_COL_FLOAT
                 ? nc_get_vara_double(m->ncid, m->varid[i], start, count,
                                      (double *)(void *)m->stage)
                 : nc_get_vara(m->ncid, m->varid[i], start, count, m->stage);
        if (st)
            continue;
        const size_t size = col->type == GS_COL_FLOAT ? sizeof(double) : MEMBER_SIZE_INT;
        for (int ix = 0; ix < m->nx; ix++) {
            if (col->type == GS_COL_OUTCOME) {
                const signed char k = (signed char)m->stage[ix];
                if (k < 0 || k >= GS_OUT_COUNT)
                    return gs_fail(err, "%s: row %lld, cell %d: bad %s %d", m->path,
                                   (long long)r, ix, col->name, k);
                *(gs_outcome *)(void *)MEMBER(&cells[ix], col) = (gs_outcome)k;
            } else {
                memcpy(MEMBER(&cells[ix], col), m->stage + (size_t)ix * size, size);
            }
        }
    }
    if (st)
        return map_nc_fail(err, m->path, st);
    for (int ix = 0; ix < m->nx; ix++) {
        gs_map_row *c = &cells[ix];
        c->ix = ix, c->iy = (int32_t)(in->row_lo + r);
        c->precision = in->precision;
        c->start[in->x.param] = m->xcoord[ix];
        c->start[in->y.param] = y;
        /* -1 is "never", as in the CSV reader; no other negative step */
        const struct { const char *name; int32_t v; } steps[] = {
            {"t_escape", c->res.t_escape}, {"t_enter", c->res.t_enter},
            {"t_diverge", c->res.t_diverge}};
        for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++)
            if (steps[s].v < -1)
                return gs_fail(err, "%s: row %lld, cell %d: bad %s %d", m->path, (long long)r,
                               ix, steps[s].name, (int)steps[s].v);
    }
    return 0;
}

