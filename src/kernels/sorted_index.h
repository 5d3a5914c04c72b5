/* The sorted method's bucket index: where a search on a row of sorted
 * samples starts and ends (the plan builds it with the row, the kernels read
 * it; step.h's sidx).
 *
 * A row of n sorted samples is cut into K equal buckets between its first
 * and last sample, and B[k] = the number of samples whose bucket is below k
 * (k = 0 .. K, so B[0] = 0 and B[K] = n). The bucket of a value is one
 * monotone function of it, computed alike here and in every kernel set, so
 * any y satisfies
 *   B[bucket(y)] <= #{samples < y}  and  #{samples <= y} <= B[bucket(y) + 1]:
 * a search whose answer is known to lie between two values looks only at the
 * samples between their buckets' bounds (about one sample for a uniform
 * batch), and still finds the exact index. */
#ifndef GS_SORTED_INDEX_H
#define GS_SORTED_INDEX_H

#include <stdint.h>

/* Buckets per row of n samples: about one sample a bucket. */
static inline int gs_sorted_buckets(int n) { return n > 0 ? n : 1; }

/* The row's origin and buckets per unit of x (0 when the row has no width:
 * then every value is in bucket 0). */
static inline void gs_sorted_scale(const float *x, int n, double *lo, double *inv_width)
{
    const double span = n > 0 ? (double)x[n - 1] - (double)x[0] : 0;
    *lo = n > 0 ? (double)x[0] : 0;
    *inv_width = span > 0 && span <= 1e308 ? (double)gs_sorted_buckets(n) / span : 0;
}

/* The bucket of y: monotone in y, NaN in bucket 0. Each kernel set computes
 * it with these very operations (max and min in the x86 sense: the second
 * operand unless the first is greater, or less). */
static inline int gs_sorted_bucket(double y, double lo, double inv_width, int k)
{
    double t = (y - lo) * inv_width;
    t = t > 0 ? t : 0;
    t = t < k - 1 ? t : k - 1;
    return (int)t;
}

/* B[0 .. K] of a sorted row (the samples' buckets never decrease). */
static inline void gs_sorted_index(const float *x, int n, int32_t *b)
{
    const int k = gs_sorted_buckets(n);
    double lo, inv_width;
    gs_sorted_scale(x, n, &lo, &inv_width);
    int i = 0;
    b[0] = 0;
    for (int j = 1; j <= k; j++) {
        while (i < n && gs_sorted_bucket((double)x[i], lo, inv_width, k) < j)
            i++;
        b[j] = i;
    }
}

#endif
