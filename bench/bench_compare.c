/* bench_sweep --compare: gridsweep beside the hand-tuned limit loops
 * (bench_limit.c) and the batched PyTorch peer, on the same work in one run,
 * per activation and kernel set, with issue 13's goals marked met or not;
 * then relu with --method sorted against the direct limit loop as the batch
 * grows. Ratios taken in one run are what to trust on a shared machine. */
#include <stdio.h>
#include <string.h>

#include "bench_sweep.h"

#define MAX_LIMIT_ROWS 16

/* Issue 13's goals: cheap activations at least 0.85x the best limit loop;
 * exp/log-based ones at least 0.8x the inline-polynomial loop; every one at
 * least 20x PyTorch. The goals are for the SIMD sets; scalar is the
 * reference. */
#define GOAL_CHEAP 0.85
#define GOAL_POLY 0.8
#define GOAL_TORCH 20.0
#define GOAL_SORTED 5.0   /* relu --method sorted vs the direct loop, batch 256 */

static bool exp_log_based(gs_act act)
{
    static const gs_act list[] = {GS_ACT_ELU,  GS_ACT_SELU,      GS_ACT_CELU, GS_ACT_SOFTPLUS,
                                  GS_ACT_SILU, GS_ACT_MISH,      GS_ACT_SIGMOID, GS_ACT_GELU,
                                  GS_ACT_GELU_TANH, GS_ACT_TANH};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++)
        if (list[i] == act)
            return true;
    return false;
}

/* "AMD EPYC (x86 family 25, model 17)", from /proc/cpuinfo (Linux): the
 * model name alone can be as vague as "AMD EPYC", and family and model tell
 * the core generation (25/17: Zen 4). */
static void cpu_model(char *buf, size_t size)
{
    char name[256] = "unknown CPU", family[32] = "", model[32] = "";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f) && line[0] != '\n') {   /* the first CPU */
        const char *colon = strchr(line, ':');
        if (!colon)
            continue;
        line[strcspn(line, "\n")] = '\0';
        const char *value = colon + 1 + (colon[1] == ' ');
        if (!strncmp(line, "model name", 10))
            snprintf(name, sizeof name, "%s", value);
        else if (!strncmp(line, "cpu family", 10))
            snprintf(family, sizeof family, "%s", value);
        else if (!strncmp(line, "model\t", 6))
            snprintf(model, sizeof model, "%s", value);
    }
    if (f)
        fclose(f);
    if (family[0] && model[0])
        snprintf(buf, size, "%s (x86 family %s, model %s)", name, family, model);
    else
        snprintf(buf, size, "%s", name);
}

/* The kernel sets to compare: the one named, else every one this CPU runs. */
static int compare_sets(const bench_opts *o, gs_isa *sets)
{
    int n = 0;
    for (int i = 0; i < GS_ISA_COUNT; i++)
        if ((o->isa_given ? (gs_isa)i == o->set : gs_kernels_get((gs_isa)i) != NULL))
            sets[n++] = (gs_isa)i;
    return n;
}

/* The best row, and the inline-polynomial one (NULL when none). */
static const limit_row *limit_best(const limit_row *rows, int n, const char *math)
{
    const limit_row *best = NULL;
    for (int i = 0; i < n; i++)
        if ((!math || !strcmp(rows[i].math, math)) && (!best || rows[i].rate > best->rate))
            best = &rows[i];
    return best;
}

/* gridsweep's rate of act and the limit loops' rows, from rounds taken in
 * turn: every limit variant once, then one sweep, reps times; each rate is
 * its median over the rounds. The speed of a shared machine swings by up
 * to 1.5x within seconds (a Zen 3 VM, 2026-12-07: the same 1-thread sweep
 * took 0.32 to 0.52 ns per lane-step, run after run); medians taken one
 * after the other put the swings into the ratio, taken in turn both sides
 * see the same ones. rows gets the variants of the first round. */
