/* Map rows: the column table (map.h), the row writer, and the row reader
 * that parses the same table back. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/ensemble.h"
#include "gridsweep/map.h"
#include "gridsweep/numformat.h"
#include "gridsweep/numparse.h"
#include "lines.h"

#define NFIELDS GS_MAP_NCOLUMNS

/* Each column's member must have the C type its type column says. */
#define CTYPE_INT int32_t
#define CTYPE_FLOAT double
#define CTYPE_OUTCOME gs_outcome
#define CHECK_TYPE(name, type, member, desc)                                               \
    _Static_assert(_Generic(((gs_map_row *)0)->member, CTYPE_##type: 1, default: 0),       \
                   "column " #name " is not " #type);
GS_MAP_COLUMN_TABLE(CHECK_TYPE, )

static const gs_map_column columns[] = {
#define COLUMN(name, type, member, desc) {#name, GS_COL_##type, offsetof(gs_map_row, member), desc},
    GS_MAP_COLUMN_TABLE(COLUMN, )
#undef COLUMN
};
_Static_assert(sizeof columns / sizeof *columns == GS_MAP_NCOLUMNS, "GS_MAP_NCOLUMNS");

const gs_map_column *gs_map_column_at(int i)
{
    return i >= 0 && i < GS_MAP_NCOLUMNS ? &columns[i] : NULL;
}

const char *gs_column_type_name(gs_column_type type)
{
    switch (type) {
    case GS_COL_INT: return "int";
    case GS_COL_FLOAT: return "float";
    case GS_COL_OUTCOME: return "outcome";
    }
    return "?";
}

#define VALUE(row, col, type) (*(const type *)(const void *)((const char *)(row) + (col)->offset))

/* ---- writing --------------------------------------------------------- */

/* The one writer of a map's float values (single-seed and ensemble rows):
 * an f64 map's as %.17g, which reads back as the double written; an f32
 * map's as %.9g of its float32, exact. NaN is "nan" whatever its sign bit:
 * kernel sets reach a divergence by different operations, and the sign of
 * the NaN is not a result. */
char *map_put_float(char *p, double v, gs_precision precision, char end)
{
    if (isnan(v))
        return p + sprintf(p, "nan%c", end);
    p = gs_format_g(p, precision == GS_PRECISION_F64 ? v : (double)(float)v,
                    precision == GS_PRECISION_F64 ? 17 : 9);
    *p++ = end;
    *p = 0;
    return p;
}

/* %d and %s, then end, without printf's cost (a row has 6 of them). */
static char *put_int(char *p, int32_t v, char end)
{
    char d[12];
    int n = 0;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do
        d[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = d[--n];
    *p++ = end;
    *p = 0;
    return p;
}

static char *put_word(char *p, const char *s, char end)
{
    const size_t n = strlen(s);
    memcpy(p, s, n);
    p[n] = end;
    p[n + 1] = 0;
    return p + n + 1;
}

int gs_map_format_row(char *buf, size_t size, const gs_map_row *row)
{
    char tmp[512], *p = tmp;
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *col = &columns[i];
        const char end = i + 1 < GS_MAP_NCOLUMNS ? ',' : '\n';
        switch (col->type) {
        case GS_COL_INT: p = put_int(p, VALUE(row, col, int32_t), end); break;
        case GS_COL_FLOAT:
            p = map_put_float(p, VALUE(row, col, double), row->precision, end);
            break;
        case GS_COL_OUTCOME: p = put_word(p, gs_outcome_name(VALUE(row, col, gs_outcome)), end); break;
        }
    }
    size_t len = (size_t)(p - tmp);
    if (len >= size)
        return -1;
    memcpy(buf, tmp, len + 1);
    return (int)len;
}

/* ---- reading --------------------------------------------------------- */

/* The file line of row `index`: the header lines, the column line, then rows. */
long long map_row_line(const gs_map_info *info, int64_t index)
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

int map_float(const char *s, gs_precision precision, double *out)
{
    if (precision == GS_PRECISION_F64)
        return gs_parse_double_any(s, out);
    float f;   /* an f32 map's values are floats: read as floats, widened */
    if (gs_parse_float_any(s, &f))
        return -1;
    *out = f;
    return 0;
}

#define FIELD(row, col, type) ((type *)(void *)((char *)(row) + (col)->offset))

/* Each field by its column's type; returns the index of the first bad field,
 * or -1. */
static int parse_fields(char *field[NFIELDS], gs_map_row *row, gs_precision precision)
{
    row->precision = precision;
    for (int i = 0; i < NFIELDS; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        switch (col->type) {
        case GS_COL_INT: {
            int64_t v;
            if (map_int(field[i], INT32_MIN, INT32_MAX, &v))
                return i;
            *FIELD(row, col, int32_t) = (int32_t)v;
            break;
        }
        case GS_COL_FLOAT:
            if (map_float(field[i], precision, FIELD(row, col, double)))
                return i;
            break;
        case GS_COL_OUTCOME:
            if (gs_outcome_parse(field[i], FIELD(row, col, gs_outcome)))
                return i;
            break;
        }
    }
    /* -1 is "never"; no other negative step */
    if (row->res.t_escape < -1)
        return GS_COLUMN_t_escape;
    if (row->res.t_enter < -1)
        return GS_COLUMN_t_enter;
    if (row->res.t_diverge < -1)
        return GS_COLUMN_t_diverge;
    return -1;
}

int gs_map_read_row(FILE *f, const gs_map_info *info, int64_t expected_index, gs_map_row *row,
                    long *line_start, gs_error *err)
{
    char buf[ROW_MAX], ex[48], *field[NFIELDS];
    if (info->seeds > 1) {   /* an ensemble: its mode and means (gridsweep/ensemble.h) */
        gs_ens_row ens;
        const int rc = gs_ens_read_row(f, info, expected_index, &ens, line_start, err);
        if (rc == 1)
            gs_ens_project(&ens, row);
        return rc;
    }
    if (line_start)
        *line_start = ftell(f);
    const long len = map_get_line(f, buf, sizeof buf);
    if (len == LINE_EOF)
        return 0;
    if (len < 0)
        return gs_fail(err, "line %lld: %s", map_row_line(info, expected_index), map_line_problem(len));
    const int64_t file_rows = (int64_t)(info->row_hi - info->row_lo) * info->x.n;
    if (expected_index >= file_rows)
        return gs_fail(err, "line %lld: more rows than the %lld cells %s",
                       map_row_line(info, expected_index), (long long)file_rows,
                       info->tile_n > 1 ? "of this band" : "of the map");
    buf[len - 1] = 0;
    const int n = split_fields(buf, field);
    if (n != NFIELDS)
        return gs_fail(err, "line %lld: %d fields, expected %d", map_row_line(info, expected_index),
                       n, NFIELDS);
    const int bad = parse_fields(field, row, info->precision);
    if (bad >= 0)
        return gs_fail(err, "line %lld: bad %s '%s'", map_row_line(info, expected_index),
                       gs_map_column_at(bad)->name, map_excerpt(field[bad], ex));
    const int64_t ix = expected_index % info->x.n, iy = info->row_lo + expected_index / info->x.n;
    if (row->ix != ix || row->iy != iy)
        return gs_fail(err, "line %lld: cell %d,%d out of order, expected %lld,%lld",
                       map_row_line(info, expected_index), (int)row->ix, (int)row->iy,
                       (long long)ix, (long long)iy);
    return 1;
}
