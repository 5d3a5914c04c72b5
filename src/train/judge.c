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

/* The dense grid's sums, in double for both precisions: the loss, and the
 * moments of (x, yhat) that the least-squares line through them needs. */
typedef struct fit_sums {
    double loss, sx, sy, sxx, sxy, syy;
} fit_sums;

static void fit_add(fit_sums *s, const gs_train_config *cfg, double x, double yhat, double y)
{
    s->loss += loss_of(cfg->loss, cfg->huber_delta, yhat - y);
    s->sx += x, s->sy += yhat, s->sxx += x * x, s->sxy += x * yhat, s->syy += yhat * yhat;
}

/* The mean loss, the spread of yhat, and what is left over from the
 * least-squares line through (x, yhat): the curvature (its RMS). */
static void fit_shape(const fit_sums *s, int n, double *mean_loss, double *spread,
                      double *lin_err)
{
    const double mx = s->sx / n, my = s->sy / n, vx = s->sxx / n - mx * mx;
    const double vy = fmax(s->syy / n - my * my, 0), cxy = s->sxy / n - mx * my;
    *mean_loss = s->loss / n;
    *spread = sqrt(vy);
    *lin_err = sqrt(fmax(vy - cxy * cxy / vx, 0));
}

/* A time field's candidate as the step, or -1 for never. */
static int32_t time_field(float cand, int steps)
{
    return cand > (float)steps ? -1 : (int32_t)cand;
}

/* What the fit gains over the best straight line (the plateau), in units
 * where a fit at RMS distance e from its own best line can gain at most e:
 * MAE's loss is 1-Lipschitz in the residual and Huber's delta-Lipschitz, so
 * loss >= plateau - delta * e; MSE's root is a norm, so
 * sqrt(loss) >= sqrt(plateau) - e. A gain below --linear-tol is a fit that
 * uses no more curvature than the lin_err test allows, whatever route made
 * it so (an affine piece, a saturated curve, curvature of the wrong sign). */
static double curvature_gain(const gs_train_config *cfg, double plateau, double loss)
{
    switch (cfg->loss) {
    case GS_LOSS_MSE: return sqrt(plateau) - sqrt(loss);
    case GS_LOSS_HUBER: return (plateau - loss) / cfg->huber_delta;
    default: return plateau - loss;
    }
}

/* The signed convergence score, after Sohl-Dickstein, "The boundary of
 * neural network trainability is fractal" (arXiv:2402.06184, 2024), whose
 * maps colour each run by -sum(l_t / l_0) if it converged and sum(l_0 / l_t)
 * if it diverged. Here it is made continuous across the boundary and bounded:
 * a diverged run scores (steps + 1 - t_diverge) / (steps + 1), in (0, 1],
 * larger the sooner it diverged (1/(steps + 1) if only the judge's dense
 * grid overflowed); a bounded run scores -(1 - mean over the steps of
 * min(1, l_t / l_0)), in [-1, 0], more negative the faster its batch loss
 * l_t fell below its first l_0. Either side shrinks towards the boundary:
 * a run that diverges later, or one whose loss falls more slowly, scores
 * nearer 0 (as in an escape-time picture, the time to diverge grows only
 * logarithmically with the distance to the boundary). */
static double score(const gs_result *r, int steps, double rsum)
{
    if (r->outcome == GS_OUT_DIVERGED) {
        const int t = r->t_diverge >= 0 ? r->t_diverge : steps;
        return (double)(steps + 1 - t) / (steps + 1);
    }
    return rsum / steps - 1.0;
}

/* The outcome from the result's values (an f32 run's floats widened, so the
 * comparisons are the float ones they always were), the piece of the
 * activation the data range maps into and the loss over the steps before
 * the window (NaN: none). */
static gs_outcome decide(const gs_train_plan *plan, int piece, double before,
                         const gs_result *r)
{
    const gs_train_config *cfg = &plan->cfg;
    if (r->t_diverge >= 0 || !isfinite(r->a) || !isfinite(r->b) || !isfinite(r->c) ||
        !isfinite(r->d) || !isfinite(r->window_loss) || !isfinite(r->final_loss))
        return GS_OUT_DIVERGED;
    if (piece == GS_PIECE_FLAT || r->c == 0 || r->spread < cfg->dead_tol)
        return GS_OUT_DEAD;
    if (piece == GS_PIECE_AFFINE || r->lin_err < cfg->linear_tol ||
        curvature_gain(cfg, plan->plateau, r->final_loss) < cfg->linear_tol)
        return GS_OUT_LINEAR;
    if (r->window_loss < cfg->tol)
        return GS_OUT_CONVERGED;
    if (r->window_loss < GS_SLOW_FRACTION * before)   /* false with no steps before */
        return GS_OUT_SLOW;
    return GS_OUT_STUCK;
}

