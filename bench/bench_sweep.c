/* bench_sweep: the sweep's speed in sample-steps per second (cells x steps x
 * batch / wall seconds), for every activation, on 1 and N threads; its
 * slowdown when another CPU-bound process shares the cores; its memory as the
 * grid grows; and, on the same smaller workload, its speed-up over the NumPy
 * and PyTorch sweeps in bench/peers/. Rows are formatted as in a real map and
 * then dropped, so everything but the disk is measured. --compare runs, alone,
 * the comparison with the hand-tuned limit loops and PyTorch on the same work,
 * per kernel set, and the sorted method against the direct limit loop
 * (bench_compare.c). */
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_sweep.h"
#include "gridsweep/settings.h"

#define HELP                                                                                \
    "usage: bench_sweep [--act LIST] [--res N] [--steps N] [--batch N] [--threads N]\n"   \
    "                   [--isa NAME] [--reps N] [--no-peers] [--no-contention]\n"         \
    "                   [--no-memory] [--quick]\n"                                        \
    "       bench_sweep --compare [--act LIST] [--res N] [--steps N] [--batch N]\n"         \
    "                   [--threads N] [--isa NAME] [--reps N] [--limit-dir DIR]\n"          \
    "                   [--no-limit] [--no-peers] [--no-sorted]\n"                          \
    "Defaults: every activation, --res 512 --steps 1000 --batch 256, shared sampling,\n"  \
    "1 thread and all cores, median of 3 runs; kernel set: --isa, else GRIDSWEEP_ISA,\n"  \
    "else the best this CPU runs. --quick: --res 128 --steps 200 --reps 1.\n"           \
    "--compare: only the comparison with the hand-tuned limit loops (built from\n"        \
    "--limit-dir, default ../shared/limit beside the source tree) and PyTorch, same\n"   \
    "work (defaults there: --res 128, 2 threads), on every kernel set this CPU runs\n"   \
    "unless one is named; then relu with --method sorted against the direct loop at\n"  \
    "batch 64, 256, 1024 and 4096.\n"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int null_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    (void)ctx, (void)text, (void)len, (void)cells;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

bool bench_method_available(const char *value)
{
    const gs_setting *s = gs_setting_by_key("method");
    gs_train_config train = gs_train_defaults();
    gs_error err;
    return s && gs_setting_parse(s, "--method", value, &train, &err) == 0;
}

/* A sweep's wall seconds in either precision (the rows formatted, then dropped). */
static double sweep_seconds(gs_act act, const gs_kernels *k, int res, int steps, int batch,
                            int threads, const char *method, gs_precision precision)
{
    gs_sweep_config cfg = gs_sweep_defaults();
    gs_error err;
    cfg.train.act = act, cfg.train.steps = steps, cfg.train.batch = batch;
    cfg.train.precision = precision;
    cfg.x.n = cfg.y.n = res;
    gs_train_plan plan;
    /* By name through the settings table, so that this compiles before and
     * after the setting exists. */
    const gs_setting *ms = method ? gs_setting_by_key("method") : NULL;
    if (method && !ms) {
        fprintf(stderr, "bench_sweep: this build has no setting 'method'\n");
        exit(2);
    }
    if ((ms && gs_setting_parse(ms, "--method", method, &cfg.train, &err)) ||
        gs_sweep_set_lr(&cfg, false, false, &err) || gs_sweep_validate(&cfg, &err) ||
        gs_train_plan_init(&plan, &cfg.train, &err)) {
        fprintf(stderr, "bench_sweep: %s\n", err.msg);
        exit(2);
    }
    gs_sweep_sink sink = {null_write, NULL};
    const gs_sweep_task task = {.cfg = &cfg, .kernels = k, .plan = &plan, .begin = 0,
                                .end = (int64_t)res * res, .threads = threads};
    int64_t written;
    double t0 = now();
    const gs_sweep_status status = gs_sweep_compute(&task, &sink, NULL, &written, &err);
    double t = now() - t0;
    if (status != GS_SWEEP_DONE) {
        fprintf(stderr, "bench_sweep: %s\n", err.msg);
        exit(1);
    }
    gs_train_plan_free(&plan);
    return t;
}

double bench_sweep_seconds(gs_act act, const gs_kernels *k, int res, int steps, int batch,
                           int threads, const char *method)
{
    return sweep_seconds(act, k, res, steps, batch, threads, method, GS_PRECISION_F32);
}

static double median_rate(gs_act act, const gs_kernels *k, int res, int steps, int batch,
                          int threads, int reps, const char *method, gs_precision precision)
{
    double t[32];
    for (int i = 0; i < reps; i++)
        t[i] = sweep_seconds(act, k, res, steps, batch, threads, method, precision);
    return (double)res * res * steps * batch / bench_median(t, reps);
}

double bench_median_rate(gs_act act, const gs_kernels *k, int res, int steps, int batch,
                         int threads, int reps, const char *method)
{
    return median_rate(act, k, res, steps, batch, threads, reps, method, GS_PRECISION_F32);
}

/* f32's and f64's 1-thread medians from runs taken in turn (f32, f64, f32,
 * ...): on a shared machine the speed drifts by 20% from one minute to the
 * next, and the ratio should compare the two under the same conditions. */
