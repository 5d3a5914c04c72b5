/* Activation kernel throughput: value plus derivative per element, for every
 * activation and every kernel set this CPU runs, as a Markdown table. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gridsweep/activation.h"
#include "gridsweep/isa.h"
#include "gridsweep/kernels.h"

#define N (64 * 1024)   /* z, f, f': 768 KiB, inside a 1 MiB L2: no memory traffic */
#define DEFAULT_REPS 15

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_kernels [--isa NAME] [--act NAME] [--reps N]\n"
            "Times one eval call (value and derivative) over %d elements; prints the\n"
            "median of N runs (default %d) per activation and kernel set.\n"
            "  --isa NAME   one kernel set: %s\n"
            "  --act NAME   one activation: %s\n"
            "  --reps N     timed runs per cell, 1..100000\n",
            N, DEFAULT_REPS, gs_isa_names(), gs_act_names());
}

static _Noreturn void die(const char *fmt, const char *arg)
{
    fputs("bench_kernels: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median wall time of one eval call over the whole array, in ns. */
static double time_eval(gs_eval_fn eval, const float *z, float *f, float *df, int reps,
                        double *samples)
{
    eval(z, f, df, N);   /* warm caches and branch predictors */
    for (int r = 0; r < reps; r++) {
        double t0 = now_ns();
        eval(z, f, df, N);
        samples[r] = now_ns() - t0;
    }
    qsort(samples, (size_t)reps, sizeof *samples, cmp_double);
    return reps % 2 ? samples[reps / 2] : 0.5 * (samples[reps / 2 - 1] + samples[reps / 2]);
}

int main(int argc, char **argv)
{
    int reps = DEFAULT_REPS, only_isa = -1, only_act = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--isa") && strcmp(a, "--act") && strcmp(a, "--reps"))
            die("unknown option '%s' (try --help)", a);
        if (i + 1 >= argc)
            die("%s needs a value", a);
        const char *v = argv[++i];
        if (strcmp(a, "--isa") == 0) {
            gs_isa isa;
            if (gs_isa_parse(v, &isa) != 0)
                die("unknown kernel set '%s'", v);
            if (!gs_isa_supported(isa))
                die("kernel set '%s' is not built in or this CPU cannot run it", v);
            only_isa = (int)isa;
        } else if (strcmp(a, "--act") == 0) {
            gs_act act;
            if (gs_act_parse(v, &act) != 0)
                die("unknown activation '%s'", v);
            only_act = (int)act;
        } else {
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (errno || end == v || *end || n < 1 || n > 100000)
                die("--reps wants an integer from 1 to 100000, not '%s'", v);
            reps = (int)n;
        }
    }

    float *z = malloc(3 * N * sizeof *z);
    double *samples = malloc((size_t)reps * sizeof *samples);
    if (!z || !samples)
        die("%s", "out of memory");
    float *f = z + N, *df = f + N;
    uint64_t s = 0x9e3779b97f4a7c15ull;   /* xorshift64, fixed: uniform in [-5, 5] */
    for (int i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        z[i] = -5.0f + 10.0f * (float)((double)(s >> 40) * 0x1p-24);
    }

    printf("Kernel throughput: value + derivative, %d elements in [-5, 5], median of %d runs\n\n",
           N, reps);
    printf("| activation | set | ns/element | Melements/s | speed-up vs scalar |\n");
    printf("|---|---|---:|---:|---:|\n");
    const gs_kernels *sc = gs_kernels_get(GS_ISA_SCALAR);
    for (int a = 0; a < GS_ACT_COUNT; a++) {
        if (only_act >= 0 && a != only_act)
            continue;
        double base = time_eval(sc->eval[a], z, f, df, reps, samples);
        for (int k = 0; k < GS_ISA_COUNT; k++) {
            const gs_kernels *ks = gs_kernels_get((gs_isa)k);
            if (!ks || (only_isa >= 0 && k != only_isa))
                continue;
            double t = k == GS_ISA_SCALAR ? base
                                          : time_eval(ks->eval[a], z, f, df, reps, samples);
            printf("| %s | %s | %.3f | %.1f | %.2fx |\n", gs_act_get((gs_act)a)->name,
                   gs_isa_name((gs_isa)k), t / N, N / t * 1e3, base / t);
        }
    }
    free(samples);
    free(z);
    return 0;
}
