/* Basin maps on disk: the CSV format (docs/formats.md), its columns, the
 * writer and the reader of its header and rows (shared by the sweep,
 * --resume, merge, stats and diff). */
#ifndef GRIDSWEEP_MAP_H
#define GRIDSWEEP_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gridsweep/error.h"
#include "gridsweep/plane.h"
#include "gridsweep/train.h"

#define GS_MAP_MAGIC "# gridsweep-map 1"

/* The columns of a map row, X(name, type, member, description) with S
 * between rows: type INT, FLOAT or OUTCOME, member the gs_map_row field. The
 * column line, the row writer, the reader and `gridsweep --list columns`
 * all come from this table. */
#define GS_MAP_COLUMN_TABLE(X, S)                                                          \
    X(ix, INT, ix, "cell column, 0 to NX-1 (x axis)") S                                   \
    X(iy, INT, iy, "cell row, 0 to NY-1 (y axis)") S                                      \
    X(a0, FLOAT, start[GS_P_A], "start: a") S                                             \
    X(b0, FLOAT, start[GS_P_B], "start: b") S                                             \
    X(c0, FLOAT, start[GS_P_C], "start: c") S                                             \
    X(d0, FLOAT, start[GS_P_D], "start: d") S                                             \
    X(lr, FLOAT, start[GS_P_LR], "learning rate") S                                       \
    X(a, FLOAT, res.a, "final a") S                                                       \
    X(b, FLOAT, res.b, "final b") S                                                       \
    X(c, FLOAT, res.c, "final c") S                                                       \
    X(d, FLOAT, res.d, "final d") S                                                       \
    X(window_loss, FLOAT, res.window_loss,                                                \
      "mean training loss over the last window fraction of the steps") S                  \
    X(final_loss, FLOAT, res.final_loss,                                                  \
      "loss of the final parameters on eval_points midpoints of the data range") S        \
    X(lin_err, FLOAT, res.lin_err,                                                        \
      "RMS distance of the fitted function from its best straight line") S                \
    X(spread, FLOAT, res.spread, "standard deviation of the fitted function") S           \
    X(outcome, OUTCOME, res.outcome, "converged, stuck, linear, dead, diverged or slow") S \
    X(t_escape, INT, res.t_escape,                                                        \
      "first step the smoothed loss was below 0.72 of the linear plateau, or -1") S       \
    X(t_enter, INT, res.t_enter, "first step the smoothed loss was below tol, or -1") S    \
    X(t_diverge, INT, res.t_diverge,                                                      \
      "first step a parameter or the loss was not finite, or -1") S                       \
    X(score, FLOAT, res.score,                                                            \
      "signed convergence score: in [-1, 0] bounded (faster nearer -1), in (0, 1] diverged (sooner nearer 1)")

#define GS_MAP_COLUMN_NAME_(name, type, member, desc) #name
/* "ix,iy,...,score": the column line. */
#define GS_MAP_COLUMNS GS_MAP_COLUMN_TABLE(GS_MAP_COLUMN_NAME_, ",")

typedef enum gs_column_type { GS_COL_INT, GS_COL_FLOAT, GS_COL_OUTCOME } gs_column_type;

typedef struct gs_map_column {
    const char *name;
    gs_column_type type;
    size_t offset;            /* of the field in gs_map_row */
    const char *description;
} gs_map_column;

/* GS_COLUMN_ix ... GS_COLUMN_score: each column's index. */
#define GS_MAP_COLUMN_INDEX_(name, type, member, desc) GS_COLUMN_##name,
enum { GS_MAP_COLUMN_TABLE(GS_MAP_COLUMN_INDEX_, ) GS_MAP_NCOLUMNS };
const gs_map_column *gs_map_column_at(int i);
/* "int", "float" or "outcome". */
const char *gs_column_type_name(gs_column_type type);

/* One cell: its start and the result of training it. */
typedef struct gs_map_row {
    int32_t ix, iy;
    double start[GS_P_COUNT];  /* a0, b0, c0, d0, lr */
    gs_result res;
    gs_precision precision;    /* of the run: how the values are written */
} gs_map_row;

/* Formats one row as a CSV line ending in '\n'; returns its length, or -1 if
 * it does not fit. The FLOAT columns of an f32 row are its floats as %.9g,
 * which round-trips float32 exactly; of an f64 row, %.17g, which round-trips
 * double (docs/formats.md). */
int gs_map_format_row(char *buf, size_t size, const gs_map_row *row);

/* Every '#' line plus the column line, as a map file starts (malloc'd; NULL
 * when out of memory). The reader below reads it back. */
char *gs_map_header(const gs_train_config *train, const gs_plane *plane);

/* What a map file's '#' header says. */
#define GS_MAP_MAX_KEYS 64
typedef struct gs_map_info {
    char *header;          /* every '#' line, verbatim, '\n'-terminated (malloc'd) */
    size_t header_len;
    int nkeys;
    char *keys[GS_MAP_MAX_KEYS], *values[GS_MAP_MAX_KEYS];  /* point into a private copy */
    char *kv_store;
    gs_act act;
    union {                /* the plane of the header; at[] is NaN where not given */
        gs_plane plane;
        struct { GS_PLANE_FIELDS };
    };
    int row_lo, row_hi;    /* the iy range this file holds: [row_lo, row_hi) */
    int64_t cells;         /* the whole map's cells; this file holds (row_hi - row_lo) * x.n rows */
    int seeds;             /* 1, or N for an ensemble map (gridsweep/ensemble.h) */
    gs_precision precision; /* the header's precision line (f32 when none) */
} gs_map_info;

/* The value of "# key: value", or NULL. */
const char *gs_map_get(const gs_map_info *info, const char *key);
void gs_map_info_free(gs_map_info *info);

/* Reads the header block and the column line; leaves f at the first row.
 * Anything that is not a gridsweep map is a one-line error. */
int gs_map_read_header(FILE *f, const char *path, gs_map_info *info, gs_error *err);

/* Reads the next row (of an ensemble map: gs_ens_project's view): 1 = a row, 0 = clean end of file, -1 = error (a torn or
 * malformed line; err says which line). *line_start is the byte offset of the
 * line, so a caller can cut a torn tail. Rows must come in file order:
 * expected_index is the 0-based row number within this file. */
int gs_map_read_row(FILE *f, const gs_map_info *info, int64_t expected_index, gs_map_row *row,
                    long *line_start, gs_error *err);

/* The training settings a header records (settings.def's keys; act from
 * info->act, the fixed lr from 'at' when it is fixed). */
int gs_map_read_settings(const gs_map_info *info, const char *path, gs_train_config *train,
                         gs_error *err);

/* A whole, complete map of outcomes (for stats, diff): outcome[iy * nx + ix];
 * of an ensemble map, the mode, and seed_outcome[(iy * nx + ix) * seeds + s]
 * the outcome of seed s (NULL for a single-seed map). */
typedef struct gs_map_grid {
    gs_map_info info;
    int nx, ny, seeds;
    uint8_t *outcome;
    uint8_t *seed_outcome;
    float *final_loss;
    int32_t *t_enter, *t_diverge;
} gs_map_grid;

int gs_map_load(const char *path, gs_map_grid *grid, gs_error *err);
void gs_map_grid_free(gs_map_grid *grid);

/* 0 if a and b are maps of the same plane (same axes, fixed values and
 * resolution); else -1 with a message naming the first difference. */
int gs_map_same_plane(const gs_map_info *a, const gs_map_info *b, gs_error *err);

#endif