static void paired_rates(gs_act act, const gs_kernels *k, int res, int steps, int batch,
                         int reps, double *r32, double *r64)
{
    double t32[32], t64[32];
    for (int i = 0; i < reps; i++) {
        t32[i] = sweep_seconds(act, k, res, steps, batch, 1, NULL, GS_PRECISION_F32);
        t64[i] = sweep_seconds(act, k, res, steps, batch, 1, NULL, GS_PRECISION_F64);
    }
    *r32 = (double)res * res * steps * batch / bench_median(t32, reps);
    *r64 = (double)res * res * steps * batch / bench_median(t64, reps);
}

/* A CPU-bound neighbour: one busy process per call. */
static pid_t spin(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        volatile unsigned long x = 0;
        for (;;)
            x++;
    }
    return pid;
}

static void section_speed(const bench_opts *o, const gs_kernels *k, const gs_act *acts, int n)
{
    printf("## Sweep speed (--res %d --steps %d --batch %d, shared sampling, kernels %s)\n\n",
           o->res, o->steps, o->batch, gs_isa_name(k->isa));
    /* f64 beside f32: issue 12's goal is f64 at 0.4x f32 or more, 1 thread;
     * the two measured in turn (paired_rates) */
    printf("| activation | 1 thread | %d threads | wall time, %d threads | f64, 1 thread | "
           "f64 / f32 |\n", o->threads, o->threads);
    printf("|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        double r1, r64;
        paired_rates(acts[i], k, o->res, o->steps, o->batch, o->reps, &r1, &r64);
        double rn = bench_median_rate(acts[i], k, o->res, o->steps, o->batch, o->threads, o->reps,
                                      NULL);
        printf("| %s | %.2fe9 | %.2fe9 | %.2f s | %.2fe9 | %.2fx%s |\n",
               gs_act_get(acts[i])->name, r1 / 1e9, rn / 1e9,
               (double)o->res * o->res * o->steps * o->batch / rn, r64 / 1e9, r64 / r1,
               r64 / r1 >= 0.4 ? "" : " (below 0.4x)");
        fflush(stdout);
    }
    printf("\n");
}

static void section_contention(const bench_opts *o, const gs_kernels *k)
{
    const int res = o->res / 2 > 16 ? o->res / 2 : 16;
    double idle = bench_sweep_seconds(GS_ACT_RELU, k, res, o->steps, o->batch, o->threads, NULL);
    pid_t pid = spin();
    double busy = bench_sweep_seconds(GS_ACT_RELU, k, res, o->steps, o->batch, o->threads, NULL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    printf("## Shared cores (relu, --res %d, %d threads, one busy process beside it)\n\n", res,
           o->threads);
    printf("idle %.2f s, shared %.2f s: %.2fx its idle time (target: at most about 2x)\n\n",
           idle, busy, busy / idle);
}

/* Peak memory of a sweep (1 step, 1 sample per cell), run in a fresh process
 * (this program re-executed with --memory-child): libgomp's threads do not
 * survive a bare fork. */
static long child_maxrss_kb(int res, const char *isa)
{
    char arg[16];
    snprintf(arg, sizeof arg, "%d", res);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "bench_sweep", "--memory-child", arg, "--isa", isa, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
        return -1;
    return ru.ru_maxrss;
}

static void section_memory(const gs_kernels *k)
{
    const char *isa = gs_isa_name(k->isa);
    printf("## Memory as the grid grows (peak RSS of a 1-step sweep)\n\n");
    printf("| res | cells | peak RSS |\n|---|---|---|\n");
    const int res[] = {256, 1024, 4096};   /* 4096: 16.7M rows, the map no run may hold */
    for (int i = 0; i < 3; i++)
        printf("| %d | %d | %.1f MiB |\n", res[i], res[i] * res[i],
               child_maxrss_kb(res[i], isa) / 1024.0);
    printf("\n");
}

double bench_peer_rate(const char *script, const char *act, int res, int steps, int batch,
                       int threads)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "py=$(\"%s/scripts/find-python\" 2>/dev/null) && \"$py\" \"%s/bench/peers/%s\" "
             "--act %s --res %d --steps %d --batch %d --threads %d 2>/dev/null",
             SOURCE_ROOT, SOURCE_ROOT, script, act, res, steps, batch, threads);
    FILE *p = popen(cmd, "r");
    char line[1024];
    double rate = 0;
    if (p) {
        while (fgets(line, sizeof line, p)) {
            const char *key = strstr(line, "\"sample_steps_per_s\":");
            if (key)
                rate = strtod(key + 21, NULL);
        }
        pclose(p);
    }
    return rate;
}

