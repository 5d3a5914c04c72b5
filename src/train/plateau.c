/* The linear plateau: the loss of the best affine fit y ~ s x + d of the
 * target on the dense grid, under the run's loss. Every straight line the
 * model can draw (an affine piece, a saturated curve) has at least this
 * loss, so t_escape and the linear outcome measure against it.
 * MSE: least squares in closed form. MAE and Huber: the loss is jointly
 * convex in (s, d), so its minimum over d is convex in s; a golden-section
 * search on s (MAE: d is the median of y - s x; Huber: an inner golden
 * section on d within the residuals' range) converges to it. Computed once
 * per plan, in double. */
#include <math.h>
#include <stdlib.h>

#include "gridsweep/train.h"

#define GOLDEN_ITERS 90   /* the bracket shrinks by 0.618^90 ~ 1e-19 */

typedef struct fit_data {
    const gs_train_config *cfg;
    const float *x, *y;
    int n;
    double *scratch;   /* n doubles (MAE's median) */
} fit_data;

static double point_loss(const gs_train_config *cfg, double r)
{
    const double a = fabs(r), delta = cfg->huber_delta;
    if (cfg->loss == GS_LOSS_HUBER)
        return a < delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
    return cfg->loss == GS_LOSS_MSE ? r * r : a;
}

static double mean_loss(const fit_data *f, double s, double d)
{
    double sum = 0;
    for (int i = 0; i < f->n; i++)
        sum += point_loss(f->cfg, f->y[i] - s * f->x[i] - d);
    return sum / f->n;
}

/* The k-th smallest of v[0..n) (Hoare's selection; reorders v). */
static double select_kth(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        const double pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                const double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* The best intercept for slope s, and the loss there. */
static double best_over_d(const fit_data *f, double s)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < f->n; i++) {
        const double r = f->y[i] - s * f->x[i];
        f->scratch[i] = r;
        lo = fmin(lo, r), hi = fmax(hi, r);
    }
    if (f->cfg->loss == GS_LOSS_MAE)   /* any median minimises mean |r - d| */
        return mean_loss(f, s, select_kth(f->scratch, f->n, f->n / 2));
    const double g = (sqrt(5.0) - 1) / 2;
    double a = lo, b = hi;
    for (int it = 0; it < GOLDEN_ITERS && b - a > 0; it++) {
        const double c = b - g * (b - a), e = a + g * (b - a);
        if (mean_loss(f, s, c) <= mean_loss(f, s, e))
            b = e;
        else
            a = c;
    }
    return mean_loss(f, s, 0.5 * (a + b));
}

double gs_train_plateau(const gs_train_config *cfg, const float *x, const float *y)
{
    const int n = cfg->eval_points;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, ylo = INFINITY, yhi = -INFINITY;
    for (int i = 0; i < n; i++) {
        sx += x[i], sy += y[i], sxx += (double)x[i] * x[i], sxy += (double)x[i] * y[i];
        ylo = fmin(ylo, y[i]), yhi = fmax(yhi, y[i]);
    }
    const double mx = sx / n, my = sy / n, vx = sxx / n - mx * mx;
    const double s_ls = vx > 0 ? (sxy / n - mx * my) / vx : 0;
    fit_data f = {.cfg = cfg, .x = x, .y = y, .n = n};
    if (cfg->loss == GS_LOSS_MSE)
        return mean_loss(&f, s_ls, my - s_ls * mx);
    f.scratch = malloc((size_t)n * sizeof *f.scratch);
    if (!f.scratch)
        return NAN;
    /* The best slope lies within a few rises over the run of the least-squares one. */
    const double width = 4 * (yhi - ylo) / (x[n - 1] - x[0]) + fabs(s_ls) + 1e-9;
    const double g = (sqrt(5.0) - 1) / 2;
    double a = s_ls - width, b = s_ls + width;
    for (int it = 0; it < GOLDEN_ITERS && b - a > 0; it++) {
        const double c = b - g * (b - a), e = a + g * (b - a);
        if (best_over_d(&f, c) <= best_over_d(&f, e))
            b = e;
        else
            a = c;
    }
    const double plateau = best_over_d(&f, 0.5 * (a + b));
    free(f.scratch);
    return plateau;
}
