/* checkkernels, eval64 family: f and f' of each activation in double
 * (--precision f64), as checkkernels_eval.c checks the float ones. The
 * reference is the scalar set called one element at a time; each set runs
 * whole arrays (random, extreme and special values) and every length 0..100
 * from misaligned starts, and must write nothing outside [0, n). */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "checkkernels.h"
#include "kernel_inputs.h"
#include "kernel_inputs64.h"

#define N_RANDOM (1 << 14)   /* elements per distribution */
#define MAX_LEN 100
#define MAX_OFF 16
#define GUARD 0xdeadbeefdeadbeefull

/* The scalar bits of z[0..n), one element per call. */
static void reference(const ck_run *run, const double *z, double *f, double *df, size_t n)
{
    const gs_eval64_fn eval = run->ref->eval64[run->fn.act];
    for (size_t i = 0; i < n; i++)
        eval(&z[i], &f[i], &df[i], 1);
}

static void compare_arrays(ck_run *run, const double *z, size_t n, const char *what,
                           double *buf)
{
    double *rf = buf, *rdf = rf + n, *f = rdf + n, *df = f + n;
    reference(run, z, rf, rdf, n);
    for (int s = 0; s < GS_ISA_COUNT; s++) {
        if (!run->sets[s])
            continue;
        run->sets[s]->eval64[run->fn.act](z, f, df, n);
        for (size_t i = 0; i < n; i++)
            if (!same_bits64(f[i], rf[i]) || !same_bits64(df[i], rdf[i]))
                ck_fail(run, (gs_isa)s,
                        "%s: z = %a: f = %a [%016" PRIx64 "] f' = %a [%016" PRIx64 "], "
                        "scalar f = %a [%016" PRIx64 "] f' = %a [%016" PRIx64 "]",
                        what, z[i], f[i], d2u(f[i]), df[i], d2u(df[i]), rf[i], d2u(rf[i]),
                        rdf[i], d2u(rdf[i]));
    }
}

/* Every length 0..MAX_LEN from input offsets 0..MAX_OFF-1, outputs offset
 * differently, between guard words. */
static void compare_lengths(ck_run *run, rng *r)
{
    enum { CAP = MAX_LEN + 2 * MAX_OFF };
    double src[CAP], rf[MAX_LEN], rdf[MAX_LEN], f[CAP], df[CAP], pool[MAX_SPECIAL64];
    const size_t npool = special_inputs64(pool, MAX_SPECIAL64);
    for (size_t n = 0; n <= MAX_LEN; n++) {
        for (size_t off = 0; off < MAX_OFF; off++) {
            const size_t oo = (off * 7 + 3) % MAX_OFF;   /* output offset */
            for (size_t i = 0; i < CAP; i++)
                src[i] = (rng_next(r) & 3) == 0 ? pool[rng_next(r) % npool]
                                                : rng_uniform64(r, -45, 45);
            reference(run, &src[off], rf, rdf, n);
            for (int s = 0; s < GS_ISA_COUNT; s++) {
                if (!run->sets[s])
                    continue;
                for (size_t i = 0; i < CAP; i++)
                    f[i] = df[i] = u2d(GUARD);
                run->sets[s]->eval64[run->fn.act](&src[off], &f[oo], &df[oo], n);
                for (size_t i = 0; i < CAP; i++) {
                    const bool inside = i >= oo && i < oo + n;
                    if (inside ? same_bits64(f[i], rf[i - oo]) && same_bits64(df[i], rdf[i - oo])
                               : d2u(f[i]) == GUARD && d2u(df[i]) == GUARD)
                        continue;
                    ck_fail(run, (gs_isa)s,
                            "n = %zu, input offset %zu, output offset %zu, element %td: %s "
                            "(f = %a, f' = %a)",
                            n, off, oo, (ptrdiff_t)i - (ptrdiff_t)oo,
                            inside ? "differs from scalar" : "written outside [0, n)", f[i], df[i]);
                }
            }
        }
    }
}

void ck_check_eval64(ck_run *run)
{
    double *z = malloc(5 * N_RANDOM * sizeof *z);
    if (!z) {
        for (int s = 0; s < GS_ISA_COUNT; s++)
            if (run->sets[s])
                ck_fail(run, (gs_isa)s, "out of memory");
        return;
    }
    double *buf = z + N_RANDOM;
    rng r = {run->seed * 0x9e3779b97f4a7c15ull + 17 * (uint64_t)run->fn.act + 1};
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = rng_uniform64(&r, -90, 90);
    compare_arrays(run, z, N_RANDOM, "uniform [-90, 90]", buf);
    sign_runs runs = {0, 1};
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = sign_runs_next(&runs, &r);
    compare_arrays(run, z, N_RANDOM, "runs of one sign", buf);
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = rng_uniform64(&r, -1000, 1000);
    compare_arrays(run, z, N_RANDOM, "uniform [-1000, 1000]", buf);
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = rng_uniform64(&r, -1, 1);
    compare_arrays(run, z, N_RANDOM, "uniform [-1, 1]", buf);
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = rng_logmag64(&r);
    compare_arrays(run, z, N_RANDOM, "log-uniform 1e-300..1e300", buf);
    for (size_t i = 0; i < N_RANDOM; i++)
        z[i] = u2d(rng_next(&r));   /* any bit pattern, NaNs included */
    compare_arrays(run, z, N_RANDOM, "random bit patterns", buf);
    compare_arrays(run, z, special_inputs64(z, MAX_SPECIAL64), "special inputs", buf);
    compare_lengths(run, &r);
    free(z);
}

#define BENCH_N (32 * 1024)   /* z, f, f': 768 KiB, inside L2 */
#define BENCH_REPS 9

double ck_bench_eval64(const gs_kernels *k, gs_act act)
{
    static double z[BENCH_N], f[BENCH_N], df[BENCH_N];
    rng r = {0x9e3779b97f4a7c15ull};
    for (int i = 0; i < BENCH_N; i++)
        z[i] = rng_uniform64(&r, -5, 5);
    double t[BENCH_REPS];
    k->eval64[act](z, f, df, BENCH_N);   /* warm caches and branch predictors */
    for (int i = 0; i < BENCH_REPS; i++) {
        const double t0 = ck_now_ns();
        k->eval64[act](z, f, df, BENCH_N);
        t[i] = ck_now_ns() - t0;
    }
    return ck_median(t, BENCH_REPS) / BENCH_N;
}
