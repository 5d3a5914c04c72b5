/* checkkernels: runs every kernel family (activation eval, training step per
 * activation x loss, each optimizer and sampling mode a sub-case), in float
 * and in double (eval64, train64: --precision f64), on every
 * kernel set this CPU runs and compares it bit for bit with the scalar set,
 * on random, extreme and special inputs. A failure names the function and
 * the set: train_gelu_huber_avx2. Sets the CPU cannot run are skipped, never
 * passed. --bench also times each one against scalar.
 * The last line is "N passed, N failed[, N skipped]"; exit 1 on a failure. */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkkernels.h"
#include "gridsweep/train.h"   /* the loss names */

#define MAX_FAIL_LINES 4   /* mismatch details printed per function and set */

typedef struct options {
    bool list, bench;
    int only_set;            /* -1: every set */
    int part, parts;         /* --part=K/N: the functions whose index is K mod N */
    const char *pattern;     /* NULL: every function */
    uint64_t seed;
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: checkkernels [--list] [--set=NAME] [--function=PATTERN] [--part=K/N] [--seed=N]\n"
            "                    [--bench]\n"
            "Checks every kernel of every set this CPU runs against the scalar set, bit for bit.\n"
            "  --list               print the name of every function (with --set/--function: those)\n"
            "  --set=NAME           only this set: %s\n"
            "  --function=PATTERN   only functions whose name (e.g. train_gelu_huber_avx2) matches\n"
            "                       the glob PATTERN, or contains it if it has no * ? [\n"
            "  --part=K/N           only every N-th function, from the K-th (K = 1..N): N runs,\n"
            "                       K = 1 to N, check every function once between them\n"
            "  --seed=N             seed of the random inputs (default: fixed, printed)\n"
            "  --bench              also time each function, a table per family (the training\n"
            "                       step per loss): ns per element (eval) or per sample-step\n"
            "                       per lane (train) on each set, and the speed-up over\n"
            "                       scalar (timings only: nothing passes or fails on them)\n",
            gs_isa_names());
}

static _Noreturn void die(const char *msg, const char *arg)
{
    fprintf(stderr, "checkkernels: %s '%s' (try --help)\n", msg, arg);
    exit(2);
}

static options parse(int argc, char **argv)
{
    options o = {.only_set = -1, .part = 0, .parts = 1, .seed = 0x5eed5eedu};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--list") == 0) {
            o.list = true;
        } else if (strcmp(a, "--bench") == 0) {
            o.bench = true;
        } else if (strncmp(a, "--set=", 6) == 0) {
            gs_isa isa;
            if (gs_isa_parse(a + 6, &isa))
                die("unknown kernel set", a + 6);
            o.only_set = (int)isa;
        } else if (strncmp(a, "--function=", 11) == 0) {
            o.pattern = a + 11;
        } else if (strncmp(a, "--part=", 7) == 0) {
            char *slash, *end = NULL;
            const long k = strtol(a + 7, &slash, 10);
            const long n = *slash == '/' ? strtol(slash + 1, &end, 10) : 0;
            if (slash == a + 7 || *slash != '/' || end == slash + 1 || *end || n < 1 ||
                n > 1000 || k < 1 || k > n)
                die("--part wants K/N with 1 <= K <= N <= 1000, not", a + 7);
            o.part = (int)k - 1;
            o.parts = (int)n;
        } else if (strncmp(a, "--seed=", 7) == 0) {
            char *end;
            o.seed = strtoull(a + 7, &end, 0);
            if (end == a + 7 || *end)
                die("--seed wants an integer, not", a + 7);
        } else {
            die("unknown option", a);
        }
    }
    return o;
}

void ck_name(const ck_fn *fn, gs_isa isa, char *buf, size_t size)
{
    const char *act = gs_act_get(fn->act)->name;
    const char *bits = fn->family == CK_EVAL64 || fn->family == CK_TRAIN64 ? "64" : "";
    if (fn->family == CK_EVAL || fn->family == CK_EVAL64)
        snprintf(buf, size, "eval%s_%s_%s", bits, act, gs_isa_name(isa));
    else
        snprintf(buf, size, "train%s_%s_%s_%s", bits, act, gs_loss_name(fn->loss),
                 gs_isa_name(isa));
}

