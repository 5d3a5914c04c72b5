/* Starting a block: its lanes' starting points and a fresh optimizer state;
 * and what the AVX2 MAE loop's one-instruction sign asks of a step's tables. */
#include <math.h>
#include <string.h>

#include "gridsweep/step.h"

void gs_block_init(gs_block *blk, int n, const float (*start)[5], const uint64_t *point)
{
    memset(blk, 0, sizeof *blk);
    blk->n = n;
    for (int l = 0; l < GS_BLOCK_LANES; l++) {
        const int src = l < n ? l : n - 1;     /* idle lanes repeat the last start */
        for (int k = 0; k < 4; k++)
            blk->p[k][l] = start[src][k];
        blk->lr_in[l] = blk->lr_out[l] = start[src][4];
        blk->point[l] = point[src];
        blk->t_escape[l] = blk->t_enter[l] = blk->t_diverge[l] = GS_T_NEVER;
    }
}

void gs_block_set_rates(gs_block *blk, int lane, float lr_in, float lr_out)
{
    for (int l = lane; l < GS_BLOCK_LANES && (l == lane || l >= blk->n); l++) {
        blk->lr_in[l] = lr_in;
        blk->lr_out[l] = lr_out;
    }
}

void gs_block64_init(gs_block64 *blk, int n, const double (*start)[5], const uint64_t *point)
{
    memset(blk, 0, sizeof *blk);
    blk->n = n;
    for (int l = 0; l < GS_BLOCK_LANES; l++) {
        const int src = l < n ? l : n - 1;
        for (int k = 0; k < 4; k++)
            blk->p[k][l] = start[src][k];
        blk->lr_in[l] = blk->lr_out[l] = start[src][4];
        blk->point[l] = point[src];
        blk->t_escape[l] = blk->t_enter[l] = blk->t_diverge[l] = GS_T_NEVER;
    }
}

void gs_block64_set_rates(gs_block64 *blk, int lane, double lr_in, double lr_out)
{
    for (int l = lane; l < GS_BLOCK_LANES && (l == lane || l >= blk->n); l++) {
        blk->lr_in[l] = lr_in;
        blk->lr_out[l] = lr_out;
    }
}

/* sign2_zmin: the sign2 path doubles g f'(z) x, which is exact where that
 * product is a multiple of 2^-149 (the float grid's step below 2^-126), so
 * that the sum it joins rounds alike at either scale. With ulp(x) >= 2^ex
 * for every x and f'(z) >= 2^(-126 - ex), ulp(f'(z)) ulp(x) >= 2^-149. The
 * exp-based f'(z) (elu's e^z, selu's 1.76 e^z, softplus's sigmoid(z) >=
 * e^z / 2, sigmoid's s (1 - s) >= e^-|z| / 4) is at least e^-|z| / 8 as
 * computed, so |z| <= (123 + ex) ln 2 suffices on the side where it falls.
 * On the other side f'(z) is 1, selu's lambda or softplus's sigmoid(z) >=
 * 1/2, which asks 2^(-126 - ex) <= 1/2: ex >= -120 keeps a margin (x of
 * 2^-97 and less leave the path out). */
void gs_step_scan_tables(gs_step_data *step, size_t n)
{
    const int f32 = step->xs && step->ys, f64 = !f32 && step->xs64 && step->ys64;
    int neg_zero = 0, finite = 1, ex = 0;
    double lo = INFINITY, hi = -INFINITY;
    if (!f32 && !f64)
        n = 0;                                  /* no tables: keep the shortcuts out */
    for (size_t i = 0; i < n; i++) {
        /* a float widened to double keeps its value, and frexp its exponent */
        const double x = f32 ? step->xs[i] : step->xs64[i], y = f32 ? step->ys[i] : step->ys64[i];
        neg_zero |= y == 0 && signbit(y);
        if (!isfinite(x)) {
            finite = 0;
            continue;
        }
        lo = fmin(lo, x);
        hi = fmax(hi, x);
        if (f32 && x != 0) {
            int e;
            frexp(x, &e);                       /* |x| in [2^(e-1), 2^e) */
            const int ulp = e - 1 - 23 < -149 ? -149 : e - 1 - 23;
            ex = ulp < ex ? ulp : ex;   /* from 0: a bound never too high */
        }
    }
    step->xs_finite = n && finite;
    step->xs_lo = step->xs_finite ? lo : 0;
    step->xs_hi = step->xs_finite ? hi : 0;
    step->ys_no_neg_zero = f32 && n && !neg_zero;
    step->sign2_zmin = f32 && step->xs_finite && ex >= -120 ? (-123.0 - ex) * 0.6931471805599453
                                                            : HUGE_VAL;
}
