/* The ensemble combination (gridsweep/ensemble.h): shares, the mode and its
 * tie rule, population moments, NaN, the column set from the tables, and a
 * row that reads back as written, in f32 (float32 values, %.9g) and in f64
 * (doubles, 17 significant digits). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/ensemble.h"

static bool is_int_result(const gs_map_column *c)
{
    return c->type == GS_COL_INT && c->offset >= offsetof(gs_map_row, res);
}

/* Every int result column (a step, -1 for never) gets `step`. */
static gs_map_row row_with(gs_outcome o, float final_loss, int32_t step)
{
    gs_map_row r = {.ix = 3, .iy = 1, .start = {1, 0.5f, 1, -0.5f, 0.1f}};
    r.res.outcome = o;
    r.res.final_loss = final_loss;
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++)
        if (is_int_result(gs_map_column_at(i)))
            *(int32_t *)(void *)((char *)&r + gs_map_column_at(i)->offset) = step;
    return r;
}

Test(ensemble, shares_mode_and_moments)
{
    const gs_map_row rows[] = {row_with(GS_OUT_DEAD, 1, 10), row_with(GS_OUT_CONVERGED, 2, -1),
                               row_with(GS_OUT_DEAD, 3, 40), row_with(GS_OUT_STUCK, 6, 7)};
    gs_ens_row e;
    gs_ens_combine(rows, 4, &e);
    cr_expect_eq(e.outcome, GS_OUT_DEAD);
    cr_expect_eq(e.p[GS_OUT_DEAD], 0.5f);
    cr_expect_eq(e.p[GS_OUT_CONVERGED], 0.25f);
    cr_expect_eq(e.p[GS_OUT_DIVERGED], 0.0f);
    cr_expect_str_eq(e.seed_outcomes, "3031");
    cr_expect_eq(e.mean[GS_COLUMN_final_loss], 3.0f);
    cr_expect_eq(e.std[GS_COLUMN_final_loss], (float)sqrt(3.5), "population std");
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++)
        if (is_int_result(gs_map_column_at(i)))
            cr_expect_eq(e.mean[i], 14.0f, "%s: -1 counts as written", gs_map_column_at(i)->name);
    cr_expect_eq(e.cell.ix, 3);
    cr_expect_eq(e.cell.start[GS_P_LR], 0.1f);
}

Test(ensemble, a_tie_goes_to_the_lowest_code)
{
    const gs_map_row rows[] = {row_with(GS_OUT_DIVERGED, 0, -1), row_with(GS_OUT_LINEAR, 0, -1)};
    gs_ens_row e;
    gs_ens_combine(rows, 2, &e);
    cr_expect_eq(e.outcome, GS_OUT_LINEAR);
}

Test(ensemble, one_nan_makes_mean_and_std_nan)
{
    const gs_map_row rows[] = {row_with(GS_OUT_DIVERGED, NAN, -1), row_with(GS_OUT_DEAD, 1, -1)};
    gs_ens_row e;
    gs_ens_combine(rows, 2, &e);
    cr_expect(isnan(e.mean[GS_COLUMN_final_loss]) && isnan(e.std[GS_COLUMN_final_loss]));
}

Test(ensemble, columns_from_the_tables)
{
    int probs = 0, modes = 0, stats = 0, cells = 0;
    for (int i = 0; i < gs_ens_column_count(); i++) {
        const gs_ens_column *c = gs_ens_column_at(i);
        probs += c->kind == GS_ENS_PROB;
        modes += c->kind == GS_ENS_MODE;
        stats += c->kind == GS_ENS_MEAN || c->kind == GS_ENS_STD;
        cells += c->kind == GS_ENS_CELL;
    }
    int results = 0, cell_cols = 0;
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *m = gs_map_column_at(i);
        const bool result = m->offset >= offsetof(gs_map_row, res);
        results += result && m->type != GS_COL_OUTCOME;
        cell_cols += !result;
    }
    cr_expect_eq(probs, GS_OUT_COUNT);
    cr_expect_eq(modes, 1);
    cr_expect_eq(stats, 2 * results);
    cr_expect_eq(cells, cell_cols);
    cr_expect_null(gs_ens_column_at(gs_ens_column_count()));
}

