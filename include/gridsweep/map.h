/* Basin maps on disk: the CSV format (docs/formats.md), its rows, and the
 * reader shared by --resume, merge, stats and diff. */
#ifndef GRIDSWEEP_MAP_H
#define GRIDSWEEP_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gridsweep/error.h"
#include "gridsweep/train.h"

#define GS_MAP_MAGIC "# gridsweep-map 1"
#define GS_MAP_COLUMNS                                                                      \
    "ix,iy,a0,b0,c0,d0,lr,a,b,c,d,window_loss,final_loss,lin_err,spread,outcome,t_conv"

/* An axis of the plane: PARAM:LO:HI[:log] with n cells; values at cell centres. */
typedef enum gs_param { GS_P_A, GS_P_B, GS_P_C, GS_P_D, GS_P_LR, GS_P_COUNT } gs_param;

typedef struct gs_axis {
    gs_param param;
    double lo, hi;
    bool log;
    int n;
} gs_axis;

const char *gs_param_name(gs_param p);
int gs_param_parse(const char *s, gs_param *out);
/* Centre of cell i: lo + (i + 0.5) (hi - lo) / n, or the same in log10 space. */
float gs_axis_value(const gs_axis *ax, int i);
/* "b:-2:2" or "lr:0.001:1:log" (n not included); validates. */
int gs_axis_parse(const char *s, gs_axis *ax, gs_error *err);

/* One cell: its start and the result of training it. */
typedef struct gs_map_row {
    int32_t ix, iy;
    float start[GS_P_COUNT];   /* a0, b0, c0, d0, lr */
    gs_result res;
} gs_map_row;

/* Formats one row as a CSV line ending in '\n'; returns its length.
 * Floats use %.9g, which round-trips float32 exactly. */
int gs_map_format_row(char *buf, size_t size, const gs_map_row *row);

/* What a map file's '#' header says. */
#define GS_MAP_MAX_KEYS 64
typedef struct gs_map_info {
    char *header;          /* every '#' line, verbatim, '\n'-terminated (malloc'd) */
    size_t header_len;
    int nkeys;
    char *keys[GS_MAP_MAX_KEYS], *values[GS_MAP_MAX_KEYS];  /* point into a private copy */
    char *kv_store;
    gs_act act;
    gs_axis x, y;
    int tile_k, tile_n;    /* band K of N; 1/1 for a whole map */
    int row_lo, row_hi;    /* the iy range this file holds: [row_lo, row_hi) */
    int64_t cells;         /* the whole map's cells; this file holds (row_hi - row_lo) * x.n rows */
} gs_map_info;

/* The value of "# key: value", or NULL. */
const char *gs_map_get(const gs_map_info *info, const char *key);
void gs_map_info_free(gs_map_info *info);

/* Reads the header block and the column line; leaves f at the first row.
 * Anything that is not a gridsweep map is a one-line error. */
int gs_map_read_header(FILE *f, const char *path, gs_map_info *info, gs_error *err);

/* Reads the next row: 1 = a row, 0 = clean end of file, -1 = error (a torn or
 * malformed line; err says which line). *line_start is the byte offset of the
 * line, so a caller can cut a torn tail. Rows must come in file order:
 * expected_index is the 0-based row number within this file. */
int gs_map_read_row(FILE *f, const gs_map_info *info, int64_t expected_index, gs_map_row *row,
                    long *line_start, gs_error *err);

/* A whole, complete map of outcomes (for stats, diff): outcome[iy * nx + ix]. */
typedef struct gs_map_grid {
    gs_map_info info;
    int nx, ny;
    uint8_t *outcome;
    float *final_loss;
    int32_t *t_conv;
} gs_map_grid;

int gs_map_load(const char *path, gs_map_grid *grid, gs_error *err);
void gs_map_grid_free(gs_map_grid *grid);

/* 0 if a and b are maps of the same plane (same axes, fixed values and
 * resolution); else -1 with a message naming the first difference. */
int gs_map_same_plane(const gs_map_info *a, const gs_map_info *b, gs_error *err);

#endif
