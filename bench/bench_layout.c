/* bench_layout: the two ways to vectorise the training step, measured on the
 * relu / MAE / Adam step of the sweep (--steps 1000 --batch 256, shared
 * sampling), one thread:
 *   points: one SIMD lane per starting point, all lanes reading the same
 *           broadcast sample (what gridsweep does: gs_kernels' train);
 *   batch:  one point at a time, the batch across the lanes, with horizontal
 *           sums of the gradients at the end of every step.
 * The batch layout sums in another order than the scalar reference, so it
 * could not give bit-identical kernel sets even if it were faster. */
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gridsweep/kernels.h"
#include "gridsweep/train.h"

#define POINTS 512

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One point, batch across 16 lanes: forward, MAE, the four gradient sums. */
__attribute__((target("avx512f"))) static void step_batch(const float *x, const float *y,
                                                         int batch, float p[4], float g[4],
                                                         float *loss)
{
    const __m512 a = _mm512_set1_ps(p[0]), b = _mm512_set1_ps(p[1]), c = _mm512_set1_ps(p[2]),
                 d = _mm512_set1_ps(p[3]), zero = _mm512_setzero_ps();
    __m512 ga = zero, gb = zero, gc = zero, gd = zero, ls = zero;
    for (int s = 0; s < batch; s += 16) {
        __m512 xv = _mm512_loadu_ps(&x[s]), z = _mm512_fmadd_ps(a, xv, b);
        __mmask16 pos = _mm512_cmp_ps_mask(z, zero, _CMP_GT_OQ);
        __m512 f = _mm512_max_ps(zero, z);
        __m512 r = _mm512_sub_ps(_mm512_fmadd_ps(c, f, d), _mm512_loadu_ps(&y[s]));
        __m512i bits = _mm512_maskz_ternarylogic_epi32(
            _mm512_cmp_ps_mask(r, zero, _CMP_NEQ_OQ), _mm512_castps_si512(r),
            _mm512_set1_epi32((int)0x80000000u), _mm512_set1_epi32(0x3f800000), 0xEA);
        __m512 sg = _mm512_castsi512_ps(bits);
        ls = _mm512_fmadd_ps(sg, r, ls);
        gd = _mm512_add_ps(gd, sg);
        gc = _mm512_fmadd_ps(sg, f, gc);
        gb = _mm512_mask_add_ps(gb, pos, gb, sg);
        ga = _mm512_mask3_fmadd_ps(sg, xv, ga, pos);
    }
    g[0] = _mm512_reduce_add_ps(ga), g[1] = _mm512_reduce_add_ps(gb);
    g[2] = _mm512_reduce_add_ps(gc), g[3] = _mm512_reduce_add_ps(gd);
    *loss = _mm512_reduce_add_ps(ls);
}

static void adam(float p[4], float m[4], float v[4], const float g[4], int t, float scale)
{
    const double bc1 = 1 - pow(0.9, t), bc2 = 1 - pow(0.999, t);
    for (int k = 0; k < 4; k++) {
        const float gk = g[k] * scale * (k < 2 ? p[2] : 1.0f);
        m[k] += 0.1f * (gk - m[k]);
        v[k] = v[k] * 0.999f + 0.001f * gk * gk;
        p[k] -= (float)(0.1 / bc1) * m[k] / (sqrtf(v[k]) / (float)sqrt(bc2) + 1e-8f);
    }
}

int main(void)
{
    const gs_kernels *k = gs_kernels_get(GS_ISA_AVX512);
    if (!k) {
        puts("bench_layout: needs AVX-512");
        return 0;
    }
    gs_train_config cfg = gs_train_defaults();
    gs_train_plan plan;
    gs_error err;
    if (gs_train_plan_init(&plan, &cfg, &err)) {
        fprintf(stderr, "bench_layout: %s\n", err.msg);
        return 2;
    }
    const double work = (double)POINTS * cfg.steps * cfg.batch;

    double t0 = now();
    for (int b = 0; b < POINTS; b += k->lanes) {
        float start[GS_BLOCK_LANES][5];
        uint64_t point[GS_BLOCK_LANES];
        for (int l = 0; l < k->lanes; l++) {
            const float s[5] = {1, -2 + 4.0f * (b + l) / POINTS, 1, -0.5f, 0.1f};
            memcpy(start[l], s, sizeof s);
            point[l] = (uint64_t)(b + l);
        }
        gs_block blk;
        gs_block_init(&blk, k->lanes, (const float(*)[5])start, point);
        k->train[GS_ACT_RELU][GS_LOSS_MAE](&plan.step, &blk, cfg.steps);
    }
    const double t_points = now() - t0;

    t0 = now();
    volatile float sink = 0;   /* keeps the batch layout's work alive */
    for (int i = 0; i < POINTS; i++) {
        float p[4] = {1, -2 + 4.0f * i / POINTS, 1, -0.5f}, m[4] = {0}, v[4] = {0}, g[4], loss;
        for (int t = 0; t < cfg.steps; t++) {
            const size_t off = (size_t)t * plan.step.x_stride;
            step_batch(plan.step.xs + off, plan.step.ys + off, cfg.batch, p, g, &loss);
            adam(p, m, v, g, t + 1, plan.step.inv_batch);
            sink += loss;
        }
    }
    const double t_batch = now() - t0;
    printf("## Step layouts (relu, MAE, Adam; %d points x %d steps x %d samples, 1 thread)\n\n",
           POINTS, cfg.steps, cfg.batch);
    printf("| layout | sample-steps/s |\n|---|---|\n");
    printf("| one lane per point (gridsweep) | %.2fe9 |\n", work / t_points / 1e9);
    printf("| batch across the lanes | %.2fe9 |\n", work / t_batch / 1e9);
    printf("\npoints layout: %.1fx the batch layout\n", t_batch / t_points);
    gs_train_plan_free(&plan);
    return 0;
}