Test(ensemble, a_row_reads_back_as_written)
{
    const gs_map_row rows[] = {row_with(GS_OUT_DEAD, 1, 10), row_with(GS_OUT_CONVERGED, 2, -1),
                               row_with(GS_OUT_DEAD, 3, 40)};
    gs_ens_row e, back;
    gs_ens_combine(rows, 3, &e);
    char line[GS_ENS_ROW_MAX + 1], again[GS_ENS_ROW_MAX + 1];
    const int len = gs_ens_format_row(line, sizeof line, &e);
    cr_assert_gt(len, 0);
    FILE *f = fmemopen(line, (size_t)len, "r");
    gs_map_info info = {.seeds = 3, .row_lo = 1, .row_hi = 2, .header = "", .header_len = 0};
    info.x.n = 4;
    gs_error err;
    cr_assert_eq(gs_ens_read_row(f, &info, 3, &back, NULL, &err), 1, "%s", err.msg);
    fclose(f);
    cr_expect_eq(gs_ens_format_row(again, sizeof again, &back), len);
    cr_expect_str_eq(again, line);
}

/* Outcome codes 1, 2 and 5: the shares' loop (6 doubles) is where GCC 12.2
 * -O3 once left the last pair unrounded. */
static void three_seeds(gs_precision precision, gs_ens_row *e)
{
    gs_map_row rows[] = {row_with(1, 1, 10), row_with(2, 2, 11), row_with(5, 4, 13)};
    for (int s = 0; s < 3; s++) {
        rows[s].precision = precision;
        rows[s].start[GS_P_B] = 0.1;   /* a double that is not a float */
        rows[s].res.final_loss = 1.0 / (s + 3);
    }
    gs_ens_combine(rows, 3, e);
}

Test(ensemble, shares_as_the_precision_writes_them)
{
    gs_ens_row e32, e64;
    three_seeds(GS_PRECISION_F32, &e32);
    three_seeds(GS_PRECISION_F64, &e64);
    for (int k = 1; k < GS_OUT_COUNT; k++) {
        const bool held = k == 1 || k == 2 || k == 5;
        cr_expect_eq(e32.p[k], held ? (double)(float)(1.0 / 3) : 0.0, "f32 p[%d]", k);
        cr_expect_eq(e64.p[k], held ? 1.0 / 3 : 0.0, "f64 p[%d]", k);
    }
    const double mean = (1.0 / 3 + 1.0 / 4 + 1.0 / 5) / 3;
    cr_expect_eq(e32.mean[GS_COLUMN_final_loss], (double)(float)mean);
    cr_expect_eq(e64.mean[GS_COLUMN_final_loss], mean);
    cr_expect_eq(e64.cell.start[GS_P_B], 0.1);
}

/* An f64 row: 17 significant digits, read back per the header's precision
 * as exactly the doubles combined. */
Test(ensemble, an_f64_row_reads_back_as_written)
{
    gs_ens_row e, back;
    three_seeds(GS_PRECISION_F64, &e);
    char line[GS_ENS_ROW_MAX + 1], again[GS_ENS_ROW_MAX + 1];
    const int len = gs_ens_format_row(line, sizeof line, &e);
    cr_assert_gt(len, 0);
    cr_expect(strstr(line, ",0.10000000000000001,") != NULL, "b0 in 17 digits: %s", line);
    cr_expect(strstr(line, ",0.33333333333333331,") != NULL, "a share in 17 digits: %s", line);
    FILE *f = fmemopen(line, (size_t)len, "r");
    gs_map_info info = {.seeds = 3, .row_lo = 1, .row_hi = 2, .header = "", .header_len = 0,
                        .precision = GS_PRECISION_F64};
    info.x.n = 4;
    gs_error err;
    cr_assert_eq(gs_ens_read_row(f, &info, 3, &back, NULL, &err), 1, "%s", err.msg);
    fclose(f);
    cr_expect_eq(back.mean[GS_COLUMN_final_loss], e.mean[GS_COLUMN_final_loss]);
    cr_expect_eq(back.std[GS_COLUMN_final_loss], e.std[GS_COLUMN_final_loss]);
    cr_expect_eq(back.cell.precision, GS_PRECISION_F64);
    cr_expect_eq(gs_ens_format_row(again, sizeof again, &back), len);
    cr_expect_str_eq(again, line);
}
