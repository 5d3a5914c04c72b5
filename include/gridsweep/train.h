/* Training of starting points: settings, per-block state, outcomes. */
#ifndef GRIDSWEEP_TRAIN_H
#define GRIDSWEEP_TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gridsweep/activation.h"
#include "gridsweep/dist.h"
#include "gridsweep/error.h"
#include "gridsweep/kernels.h"
#include "gridsweep/step_vocab.h"

/* The outcomes, X(ID, name) like the step's vocabularies (step_vocab.h). The
 * codes are the enum's values; tools that read maps rely on this order, so a
 * new outcome goes at the end. The rules are gs_train_judge's (README). */
#define GS_OUTCOMES(X)                                                                   \
    X(CONVERGED, converged) X(STUCK, stuck) X(LINEAR, linear) X(DEAD, dead)              \
    X(DIVERGED, diverged) X(SLOW, slow)
#define GS_OUT_ENUM_(ID, name) GS_OUT_##ID,
typedef enum gs_outcome { GS_OUTCOMES(GS_OUT_ENUM_) GS_OUT_COUNT } gs_outcome;
#undef GS_OUT_ENUM_

/* The arithmetic of a run, X(ID, name): f32 trains in float32 (every map
 * made before the setting existed), f64 in double from the starts to the
 * judge (issue 12). */
#define GS_PRECISIONS(X) X(F32, f32) X(F64, f64)
#define GS_PRECISION_ENUM_(ID, name) GS_PRECISION_##ID,
typedef enum gs_precision { GS_PRECISIONS(GS_PRECISION_ENUM_) GS_PRECISION_COUNT } gs_precision;
#undef GS_PRECISION_ENUM_

/* "?" for a value out of range. */
const char *gs_loss_name(gs_loss);
const char *gs_precision_name(gs_precision);
const char *gs_opt_name(gs_opt);
const char *gs_sampling_name(gs_sampling);
const char *gs_method_name(gs_method);
const char *gs_outcome_name(gs_outcome);
/* 0 and *out set, or -1 for an unknown name. */
int gs_loss_parse(const char *s, gs_loss *out);
int gs_opt_parse(const char *s, gs_opt *out);
int gs_sampling_parse(const char *s, gs_sampling *out);
int gs_method_parse(const char *s, gs_method *out);
int gs_outcome_parse(const char *s, gs_outcome *out);
int gs_precision_parse(const char *s, gs_precision *out);
/* Every name, comma-separated ("mae, mse, huber"), for error messages. */
const char *gs_loss_names(void);
const char *gs_opt_names(void);
const char *gs_sampling_names(void);
const char *gs_method_names(void);
const char *gs_outcome_names(void);
const char *gs_precision_names(void);

/* Everything that decides a trajectory and its outcome, besides the start. */
typedef struct gs_train_config {
    gs_act act;
    gs_loss loss;
    double huber_delta;
    gs_opt opt;
    /* The rates are coordinates of the plane, float32 like a, b, c, d (the
     * map's lr column); the optimizer's constants are doubles, as
     * torch.optim holds them. */
    float lr;
    float lr_in, lr_out;   /* per-layer rates of (a, b) and (c, d); NaN: lr's */
    double beta1, beta2, eps, momentum, alpha;
    int steps, batch;
    float data_lo, data_hi;
    gs_dist data_dist;     /* the distribution of x (uniform: on [data_lo, data_hi)) */
    gs_act target;         /* the function to fit */
    gs_sampling sampling;
    gs_method method;      /* how a step's batch sums are computed */
    uint64_t seed;
    double window;       /* fraction of the steps averaged into window_loss */
    double tol;          /* converged: window loss below this */
    double dead_tol;     /* dead: std of the fitted function below this */
    double linear_tol;   /* linear: RMS distance from its best affine fit below this */
    int eval_points;     /* dense midpoint grid for final_loss and the shape tests */
    gs_precision precision; /* float32 or double arithmetic, end to end */
    int seeds;           /* the sweep's ensemble: seeds seed .. seed+seeds-1 per cell (the
                          * trainer itself uses seed alone) */
} gs_train_config;

/* The data distribution's spellings: "uniform", "normal:MEAN,STD",
 * "laplace:MEAN,SCALE", "student-t:NU,SCALE" (src/train/data_dist.c). */
#define GS_DIST_SPELLINGS "uniform | normal:MEAN,STD | laplace:MEAN,SCALE | student-t:NU,SCALE"
#define GS_DIST_DEFAULT ((gs_dist){.kind = GS_DIST_UNIFORM})
/* 0 and *out set, or -1 with a one-line reason (no option name in it). */
int gs_dist_parse(const char *s, gs_dist *out, gs_error *err);
/* The text gs_dist_parse reads back, shortest numbers. */
int gs_dist_format(const gs_dist *d, char *buf, size_t size);
/* The rate a layer trains with: its own if set, else lr. */
static inline float gs_train_rate(float layer_rate, float lr)
{
    return layer_rate != layer_rate ? lr : layer_rate;   /* NaN: unset */
}

/* The double that v's shortest text names: 0.1f gives 0.1. An f64 run takes
 * its rates, held as float32 in gs_train_config, through this: the value the
 * user typed whenever float32 holds its digits. */
double gs_float_decimal(float v);
/* Shortest text that reads back as exactly v. */
int gs_fmt_float(char *buf, size_t n, float v);
int gs_fmt_double(char *buf, size_t n, double v);
/* Every setting (act excluded, lr optional) as "# key: value\n" header lines,
 * or as the canonical " --option value" words; -1 if buf is too small.
 * The settings themselves are tabled in gridsweep/settings.def. */
int gs_train_config_lines(const gs_train_config *cfg, bool with_lr, char *buf, size_t size);
int gs_train_config_args(const gs_train_config *cfg, bool with_lr, char *buf, size_t size);

