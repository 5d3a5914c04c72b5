/* NetCDF maps through libnetcdf. Everything in the file comes from the two
 * tables: the column table (map.h) gives the variables, their types and long
 * names; the outcome table (train.h) gives outcome's flag_values and
 * flag_meanings; the map header gives the global attributes, one per
 * "# key: value" line, in order. Two columns are not variables: ix and iy
 * are the indices of the dimensions. The start columns of the two axis
 * parameters (b0 and d0 on the default plane) are the coordinates: the
 * dimensions carry their names and their variables hold the cell centres, so
 * xarray plots any variable against the true axis values. */
#define _POSIX_C_SOURCE 200809L   /* fmemopen */
#include <netcdf.h>
#include <netcdf_mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gridsweep/map_netcdf.h"

/* 64-bit offsets: any map gridsweep allows fits (a record is one row of cells,
 * well under 4 GiB), the header has no timestamps or addresses, and scipy,
 * netCDF4-python and every netCDF-C reader open it. */
#define FILE_MODE NC_64BIT_OFFSET
#define MAP_ATTR "gridsweep_map"        /* its value: the version in GS_MAP_MAGIC */
#define MAGIC_PREFIX "# gridsweep-map "

/* How each column type is stored: the one place that says FLOAT is float32
 * (NC_FLOAT, the C float of the row); a double FLOAT would change it here. */
#define NC_TYPE_INT NC_INT
#define NC_TYPE_FLOAT NC_FLOAT
#define NC_TYPE_OUTCOME NC_BYTE
#define NC_SIZE_INT 4
#define NC_SIZE_FLOAT 4
#define NC_SIZE_OUTCOME 1
#define MEMBER_SIZE_INT 4
#define MEMBER_SIZE_FLOAT 4
#define MEMBER_SIZE_OUTCOME sizeof(gs_outcome)
#define CHECK_SIZE(name, type, member, desc)                                               \
    _Static_assert(sizeof(((gs_map_row *)0)->member) == MEMBER_SIZE_##type,                \
                   "column " #name ": its member is not what NC_TYPE_" #type " stores");
GS_MAP_COLUMN_TABLE(CHECK_SIZE, )
_Static_assert(sizeof(float) == NC_SIZE_FLOAT, "the coordinates are FLOAT values");

static const struct {
    nc_type type;
    size_t size;
} stored[] = {
    [GS_COL_INT] = {NC_TYPE_INT, NC_SIZE_INT},
    [GS_COL_FLOAT] = {NC_TYPE_FLOAT, NC_SIZE_FLOAT},
    [GS_COL_OUTCOME] = {NC_TYPE_OUTCOME, NC_SIZE_OUTCOME},
};

/* What a column is in the file. */
typedef enum role { ROLE_INDEX, ROLE_X, ROLE_Y, ROLE_VAR } role;

struct gs_map_nc {
    int ncid;
    char *path;
    gs_map_info info;
    int nx;
    int64_t rows, max_rows;   /* records in the file; the band's rows */
    role roles[GS_MAP_NCOLUMNS];
    int varid[GS_MAP_NCOLUMNS];
    int xvar, yvar;
    float *xcoord;            /* nx cell centres */
    gs_map_row *pending;      /* the row being filled (writing) */
    int npending;
    unsigned char *stage;     /* nx values of one variable */
};

static int nc_fail(gs_error *err, const char *path, int status)
{
    return gs_fail(err, "%s: %s", path, nc_strerror(status));
}

static role role_of(const gs_map_column *col, const gs_map_info *info)
{
    const size_t start = offsetof(gs_map_row, start);
    if (col->offset == offsetof(gs_map_row, ix) || col->offset == offsetof(gs_map_row, iy))
        return ROLE_INDEX;
    if (col->offset == start + info->x.param * sizeof(float))
        return ROLE_X;
    if (col->offset == start + info->y.param * sizeof(float))
        return ROLE_Y;
    return ROLE_VAR;
}

static const char *column_of(const gs_map_info *info, role r)
{
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++)
        if (role_of(gs_map_column_at(i), info) == r)
            return gs_map_column_at(i)->name;
    return "?";
}

