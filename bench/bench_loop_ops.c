/* bench_loop_ops: what the exact relu / MAE inner loop costs on AVX2 against
 * the shortcuts a hand-tuned loop may take, measured on the loop alone: two
 * vectors of 8 starting points, one broadcast sample x (and y = relu(x)) at
 * a time through the sum order's index, a, b, c, d read from L1, the
 * running sums in registers, one long run of samples (no sum order, no
 * optimizer), so that only the per-sample operations differ:
 *   exact:    gridsweep's accumulate(): sign(r) with 0 where r is +-0 or
 *             NaN (a blend, a compare and an and), and the loss sum |r|;
 *   no-loss:  the same without the loss sum (which the step's bookkeeping
 *             needs every step: escape, divergence, score, windows);
 *   psign:    2 sign(y - yhat) in one vpsignd, no test for zero: right
 *             only where y - yhat is never -0 and never NaN, and every sum
 *             is then twice the true one (overflowing at half the range);
 *   psign, no loss: both shortcuts, the hand-tuned loop's choice.
 * Prints ns per vector-sample (8 lanes) and each variant's speed relative to
 * exact, best of --reps runs. On an x86-64 CPU without AVX2 it says so and
 * exits 0. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 256
#define NVAR 4

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct sums {
    __m256 ga, gb, gd, ls;
} sums;

/* One sample on one vector of 8 lanes; v selects the variant. */
__attribute__((target("avx2,fma"), always_inline)) static inline void sample(int v, const float *prm,
                                                                             __m256 x, __m256 y,
                                                                             sums *s)
{
    const __m256 zero = _mm256_setzero_ps();
    const __m256 a = _mm256_load_ps(prm), b = _mm256_load_ps(prm + 8);
    const __m256 c = _mm256_load_ps(prm + 16), d = _mm256_load_ps(prm + 24);
    const __m256 z = _mm256_fmadd_ps(a, x, b), pos = _mm256_cmp_ps(z, zero, _CMP_GT_OQ);
    const __m256 yhat = _mm256_fmadd_ps(c, _mm256_max_ps(zero, z), d);
    __m256 r, g;
    if (v < 2) {
        r = _mm256_sub_ps(yhat, y);
        const __m256 unit = _mm256_blendv_ps(_mm256_set1_ps(1.0f), _mm256_set1_ps(-1.0f), r);
        g = _mm256_and_ps(_mm256_cmp_ps(r, zero, _CMP_NEQ_OQ), unit);
    } else {
        r = _mm256_sub_ps(y, yhat);   /* -(yhat - y): the sums come out negated */
        g = _mm256_castsi256_ps(
            _mm256_sign_epi32(_mm256_castps_si256(_mm256_set1_ps(2.0f)), _mm256_castps_si256(r)));
    }
    if (v % 2 == 0)
        s->ls = _mm256_fmadd_ps(g, r, s->ls);
    s->gd = _mm256_add_ps(s->gd, g);
    const __m256 gz = _mm256_and_ps(pos, g);
    s->gb = _mm256_add_ps(s->gb, gz);
    s->ga = _mm256_fmadd_ps(gz, x, s->ga);
}

