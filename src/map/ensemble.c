/* Ensemble maps (gridsweep/ensemble.h): their columns, made from the column
 * and outcome tables; the combination of N single-seed rows; the writer and
 * the reader of an ensemble row. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/ensemble.h"
#include "gridsweep/numparse.h"
#include "lines.h"

/* A result column: its field lies in gs_map_row.res. */
#define IS_RESULT(member) (offsetof(gs_map_row, member) >= offsetof(gs_map_row, res))
#define IS_STAT(type, member) (IS_RESULT(member) && GS_COL_##type != GS_COL_OUTCOME)

/* Every candidate column, in file order, and whether it is left out: the
 * table's columns are tested for being cell, outcome or statistic columns. */
typedef struct candidate {
    gs_ens_column col;
    bool out;
} candidate;

static const candidate candidates[] = {
#define CELL_(name, type, member, desc) {{#name, GS_ENS_CELL, GS_COLUMN_##name}, IS_RESULT(member)},
    GS_MAP_COLUMN_TABLE(CELL_, )
#define PROB_(ID, name) {{"p_" #name, GS_ENS_PROB, GS_OUT_##ID}, false},
    GS_OUTCOMES(PROB_)
#define MODE_(name, type, member, desc) \
    {{#name, GS_ENS_MODE, GS_COLUMN_##name}, GS_COL_##type != GS_COL_OUTCOME},
    GS_MAP_COLUMN_TABLE(MODE_, )
#define STAT_(name, type, member, desc)                                  \
    {{#name "_mean", GS_ENS_MEAN, GS_COLUMN_##name}, !IS_STAT(type, member)}, \
    {{#name "_std", GS_ENS_STD, GS_COLUMN_##name}, !IS_STAT(type, member)},
    GS_MAP_COLUMN_TABLE(STAT_, )
    {{"seed_outcomes", GS_ENS_SEEDS, 0}, false},
};
#define NCANDIDATES ((int)(sizeof candidates / sizeof *candidates))

int gs_ens_column_count(void)
{
    int n = 0;
    for (int i = 0; i < NCANDIDATES; i++)
        n += !candidates[i].out;
    return n;
}

const gs_ens_column *gs_ens_column_at(int i)
{
    for (int k = 0; k < NCANDIDATES; k++)
        if (!candidates[k].out && i-- == 0)
            return &candidates[k].col;
    return NULL;
}

const char *gs_ens_column_type(const gs_ens_column *c)
{
    switch (c->kind) {
    case GS_ENS_CELL: return gs_column_type_name(gs_map_column_at(c->of)->type);
    case GS_ENS_MODE: return "outcome";
    case GS_ENS_SEEDS: return "digits";
    default: return "float";
    }
}

int gs_ens_column_describe(const gs_ens_column *c, char *buf, size_t size)
{
    const char *desc = c->kind == GS_ENS_PROB ? "" : gs_map_column_at(c->of)->description;
    switch (c->kind) {
    case GS_ENS_CELL: return snprintf(buf, size, "%s", desc);
    case GS_ENS_PROB:
        return snprintf(buf, size, "share of the seeds that ended %s",
                        gs_outcome_name((gs_outcome)c->of));
    case GS_ENS_MODE:
        return snprintf(buf, size, "the most frequent outcome over the seeds (a tie: the "
                                   "lowest code)");
    case GS_ENS_MEAN: return snprintf(buf, size, "mean over the seeds of: %s", desc);
    case GS_ENS_STD:
        return snprintf(buf, size, "population standard deviation over the seeds of: %s", desc);
    case GS_ENS_SEEDS:
        return snprintf(buf, size, "the outcome code of each seed, in seed order");
    }
    return snprintf(buf, size, "?");
}

int gs_ens_column_line(char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < gs_ens_column_count() && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
                                gs_ens_column_at(i)->name);
    return len < size ? (int)len : -1;
}

/* ---- combining -------------------------------------------------------- */

#define CVALUE(row, col, type) \
    (*(const type *)(const void *)((const char *)(row) + (col)->offset))

static double column_value(const gs_map_row *row, const gs_map_column *col)
{
    return col->type == GS_COL_INT ? (double)CVALUE(row, col, int32_t)
                                   : CVALUE(row, col, double);
}

/* A share, mean or spread as the map holds it: an f32 map's is the float32
 * it writes (the sums stay in double either way). */
static double as_written(double v, gs_precision precision)
{
    if (precision == GS_PRECISION_F64)
        return v;
    /* Through a volatile float: GCC 12.2 at -O3 vectorizes a loop of
     * (double)(float)x over 6 doubles (the shares) and drops the rounding of
     * the last pair (test_ensemble's shares_as_the_precision_writes_them). */
    volatile float f = (float)v;
    return f;
}

void gs_ens_combine(const gs_map_row *rows, int n, gs_ens_row *out)
{
    const gs_precision precision = rows[0].precision;
    memset(out, 0, sizeof *out);
    out->cell = rows[0];
    memset(&out->cell.res, 0, sizeof out->cell.res);
    out->seeds = n;
    int count[GS_OUT_COUNT] = {0};
    for (int s = 0; s < n; s++) {
        count[rows[s].res.outcome]++;
        out->seed_outcomes[s] = (char)('0' + rows[s].res.outcome);
    }
    out->outcome = (gs_outcome)0;
    for (int k = 0; k < GS_OUT_COUNT; k++) {
        out->p[k] = as_written((double)count[k] / n, precision);
        if (count[k] > count[out->outcome])   /* strictly more: a tie keeps the lower code */
            out->outcome = (gs_outcome)k;
    }
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        if (col->offset < offsetof(gs_map_row, res) || col->type == GS_COL_OUTCOME)
            continue;
        double sum = 0, ss = 0;   /* in seed order: the same sums on every path */
        for (int s = 0; s < n; s++)
            sum += column_value(&rows[s], col);
        const double mean = sum / n;
        for (int s = 0; s < n; s++) {
            const double d = column_value(&rows[s], col) - mean;
            ss += d * d;
        }
        out->mean[i] = as_written(mean, precision);
        out->std[i] = as_written(sqrt(ss / n), precision);
    }
}

void gs_ens_project(const gs_ens_row *ens, gs_map_row *row)
{
    *row = ens->cell;
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *col = gs_map_column_at(i);
        void *field = (char *)row + col->offset;
        if (col->offset < offsetof(gs_map_row, res))
            continue;
        if (col->type == GS_COL_OUTCOME)
            *(gs_outcome *)field = ens->outcome;
        else if (col->type == GS_COL_FLOAT)
            *(double *)field = ens->mean[i];
        else
            *(int32_t *)field = isnan(ens->mean[i]) ? -1 : (int32_t)lrint(ens->mean[i]);
    }
}

/* ---- writing ---------------------------------------------------------- */

int gs_ens_format_row(char *buf, size_t size, const gs_ens_row *row)
{
    char tmp[GS_ENS_ROW_MAX + 64], *p = tmp;
    const gs_precision prec = row->cell.precision;
    const int n = gs_ens_column_count();
    for (int i = 0; i < n; i++) {
        const gs_ens_column *c = gs_ens_column_at(i);
        const char end = i + 1 < n ? ',' : '\n';
        switch (c->kind) {
        case GS_ENS_CELL: {
            const gs_map_column *col = gs_map_column_at(c->of);
            p = col->type == GS_COL_INT ? p + sprintf(p, "%d%c", (int)CVALUE(&row->cell, col,
                                                                               int32_t), end)
                                        : map_put_float(p, CVALUE(&row->cell, col, double),
                                                        prec, end);
            break;
        }
        case GS_ENS_PROB: p = map_put_float(p, row->p[c->of], prec, end); break;
        case GS_ENS_MODE: p += sprintf(p, "%s%c", gs_outcome_name(row->outcome), end); break;
        case GS_ENS_MEAN: p = map_put_float(p, row->mean[c->of], prec, end); break;
        case GS_ENS_STD: p = map_put_float(p, row->std[c->of], prec, end); break;
        case GS_ENS_SEEDS: p += sprintf(p, "%s%c", row->seed_outcomes, end); break;
        }
    }
    const size_t len = (size_t)(p - tmp);
    if (len >= size || len > GS_ENS_ROW_MAX)
        return -1;
    memcpy(buf, tmp, len + 1);
    return (int)len;
}

/* ---- reading ---------------------------------------------------------- */

/* One field by its column, floats per row->cell.precision; 0 or -1. */
static int parse_field(const gs_ens_column *c, const char *s, int seeds, gs_ens_row *row)
{
    const gs_precision prec = row->cell.precision;
    switch (c->kind) {
    case GS_ENS_CELL: {
        const gs_map_column *col = gs_map_column_at(c->of);
        void *field = (char *)&row->cell + col->offset;
        if (col->type == GS_COL_FLOAT)
            return map_float(s, prec, (double *)field);
        int64_t v;
        if (map_int(s, INT32_MIN, INT32_MAX, &v))
            return -1;
        *(int32_t *)field = (int32_t)v;
        return 0;
    }
    case GS_ENS_PROB: return map_float(s, prec, &row->p[c->of]);
    case GS_ENS_MODE: return gs_outcome_parse(s, &row->outcome);
    case GS_ENS_MEAN: return map_float(s, prec, &row->mean[c->of]);
    case GS_ENS_STD: return map_float(s, prec, &row->std[c->of]);
    case GS_ENS_SEEDS:
        if ((int)strlen(s) != seeds)
            return -1;
        for (int i = 0; i < seeds; i++)
            if (s[i] < '0' || s[i] >= '0' + GS_OUT_COUNT)
                return -1;
        memcpy(row->seed_outcomes, s, (size_t)seeds + 1);
        row->seeds = seeds;
        return 0;
    }
    return -1;
}

/* The probabilities and the mode must be those of the seeds' outcomes. */
static bool consistent(const gs_ens_row *row)
{
    gs_map_row one[GS_MAX_SEEDS];
    gs_ens_row want;
    memset(one, 0, sizeof one);
    for (int s = 0; s < row->seeds; s++) {
        one[s].precision = row->cell.precision;
        one[s].res.outcome = (gs_outcome)(row->seed_outcomes[s] - '0');
    }
    gs_ens_combine(one, row->seeds, &want);
    return want.outcome == row->outcome && memcmp(want.p, row->p, sizeof want.p) == 0;
}

int gs_ens_read_row(FILE *f, const gs_map_info *info, int64_t expected_index, gs_ens_row *row,
                    long *line_start, gs_error *err)
{
    char buf[GS_ENS_ROW_MAX + 2], ex[48];
    const long long lineno = map_row_line(info, expected_index);
    if (line_start)
        *line_start = ftell(f);
    const long len = map_get_line(f, buf, sizeof buf);
    if (len == LINE_EOF)
        return 0;
    if (len < 0)
        return gs_fail(err, "line %lld: %s", lineno, map_line_problem(len));
    const int64_t file_rows = (int64_t)(info->row_hi - info->row_lo) * info->x.n;
    if (expected_index >= file_rows)
        return gs_fail(err, "line %lld: more rows than the %lld cells %s", lineno,
                       (long long)file_rows, info->tile_n > 1 ? "of this band" : "of the map");
    buf[len - 1] = 0;
    memset(row, 0, sizeof *row);
    row->cell.precision = info->precision;
    const int n = gs_ens_column_count();
    char *p = buf;
    for (int i = 0; i < n; i++) {
        char *comma = strchr(p, ',');
        if ((comma != NULL) != (i + 1 < n))
            return gs_fail(err, "line %lld: %s fields, expected %d", lineno,
                           comma ? "more" : "fewer", n);
        if (comma)
            *comma = 0;
        const gs_ens_column *c = gs_ens_column_at(i);
        if (parse_field(c, p, info->seeds, row))
            return gs_fail(err, "line %lld: bad %s '%s'", lineno, c->name, map_excerpt(p, ex));
        p = comma ? comma + 1 : p;
    }
    if (!consistent(row))
        return gs_fail(err, "line %lld: the probabilities or the outcome do not match "
                            "seed_outcomes", lineno);
    const int64_t ix = expected_index % info->x.n, iy = info->row_lo + expected_index / info->x.n;
    if (row->cell.ix != ix || row->cell.iy != iy)
        return gs_fail(err, "line %lld: cell %d,%d out of order, expected %lld,%lld", lineno,
                       (int)row->cell.ix, (int)row->cell.iy, (long long)ix, (long long)iy);
    return 1;
}