bool gs_map_is_netcdf(const void *start, size_t n)
{
    const unsigned char *s = start;
    if (n >= 4 && memcmp(s, "CDF", 3) == 0 && (s[3] == 1 || s[3] == 2 || s[3] == 5))
        return true;
    return n >= 4 && memcmp(s, "\x89HDF", 4) == 0;
}

/* The header text (with its column line) parsed like a CSV map's. */
static int parse_header(const char *header, const char *path, gs_map_info *info, gs_error *err)
{
    FILE *f = fmemopen((void *)header, strlen(header), "r");
    if (!f)
        return gs_fail(err, "%s: out of memory", path);
    const int rc = gs_map_read_header(f, path, info, err);
    fclose(f);
    return rc;
}

/* ---- the schema -------------------------------------------------------- */

static int put_text(int ncid, int varid, const char *name, const char *value)
{
    return nc_put_att_text(ncid, varid, name, strlen(value), value);
}

static int define_outcome_flags(int ncid, int varid)
{
    signed char values[GS_OUT_COUNT];
    char meanings[256] = "";
    for (int k = 0; k < GS_OUT_COUNT; k++) {
        values[k] = (signed char)k;
        strncat(meanings, k ? " " : "", sizeof meanings - strlen(meanings) - 1);
        strncat(meanings, gs_outcome_name((gs_outcome)k), sizeof meanings - strlen(meanings) - 1);
    }
    int st = nc_put_att_schar(ncid, varid, "flag_values", NC_BYTE, GS_OUT_COUNT, values);
    return st ? st : put_text(ncid, varid, "flag_meanings", meanings);
}

/* Global attributes: Conventions, the map marker, then every "# key: value"
 * line of the header in its order. */
static int define_globals(int ncid, const gs_map_info *info)
{
    int st = put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8");
    if (!st)
        st = put_text(ncid, NC_GLOBAL, MAP_ATTR, GS_MAP_MAGIC + strlen(MAGIC_PREFIX));
    for (int i = 0; i < info->nkeys && !st; i++)
        st = put_text(ncid, NC_GLOBAL, info->keys[i], info->values[i]);
    return st;
}

static int define_schema(int ncid, const gs_map_info *info, int *xvar)
{
    int st, xdim, ydim, dims[2], varid;
    const char *xname = column_of(info, ROLE_X), *yname = column_of(info, ROLE_Y);
    if ((st = define_globals(ncid, info)) || (st = nc_def_dim(ncid, yname, NC_UNLIMITED, &ydim)) ||
        (st = nc_def_dim(ncid, xname, (size_t)info->x.n, &xdim)))
        return st;
    dims[0] = ydim, dims[1] = xdim;
    for (int i = 0; i < GS_MAP_NCOLUMNS && !st; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        const role r = role_of(col, info);
        if (r == ROLE_INDEX)
            continue;
        const int ndims = r == ROLE_VAR ? 2 : 1;
        const int *d = r == ROLE_X ? &xdim : dims;
        if ((st = nc_def_var(ncid, col->name, stored[col->type].type, ndims, d, &varid)) ||
            (st = put_text(ncid, varid, "long_name", col->description)))
            break;
        if (r != ROLE_VAR)
            st = put_text(ncid, varid, "axis", r == ROLE_X ? "X" : "Y");
        if (r == ROLE_X)
            *xvar = varid;
        if (col->type == GS_COL_OUTCOME)
            st = define_outcome_flags(ncid, varid);
    }
    return st;
}

int gs_map_nc_empty(const char *header, void **bytes, size_t *len, gs_error *err)
{
    gs_map_info info;
    if (parse_header(header, "map header", &info, err))
        return -1;
    float *x = malloc((size_t)info.x.n * sizeof *x);
    int ncid = -1, xvar = -1, st = x ? 0 : NC_ENOMEM;
    if (!st)
        st = nc_create_mem("map.nc", FILE_MODE, 1, &ncid);
    if (!st)
        st = define_schema(ncid, &info, &xvar);
    if (!st)
        st = nc_enddef(ncid);
    for (int i = 0; x && i < info.x.n; i++)
        x[i] = gs_axis_value(&info.x, i);
    if (!st)
        st = nc_put_var_float(ncid, xvar, x);
    NC_memio mem = {0};
    if (ncid >= 0) {
        const int cst = nc_close_memio(ncid, &mem);
        st = st ? st : cst;
    }
    free(x);
    gs_map_info_free(&info);
    if (st) {
        free(mem.memory);
        return nc_fail(err, "the empty NetCDF map", st);
    }
    *bytes = mem.memory, *len = mem.size;
    return 0;
}