/* reps passes over the batch; returns a checksum so nothing is dropped. */
__attribute__((target("avx2,fma"), noinline)) static float run(int v, const float *xs,
                                                               const float *ys, const int *order,
                                                               const float *prm, long reps)
{
    sums s0, s1;
    s0.ga = s0.gb = s0.gd = s0.ls = _mm256_setzero_ps();
    s1 = s0;
    for (long r = 0; r < reps; r++)
        for (int k = 0; k < BATCH; k++) {
            const __m256 x = _mm256_broadcast_ss(&xs[order[k]]);
            const __m256 y = _mm256_broadcast_ss(&ys[order[k]]);
            switch (v) {   /* one loop per variant, the variant a constant */
            case 0: sample(0, prm, x, y, &s0), sample(0, prm + 32, x, y, &s1); break;
            case 1: sample(1, prm, x, y, &s0), sample(1, prm + 32, x, y, &s1); break;
            case 2: sample(2, prm, x, y, &s0), sample(2, prm + 32, x, y, &s1); break;
            default: sample(3, prm, x, y, &s0), sample(3, prm + 32, x, y, &s1); break;
            }
        }
    _Alignas(32) float out[8];
    __m256 t = _mm256_add_ps(_mm256_add_ps(s0.ga, s0.gb), _mm256_add_ps(s0.gd, s0.ls));
    t = _mm256_add_ps(t, _mm256_add_ps(_mm256_add_ps(s1.ga, s1.gb), _mm256_add_ps(s1.gd, s1.ls)));
    _mm256_store_ps(out, t);
    return out[0];
}

static int usage(const char *msg)
{
    fprintf(stderr, "bench_loop_ops: %s\nusage: bench_loop_ops [--reps N] [--passes N]\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    int reps = 5;
    long passes = 100000;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "--help")) {
            printf("bench_loop_ops [--reps N] [--passes N]: the exact relu/MAE inner loop against\n"
                   "a hand-tuned loop's shortcuts on AVX2 (best of N runs of N passes over a\n"
                   "batch of 256), in ns per vector-sample; see the source's head comment.\n");
            return 0;
        }
        if (i + 1 >= argc)
            return usage("an option without its value");
        long val = strtol(argv[i + 1], &end, 10);
        if (*end || val < 1 || val > 100000000)
            return usage("a value must be a whole number from 1 to 1e8");
        if (!strcmp(argv[i], "--reps"))
            reps = (int)val;
        else if (!strcmp(argv[i], "--passes"))
            passes = val;
        else
            return usage("unknown option");
        i++;
    }
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        printf("bench_loop_ops: this CPU has no AVX2 and FMA; nothing measured\n");
        return 0;
    }
    static float xs[BATCH], ys[BATCH];
    static int order[BATCH];
    _Alignas(32) static float prm[64];
    srand(1);
    for (int k = 0; k < BATCH; k++) {
        xs[k] = (float)rand() / (float)RAND_MAX - 0.5f;
        ys[k] = xs[k] > 0 ? xs[k] : 0.0f;
        order[k] = (k % 32) * 8 + k / 32;   /* strided, as the sum order walks the batch */
    }
    for (int l = 0; l < 8; l++)
        for (int h = 0; h < 2; h++) {   /* starts around (1, 0.5, 1, -0.5) */
            prm[32 * h + l] = 0.5f + 0.1f * (float)l;
            prm[32 * h + 8 + l] = 0.5f - 0.05f * (float)(l + h);
            prm[32 * h + 16 + l] = 1.0f;
            prm[32 * h + 24 + l] = -0.5f + 0.01f * (float)l;
        }
    static const char *const names[NVAR] = {"exact", "no-loss", "psign", "psign, no loss"};
    double best[NVAR];
    float check = 0;
    for (int v = 0; v < NVAR; v++)
        best[v] = 1e30;
    for (int r = 0; r < reps; r++)
        for (int v = 0; v < NVAR; v++) {   /* the variants in turn, against drift */
            double t = now();
            check += run(v, xs, ys, order, prm, passes);
            t = now() - t;
            if (t < best[v])
                best[v] = t;
        }
    printf("## The relu / MAE inner loop on AVX2 (best of %d runs, %ld passes of %d samples, "
           "2 vectors of 8 lanes; checksum %g)\n\n",
           reps, passes, BATCH, (double)check);
    printf("| variant | ns per vector-sample | speed / exact |\n|---|---|---|\n");
    for (int v = 0; v < NVAR; v++)
        printf("| %s | %.3f | %.2fx |\n", names[v], best[v] * 1e9 / ((double)passes * BATCH * 2),
               best[0] / best[v]);
    return 0;
}
