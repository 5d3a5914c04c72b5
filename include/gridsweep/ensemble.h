/* Seed ensembles: a map of N seeds per cell (--seeds N). Its columns come
 * from the column table (map.h) and the outcome table (train.h), never from
 * a list of their own (docs/formats.md, "Ensemble maps"):
 *   - the cell's columns, as in a single-seed map: every column whose field
 *     lies before gs_map_row.res (ix, iy, a0, b0, c0, d0, lr);
 *   - p_<outcome> for every outcome: the share of the seeds that ended so;
 *   - outcome: the most frequent outcome, a tie going to the lowest code;
 *   - <column>_mean and <column>_std for every other result column (int or
 *     float): the mean over the seeds and the population standard deviation
 *     (divided by N), of the values as a single-seed map writes them (so -1
 *     for "never" counts as -1, and one NaN makes both NaN);
 *   - seed_outcomes: the outcome code of each seed, seed order, one digit each,
 *     so the per-seed maps (and their statistics) can be read back.
 * The values are written as a single-seed map of the same precision writes
 * its floats (%.9g of float32 in an f32 map, %.17g in an f64 one) and read
 * back per the header's precision line.
 * gs_ens_combine makes such a row from N single-seed rows; the sweep
 * (--seeds N) and `gridsweep ensemble` (N single-seed maps) both use it, so
 * their files agree byte for byte. */
#ifndef GRIDSWEEP_ENSEMBLE_H
#define GRIDSWEEP_ENSEMBLE_H

#include <stdint.h>
#include <stdio.h>

#include "gridsweep/error.h"
#include "gridsweep/map.h"
#include "gridsweep/settings.h"

_Static_assert(GS_OUT_COUNT <= 10, "seed_outcomes keeps one decimal digit per seed");

/* The shares, means and spreads are doubles; in an f32 map (cell.precision)
 * each is the float32 the map writes, widened, so that a row read back
 * equals the row combined. */
typedef struct gs_ens_row {
    gs_map_row cell;                     /* ix, iy, start, precision (its res is unused) */
    double p[GS_OUT_COUNT];
    gs_outcome outcome;                  /* the mode */
    double mean[GS_MAP_NCOLUMNS];        /* by column index, result columns only */
    double std[GS_MAP_NCOLUMNS];
    int seeds;
    char seed_outcomes[GS_MAX_SEEDS + 1];   /* digits, NUL-terminated */
} gs_ens_row;

/* What an ensemble column holds. */
typedef enum gs_ens_kind {
    GS_ENS_CELL,       /* a column of the cell, copied */
    GS_ENS_PROB,       /* p_<outcome> */
    GS_ENS_MODE,       /* outcome */
    GS_ENS_MEAN,       /* <column>_mean */
    GS_ENS_STD,        /* <column>_std */
    GS_ENS_SEEDS,      /* seed_outcomes */
} gs_ens_kind;

typedef struct gs_ens_column {
    const char *name;
    gs_ens_kind kind;
    int of;            /* the column (CELL, MEAN, STD) or the outcome (PROB) it is made from */
} gs_ens_column;

/* The ensemble columns in file order. */
int gs_ens_column_count(void);
const gs_ens_column *gs_ens_column_at(int i);
/* "int", "float", "outcome" or "digits". */
const char *gs_ens_column_type(const gs_ens_column *c);
/* A one-line description, from the column's or the outcome's own. */
int gs_ens_column_describe(const gs_ens_column *c, char *buf, size_t size);
/* The column line, without its '\n': its length, or -1 if it does not fit. */
int gs_ens_column_line(char *buf, size_t size);

/* Longest ensemble row, '\n' included. */
#define GS_ENS_ROW_MAX 4096

/* The ensemble row of rows[0..n-1]: one cell, seeds in order (n in
 * [1, GS_MAX_SEEDS]), all of one precision (rows[0].precision). */
void gs_ens_combine(const gs_map_row *rows, int n, gs_ens_row *out);
/* As gs_map_format_row, for an ensemble row. */
int gs_ens_format_row(char *buf, size_t size, const gs_ens_row *row);
/* As gs_map_read_row, for a map whose info->seeds > 1. */
int gs_ens_read_row(FILE *f, const gs_map_info *info, int64_t expected_index, gs_ens_row *row,
                    long *line_start, gs_error *err);
/* The ensemble row seen as a single-seed row: the cell, the mode as its
 * outcome, each result column's mean (rounded for an int column, -1 if NaN). */
void gs_ens_project(const gs_ens_row *ens, gs_map_row *row);

#endif