/* ---- opening ------------------------------------------------------------ */

/* The header text again from the global attributes after MAP_ATTR. */
static int read_header(gs_map_nc *m, gs_error *err)
{
    int natts, st = nc_inq_natts(m->ncid, &natts);
    if (st)
        return nc_fail(err, m->path, st);
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
    const int rc = st ? nc_fail(err, m->path, st) : parse_header(h, m->path, &m->info, err);
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
    const char *xname = column_of(in, ROLE_X), *yname = column_of(in, ROLE_Y);
    int xdim, ydim, unlim;
    size_t nx, nrec;
    if (nc_inq_dimid(m->ncid, xname, &xdim) || nc_inq_dimid(m->ncid, yname, &ydim) ||
        nc_inq_unlimdim(m->ncid, &unlim) || unlim != ydim || nc_inq_dimlen(m->ncid, xdim, &nx) ||
        nc_inq_dimlen(m->ncid, ydim, &nrec) || nx != (size_t)in->x.n)
        return gs_fail(err, "%s: expected the dimensions %s (unlimited) and %s (%d)", m->path,
                       yname, xname, in->x.n);
    m->nx = in->x.n;
    m->max_rows = in->row_hi - in->row_lo;
    m->rows = (int64_t)nrec;
    if (m->rows > m->max_rows)
        return gs_fail(err, "%s: %lld rows, more than the %lld of %s", m->path,
                       (long long)m->rows, (long long)m->max_rows,
                       in->tile_n > 1 ? "this band" : "the map");
    const int dims[2] = {ydim, xdim};
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        const role r = m->roles[i] = role_of(col, in);
        const nc_type t = stored[col->type].type;
        if (r == ROLE_X && find_var(m, col->name, t, 1, &xdim, &m->xvar, err))
            return -1;
        if (r == ROLE_Y && find_var(m, col->name, t, 1, &ydim, &m->yvar, err))
            return -1;
        if (r == ROLE_VAR && find_var(m, col->name, t, 2, dims, &m->varid[i], err))
            return -1;
    }
    return 0;
}

/* libnetcdf reads a record past the end of a cut file as zeros, without an
 * error: the file must be at least as long as its records say. Its records
 * start where they start in the file gridsweep writes for this header (a
 * header edited longer only moves them later). */
static int check_length(gs_map_nc *m, gs_error *err)
{
    int format;
    struct stat st;
    if (nc_inq_format(m->ncid, &format) || format == NC_FORMAT_NETCDF4 ||
        format == NC_FORMAT_NETCDF4_CLASSIC || stat(m->path, &st) != 0)
        return 0;
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
    int64_t record = (NC_SIZE_FLOAT + 3) / 4 * 4;   /* the y coordinate */
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++)
        if (m->roles[i] == ROLE_VAR)
            record += ((int64_t)m->nx * (int64_t)stored[gs_map_column_at(i)->type].size + 3) / 4 * 4;
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
        return nc_fail(err, path, st);
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
        else if ((st = nc_get_var_float(m->ncid, m->xvar, m->xcoord)))
            rc = nc_fail(err, path, st);
    }
    if (rc) {
        gs_map_nc_close(m, NULL);
        return -1;
    }
    *out = m;
    return 0;
}

const gs_map_info *gs_map_nc_info(const gs_map_nc *m) { return &m->info; }
int64_t gs_map_nc_rows(const gs_map_nc *m) { return m->rows; }

int gs_map_nc_copy_info(const gs_map_nc *m, gs_map_info *out, gs_error *err)
{
    const size_t len = m->info.header_len + sizeof GS_MAP_COLUMNS + 1;
    char *text = malloc(len);
    if (!text)
        return gs_fail(err, "%s: out of memory", m->path);
    snprintf(text, len, "%s%s\n", m->info.header, GS_MAP_COLUMNS);
    const int rc = parse_header(text, m->path, out, err);
    free(text);
    return rc;
}

