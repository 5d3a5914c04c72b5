/* Starting a block: its lanes' starting points and a fresh optimizer state;
 * and the one fact about a step's tables that a kernel asks of them. */
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

int gs_no_negative_zero(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == 0 && signbit(v[i]))
            return 0;
    return 1;
}