static double rates_in_turn(const bench_opts *o, const char *limit_bin, const char *vars,
                            gs_act act, const gs_kernels *k, limit_row *rows, int *nrows)
{
    const int cells = o->res * o->res;
    double g[31], lr[MAX_LIMIT_ROWS][31];
    int nlr[MAX_LIMIT_ROWS] = {0}, n = 0;
    /* One warm-up sweep first, as the limit loops run one. */
    bench_sweep_seconds(act, k, o->res, o->steps, o->batch, o->threads, NULL);
    for (int r = 0; r < o->reps; r++) {
        if (limit_bin && vars) {
            limit_row round[MAX_LIMIT_ROWS];
            const int m = limit_run(limit_bin, vars, act, cells, o->steps, o->batch, o->threads,
                                    1, round, MAX_LIMIT_ROWS);
            if (r == 0)
                for (n = 0; n < m; n++)
                    rows[n] = round[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    if (!strcmp(rows[i].var, round[j].var) && !strcmp(rows[i].math, round[j].math))
                        lr[i][nlr[i]++] = round[j].rate;
        }
        g[r] = (double)cells * o->steps * o->batch /
               bench_sweep_seconds(act, k, o->res, o->steps, o->batch, o->threads, NULL);
    }
    for (int i = 0; i < n; i++)
        rows[i].rate = bench_median(lr[i], nlr[i]);
    *nrows = n;
    return bench_median(g, o->reps);
}

static void cell_rate(char *buf, size_t size, const limit_row *r)
{
    if (r)
        snprintf(buf, size, "%.3f (%s %s)", r->rate / 1e9, r->var, r->math);
    else
        snprintf(buf, size, "-");
}

static void cell_ratio(char *buf, size_t size, double num, double den)
{
    if (num > 0 && den > 0)
        snprintf(buf, size, "%.2fx", num / den);
    else
        snprintf(buf, size, "-");
}

/* Appends "what >= goal: met" (or "not met") to buf. */
static void add_goal(char *buf, size_t size, const char *what, double ratio, double goal)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s >= %gx: %s", len ? "; " : "", what, goal,
             ratio >= goal ? "met" : "not met");
}

static void goal_cell(char *buf, size_t size, gs_isa set, gs_act act, double g,
                      const limit_row *best, const limit_row *poly, double torch)
{
    buf[0] = '\0';
    if (set == GS_ISA_SCALAR) {
        snprintf(buf, size, "- (reference set)");
        return;
    }
    if (exp_log_based(act) && poly)
        add_goal(buf, size, "poly", g / poly->rate, GOAL_POLY);
    else if (!exp_log_based(act) && best)
        add_goal(buf, size, "best", g / best->rate, GOAL_CHEAP);
    if (torch > 0)
        add_goal(buf, size, "PyTorch", g / torch, GOAL_TORCH);
    if (!buf[0])
        snprintf(buf, size, "-");
}

