/* Judging a trained lane by what is stable: the window loss, the loss on a
 * dense grid, and the shape of the fitted function. */
#include <math.h>
#include <stdlib.h>

#include "gridsweep/train.h"

#define JUDGE_STACK 512   /* eval points judged without a heap allocation */

static double loss_of(gs_loss loss, double delta, double r)
{
    const double a = fabs(r);
    switch (loss) {
    case GS_LOSS_MSE: return r * r;
    case GS_LOSS_HUBER: return a < delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
    default: return a;
    }
}

int gs_train_judge(const gs_train_plan *plan, gs_eval_fn eval, const gs_block *blk, int lane,
                   gs_result *out)
{
    const gs_train_config *cfg = &plan->cfg;
    const int n = cfg->eval_points;
    const float a = blk->p[0][lane], b = blk->p[1][lane], c = blk->p[2][lane],
                d = blk->p[3][lane];
    float stack[3 * JUDGE_STACK] = {0};
    float *z = n <= JUDGE_STACK ? stack : malloc(3 * (size_t)n * sizeof *z);
    double sum_l = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    if (!z)
        return -1;   /* out of memory: no outcome, never a made-up one */
    {
        float *f = z + n, *df = f + n;
        /* Plain multiply-add: the judge is portable C, the same for every kernel set. */
        for (int i = 0; i < n; i++)
            z[i] = a * plan->eval_x[i] + b;
        eval(z, f, df, (size_t)n);
        for (int i = 0; i < n; i++) {
            const double x = plan->eval_x[i], yhat = c * f[i] + d;
            sum_l += loss_of(cfg->loss, cfg->huber_delta, yhat - plan->eval_y[i]);
            sx += x, sy += yhat, sxx += x * x, sxy += x * yhat, syy += yhat * yhat;
        }
        if (z != stack)
            free(z);
    }
    /* Least-squares line through (x, yhat): what is left over is the curvature. */
    const double mx = sx / n, my = sy / n, vx = sxx / n - mx * mx;
    const double vy = fmax(syy / n - my * my, 0), cxy = sxy / n - mx * my;
    const double resid = fmax(vy - cxy * cxy / vx, 0);

    out->a = a, out->b = b, out->c = c, out->d = d;
    out->window_loss = blk->wsum[lane] / (float)(cfg->steps - plan->step.window_start);
    out->final_loss = (float)(sum_l / n);
    out->spread = (float)sqrt(vy);
    out->lin_err = (float)sqrt(resid);
    out->t_conv = blk->tconv[lane] > (float)cfg->steps ? -1 : (int32_t)blk->tconv[lane];

    const float za = fmaf(a, plan->range_lo, b), zb = fmaf(a, plan->range_hi, b);
    const int piece = gs_act_piece_of(cfg->act, fminf(za, zb), fmaxf(za, zb));
    if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !isfinite(d) ||
        !isfinite(out->window_loss) || !isfinite(out->final_loss))
        out->outcome = GS_OUT_DIVERGED;
    else if (piece == GS_PIECE_FLAT || c == 0 || out->spread < cfg->dead_tol)
        out->outcome = GS_OUT_DEAD;
    else if (piece == GS_PIECE_AFFINE || out->lin_err < cfg->linear_tol)
        out->outcome = GS_OUT_LINEAR;
    else if (out->window_loss < cfg->tol)
        out->outcome = GS_OUT_CONVERGED;
    else
        out->outcome = GS_OUT_STUCK;
    return 0;
}
