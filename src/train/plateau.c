/* The linear plateau: the lowest loss an affine function reaches on the
 * plan's dense grid. A fit that ends there has learned nothing a straight
 * line could not; the judge and the time fields measure escapes from it. */
#include <math.h>
#include <stdlib.h>

#include "gridsweep/train.h"

/* Least squares of y on x with weights w (NULL: all 1). */
static void weighted_line(const double *x, const double *y, const double *w, int n,
                          double *alpha, double *beta)
{
    double sw = 0, sx = 0, sy = 0;
    for (int i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0;
        sw += wi, sx += wi * x[i], sy += wi * y[i];
    }
    const double mx = sx / sw, my = sy / sw;
    double sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        const double wi = w ? w[i] : 1.0, dx = x[i] - mx;
        sxx += wi * dx * dx, sxy += wi * dx * (y[i] - my);
    }
    *alpha = sxx > 0 ? sxy / sxx : 0.0;
    *beta = my - *alpha * mx;
}

static double huber(double r, double delta)
{
    const double a = fabs(r);
    return a < delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

static double mean_loss(gs_loss loss, double delta, const double *x, const double *y, int n,
                        double alpha, double beta)
{
    double sum = 0;
    for (int i = 0; i < n; i++) {
        const double r = alpha * x[i] + beta - y[i];
        sum += loss == GS_LOSS_MSE ? r * r : loss == GS_LOSS_HUBER ? huber(r, delta) : fabs(r);
    }
    return sum / n;
}

/* The k-th smallest of r[0..n) (r is reordered): Hoare's selection. */
static double select_kth(double *r, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        const double pivot = r[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (r[i] < pivot)
                i++;
            while (r[j] > pivot)
                j--;
            if (i <= j) {
                const double t = r[i];
                r[i++] = r[j];
                r[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return r[k];
}

/* MAE at slope alpha with its best intercept, a median of y - alpha x. */
static double mae_at_slope(const double *x, const double *y, int n, double alpha, double *r)
{
    for (int i = 0; i < n; i++)
        r[i] = y[i] - alpha * x[i];
    const double beta = select_kth(r, n, n / 2);
    return mean_loss(GS_LOSS_MAE, 0, x, y, n, alpha, beta);
}

/* The slope's objective is convex (a minimum over beta of a jointly convex
 * function), so a bracket grown from the least-squares slope and a golden
 * section inside it find the minimum. */
static double mae_plateau(const double *x, const double *y, int n, double alpha0)
{
    double *r = malloc((size_t)n * sizeof *r);
    if (!r)
        return -1;
    const double g = (sqrt(5.0) - 1) / 2, f0 = mae_at_slope(x, y, n, alpha0, r);
    const double h0 = fmax(fabs(alpha0), 1.0) * 0.25;
    double lo = alpha0 - h0, hi = alpha0 + h0;
    for (double h = h0; h < 1e300 && mae_at_slope(x, y, n, lo, r) < f0; h *= 2)
        lo -= h;   /* still falling to the left: the minimum is further out */
    for (double h = h0; h < 1e300 && mae_at_slope(x, y, n, hi, r) < f0; h *= 2)
        hi += h;
    double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    double fa = mae_at_slope(x, y, n, a, r), fb = mae_at_slope(x, y, n, b, r);
    for (int i = 0; i < 300 && hi - lo > 1e-13 * fmax(fabs(lo) + fabs(hi), 1e-300); i++) {
        if (fa <= fb) {
            hi = b, b = a, fb = fa;
            a = hi - g * (hi - lo);
            fa = mae_at_slope(x, y, n, a, r);
        } else {
            lo = a, a = b, fa = fb;
            b = lo + g * (hi - lo);
            fb = mae_at_slope(x, y, n, b, r);
        }
    }
    const double best = fmin(fa, fb);
    free(r);
    return best;
}

/* Huber: weights 1 inside delta, delta / |r| outside, until the line settles. */
static double huber_plateau(double delta, const double *x, const double *y, int n, double alpha,
                            double beta)
{
    double *w = malloc((size_t)n * sizeof *w);
    if (!w)
        return -1;
    for (int it = 0; it < 500; it++) {
        for (int i = 0; i < n; i++) {
            const double a = fabs(alpha * x[i] + beta - y[i]);
            w[i] = a <= delta ? 1.0 : delta / a;
        }
        double na, nb;
        weighted_line(x, y, w, n, &na, &nb);
        const bool settled = fabs(na - alpha) <= 1e-15 * fmax(fabs(na), 1) &&
                             fabs(nb - beta) <= 1e-15 * fmax(fabs(nb), 1);
        alpha = na, beta = nb;
        if (settled)
            break;
    }
    free(w);
    return mean_loss(GS_LOSS_HUBER, delta, x, y, n, alpha, beta);
}

double gs_affine_plateau64(gs_loss loss, double huber_delta, const double *x, const double *y,
                           int n)
{
    double alpha, beta;
    weighted_line(x, y, NULL, n, &alpha, &beta);
    switch (loss) {
    case GS_LOSS_MSE: return mean_loss(GS_LOSS_MSE, 0, x, y, n, alpha, beta);
    case GS_LOSS_HUBER: return huber_plateau(huber_delta, x, y, n, alpha, beta);
    default: return mae_plateau(x, y, n, alpha);
    }
}

/* Every operation above is in double, so the floats widened first give the
 * very values they always gave. */
double gs_affine_plateau(gs_loss loss, double huber_delta, const float *x, const float *y, int n)
{
    double *w = malloc(2 * (size_t)n * sizeof *w);
    if (!w)
        return -1;
    for (int i = 0; i < n; i++)
        w[i] = x[i], w[n + i] = y[i];
    const double plateau = gs_affine_plateau64(loss, huber_delta, w, w + n, n);
    free(w);
    return plateau;
}