/* The defaults documented in README (settings.def's default column). */
gs_train_config gs_train_defaults(void);
/* Checks ranges (settings.def's check column, then the limits that involve
 * two settings); a bad setting gives a one-line message naming it. */
int gs_train_validate(const gs_train_config *cfg, gs_error *err);

/* t_escape: the smoothed loss below this fraction of the linear plateau.
 * 0.72 gives 0.045 for the default plateau 1/16: below selu's wall (about
 * 0.05, 0.8 of the plateau) and the plateau's own jitter (window losses
 * 0.0626-0.0643), above the convergence tolerance 0.03; it is the threshold
 * of the findings' escape table. */
#define GS_ESCAPE_FRACTION 0.72
/* slow: the window loss below this fraction of the mean loss over as many
 * steps before the window (README, "the outcome"). */
#define GS_SLOW_FRACTION 0.95

/* Read-only data shared by every block of one run: the kernels' step data
 * and what the judge needs besides. */
typedef struct gs_train_plan {
    gs_train_config cfg;
    gs_step_data step;       /* built from cfg; its sample tables live in samples */
    float *samples;          /* owns step.xs and step.ys (NULL for independent) */
    void *sorted;            /* owns the sorted method's tables (step.sx ...) */
    gs_sum_order *sum;       /* owns step.sum */
    double *bias;            /* owns step.bias (Adam only) */
    float *eval_x, *eval_y;  /* the dense grid and its target, eval_points long:
                              * the quantiles of the midpoints (i + 0.5) / n */
    float range_lo, range_hi;  /* where the shape rules look: [lo, hi] of --data
                                * for uniform, else the central 99% (quantiles
                                * 0.005 and 0.995) */
    double plateau;          /* the loss of the best affine fit of the target on
                              * the dense grid (1/16 for relu on U[-0.5, 0.5], MAE) */
    /* An f64 run's tables instead (the float ones are then NULL): the same
     * draws as 53-bit uniforms (gs_uniform2d), the midpoints and the
     * targets in double (the reference set's eval64). */
    double *samples64;       /* owns step.xs64 and step.ys64 */
    double *eval_x64, *eval_y64;
    double range_lo64, range_hi64;
} gs_train_plan;

int gs_train_plan_init(gs_train_plan *plan, const gs_train_config *cfg, gs_error *err);
void gs_train_plan_free(gs_train_plan *plan);

/* The sorted method's tables hold at most this many rows (steps x (batch +
 * 1) for shared sampling, batch + 1 for grid): 12 bytes a row for mae, 20
 * for mse and huber, so at most 768 MiB or 1.25 GiB. */
#define GS_SORTED_MAX_ROWS (1 << 26)

/* The training kernel of the plan's settings (act, loss, method) in set k. */
gs_train_fn gs_train_kernel(const gs_train_plan *plan, const gs_kernels *k);

/* The lowest mean loss of an affine function alpha x + beta against y over
 * the n points (src/train/plateau.c): MSE by least squares, MAE by a search
 * over the slope with the best intercept (a median) at each, Huber by
 * iteratively reweighted least squares. -1 when out of memory. */
double gs_affine_plateau(gs_loss loss, double huber_delta, const float *x, const float *y,
                         int n);
/* The same on double points (an f64 run's dense grid). */
double gs_affine_plateau64(gs_loss loss, double huber_delta, const double *x, const double *y,
                           int n);

/* The values are doubles: an f64 run's own, an f32 run's floats widened
 * exactly (and written back as the same floats: gs_map_format_row). */
typedef struct gs_result {
    double a, b, c, d;
    double window_loss, final_loss;
    double lin_err, spread;  /* shape of the fitted function over the data range */
    gs_outcome outcome;
    /* The step of a loss is the number of updates before the parameters it
     * is the loss of; -1: never (README, "the time fields"). */
    int32_t t_escape;        /* smoothed loss first below GS_ESCAPE_FRACTION * plateau */
    int32_t t_enter;         /* smoothed loss first below tol */
    int32_t t_diverge;       /* a parameter or the loss first not finite */
    double score;            /* < 0 bounded, > 0 diverged (gs_train_score) */
} gs_result;


/* Shape and loss of c*f(a*x+b)+d on the plan's dense grid, and the outcome. */
/* eval is the activation's kernel (any set: they agree bit for bit).
 * Returns 0, or -1 when out of memory (out is then left as it was). */
int gs_train_judge(const gs_train_plan *plan, gs_eval_fn eval, const gs_block *blk, int lane,
                   gs_result *out);

/* The judge of an f64 run (gs_train_judge in double, from a gs_block64). */
int gs_train_judge64(const gs_train_plan *plan, gs_eval64_fn eval, const gs_block64 *blk,
                     int lane, gs_result *out);

/* Called for each t = 0..steps of a traced run with the parameters a, b, c, d
 * after t updates and the batch loss of the step they take next (NULL after
 * the last step). Returns 0 to go on, or a positive value to stop the run. */
/* The values are doubles: an f32 run's floats widened (exactly). */
typedef int (*gs_trace_step_fn)(void *ctx, int t, const double p[4], const double *loss);

/* Trains one starting point (a, b, c, d, lr; an f32 run takes them as floats)
 * with stream id point, one step
 * at a time with k's kernels, calling on_step at every step, then judges it
 * into *out. The bits are those of the same point in a sweep. Returns 0;
 * on_step's positive value if it stopped the run; -1 when out of memory
 * (*out is then unset either way). */
int gs_train_trace(const gs_train_plan *plan, const gs_kernels *k, const double start[5],
                   uint64_t point, gs_trace_step_fn on_step, void *ctx, gs_result *out);

#endif
