/* checkkernels, eval family: f and f' of each activation. The reference is
 * the scalar set called one element at a time; each set runs whole arrays
 * (random, extreme and special values) and every length 0..100 from
 * misaligned starts, and must write nothing outside [0, n). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "checkkernels.h"
#include "kernel_inputs.h"

#define N_RANDOM (1 << 14)   /* elements per distribution */
#define MAX_LEN 100
#define MAX_OFF 16
#define GUARD 0xdeadbeefu

/* The scalar bits of z[0..n), one element per call. */
static void reference(const ck_run *run, const float *z, float *f, float *df, size_t n)
{
    const gs_eval_fn eval = run->ref->eval[run->fn.act];
    for (size_t i = 0; i < n; i++)
        eval(&z[i], &f[i], &df[i], 1);
}

static void compare_arrays(ck_run *run, const float *z, size_t n, const char *what,
                           float *buf)
{
    float *rf = buf, *rdf = rf + n, *f = rdf + n, *df = f + n;
    reference(run, z, rf, rdf, n);
    for (int s = 0; s < GS_ISA_COUNT; s++) {
        if (!run->sets[s])
            continue;
        run->sets[s]->eval[run->fn.act](z, f, df, n);
        for (size_t i = 0; i < n; i++)
            if (!same_bits(f[i], rf[i]) || !same_bits(df[i], rdf[i]))
                ck_fail(run, (gs_isa)s,
                        "%s: z = %a [%08x]: f = %a [%08x] f' = %a [%08x], scalar f = %a "
                        "[%08x] f' = %a [%08x]",
                        what, (double)z[i], f2u(z[i]), (double)f[i], f2u(f[i]), (double)df[i],
                        f2u(df[i]), (double)rf[i], f2u(rf[i]), (double)rdf[i], f2u(rdf[i]));
    }
}

/* Every length 0..MAX_LEN from input offsets 0..MAX_OFF-1, outputs offset
 * differently, between guard words. */
static void compare_lengths(ck_run *run, rng *r)
{
    enum { CAP = MAX_LEN + 2 * MAX_OFF };
    float src[CAP], rf[MAX_LEN], rdf[MAX_LEN], f[CAP], df[CAP], pool[MAX_SPECIAL];
    const size_t npool = special_inputs(pool, MAX_SPECIAL);
    for (size_t n = 0; n <= MAX_LEN; n++) {
        for (size_t off = 0; off < MAX_OFF; off++) {
            const size_t oo = (off * 7 + 3) % MAX_OFF;   /* output offset */
            for (size_t i = 0; i < CAP; i++)
                src[i] = (rng_next(r) & 3) == 0 ? pool[rng_next(r) % npool]
                                                : rng_uniform(r, -12, 12);
            reference(run, &src[off], rf, rdf, n);
            for (int s = 0; s < GS_ISA_COUNT; s++) {
                if (!run->sets[s])
                    continue;
                for (size_t i = 0; i < CAP; i++)
                    f[i] = df[i] = u2f(GUARD);
                run->sets[s]->eval[run->fn.act](&src[off], &f[oo], &df[oo], n);
                for (size_t i = 0; i < CAP; i++) {
                    const bool inside = i >= oo && i < oo + n;
                    if (inside ? same_bits(f[i], rf[i - oo]) && same_bits(df[i], rdf[i - oo])
                               : f2u(f[i]) == GUARD && f2u(df[i]) == GUARD)
                        continue;
                    ck_fail(run, (gs_isa)s,
                            "n = %zu, input offset %zu, output offset %zu, element %td: %s "
                            "(f = %a [%08x], f' = %a [%08x])",
                            n, off, oo, (ptrdiff_t)i - (ptrdiff_t)oo,
                            inside ? "differs from scalar" : "written outside [0, n)",
                            (double)f[i], f2u(f[i]), (double)df[i], f2u(df[i]));
                }
            }
        }
    }
}

void ck_check_eval(ck_run *run)
{
    float *z = malloc(5 * N_RANDOM * sizeof *z);
    if (!z) {
        for (int s = 0; s < GS_ISA_COUNT; s++)
            if (run->sets[s])
                ck_fail(run, (gs_isa)s, "out of memory");
        return;
    }
    float *buf = z + N_RANDOM;
    rng r = {run->seed * 0x9e3779b97f4a7c15ull + 17 * (uint64_t)run->fn.act + 1};
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = rng_uniform(&r, -90, 90);
    compare_arrays(run, z, N_RANDOM, "uniform [-90, 90]", buf);
    sign_runs runs = {0, 1};
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = (float)sign_runs_next(&runs, &r);
    compare_arrays(run, z, N_RANDOM, "runs of one sign", buf);
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = rng_uniform(&r, -1, 1);
    compare_arrays(run, z, N_RANDOM, "uniform [-1, 1]", buf);
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = rng_logmag(&r);
    compare_arrays(run, z, N_RANDOM, "log-uniform 1e-30..1e30", buf);
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = u2f((uint32_t)rng_next(&r));   /* any bit pattern, NaNs included */
    compare_arrays(run, z, N_RANDOM, "random bit patterns", buf);
    compare_arrays(run, z, special_inputs(z, MAX_SPECIAL), "special inputs", buf);
    compare_lengths(run, &r);
    free(z);
}

#define BENCH_N (64 * 1024)   /* z, f, f': 768 KiB, inside L2 */
#define BENCH_REPS 9

double ck_bench_eval(const gs_kernels *k, gs_act act)
{
    static float z[BENCH_N], f[BENCH_N], df[BENCH_N];
    rng r = {0x9e3779b97f4a7c15ull};
    for (int i = 0; i < BENCH_N; i++)
        z[i] = rng_uniform(&r, -5, 5);
    double t[BENCH_REPS];
    k->eval[act](z, f, df, BENCH_N);   /* warm caches and branch predictors */
    for (int i = 0; i < BENCH_REPS; i++) {
        const double t0 = ck_now_ns();
        k->eval[act](z, f, df, BENCH_N);
        t[i] = ck_now_ns() - t0;
    }
    return ck_median(t, BENCH_REPS) / BENCH_N;
}