void ck_fail(ck_run *run, gs_isa isa, const char *fmt, ...)
{
    if (run->fails[isa]++ >= MAX_FAIL_LINES)
        return;
    char name[64];
    ck_name(&run->fn, isa, name, sizeof name);
    printf("  %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

double ck_now_ns(void)
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

double ck_median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static bool matches(const options *o, const ck_fn *fn, gs_isa isa)
{
    if (o->only_set >= 0 && (int)isa != o->only_set)
        return false;
    if (fn->index % o->parts != o->part)
        return false;
    if (!o->pattern)
        return true;
    char name[64];
    ck_name(fn, isa, name, sizeof name);
    if (strpbrk(o->pattern, "*?["))
        return fnmatch(o->pattern, name, 0) == 0;
    return strstr(name, o->pattern) != NULL;
}

/* Every function: the evals, then the training steps, in table order; then
 * the same in double. */
static int all_functions(ck_fn *out)
{
    int n = 0;
    for (int f64 = 0; f64 < 2; f64++) {
        for (int a = 0; a < GS_ACT_COUNT; a++, n++)
            out[n] = (ck_fn){f64 ? CK_EVAL64 : CK_EVAL, (gs_act)a, GS_LOSS_MAE, n};
        for (int a = 0; a < GS_ACT_COUNT; a++)
            for (int l = 0; l < GS_LOSS_COUNT; l++, n++)
                out[n] = (ck_fn){f64 ? CK_TRAIN64 : CK_TRAIN, (gs_act)a, (gs_loss)l, n};
    }
    return n;
}

static void check_family(ck_run *run)
{
    switch (run->fn.family) {
    case CK_EVAL: ck_check_eval(run); break;
    case CK_TRAIN: ck_check_train(run); break;
    case CK_EVAL64: ck_check_eval64(run); break;
    case CK_TRAIN64: ck_check_train64(run); break;
    }
}

static double bench_family(const gs_kernels *k, const ck_fn *fn)
{
    switch (fn->family) {
    case CK_EVAL: return ck_bench_eval(k, fn->act);
    case CK_TRAIN: return ck_bench_train(k, fn->act, fn->loss);
    case CK_EVAL64: return ck_bench_eval64(k, fn->act);
    case CK_TRAIN64: return ck_bench_train64(k, fn->act, fn->loss);
    }
    return -1;
}

typedef struct tally {
    int passed, failed, skipped;
    int set_passed[GS_ISA_COUNT], set_failed[GS_ISA_COUNT], set_skipped[GS_ISA_COUNT];
} tally;

/* Checks one function on every selected set; returns how many sets ran. */
static int check_function(const options *o, const ck_fn *fn, tally *t)
{
    ck_run run = {.fn = *fn, .ref = gs_kernels_get(GS_ISA_SCALAR), .seed = o->seed};
    int nrun = 0;
    for (int i = 0; i < GS_ISA_COUNT; i++) {
        if (!matches(o, fn, (gs_isa)i))
            continue;
        run.sets[i] = run.ref ? gs_kernels_get((gs_isa)i) : NULL;
        if (!run.sets[i]) {
            t->skipped++;
            t->set_skipped[i]++;
        } else {
            nrun++;
        }
    }
    if (nrun == 0)
        return 0;
    check_family(&run);
    for (int i = 0; i < GS_ISA_COUNT; i++) {
        if (!run.sets[i])
            continue;
        char name[64];
        ck_name(fn, (gs_isa)i, name, sizeof name);
        if (run.fails[i]) {
            printf("FAIL %s: %d mismatches with the scalar set\n", name, run.fails[i]);
            t->failed++;
            t->set_failed[i]++;
        } else {
            t->passed++;
            t->set_passed[i]++;
        }
    }
    return nrun;
}

/* The sets --bench times: every one this CPU runs that --set allows. */
static int bench_sets(const options *o, gs_isa *sets)
{
    int n = 0;
    for (int i = 0; i < GS_ISA_COUNT; i++)
        if (gs_kernels_get((gs_isa)i) && (o->only_set < 0 || o->only_set == i))
            sets[n++] = (gs_isa)i;
    return n;
}

/* One row: fn on each set (a cell is '-' where --function leaves it out),
 * then the speed-up of each set over scalar. */
static void bench_row(const options *o, const ck_fn *fn, const gs_isa *sets, int nsets)
{
    const gs_kernels *scalar = gs_kernels_get(GS_ISA_SCALAR);
    double ns[GS_ISA_COUNT], base = -1;
    bool any = false;
    for (int s = 0; s < nsets; s++) {
        ns[s] = -1;
        if (!matches(o, fn, sets[s]))
            continue;
        const gs_kernels *k = gs_kernels_get(sets[s]);
        ns[s] = bench_family(k, fn);
        any = true;
    }
    if (!any)
        return;
    for (int s = 0; s < nsets; s++)
        if (sets[s] == GS_ISA_SCALAR)
            base = ns[s];
    if (base < 0 && scalar)   /* scalar left out by --function: still the yardstick */
        base = bench_family(scalar, fn);
    printf("| %s |", gs_act_get(fn->act)->name);
    for (int s = 0; s < nsets; s++)
        printf(ns[s] < 0 ? " - |" : " %.3f |", ns[s]);
    for (int s = 0; s < nsets; s++)
        if (sets[s] != GS_ISA_SCALAR)
            printf(ns[s] < 0 || base < 0 ? " - |" : " %.2fx |", base / ns[s]);
    putchar('\n');
    fflush(stdout);
}

/* The training step's columns say how many starting points a block trains
 * at once (the lanes the time is divided by). */
static void bench_header(const char *title, int lanes, const gs_isa *sets, int nsets)
{
    printf("\n%s\n\n| activation |", title);
    for (int s = 0; s < nsets; s++) {
        const gs_kernels *k = gs_kernels_get(sets[s]);
        const int n = lanes == 64 ? k->lanes64 : k->lanes;
        if (lanes)
            printf(" %s (%d lane%s) |", gs_isa_name(sets[s]), n, n > 1 ? "s" : "");
        else
            printf(" %s |", gs_isa_name(sets[s]));
    }
    for (int s = 0; s < nsets; s++)
        if (sets[s] != GS_ISA_SCALAR)
            printf(" %s vs scalar |", gs_isa_name(sets[s]));
    printf("\n|---|");
    for (int s = 0; s < nsets; s++)
        printf("---:|%s", sets[s] != GS_ISA_SCALAR ? "---:|" : "");
    putchar('\n');
}

/* Timings, not checks: one table per family (the training step one per
 * loss), an activation per row, a kernel set per column. Nothing here
 * passes or fails. */
static void bench(const options *o, const ck_fn *fns, int nfns)
{
    gs_isa sets[GS_ISA_COUNT];
    const int nsets = bench_sets(o, sets);
    if (nsets == 0)
        return;
    for (int table = 0; table < 2 * (1 + GS_LOSS_COUNT); table++) {
        const int f64 = table > GS_LOSS_COUNT, loss = table % (1 + GS_LOSS_COUNT) - 1;
        const ck_family family = loss < 0 ? (f64 ? CK_EVAL64 : CK_EVAL)
                                          : (f64 ? CK_TRAIN64 : CK_TRAIN);
        bool header = false;
        for (int f = 0; f < nfns; f++) {
            const ck_fn *fn = &fns[f];
            if (fn->family != family || (loss >= 0 && (int)fn->loss != loss))
                continue;
            bool selected = false;
            for (int s = 0; s < nsets; s++)
                selected = selected || matches(o, fn, sets[s]);
            if (!selected)
                continue;
            if (!header) {
                char title[256];
                const char *bits = f64 ? "64" : "";
                if (loss < 0)
                    snprintf(title, sizeof title,
                             "Activation value and derivative (eval%s_*): ns per element", bits);
                else
                    snprintf(title, sizeof title,
                             "Training step (train%s_*_%s; Adam, shared samples, batch 256): "
                             "ns per sample-step per lane (one starting point per lane)",
                             bits, gs_loss_name((gs_loss)loss));
                bench_header(title, loss < 0 ? 0 : f64 ? 64 : 32, sets, nsets);
                header = true;
            }
            bench_row(o, fn, sets, nsets);
        }
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    const options o = parse(argc, argv);
    ck_fn fns[2 * GS_ACT_COUNT * (1 + GS_LOSS_COUNT)];
    const int nfns = all_functions(fns);
    if (o.list) {
        for (int f = 0; f < nfns; f++) {
            for (int i = 0; i < GS_ISA_COUNT; i++) {
                char name[64];
                ck_name(&fns[f], (gs_isa)i, name, sizeof name);
                if (matches(&o, &fns[f], (gs_isa)i))
                    puts(name);
            }
        }
        return 0;
    }
    printf("checkkernels: seed %" PRIu64 "; scalar is the reference (its own functions are "
           "checked one element and one lane at a time against whole arrays and blocks)\n",
           o.seed);
    fflush(stdout);
    tally t = {0};
    for (int f = 0; f < nfns; f++) {
        check_function(&o, &fns[f], &t);
        fflush(stdout);
    }
    for (int i = 0; i < GS_ISA_COUNT; i++) {
        if (t.set_passed[i] + t.set_failed[i] + t.set_skipped[i] == 0)
            continue;
        if (t.set_skipped[i])
            printf("%s: %d skipped (%s)\n", gs_isa_name((gs_isa)i), t.set_skipped[i],
                   !gs_kernels_get(GS_ISA_SCALAR) ? "this CPU cannot run the scalar reference"
                                                  : "not built into this binary, or this CPU "
                                                    "cannot run it");
        else
            printf("%s: %d passed, %d failed\n", gs_isa_name((gs_isa)i), t.set_passed[i],
                   t.set_failed[i]);
    }
    if (o.bench)
        bench(&o, fns, nfns);
    printf("%d passed, %d failed", t.passed, t.failed);
    if (t.skipped)
        printf(", %d skipped", t.skipped);
    putchar('\n');
    return t.failed ? 1 : 0;
}