void section_compare(const bench_opts *o, const gs_act *acts, int n, const char *limit_bin)
{
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    gs_isa sets[GS_ISA_COUNT];
    const int nsets = compare_sets(o, sets);
    printf("## Against the hand-tuned limit loops and PyTorch\n\n");
    printf("CPU: %s; kernel sets:", cpu);
    for (int s = 0; s < nsets; s++)
        printf(" %s", gs_isa_name(sets[s]));
    printf(".\nSame work everywhere: --res %d (%d cells) --steps %d --batch %d, shared samples, "
           "%d threads; the limit loops and gridsweep run in turn, median of %d rounds; "
           "Gss/s = 1e9 sample-steps per second.\n",
           o->res, o->res * o->res, o->steps, o->batch, o->threads, o->reps);
    if (limit_bin)
        printf("Limit loops: %s, --x table, every --math (std: SLEEF u10, alt: SLEEF expm1 or "
               "log u35, poly: inline polynomials), variants per set: scalar -> scalar, avx2 -> "
               "t256,t256b, avx512 -> t512,t512b; the variant used is named in each cell. "
               "They have relu, elu, selu and softplus only.\n",
               limit_bin);
    else
        printf("Limit loops: not available (%s%s).\n",
               !o->limit ? "--no-limit"
               : o->limit_dir ? o->limit_dir
                              : SOURCE_ROOT "/../shared/limit",
               o->limit ? ": missing, or it did not build; --limit-dir DIR names another" : "");
    printf("PyTorch: bench/peers/torch_sweep.py (batched over cells, autograd, "
           "torch.optim.Adam)%s.\n",
           o->peers ? "" : ": not run (--no-peers)");
    printf("Goals (SIMD sets): cheap activations >= %gx the best limit loop; exp/log-based "
           ">= %gx the inline-polynomial loop; every one >= %gx PyTorch.\n\n",
           GOAL_CHEAP, GOAL_POLY, GOAL_TORCH);
    printf("| activation | kernels | gridsweep | limit, best | limit, inline poly | PyTorch "
           "| / best | / poly | / PyTorch | goal |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);
    double torch[GS_ACT_COUNT];
    for (int i = 0; i < n; i++)
        torch[i] = -1;   /* measured once, with the first set */
    for (int s = 0; s < nsets; s++) {
        const gs_kernels *k = gs_kernels_get(sets[s]);
        const char *vars = limit_vars(sets[s]);
        for (int i = 0; i < n; i++) {
            const char *name = gs_act_get(acts[i])->name;
            if (torch[i] < 0)
                torch[i] = o->peers ? bench_peer_rate("torch_sweep.py", name, o->res, o->steps,
                                                      o->batch, o->threads)
                                    : 0;
            limit_row rows[MAX_LIMIT_ROWS];
            int nrows = 0;
            const double g = rates_in_turn(o, limit_bin, vars, acts[i], k, rows, &nrows);
            const limit_row *best = limit_best(rows, nrows, NULL);
            const limit_row *poly = limit_best(rows, nrows, "poly");
            char cb[64], cp[64], pt[32], rb[16], rp[16], rt[16], goal[160];
            cell_rate(cb, sizeof cb, best);
            cell_rate(cp, sizeof cp, poly);
            if (torch[i] > 0)
                snprintf(pt, sizeof pt, "%.4f", torch[i] / 1e9);
            else
                snprintf(pt, sizeof pt, "-");
            cell_ratio(rb, sizeof rb, g, best ? best->rate : 0);
            cell_ratio(rp, sizeof rp, g, poly ? poly->rate : 0);
            cell_ratio(rt, sizeof rt, g, torch[i]);
            goal_cell(goal, sizeof goal, sets[s], acts[i], g, best, poly, torch[i]);
            printf("| %s | %s | %.3f | %s | %s | %s | %s | %s | %s | %s |\n", name,
                   gs_isa_name(sets[s]), g / 1e9, cb, cp, pt, rb, rp, rt, goal);
            fflush(stdout);
        }
    }
    int torch_rates = 0;
    for (int i = 0; i < n; i++)
        torch_rates += torch[i] > 0;
    if (o->peers && n > 0 && !torch_rates)
        printf("\nPyTorch: bench/peers/torch_sweep.py gave no rate (it runs under the Python "
               "that scripts/find-python names, one with numpy, matplotlib and torch: "
               "scripts/deps bench installs them).\n");
    printf("\n");
}

void section_sorted(const bench_opts *o, const char *limit_bin)
{
    const gs_kernels *k = gs_kernels_get(o->set);
    printf("## The sorted method: relu, --method sorted against the direct limit loop\n\n");
    if (!bench_method_available("sorted")) {
        printf("sorted: not available (this build has no training setting 'method' that "
               "takes 'sorted')\n\n");
        return;
    }
    printf("--res %d --steps %d, shared samples, %d threads, kernels %s; median of %d runs; "
           "Gss/s. Goal: sorted >= %gx the direct limit loop at batch 256.\n\n",
           o->res, o->steps, o->threads, gs_isa_name(o->set), o->reps, GOAL_SORTED);
    printf("| batch | gridsweep, sorted | gridsweep, direct | limit loop, direct "
           "| sorted / limit | sorted / direct | goal |\n");
    printf("|---|---|---|---|---|---|---|\n");
    fflush(stdout);
    const int batches[] = {64, 256, 1024, 4096};
    const char *vars = limit_vars(o->set);
    for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
        const int batch = batches[b];
        limit_row rows[MAX_LIMIT_ROWS];
        const int nrows = limit_bin && vars
                              ? limit_run(limit_bin, vars, GS_ACT_RELU, o->res * o->res,
                                          o->steps, batch, o->threads, o->reps, rows,
                                          MAX_LIMIT_ROWS)
                              : 0;
        const limit_row *lim = limit_best(rows, nrows, NULL);
        bench_sweep_seconds(GS_ACT_RELU, k, o->res, o->steps, batch, o->threads, "sorted");
        const double sorted = bench_median_rate(GS_ACT_RELU, k, o->res, o->steps, batch,
                                                o->threads, o->reps, "sorted");
        const double direct = bench_median_rate(GS_ACT_RELU, k, o->res, o->steps, batch,
                                                o->threads, o->reps, NULL);
        char cl[64], rl[16], rd[16], goal[64] = "";
        cell_rate(cl, sizeof cl, lim);
        cell_ratio(rl, sizeof rl, sorted, lim ? lim->rate : 0);
        cell_ratio(rd, sizeof rd, sorted, direct);
        if (batch == 256 && lim)
            add_goal(goal, sizeof goal, "limit", sorted / lim->rate, GOAL_SORTED);
        printf("| %d | %.3f | %.3f | %s | %s | %s | %s |\n", batch, sorted / 1e9, direct / 1e9,
               cl, rl, rd, goal[0] ? goal : "-");
        fflush(stdout);
    }
    printf("\n");
}
