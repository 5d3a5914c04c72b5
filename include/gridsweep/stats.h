/* Summary statistics of a basin map: outcome fractions, basin entropy and the
 * box-counting dimension of the converged basin's boundary. */
#ifndef GRIDSWEEP_STATS_H
#define GRIDSWEEP_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "gridsweep/map.h"

#define GS_STATS_MAX_SCALES 24
#define GS_STATS_MIN_SCALES 4        /* fewer usable scales: the fit means little */
#define GS_STATS_MIN_BOXES 100       /* fewer boundary boxes at the finest scale: likewise */
#define GS_STATS_MIN_PER_AXIS 8      /* a scale is usable with this many boxes per axis */

/* One scale of the box count. A box of size s spans s cell spacings between
 * cell centres, so it holds (s+1) x (s+1) cells and shares its edge cells with
 * its neighbours: at s = 1 it is a 2x2 block, the smallest that can hold a
 * boundary, and the boxes of size 2s are exact unions of four of size s. The
 * boxes tile the whole map; the last one of a row or column may be cut short. */
typedef struct gs_box_scale {
    int size;            /* s, in cells */
    int64_t boundary;    /* N(s): boxes holding converged and other cells */
    int64_t total;       /* boxes of that size in the map */
} gs_box_scale;

typedef struct gs_map_stats {
    int64_t cells;
    int64_t count[GS_OUT_COUNT];     /* of an ensemble map: of its mode, `outcome` */
    double fraction[GS_OUT_COUNT];

    /* An ensemble map (seeds > 1): each outcome's fraction of the cells in
     * each seed's own map, as its mean over the seeds and its population
     * standard deviation (divided by seeds); and the mean over the cells of
     * the Shannon entropy (natural log) of the cell's outcome shares. */
    int seeds;                       /* 1 for a single-seed map: the rest is 0 */
    double seed_mean[GS_OUT_COUNT], seed_std[GS_OUT_COUNT];
    double cell_entropy;

    /* Basin entropy (Daza et al., Sci. Rep. 6, 31416, 2016) over whole
     * eps x eps boxes, natural log: Sb is the mean Gibbs entropy of the outcome
     * fractions per box, Sbb the mean over boxes holding more than one outcome. */
    int eps;
    int64_t boxes, boundary_boxes;
    int outcomes;         /* outcomes present anywhere: Sb <= ln(outcomes) */
    double sb, sbb;       /* sbb is 0 when no box holds two outcomes */
    bool sbb_fractal;     /* Sbb > ln 2: sufficient for a fractal boundary */

    /* Box-counting dimension D of the converged basin's boundary: the slope of
     * ln N(s) against ln(1/s) over scale[fit_first..fit_last]. */
    int nscales;
    gs_box_scale scale[GS_STATS_MAX_SCALES];
    bool has_dim;         /* at least two usable scales with a boundary */
    int fit_first, fit_last;
    double dim, dim_err;  /* dim_err: standard error of the slope (NAN with 2 points) */
    double alpha;         /* uncertainty exponent, 2 - D */

    bool warn;            /* the map is too coarse (or has no boundary) for D to mean much */
    char warning[400];    /* why, as one line; empty when !warn */
} gs_map_stats;

/* Everything above for eps in [1, min(nx, ny)]. */
int gs_map_stats_compute(const gs_map_grid *grid, int eps, gs_map_stats *st, gs_error *err);

/* Over several maps (the frames of a zoom): the median of the dimensions D
 * of those that have one (the middle one, or the mean of the two middle
 * ones); returns how many had one (-1: out of memory), and *median is NAN
 * when none did. */
int gs_map_stats_median_dimension(const gs_map_stats *st, int n, double *median);

#endif