static void section_peers(const bench_opts *o, const gs_kernels *k, const gs_act *acts, int n)
{
    const int res = 128, steps = 200, batch = o->batch;
    printf("## Against the peers (--res %d --steps %d --batch %d, %d threads)\n\n", res, steps,
           batch, o->threads);
    printf("| activation | gridsweep | NumPy | PyTorch | vs NumPy | vs PyTorch |\n");
    printf("|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const char *name = gs_act_get(acts[i])->name;
        double g = bench_median_rate(acts[i], k, res, steps, batch, o->threads, o->reps, NULL);
        double np = bench_peer_rate("numpy_sweep.py", name, res, steps, batch, o->threads);
        double pt = bench_peer_rate("torch_sweep.py", name, res, steps, batch, o->threads);
        printf("| %s | %.2fe9 | %.2fe8 | %.2fe8 | %.0fx | %.0fx |\n", name, g / 1e9, np / 1e8,
               pt / 1e8, np > 0 ? g / np : 0, pt > 0 ? g / pt : 0);
        fflush(stdout);
    }
    printf("\n");
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* The kernel set: --isa, else GRIDSWEEP_ISA, else the best this CPU runs. */
static int pick_set(bench_opts *o)
{
    const char *env = getenv("GRIDSWEEP_ISA");
    const char *name = o->isa ? o->isa : env && *env ? env : NULL;
    o->set = gs_isa_best();
    o->isa_given = name != NULL;
    if (name && gs_isa_parse(name, &o->set)) {
        fprintf(stderr, "bench_sweep: unknown kernel set '%s' (valid: %s)\n", name,
                gs_isa_names());
        return -1;
    }
    if (!gs_kernels_get(o->set)) {
        fprintf(stderr, "bench_sweep: this CPU cannot run kernel set '%s'\n", name);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_opts o = {.res = 512, .steps = 1000, .batch = 256, .threads = omp_get_num_procs(),
                    .reps = 3, .peers = 1, .contention = 1, .memory = 1, .limit = 1,
                    .sorted = 1};
    bool res_given = false, threads_given = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (!strcmp(a, "--no-peers")) {
            o.peers = 0;
        } else if (!strcmp(a, "--no-contention")) {
            o.contention = 0;
        } else if (!strcmp(a, "--no-memory")) {
            o.memory = 0;
        } else if (!strcmp(a, "--compare")) {
            o.compare = 1;
        } else if (!strcmp(a, "--no-limit")) {
            o.limit = 0;
        } else if (!strcmp(a, "--no-sorted")) {
            o.sorted = 0;
        } else if (v && !strcmp(a, "--limit-dir")) {
            o.limit_dir = v, i++;
        } else if (v && !strcmp(a, "--memory-child")) {
            bad = parse_int(v, 1, 8192, &o.res), i++;
            o.memory = -1;
        } else if (!strcmp(a, "--quick")) {
            o.res = 128, o.steps = 200, o.reps = 1, res_given = true;
        } else if (v && !strcmp(a, "--act")) {
            o.acts = v, i++;
        } else if (v && !strcmp(a, "--isa")) {
            o.isa = v, i++;
        } else if (v && !strcmp(a, "--res")) {
            bad = parse_int(v, 1, 8192, &o.res), i++, res_given = true;
        } else if (v && !strcmp(a, "--steps")) {
            bad = parse_int(v, 1, 1000000, &o.steps), i++;
        } else if (v && !strcmp(a, "--batch")) {
            bad = parse_int(v, 1, 65536, &o.batch), i++;
        } else if (v && !strcmp(a, "--threads")) {
            bad = parse_int(v, 1, 1024, &o.threads), i++, threads_given = true;
        } else if (v && !strcmp(a, "--reps")) {
            bad = parse_int(v, 1, 31, &o.reps), i++;
        } else {
            fprintf(stderr, "bench_sweep: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "bench_sweep: %s %s: out of range\n", a, v);
            return 2;
        }
    }
    if (pick_set(&o))
        return 2;
    const gs_kernels *k = gs_kernels_get(o.set);
    gs_act acts[GS_ACT_COUNT];
    int n = 0;
    if (!o.acts) {
        for (int i = 0; i < GS_ACT_COUNT; i++)
            acts[n++] = (gs_act)i;
    } else {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", o.acts);
        for (char *s, *t = strtok_r(buf, ",", &s); t && n < GS_ACT_COUNT; t = strtok_r(NULL, ",", &s)) {
            if (gs_act_parse(t, &acts[n++])) {
                fprintf(stderr, "bench_sweep: unknown activation '%s' (valid: %s)\n", t,
                        gs_act_names());
                return 2;
            }
        }
    }
    if (o.memory < 0) {   /* the child of section_memory */
        bench_sweep_seconds(GS_ACT_RELU, k, o.res, 1, 1, omp_get_num_procs(), NULL);
        return 0;
    }
    if (o.compare) {      /* issue 13's workload unless told otherwise */
        if (!res_given)
            o.res = 128;
        if (!threads_given)
            o.threads = 2;
        char buf[4096];
        const char *limit_bin = o.limit ? limit_binary(&o, buf, sizeof buf) : NULL;
        section_compare(&o, acts, n, limit_bin);
        if (o.sorted)
            section_sorted(&o, limit_bin);
        return 0;
    }
    section_speed(&o, k, acts, n);
    if (o.contention)
        section_contention(&o, k);
    if (o.memory)
        section_memory(k);
    if (o.peers)
        section_peers(&o, k, acts, n);
    return 0;
}
