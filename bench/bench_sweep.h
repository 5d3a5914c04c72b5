/* bench_sweep's pieces: the options, one timed sweep, the peers, and the
 * sections that compare gridsweep with the hand-tuned limit loops
 * (bench_compare.c, bench_limit.c). */
#ifndef GS_BENCH_SWEEP_H
#define GS_BENCH_SWEEP_H

#include <stdbool.h>

#include "gridsweep/sweep.h"

typedef struct bench_opts {
    const char *acts, *isa, *limit_dir;
    bool isa_given;             /* --isa or GRIDSWEEP_ISA named one set */
    gs_isa set;                 /* that set, else the best this CPU runs */
    int res, steps, batch, threads, reps;
    int peers, contention, memory;
    int compare, limit, sorted; /* the comparison sections (--compare) */
} bench_opts;

/* Seconds for one sweep of the whole default b-d plane. method: NULL for
 * the default, else the value of the training setting `method`
 * (bench_method_available says whether this build has it). Exits on an
 * error, as a benchmark may. */
double bench_sweep_seconds(gs_act act, const gs_kernels *k, int res, int steps, int batch,
                           int threads, const char *method);
/* The median of v[0 .. n-1] (sorts them); 0 when n is 0. */
double bench_median(double *v, int n);
/* Median sample-steps per second of reps sweeps. */
double bench_median_rate(gs_act act, const gs_kernels *k, int res, int steps, int batch,
                         int threads, int reps, const char *method);
/* Whether the training setting `method` exists and takes `value`. */
bool bench_method_available(const char *value);

/* Runs bench/peers/<script> and returns its sample_steps_per_s (0 when the
 * peer or its Python package is missing). */
double bench_peer_rate(const char *script, const char *act, int res, int steps, int batch,
                       int threads);

/* The hand-tuned limit loops of ../shared/limit (bench_limit.c). */
typedef struct limit_row {
    char var[16], math[8];
    double rate;                /* sample-steps per second */
} limit_row;

/* Builds the limit binary from dir (its build.sh) into a directory beside
 * this executable; returns its path in buf, or NULL (and says why on
 * stderr) when dir is missing or the build fails. */
const char *limit_build(const char *dir, char *buf, size_t size);
/* The limit variants (its --var list) that match kernel set isa; NULL when
 * none does (NEON). */
const char *limit_vars(gs_isa isa);
/* Whether the limit loops have a counterpart of act. */
bool limit_has_act(gs_act act);
/* Runs every math variant of vars for act on the same work as the sweep
 * (traj = cells rounded up to the loops' chunk of 64); fills up to max
 * rows, returns how many (0 on failure or when the work is not one the
 * loops take, e.g. a batch that is no multiple of 64). */
int limit_run(const char *bin, const char *vars, gs_act act, int cells, int steps, int batch,
              int threads, int reps, limit_row *rows, int max);

/* The limit binary of --compare: built from --limit-dir, else from
 * ../shared/limit beside the source tree; NULL (and why on stderr) when
 * there is none or it did not build. */
const char *limit_binary(const bench_opts *o, char *buf, size_t size);

/* The sections of --compare (bench_compare.c); limit_bin may be NULL. */
void section_compare(const bench_opts *o, const gs_act *acts, int n, const char *limit_bin);
void section_sorted(const bench_opts *o, const char *limit_bin);

#endif
