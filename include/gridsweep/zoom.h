/* A zoom sequence: frame 0 is a plane, each next frame the previous one
 * scaled by 1/factor about a centre, on both axes (a log axis in log10
 * space). Scaling about the centre, rather than centring each window on it,
 * keeps frame 0 exactly the plane given and every frame inside the one
 * before; the centre keeps its relative place in every frame. */
#ifndef GRIDSWEEP_ZOOM_H
#define GRIDSWEEP_ZOOM_H

#include "gridsweep/error.h"
#include "gridsweep/plane.h"

#define GS_ZOOM_MAX_FRAMES 1000

typedef struct gs_zoom {
    double center[2];   /* on the x axis, on the y axis */
    double factor;      /* > 1 */
    int frames;         /* >= 1 */
} gs_zoom;

/* "b=0.5,d=-0.5": one value per axis of p (x and y set), in any order;
 * each strictly inside its axis. Messages name --center. */
int gs_zoom_parse_center(const char *s, const gs_plane *p, gs_zoom *z, gs_error *err);
/* Factor above 1, 1 to GS_ZOOM_MAX_FRAMES frames, and every frame's window
 * a valid axis (wide enough for a double to hold distinct ends). */
int gs_zoom_validate(const gs_zoom *z, const gs_plane *p, gs_error *err);
/* Frame k of the zoom of p: p with its axes' ends replaced (frame 0 is p). */
int gs_zoom_frame(const gs_zoom *z, const gs_plane *p, int k, gs_plane *out, gs_error *err);

#endif
