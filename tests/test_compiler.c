/* The compiler keeps the roundings the code writes. GCC 12.2 at -O3 (Debian
 * 12's) drops the float rounding of (double)(float)v in code its SLP
 * vectorizer forms from a short loop into a double array: the last pair of a
 * loop of 6 kept the double. It hit the ensemble shares (src/map/ensemble.c),
 * so meson.build turns that vectorizer off (-fno-tree-slp-vectorize: the same
 * instruction counts in the kernels, which are written in intrinsics). This
 * test is the pattern itself, built with the project's flags: it fails if a
 * build loses the flag on a compiler with the bug. Plain C, no Criterion. */
#include <stdio.h>

#define MAXN 12

/* v[k] = the float nearest (k + 1) / d, held as a double: loops of fixed
 * lengths 2 .. MAXN, each a function of its own so each is unrolled and
 * vectorized as the compiler likes. */
#define NARROW_FN(N)                                                          \
    __attribute__((noinline)) static void narrow_##N(double *v, int d)       \
    {                                                                         \
        for (int k = 0; k < N; k++)                                           \
            v[k] = (double)(float)((double)(k + 1) / d);                      \
    }
NARROW_FN(2) NARROW_FN(3) NARROW_FN(4) NARROW_FN(5) NARROW_FN(6) NARROW_FN(7)
NARROW_FN(8) NARROW_FN(9) NARROW_FN(10) NARROW_FN(11) NARROW_FN(12)

int main(void)
{
    void (*const fns[])(double *, int) = {narrow_2, narrow_3, narrow_4,  narrow_5,
                                          narrow_6, narrow_7, narrow_8,  narrow_9,
                                          narrow_10, narrow_11, narrow_12};
    int passed = 0, failed = 0;
    for (int i = 0; i < (int)(sizeof fns / sizeof *fns); i++) {
        const int n = i + 2;
        double v[MAXN];
        fns[i](v, 7);
        int bad = 0;
        for (int k = 0; k < n; k++) {
            volatile float f = (float)((double)(k + 1) / 7);   /* rounded, whatever the flags */
            if (v[k] != (double)f) {
                printf("FAIL: a loop of %d: element %d is %a, not the float %a\n", n, k, v[k],
                       (double)f);
                bad = 1;
            }
        }
        bad ? failed++ : passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
