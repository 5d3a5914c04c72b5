/* NetCDF maps through libnetcdf: the layout and the writer (the reader is
 * map_netcdf_read.c). Everything in the file comes from the two
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

#include "map_netcdf_impl.h"

/* 64-bit offsets: any map gridsweep allows fits (a record is one row of cells,
 * well under 4 GiB), the header has no timestamps or addresses, and scipy,
 * netCDF4-python and every netCDF-C reader open it. */
#define FILE_MODE NC_64BIT_OFFSET

int map_nc_fail(gs_error *err, const char *path, int status)
{
    return gs_fail(err, "%s: %s", path, nc_strerror(status));
}

role map_nc_role(const gs_map_column *col, const gs_map_info *info)
{
    const size_t start = offsetof(gs_map_row, start);
    if (col->offset == offsetof(gs_map_row, ix) || col->offset == offsetof(gs_map_row, iy))
        return ROLE_INDEX;
    if (col->offset == start + info->x.param * sizeof(map_coord))
        return ROLE_X;
    if (col->offset == start + info->y.param * sizeof(map_coord))
        return ROLE_Y;
    return ROLE_VAR;
}

void map_nc_axis(const gs_map_info *info, role r, map_axis *out)
{
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        if (map_nc_role(col, info) == r) {
            snprintf(out->name, sizeof out->name, "%s", col->name);
            snprintf(out->long_name, sizeof out->long_name, "%s", col->description);
            return;
        }
    }
    const char *param = gs_param_name(r == ROLE_X ? info->x.param : info->y.param);
    snprintf(out->name, sizeof out->name, "%s", param);
    snprintf(out->long_name, sizeof out->long_name, "start: %s", param);
}

bool gs_map_is_netcdf(const void *start, size_t n)
{
    const unsigned char *s = start;
    if (n >= 4 && memcmp(s, "CDF", 3) == 0 && (s[3] == 1 || s[3] == 2 || s[3] == 5))
        return true;
    return n >= 4 && memcmp(s, "\x89HDF", 4) == 0;
}

int map_nc_parse_header(const char *header, const char *path, gs_map_info *info,
                        gs_error *err)
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

/* The dimensions, the coordinates (x, then y), then every other column. */
static int define_schema(int ncid, const gs_map_info *info, int *xvar)
{
    int st, xdim, ydim, dims[2], varid;
    map_axis x, y;
    map_nc_axis(info, ROLE_X, &x);
    map_nc_axis(info, ROLE_Y, &y);
    if ((st = define_globals(ncid, info)) || (st = nc_def_dim(ncid, y.name, NC_UNLIMITED, &ydim)) ||
        (st = nc_def_dim(ncid, x.name, (size_t)info->x.n, &xdim)) ||
        (st = nc_def_var(ncid, x.name, map_nc_stored(GS_COL_FLOAT, info->precision).type, 1, &xdim, xvar)) ||
        (st = put_text(ncid, *xvar, "long_name", x.long_name)) ||
        (st = put_text(ncid, *xvar, "axis", "X")) ||
        (st = nc_def_var(ncid, y.name, map_nc_stored(GS_COL_FLOAT, info->precision).type, 1, &ydim, &varid)) ||
        (st = put_text(ncid, varid, "long_name", y.long_name)) ||
        (st = put_text(ncid, varid, "axis", "Y")))
        return st;
    dims[0] = ydim, dims[1] = xdim;
    for (int i = 0; i < GS_MAP_NCOLUMNS && !st; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        if (map_nc_role(col, info) != ROLE_VAR)
            continue;
        if ((st = nc_def_var(ncid, col->name, map_nc_stored(col->type, info->precision).type, 2, dims, &varid)) ||
            (st = put_text(ncid, varid, "long_name", col->description)))
            break;
        if (col->type == GS_COL_OUTCOME)
            st = define_outcome_flags(ncid, varid);
    }
    return st;
}

