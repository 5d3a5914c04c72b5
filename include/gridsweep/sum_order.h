/* The order in which a step's batch sums are formed: torch 1.13's. PyTorch
 * sums a gradient over the batch with ATen's cascade sum (SumKernel.cpp, the
 * AVX2 build that Debian's torch runs on every x86-64 CPU): 8-float vectors,
 * four of them interleaved, so sample k lands in one of 32 running sums
 * (k mod 32) that are added into levels every 16 rows, then combined lane by
 * lane; the samples past the last whole vector are summed first, on their
 * own, and the 8 lanes added to them in order. A sequential sum of the same
 * 256 terms is off by tens of ulp where they cancel, and Adam turns that
 * into a different trajectory within 20 steps; summed in ATen's order the
 * kernels round as PyTorch does, up to the sign of a zero sum (ATen adds a
 * few +0 where this order skips them) and the rounding of each term.
 *
 * The kernels walk the batch in the order's positions (order[p] is the
 * sample summed p-th), keeping one running sum, and act at the end of each
 * segment: push it up the cascade, fold the cascade back, or store it as a
 * partial sum and start again from zero. The partials are then combined by
 * a fixed list of additions. Every kernel set follows this one description,
 * so they stay bit-identical. */
#ifndef GRIDSWEEP_SUM_ORDER_H
#define GRIDSWEEP_SUM_ORDER_H

#include <stdint.h>

/* Positions per sub-batch: segments never straddle a multiple of this. */
#define GS_SUM_SUB_BATCH 64
/* 32 interleaved sums and the tail's. */
#define GS_SUM_MAX_PARTIALS 33
/* Cascade levels above the running sum (ATen's four levels). */
#define GS_SUM_LEVELS 3

typedef struct gs_sum_seg {
    int32_t first, count;   /* positions first .. first+count-1, into the running sum */
    int8_t push;            /* then push the running sum up this many levels (0: none) */
    int8_t fold;            /* then add the levels into the running sum, in order */
    int16_t store;          /* then store it as this partial and restart from 0 (-1: none) */
} gs_sum_seg;

typedef struct gs_sum_order {
    int batch;
    int32_t *order;         /* [batch] order[p]: the sample summed p-th */
    int32_t *gen;           /* [batch] the positions of each sub-batch, by sample:
                             * independent sampling draws its samples in this
                             * order, so each 4-sample draw is made once */
    gs_sum_seg *seg;
    int nseg;
    int16_t (*combine)[2];  /* partial[c][0] += partial[c][1], in this order */
    int ncombine;
    int npartials, result;  /* the sum ends in partial[result] */
} gs_sum_order;

/* Builds the order of a batch of 1 <= batch <= GS_MAX_BATCH samples; 0, or
 * -1 when out of memory (o is then empty). */
int gs_sum_order_build(gs_sum_order *o, int batch);
void gs_sum_order_free(gs_sum_order *o);

/* The reference: the sum of v[0 .. batch-1] in this order, in float, one
 * rounding per addition. */
float gs_sum_order_apply(const gs_sum_order *o, const float *v);

#endif
