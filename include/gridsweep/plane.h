/* The plane of a sweep: two axes of starting parameters, the fixed values of
 * the others, the resolution and the band (tile) of rows one run computes.
 * Parsed from the command line and from a map's header by the same code,
 * rendered into the header by it, compared by it. */
#ifndef GRIDSWEEP_PLANE_H
#define GRIDSWEEP_PLANE_H

#include <stdbool.h>
#include <stddef.h>

#include "gridsweep/error.h"

/* The parameters of a starting point, X(ID, name) with S between rows; the
 * order fixes the enum and the start columns of a map (a0, b0, c0, d0, lr). */
#define GS_PARAMS(X, S) X(A, a) S X(B, b) S X(C, c) S X(D, d) S X(LR, lr)
#define GS_PARAM_ENUM_(ID, name) GS_P_##ID,
#define GS_PARAM_WORD_(ID, name) #name
typedef enum gs_param { GS_PARAMS(GS_PARAM_ENUM_, ) GS_P_COUNT } gs_param;
/* "a, b, c, d, lr", for help and error messages. */
#define GS_PARAMS_HELP GS_PARAMS(GS_PARAM_WORD_, ", ")

const char *gs_param_name(gs_param p);
int gs_param_parse(const char *s, gs_param *out);

/* An axis of the plane: PARAM:LO:HI[:log] with n cells; values at cell centres. */
typedef struct gs_axis {
    gs_param param;
    double lo, hi;
    bool log;
    int n;
} gs_axis;

/* Centre of cell i: lo + (i + 0.5) (hi - lo) / n, or the same in log10 space. */
float gs_axis_value(const gs_axis *ax, int i);
/* "b:-2:2" or "lr:0.001:1:log" (n not included); validates. */
int gs_axis_parse(const char *s, gs_axis *ax, gs_error *err);
/* The text gs_axis_parse reads back: "b:-2:2", shortest numbers. */
int gs_axis_format(const gs_axis *ax, char *buf, size_t size);

#endif
