/* What a training kernel works on: the state of a block of starting points
 * (gs_block, read and written) and the data of a step (gs_step_data, read
 * only). The trainer (train.h) builds both from its settings; the kernels
 * know nothing above this header. */
#ifndef GRIDSWEEP_STEP_H
#define GRIDSWEEP_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "gridsweep/activation.h"
#include "gridsweep/dist.h"
#include "gridsweep/step_vocab.h"
#include "gridsweep/sum_order.h"

/* Lanes per block: the widest kernel set's lanes times its interleave. */
#define GS_BLOCK_LANES 32
#define GS_ALIGN 64

/* State of up to GS_BLOCK_LANES starting points trained together, one per
 * SIMD lane. Structure of arrays so every field loads as a vector. */
typedef struct gs_block {
    _Alignas(GS_ALIGN) float p[4][GS_BLOCK_LANES];   /* a, b, c, d */
    _Alignas(GS_ALIGN) float lr_in[GS_BLOCK_LANES];   /* learning rate of a and b */
    _Alignas(GS_ALIGN) float lr_out[GS_BLOCK_LANES];  /* learning rate of c and d */
    _Alignas(GS_ALIGN) float m[4][GS_BLOCK_LANES];   /* first moment / momentum buffer */
    _Alignas(GS_ALIGN) float v[4][GS_BLOCK_LANES];   /* second moment */
    _Alignas(GS_ALIGN) float loss[GS_BLOCK_LANES];   /* batch loss of the last step */
    _Alignas(GS_ALIGN) float ema[GS_BLOCK_LANES];    /* smoothed batch loss */
    _Alignas(GS_ALIGN) float wsum[GS_BLOCK_LANES];   /* sum of batch losses in the window */
    _Alignas(GS_ALIGN) float wprev[GS_BLOCK_LANES];  /* the same over the steps before it */
    /* The time fields (train.h's gs_result), as candidates: the first step
     * that met the condition so far, GS_T_NEVER if none. Floats (exact up to
     * 2^24 > GS_MAX_STEPS) so that they blend like the rest. */
    _Alignas(GS_ALIGN) float t_escape[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) float t_enter[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) float t_diverge[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) float inv_loss0[GS_BLOCK_LANES]; /* 1 / the loss at step 0 (0 if it was 0) */
    _Alignas(GS_ALIGN) float rsum[GS_BLOCK_LANES];   /* sum of min(1, loss / loss at step 0) */
    uint64_t point[GS_BLOCK_LANES];  /* stream id per lane, for independent sampling */
    int t;                           /* steps done */
    int n;                           /* lanes in use; the rest mirror lane n-1 */
} gs_block;

/* A time field's candidate before its condition was met. */
#define GS_T_NEVER 3.0e38f

/* Places starting points (a,b,c,d,lr) into lanes 0..n-1 (1 <= n <=
 * GS_BLOCK_LANES) and resets the state to step 0; lr is both layers' rate. */
void gs_block_init(gs_block *blk, int n, const float (*start)[5], const uint64_t *point);
/* Gives lane `lane` (< blk->n) its own rates for the inner layer (a, b) and
 * the outer one (c, d); the idle lanes after the last follow it. */
void gs_block_set_rates(gs_block *blk, int lane, float lr_in, float lr_out);

/* The same state in double, for --precision f64: every float of gs_block a
 * double (the time fields too, exact far beyond GS_MAX_STEPS). */