int gs_train_judge(const gs_train_plan *plan, gs_eval_fn eval, const gs_block *blk, int lane,
                   gs_result *out)
{
    const gs_train_config *cfg = &plan->cfg;
    const int n = cfg->eval_points;
    const float a = blk->p[0][lane], b = blk->p[1][lane], c = blk->p[2][lane],
                d = blk->p[3][lane];
    /* z is written in full before eval reads it, and eval writes f and df:
     * no memset a lane (a 6 KB one was 1% of relu's sweep) */
    float stack[3 * JUDGE_STACK];
    if (n < 1)
        return -1;   /* settings.def asks for 2 or more */
    float *z = n <= JUDGE_STACK ? stack : malloc(3 * (size_t)n * sizeof *z);
    fit_sums sums = {0};
    if (!z)
        return -1;   /* out of memory: no outcome, never a made-up one */
    float *f = z + n, *df = f + n;
    /* Plain multiply-add: the judge is portable C, the same for every kernel set. */
    for (int i = 0; i < n; i++)
        z[i] = a * plan->eval_x[i] + b;
    eval(z, f, df, (size_t)n);
    for (int i = 0; i < n; i++)   /* yhat in float, as the model forms it */
        fit_add(&sums, cfg, plan->eval_x[i], c * f[i] + d, plan->eval_y[i]);
    if (z != stack)
        free(z);
    double mean_loss, spread, lin_err;
    fit_shape(&sums, n, &mean_loss, &spread, &lin_err);

    out->a = a, out->b = b, out->c = c, out->d = d;
    const int steps = cfg->steps, wstart = plan->step.window_start, pstart = plan->step.prev_start;
    out->window_loss = blk->wsum[lane] / (float)(steps - wstart);
    out->final_loss = (float)mean_loss;   /* float32 columns */
    out->spread = (float)spread;
    out->lin_err = (float)lin_err;
    out->t_escape = time_field(blk->t_escape[lane], steps);
    out->t_enter = time_field(blk->t_enter[lane], steps);
    out->t_diverge = time_field(blk->t_diverge[lane], steps);

    const float za = fmaf(a, plan->range_lo, b), zb = fmaf(a, plan->range_hi, b);
    const int piece = gs_act_piece_of(cfg->act, fminf(za, zb), fmaxf(za, zb));
    /* The window against the steps before it: the loss still falling? */
    const double before = wstart > pstart ? blk->wprev[lane] / (double)(wstart - pstart) : NAN;
    out->outcome = decide(plan, piece, before, out);
    out->score = (float)score(out, steps, blk->rsum[lane]);   /* a float32 column */
    return 0;
}

/* ---- in double (--precision f64) --------------------------------------- */

static int32_t time_field64(double cand, int steps) { return cand > steps ? -1 : (int32_t)cand; }

/* gs_act_piece_of on doubles: the pieces' ends are floats, compared exactly. */
static int piece_of64(gs_act act, double zlo, double zhi)
{
    const gs_act_info *info = gs_act_get(act);
    for (int i = 0; info && i < info->npieces; i++)
        if (info->pieces[i].lo <= zlo && zhi <= info->pieces[i].hi)
            return (int)info->pieces[i].kind;
    return -1;
}

/* gs_train_judge line by line in double: the dense grid, the shape, the
 * window and the outcome rules are the same. */
int gs_train_judge64(const gs_train_plan *plan, gs_eval64_fn eval, const gs_block64 *blk,
                     int lane, gs_result *out)
{
    const gs_train_config *cfg = &plan->cfg;
    const int n = cfg->eval_points;
    const double a = blk->p[0][lane], b = blk->p[1][lane], c = blk->p[2][lane],
                 d = blk->p[3][lane];
    double stack[3 * JUDGE_STACK];   /* as gs_train_judge's: no allocation a lane */
    if (n < 1)
        return -1;
    double *z = n <= JUDGE_STACK ? stack : malloc(3 * (size_t)n * sizeof *z);
    fit_sums sums = {0};
    if (!z)
        return -1;
    double *f = z + n, *df = f + n;
    for (int i = 0; i < n; i++)
        z[i] = a * plan->eval_x64[i] + b;
    eval(z, f, df, (size_t)n);
    for (int i = 0; i < n; i++)
        fit_add(&sums, cfg, plan->eval_x64[i], c * f[i] + d, plan->eval_y64[i]);
    if (z != stack)
        free(z);

    out->a = a, out->b = b, out->c = c, out->d = d;
    const int steps = cfg->steps, wstart = plan->step.window_start, pstart = plan->step.prev_start;
    out->window_loss = blk->wsum[lane] / (steps - wstart);
    fit_shape(&sums, n, &out->final_loss, &out->spread, &out->lin_err);
    out->t_escape = time_field64(blk->t_escape[lane], steps);
    out->t_enter = time_field64(blk->t_enter[lane], steps);
    out->t_diverge = time_field64(blk->t_diverge[lane], steps);
    const double za = fma(a, plan->range_lo64, b), zb = fma(a, plan->range_hi64, b);
    const int piece = piece_of64(cfg->act, fmin(za, zb), fmax(za, zb));
    const double before = wstart > pstart ? blk->wprev[lane] / (wstart - pstart) : NAN;
    out->outcome = decide(plan, piece, before, out);
    out->score = score(out, steps, blk->rsum[lane]);
    return 0;
}