int gs_map_nc_empty(const char *header, void **bytes, size_t *len, gs_error *err)
{
    gs_map_info info;
    if (map_nc_parse_header(header, "map header", &info, err))
        return -1;
    map_coord *x = malloc((size_t)info.x.n * sizeof *x);
    int ncid = -1, xvar = -1, st = x ? 0 : NC_ENOMEM;
    if (!st)
        st = nc_create_mem("map.nc", FILE_MODE, 1, &ncid);
    if (!st)
        st = define_schema(ncid, &info, &xvar);
    if (!st)
        st = nc_enddef(ncid);
    for (int i = 0; x && i < info.x.n; i++)
        x[i] = info.precision == GS_PRECISION_F64 ? gs_axis_value64(&info.x, i)
                                                  : gs_axis_value(&info.x, i);
    if (!st)
        st = nc_put_var_double(ncid, xvar, x);
    NC_memio mem = {0};
    if (ncid >= 0) {
        const int cst = nc_close_memio(ncid, &mem);
        st = st ? st : cst;
    }
    free(x);
    gs_map_info_free(&info);
    if (st) {
        free(mem.memory);
        return map_nc_fail(err, "the empty NetCDF map", st);
    }
    *bytes = mem.memory, *len = mem.size;
    return 0;
}

/* ---- rows --------------------------------------------------------------- */

/* Writes the pending row as record m->rows: its y value, then each variable. */
static int write_row(gs_map_nc *m, gs_error *err)
{
    const gs_map_info *in = &m->info;
    const size_t start[2] = {(size_t)m->rows, 0}, count[2] = {1, (size_t)m->nx};
    const int iy = in->row_lo + (int)m->rows;
    const map_coord y = in->precision == GS_PRECISION_F64 ? gs_axis_value64(&in->y, iy)
                                                          : gs_axis_value(&in->y, iy);
    int st = nc_put_vara_double(m->ncid, m->yvar, start, count, &y);
    for (int i = 0; i < GS_MAP_NCOLUMNS && !st; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        if (m->roles[i] != ROLE_VAR)
            continue;
        /* in memory: int32, double or the outcome's byte; libnetcdf converts a
         * double to the file's float or double */
        const size_t size = col->type == GS_COL_OUTCOME ? 1 : MEMBER_SIZE_INT;
        for (int ix = 0; ix < m->nx; ix++) {
            const unsigned char *v = MEMBER(&m->pending[ix], col);
            if (col->type == GS_COL_OUTCOME)
                m->stage[ix] = (unsigned char)(signed char)*(const gs_outcome *)(const void *)v;
            else if (col->type == GS_COL_FLOAT)
                memcpy(m->stage + (size_t)ix * sizeof(double), v, sizeof(double));
            else
                memcpy(m->stage + (size_t)ix * size, v, size);
        }
        st = col->type == GS_COL_FLOAT
                 ? nc_put_vara_double(m->ncid, m->varid[i], start, count,
                                      (const double *)(const void *)m->stage)
                 : nc_put_vara(m->ncid, m->varid[i], start, count, m->stage);
    }
    if (st) {
        m->torn = true;
        return map_nc_fail(err, m->path, st);
    }
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
    if (st) {
        m->torn = true;
        return map_nc_fail(err, m->path, st);
    }
    if (!m->torn)
        m->synced = m->rows;
    return 0;
}

/* After a failed write or sync (a full disk) libnetcdf still counts every
 * row it was given, and writes that count on closing, though some of their
 * pages never reached the file. The count is set back to the rows of the
 * last good sync, so that --resume writes the rest afresh (as new records,
 * filled first), the same bytes as an uninterrupted run. The count is the
 * big-endian word at byte 4 of a classic file (8 bytes for CDF-5). */
static void untear(const gs_map_nc *m, int format)
{
    const int width = format == NC_FORMAT_CDF5 ? 8 : 4;
    unsigned char word[8];
    for (int i = 0; i < width; i++)
        word[i] = (unsigned char)((uint64_t)m->synced >> (8 * (width - 1 - i)));
    FILE *f = fopen(m->path, "r+b");
    if (f) {
        if (fseek(f, 4, SEEK_SET) == 0)
            fwrite(word, 1, (size_t)width, f);
        fclose(f);
    }
}

int gs_map_nc_close(gs_map_nc *m, gs_error *err)
{
    if (!m)
        return 0;
    int format = NC_FORMAT_NETCDF4;
    nc_inq_format(m->ncid, &format);
    const int st = nc_close(m->ncid);
    if (m->torn && (format == NC_FORMAT_CLASSIC || format == NC_FORMAT_64BIT_OFFSET ||
                    format == NC_FORMAT_CDF5))
        untear(m, format);
    const int rc = st ? map_nc_fail(err, m->path, st) : 0;
    gs_map_info_free(&m->info);
    free(m->xcoord);
    free(m->stage);
    free(m->pending);
    free(m->path);
    free(m);
    return rc;
}