typedef struct gs_block64 {
    _Alignas(GS_ALIGN) double p[4][GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double lr_in[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double lr_out[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double m[4][GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double v[4][GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double loss[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double ema[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double wsum[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double wprev[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double t_escape[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double t_enter[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double t_diverge[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double inv_loss0[GS_BLOCK_LANES];
    _Alignas(GS_ALIGN) double rsum[GS_BLOCK_LANES];
    uint64_t point[GS_BLOCK_LANES];
    int t;
    int n;
} gs_block64;

/* gs_block_init and gs_block_set_rates for a gs_block64 (the time fields
 * start at GS_T_NEVER, the same value in double). */
void gs_block64_init(gs_block64 *blk, int n, const double (*start)[5], const uint64_t *point);
void gs_block64_set_rates(gs_block64 *blk, int lane, double lr_in, double lr_out);

/* Everything a training step reads besides the block, shared by every block
 * of a run. */
typedef struct gs_step_data {
    gs_loss loss;
    /* The float fields' values as doubles: the f32 kernels cast them at use
     * ((float)step->tol), the f64 kernels use them as they are. */
    double huber_delta;      /* cast at use, as torch's huber_loss casts delta */
    gs_opt opt;
    /* Held in double as torch.optim holds them (Python floats); the kernels
     * cast where torch's ops cast (train_impl.h). */
    double beta1, beta2, eps, momentum, alpha;
    gs_sampling sampling;
    uint64_t seed;           /* independent sampling draws from (seed, point, step) */
    double data_lo, data_hi; /* independent sampling's range of x (uniform) */
    gs_dist dist;            /* independent sampling's distribution of x */
    gs_act target;           /* independent sampling's y: target(x) */
    int batch;
    double inv_batch;        /* 1 / batch: (float)(1.0 / batch) == 1.0f / batch
                              * for every batch up to 2^20 (checkkernels) */
    const gs_sum_order *sum; /* the order the batch sums are formed in (batch's) */
    /* The samples of step t are xs[t * x_stride ...] (t * x_stride + batch):
     * shared: [steps][batch]; grid: [batch] with x_stride 0; independent:
     * NULL (drawn per lane). ys is the target at those x. */
    const float *xs, *ys;
    /* The same tables in double for the f64 kernels (NULL in f32 runs),
     * laid out like xs and ys, with the same x_stride. */
    const double *xs64, *ys64;
    size_t x_stride;
    /* What the step kernels' exact shortcuts need to know of the tables
     * (gs_step_scan_tables fills them; all 0 in step data made by hand,
     * which keeps every shortcut out): xs_finite, 1 when every x is finite,
     * and then xs_lo and xs_hi, the least and the greatest x (the blocks
     * on one side of 0, train_impl.h's block_side; the sign2 band); for
     * the AVX2 f32 MAE loop's sign in one instruction (train_impl.h's
     * sign2), ys_no_neg_zero, 1 when no y of ys is -0, and sign2_zmin, the
     * least z = a x + b at which an exp-based f'(z) is still large enough
     * (HUGE_VAL: nowhere). */
    int xs_finite, ys_no_neg_zero;
    double xs_lo, xs_hi;
    double sign2_zmin;
    /* The sorted method's tables (NULL for direct; then xs and ys are NULL):
     * row t starts at t * s_stride (s_stride = batch + 1 for shared
     * sampling, 0 for grid) and holds step t's samples in ascending order,
     * sx[0 .. batch), and their prefix sums in double, s1[i] = the sum of
     * sx[0 .. i), s2 likewise of sx^2 (NULL for mae, which needs no x^2),
     * i = 0 .. batch. The target is the activation `target`, exactly. */
    const float *sx;
    const double *s1, *s2;
    size_t s_stride;
    /* Each row's bucket index (sorted_index.h), gs_sorted_buckets(batch) + 1
     * entries a row, rows as sx's; NULL: none, every search spans the row. */
    const int32_t *sidx;
    /* Adam's bias corrections of steps 0 .. bias_steps-1, formed once a run
     * instead of twice a block and step (7% of a relu sweep's time at batch 8):
     * bias[2t] = 1 - beta1^(t+1) and bias[2t+1] = sqrt(1 - beta2^(t+1)),
     * both with C's pow (Python's float power, which torch 1.13 takes), as
     * train_impl.h forms them. bias_ones: the last pair is (1, 1), and so is
     * every later step's (beta^(t+1) only falls, and 1 - it rounds to 1
     * from there on). Past the table otherwise, and with bias NULL (other
     * optimizers, hand-made step data), the kernels call pow themselves. */
    const double *bias;
    int bias_steps, bias_ones;
    int window_start;        /* first step whose loss is summed into wsum */
    int prev_start;          /* first step summed into wprev (up to window_start) */
    double tol;              /* t_enter: the smoothed loss below this */
    double escape;           /* t_escape: the smoothed loss below this */
} gs_step_data;

/* Fills step's xs_finite, xs_lo, xs_hi, ys_no_neg_zero and sign2_zmin from
 * its tables, n entries each: xs and ys, or in an f64 run (xs NULL) xs64
 * and ys64, where ys_no_neg_zero stays 0 and sign2_zmin HUGE_VAL (no f64
 * set has the sign2 loop). */
void gs_step_scan_tables(gs_step_data *step, size_t n);

#endif