int gs_map_nc_close(gs_map_nc *m, gs_error *err)
{
    if (!m)
        return 0;
    const int st = nc_close(m->ncid);
    const int rc = st ? nc_fail(err, m->path, st) : 0;
    gs_map_info_free(&m->info);
    free(m->xcoord);
    free(m->stage);
    free(m->pending);
    free(m->path);
    free(m);
    return rc;
}

/* ---- rows --------------------------------------------------------------- */

#define MEMBER(row, col) ((unsigned char *)(row) + (col)->offset)

int gs_map_nc_read_row(gs_map_nc *m, int64_t r, gs_map_row *cells, gs_error *err)
{
    const gs_map_info *in = &m->info;
    if (r < 0 || r >= m->rows)
        return gs_fail(err, "%s: no row %lld (the file has %lld)", m->path, (long long)r,
                       (long long)m->rows);
    const size_t start[2] = {(size_t)r, 0}, count[2] = {1, (size_t)m->nx};
    float y;
    int st = nc_get_vara_float(m->ncid, m->yvar, start, count, &y);
    for (int i = 0; i < GS_MAP_NCOLUMNS && !st; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        if (m->roles[i] != ROLE_VAR || (st = nc_get_vara(m->ncid, m->varid[i], start, count,
                                                         m->stage)))
            continue;
        const size_t size = stored[col->type].size;
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
        return nc_fail(err, m->path, st);
    for (int ix = 0; ix < m->nx; ix++) {
        gs_map_row *c = &cells[ix];
        c->ix = ix, c->iy = (int32_t)(in->row_lo + r);
        c->start[in->x.param] = m->xcoord[ix];
        c->start[in->y.param] = y;
        if (c->res.t_conv < -1)   /* -1 is "never", as in the CSV reader */
            return gs_fail(err, "%s: row %lld, cell %d: bad t_conv %d", m->path, (long long)r,
                           ix, (int)c->res.t_conv);
    }
    return 0;
}

/* Writes the pending row as record m->rows: its y value, then each variable. */
static int write_row(gs_map_nc *m, gs_error *err)
{
    const gs_map_info *in = &m->info;
    const size_t start[2] = {(size_t)m->rows, 0}, count[2] = {1, (size_t)m->nx};
    int st = nc_put_vara_float(m->ncid, m->yvar, start, count, &m->pending[0].start[in->y.param]);
    for (int i = 0; i < GS_MAP_NCOLUMNS && !st; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        if (m->roles[i] != ROLE_VAR)
            continue;
        const size_t size = stored[col->type].size;
        for (int ix = 0; ix < m->nx; ix++) {
            const unsigned char *v = MEMBER(&m->pending[ix], col);
            if (col->type == GS_COL_OUTCOME)
                m->stage[ix] = (unsigned char)(signed char)*(const gs_outcome *)(const void *)v;
            else
                memcpy(m->stage + (size_t)ix * size, v, size);
        }
        st = nc_put_vara(m->ncid, m->varid[i], start, count, m->stage);
    }
    if (st)
        return nc_fail(err, m->path, st);
    m->rows++;
    m->npending = 0;
    return 0;
}

int gs_map_nc_put(gs_map_nc *m, const gs_map_row *cell, gs_error *err)
{
    const int64_t iy = m->info.row_lo + m->rows;
    if (!m->pending || m->rows >= m->max_rows || cell->ix != m->npending || cell->iy != iy)
        return gs_fail(err, "%s: cell %d,%d out of order (expected %d,%lld)", m->path,
                       (int)cell->ix, (int)cell->iy, m->npending, (long long)iy);
    m->pending[m->npending++] = *cell;
    return m->npending == m->nx ? write_row(m, err) : 0;
}

int gs_map_nc_sync(gs_map_nc *m, gs_error *err)
{
    const int st = nc_sync(m->ncid);
    return st ? nc_fail(err, m->path, st) : 0;
}
