/* The hand-tuned limit loops (../shared/limit): a measuring instrument that
 * bench_sweep --compare builds and runs beside gridsweep, never code of the
 * project. This file only builds the binary with the directory's own
 * build.sh, runs it on the sweep's work and reads its table. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_sweep.h"

#define LIMIT_CHUNK 64   /* the loops take trajectories and samples in multiples of 64 */

static int shell_quote(char *buf, size_t size, const char *s)
{
    size_t n = 0;
    if (n < size)
        buf[n++] = '\'';
    for (; *s && n + 5 < size; s++) {
        if (*s == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *s;
        }
    }
    if (*s || n + 2 > size)
        return -1;
    buf[n++] = '\'';
    buf[n] = '\0';
    return 0;
}

const char *limit_build(const char *dir, char *buf, size_t size)
{
    char script[PATH_MAX], exe[PATH_MAX], out[PATH_MAX], qs[PATH_MAX + 64], qo[PATH_MAX + 64];
    struct stat st;
    snprintf(script, sizeof script, "%s/build.sh", dir);
    if (stat(script, &st) || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "bench_sweep: no limit loops: %s not found\n", script);
        return NULL;
    }
    /* Built beside this executable (build/bench/limit/), not in the shared
     * directory and not in a /tmp path another user may own. */
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 16);
    if (len <= 0 || len >= (ssize_t)sizeof exe - 16)
        return NULL;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    memcpy(out, exe, strlen(exe) + 1);
    strcat(out, "/limit");
    /* Built once: reused while newer than the directory's sources. */
    char src[PATH_MAX];
    struct stat bin, c;
    snprintf(src, sizeof src, "%s/bench.c", dir);
    snprintf(buf, size, "%s/bench", out);
    if (!stat(buf, &bin) && !stat(src, &c) && bin.st_mtime > c.st_mtime &&
        bin.st_mtime > st.st_mtime && !access(buf, X_OK))
        return buf;
    if (shell_quote(qs, sizeof qs, script) || shell_quote(qo, sizeof qo, out))
        return NULL;
    char cmd[2 * PATH_MAX + 256];
    snprintf(cmd, sizeof cmd, "sh %s %s", qs, qo);
    FILE *p = popen(cmd, "r");
    char line[PATH_MAX];
    buf[0] = '\0';
    while (p && fgets(line, sizeof line, p)) {   /* the last line is the binary's path */
        line[strcspn(line, "\n")] = '\0';
        snprintf(buf, size, "%s", line);
    }
    if (!p || pclose(p) != 0 || !buf[0] || access(buf, X_OK)) {
        fprintf(stderr, "bench_sweep: building the limit loops with %s failed\n", script);
        return NULL;
    }
    return buf;
}

const char *limit_binary(const bench_opts *o, char *buf, size_t size)
{
    return limit_build(o->limit_dir ? o->limit_dir : SOURCE_ROOT "/../shared/limit", buf, size);
}

const char *limit_vars(gs_isa isa)
{
    switch (isa) {
    case GS_ISA_SCALAR: return "scalar";       /* one start at a time, libm */
    case GS_ISA_AVX2: return "t256,t256b";     /* one start per lane, as gridsweep */
    case GS_ISA_AVX512: return "t512,t512b";
    default: return NULL;
    }
}

bool limit_has_act(gs_act act)
{
    return act == GS_ACT_RELU || act == GS_ACT_ELU || act == GS_ACT_SELU ||
           act == GS_ACT_SOFTPLUS;
}

int limit_run(const char *bin, const char *vars, gs_act act, int cells, int steps, int batch,
              int threads, int reps, limit_row *rows, int max)
{
    if (!limit_has_act(act) || batch % LIMIT_CHUNK)
        return 0;
    const int traj = (cells + LIMIT_CHUNK - 1) / LIMIT_CHUNK * LIMIT_CHUNK;
    char qb[PATH_MAX + 64], cmd[PATH_MAX + 512];
    if (shell_quote(qb, sizeof qb, bin))
        return 0;
    /* --x table: one shared table of samples per step, as --sampling shared. */
    snprintf(cmd, sizeof cmd,
             "%s --var %s --act %s --math all --x table --threads %d --traj %d --steps %d "
             "--batch %d --reps %d 2>/dev/null",
             qb, vars, gs_act_get(act)->name, threads, traj, steps, batch, reps);
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    /* Rows: var act math x thr nb traj T B med_s Gss/s ...; '#' lines and
     * the header are skipped. */
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, p)) {
        limit_row r;
        char a[16], x[16];
        int thr, nb, tr, t, b;
        double med, gss;
        if (line[0] == '#' || n >= max ||
            sscanf(line, "%15s %15s %7s %15s %d %d %d %d %d %lf %lf", r.var, a, r.math, x, &thr,
                   &nb, &tr, &t, &b, &med, &gss) != 11)
            continue;
        r.rate = gss * 1e9;
        rows[n++] = r;
    }
    pclose(p);
    return n;
}
