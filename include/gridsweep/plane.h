/* The plane of a sweep: two axes of starting parameters, the fixed values of
 * the others, the resolution and the band (tile) of rows one run computes.
 * Parsed from the command line and from a map's header by the same code,
 * rendered into the header by it, compared by it. */
#ifndef GRIDSWEEP_PLANE_H
#define GRIDSWEEP_PLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gridsweep/error.h"

/* The parameters of a starting point, X(ID, name) with S between rows; the
 * order fixes the enum and the start columns of a map (a0, b0, c0, d0, lr).
 * lr_in and lr_out, the rates of (a, b) and of (c, d), have no column: NaN in
 * at[] (unset, and left out of the header's at) means lr's value, cell by
 * cell, so a map that does not use them keeps its bytes. */
#define GS_PARAMS(X, S) X(A, a) S X(B, b) S X(C, c) S X(D, d) S X(LR, lr) S \
    X(LR_IN, lr_in) S X(LR_OUT, lr_out)
#define GS_PARAM_ENUM_(ID, name) GS_P_##ID,
#define GS_PARAM_WORD_(ID, name) #name
typedef enum gs_param { GS_PARAMS(GS_PARAM_ENUM_, ) GS_P_COUNT } gs_param;
/* The parameters a map row has a column for: a0, b0, c0, d0, lr. */
#define GS_P_COLUMNS (GS_P_LR + 1)
/* "a, b, c, d, lr, lr_in, lr_out", for help and error messages. */
#define GS_PARAMS_HELP GS_PARAMS(GS_PARAM_WORD_, ", ")

const char *gs_param_name(gs_param p);
int gs_param_parse(const char *s, gs_param *out);
/* lr, lr_in or lr_out: positive, and 0 in float32 is refused. */
bool gs_param_is_rate(gs_param p);

/* An axis of the plane: PARAM:LO:HI[:log] with n cells; values at cell centres. */
typedef struct gs_axis {
    gs_param param;
    double lo, hi;
    bool log;
    int n;
} gs_axis;

/* Centre of cell i: lo + (i + 0.5) (hi - lo) / n, or the same in log10 space. */
float gs_axis_value(const gs_axis *ax, int i);
/* The same in double, unrounded (--precision f64); gs_axis_value is its float. */
double gs_axis_value64(const gs_axis *ax, int i);
/* "b:-2:2" or "lr:0.001:1:log" (n not included); validates. */
int gs_axis_parse(const char *s, gs_axis *ax, gs_error *err);
/* The text gs_axis_parse reads back: "b:-2:2", shortest numbers. */
int gs_axis_format(const gs_axis *ax, char *buf, size_t size);

#define GS_MAX_RES 65536
#define GS_MAX_CELLS ((int64_t)1 << 31)   /* about 200 GB of CSV */

/* The plane's fields, as a macro so that a struct can hold them both as one
 * gs_plane and as direct members (gs_sweep_config, gs_map_info). */
#define GS_PLANE_FIELDS                                                                    \
    gs_axis x, y;           /* x.n, y.n: the resolution */                                \
    float at[GS_P_COUNT];   /* fixed values; those of the axes are ignored */             \
    double at64[GS_P_COUNT]; /* the same as given, in double (--precision f64 uses these) */ \
    int tile_k, tile_n;     /* band K of N (1/1: the whole map) */

typedef struct gs_plane {
    GS_PLANE_FIELDS
} gs_plane;

/* The command line's spellings (--res, --at, --tile); each validates its own
 * syntax, gs_plane_validate the whole. Messages name the option. */
/* "N" or "NX,NY" */
int gs_plane_parse_res(const char *s, gs_plane *p, gs_error *err);
/* "a=1,c=1[,lr=0.1][,lr_in=0.01]": the parameters that are not axes (x and
 * y already set); *lr_given says whether lr was among them. */
int gs_plane_parse_at(const char *s, gs_plane *p, bool *lr_given, gs_error *err);
/* "K/N" */
int gs_plane_parse_tile(const char *s, gs_plane *p, gs_error *err);
int gs_plane_validate(const gs_plane *p, gs_error *err);

/* "a=1,c=1,lr=0.1": the fixed values, in parameter order, axes and unset
 * (NaN) rates left out; shortest float32 text, or shortest double text of
 * at64 for an f64 run. */
int gs_plane_format_at(const gs_plane *p, bool f64, char *buf, size_t size);
/* The rows of cells (iy) band tile_k of tile_n covers: [*lo, *hi). */
void gs_plane_rows(const gs_plane *p, int *lo, int *hi);
/* The starting point (a, b, c, d, lr, lr_in, lr_out) of cell (ix, iy), the
 * rates resolved (an unset one is lr). */
void gs_plane_start(const gs_plane *p, int ix, int iy, float start[GS_P_COUNT]);
/* The same in double (--precision f64): the axes' values unrounded, the fixed
 * values as given (at64). */
void gs_plane_start64(const gs_plane *p, int ix, int iy, double start[GS_P_COUNT]);
/* Below the format's resolution: an axis whose cell spacing is below the
 * spacing of float32 (or of double, f64) near its values gives neighbouring
 * cells the same start. Counts the distinct values of each axis in the run's
 * format; 0 if every cell of both axes has its own, else 1 with msg set to
 * one line about the first axis that has fewer ("float32 holds only 3
 * distinct values of b over these 8 cells ... (--precision f64 tells them
 * apart)"). Not an error: the caller says what follows. */
int gs_plane_float_resolution(const gs_plane *p, bool f64, gs_error *msg);
/* 0 if a and b are the same plane (axes, fixed values, resolution; the band
 * may differ); else -1 and *key names the first difference by its header key
 * ("x", "y", "res" or "at"). */
int gs_plane_same(const gs_plane *a, const gs_plane *b, bool f64, const char **key);

#endif
