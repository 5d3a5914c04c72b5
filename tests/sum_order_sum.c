/* sum_order_sum: reads little-endian float32 vectors from standard input,
 * each preceded by its length (int32), and prints the sum of each in torch
 * 1.13's order (gridsweep/sum_order.h) as a float's bits in hex, one per
 * line. tests/torch_sum_order.py compares them with torch.sum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/settings.h"
#include "gridsweep/sum_order.h"

int main(void)
{
    int32_t n;
    while (fread(&n, sizeof n, 1, stdin) == 1) {
        if (n < 1 || n > GS_MAX_BATCH) {
            fprintf(stderr, "sum_order_sum: bad length %d\n", (int)n);
            return 2;
        }
        float *v = malloc((size_t)n * sizeof *v);
        gs_sum_order o;
        if (!v || gs_sum_order_build(&o, n)) {
            fprintf(stderr, "sum_order_sum: out of memory\n");
            return 1;
        }
        if (fread(v, sizeof *v, (size_t)n, stdin) != (size_t)n) {
            fprintf(stderr, "sum_order_sum: short input\n");
            return 2;
        }
        float s = gs_sum_order_apply(&o, v);
        uint32_t bits;
        memcpy(&bits, &s, sizeof bits);
        printf("%08x\n", (unsigned)bits);
        gs_sum_order_free(&o);
        free(v);
    }
    return 0;
}
