/* gridsweep [sweep]: one basin map per activation. Everything is checked
 * before the first file is created; rows stream to FILE.part in cell order
 * and FILE appears only when the map is complete. */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/sweep.h"
#include "interrupt.h"
#ifdef GS_HAVE_MPI
#include "mpi_driver.h"
#endif
#include "options.h"
#include "outfile.h"
#include "progress.h"
#include "resume.h"
#include "usage.h"

#define MAX_ACTS GS_ACT_COUNT
#define FLUSH_PERIOD 0.5   /* seconds between flushes to the OS (Ctrl-C, kill) */
#define SYNC_PERIOD 5.0    /* seconds between fsyncs to the disk (power loss) */

typedef struct sweep_args {
    const char *acts, *x, *y, *at, *res, *output, *resume, *tile;
    int threads;
    bool force, quiet;
} sweep_args;

static int parse_acts(const char *list, gs_act *acts, int *n)
{
    char buf[512];
    if (strlen(list) >= sizeof buf)
        return cli_usage_error("--act: list too long");
    strcpy(buf, list);
    *n = 0;
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        gs_act a;
        if (gs_act_parse(t, &a))
            return cli_usage_error("--act: unknown activation '%s' (valid: %s)", t,
                                   gs_act_names());
        for (int i = 0; i < *n; i++)
            if (acts[i] == a)
                return cli_usage_error("--act: '%s' is listed twice", t);
        acts[(*n)++] = a;
    }
    if (*n == 0)
        return cli_usage_error("--act: no activation given");
    return 0;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* A name that encodes the settings: activation, plane, resolution, tile, and
 * a hash of the whole header for everything else. */
static char *default_name(const char *dir, const gs_sweep_config *c, const char *header)
{
    char x[96], y[96], lo[32], hi[32], *name = malloc(1024);
    if (!name)
        return NULL;
    const gs_axis *ax[2] = {&c->x, &c->y};
    char *out[2] = {x, y};
    for (int i = 0; i < 2; i++) {
        gs_fmt_double(lo, sizeof lo, ax[i]->lo);
        gs_fmt_double(hi, sizeof hi, ax[i]->hi);
        snprintf(out[i], 96, "%s%s..%s%s", gs_param_name(ax[i]->param), lo, hi,
                 ax[i]->log ? "log" : "");
    }
    char tile[32] = "";
    if (c->tile_n > 1)
        snprintf(tile, sizeof tile, "-tile%dof%d", c->tile_k, c->tile_n);
    snprintf(name, 1024, "%s%s%s-%s-%s-%dx%d%s-%08x.csv", dir ? dir : "",
             dir && dir[strlen(dir) - 1] != '/' ? "/" : "", gs_act_get(c->train.act)->name, x,
             y, c->x.n, c->y.n, tile, fnv1a(header));
    return name;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

typedef struct sink_ctx {
    FILE *f;
    progress *prog;
    double last_flush, last_sync;
    int error;
} sink_ctx;

static int sink_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    sink_ctx *s = ctx;
    if (fwrite(text, 1, len, s->f) != len) {
        s->error = errno;
        return -1;
    }
    const double now = progress_now();
    if (now - s->last_flush >= FLUSH_PERIOD) {
        if (fflush(s->f) != 0) {
            s->error = errno;
            return -1;
        }
        s->last_flush = now;
        if (now - s->last_sync >= SYNC_PERIOD) {
            fsync(fileno(s->f));   /* best effort: a pipe or /dev/null cannot sync */
            s->last_sync = now;
        }
    }
    progress_add(s->prog, cells);
    return 0;
}

/* The command that resumes this run: the user's own words plus --resume. */
static void print_resume_hint(int argc, char **argv, const char *part)
{
    fputs("gridsweep: to finish it, run:\n  gridsweep", stderr);
    for (int i = 0; i < argc; i++) {   /* argv[0] is "sweep" */
        if (strcmp(argv[i], "--resume") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--resume=", 9) == 0)
            continue;
        fprintf(stderr, " %s", argv[i]);
    }
    fprintf(stderr, " --resume %s\n", part);
}

typedef struct map_job {
    gs_sweep_config cfg;
    char *header, *path;
} map_job;

static int run_map(map_job *job, const sweep_args *sa, const gs_kernels *k,
                   const atomic_int *stop, int argc, char **argv)
{
    gs_error err;
    gs_train_plan plan;
    int lo, hi, rc;
    gs_sweep_rows(&job->cfg, &lo, &hi);
    const int64_t begin = (int64_t)lo * job->cfg.x.n, end = (int64_t)hi * job->cfg.x.n;
    int64_t done = 0;
    outfile of;
    if (sa->resume) {
        if ((rc = resume_open(&of, sa->resume, job->header, &done)))
            return rc;
        if (!of.f)
            return 0;   /* already complete */
    } else {
        if ((rc = outfile_open(&of, job->path)))
            return rc;
        fputs(job->header, of.f);
    }
    if (gs_train_plan_init(&plan, &job->cfg.train, &err)) {
        outfile_keep(&of);
        return cli_runtime_error("%s", err.msg);
    }
    progress prog;
    progress_start(&prog, gs_act_get(job->cfg.train.act)->name, done, end - begin, sa->quiet);
    sink_ctx ctx = {.f = of.f, .prog = &prog, .last_flush = progress_now()};
    ctx.last_sync = ctx.last_flush;
    gs_sweep_sink sink = {sink_write, &ctx};
#ifdef GS_HAVE_MPI
    int64_t wrote = mpi_sweep_compute(&job->cfg, k, &plan, begin + done, end, sa->threads,
                                      &sink, stop);
#else
    int64_t wrote = gs_sweep_compute(&job->cfg, k, &plan, begin + done, end, sa->threads,
                                     &sink, stop);
#endif
    progress_end(&prog);
    gs_train_plan_free(&plan);
    done += wrote;
    if (ctx.error) {
        const char *part = of.part;
        fprintf(stderr, "gridsweep: writing '%s' failed: %s\n", part, strerror(ctx.error));
        outfile_keep(&of);
        return EXIT_FAILURE;
    }
    if (done < end - begin) {
        fprintf(stderr, "gridsweep: interrupted: %lld of %lld cells are in '%s'\n",
                (long long)done, (long long)(end - begin), of.part);
        print_resume_hint(argc, argv, of.part);
        outfile_keep(&of);
        return EXIT_INTERRUPTED;
    }
    if ((rc = outfile_commit(&of)))
        return rc;
    if (!sa->quiet)
        fprintf(stderr, "gridsweep: wrote %s\n", job->path);
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    gs_sweep_config base = {.train = gs_train_defaults(), .tile_k = 1, .tile_n = 1};
    sweep_args sa = {.acts = "relu", .x = "b:-2:2", .y = "d:-2:2", .res = "256"};
    gs_isa isa = GS_ISA_SCALAR;
    cli_optset set = {0};
    cli_add(&set, "--act", cli_string, &sa.acts);
    cli_add_train(&set, &base.train);
    cli_add_isa(&set, &isa);
    cli_add(&set, "--x", cli_string, &sa.x);
    cli_add(&set, "--y", cli_string, &sa.y);
    cli_add(&set, "--at", cli_string, &sa.at);
    cli_add(&set, "--res", cli_string, &sa.res);
    cli_add(&set, "-o", cli_string, &sa.output);
    cli_add(&set, "--output", cli_string, &sa.output);
    cli_add(&set, "--force", NULL, &sa.force);
    cli_add(&set, "--resume", cli_string, &sa.resume);
    cli_add(&set, "--tile", cli_string, &sa.tile);
    cli_add(&set, "--threads", cli_int, &sa.threads);
    cli_add(&set, "--quiet", NULL, &sa.quiet);
    bool version = false;
    cli_add(&set, "--version", NULL, &version);
    char *pos[1];
    int npos, rc = cli_parse(&set, argc, argv, pos, 0, &npos, SWEEP_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (version)
        return print_version(&set, isa);

    gs_error err;
    gs_act acts[MAX_ACTS];
    int nacts = 0;
    bool lr_at = false;
    if ((rc = parse_acts(sa.acts, acts, &nacts)))
        return rc;
    if (gs_axis_parse(sa.x, &base.x, &err) || gs_axis_parse(sa.y, &base.y, &err))
        return cli_usage_error("%s", err.msg);
    if (gs_plane_parse_res(sa.res, &base.plane, &err))
        return cli_usage_error("%s", err.msg);
    base.at[GS_P_A] = 1, base.at[GS_P_B] = 0, base.at[GS_P_C] = 1, base.at[GS_P_D] = 0;
    if (sa.at && gs_plane_parse_at(sa.at, &base.plane, &lr_at, &err))
        return cli_usage_error("%s", err.msg);
    if (lr_at && cli_seen(&set, "--lr"))
        return cli_usage_error("the learning rate is given twice (--lr and --at lr=)");
    if (!lr_at)
        base.at[GS_P_LR] = base.train.lr;
    if ((base.x.param == GS_P_LR || base.y.param == GS_P_LR) && cli_seen(&set, "--lr"))
        return cli_usage_error("--lr: the learning rate is an axis of the plane");
    base.train.lr = base.at[GS_P_LR];
    if (sa.tile && gs_plane_parse_tile(sa.tile, &base.plane, &err))
        return cli_usage_error("%s", err.msg);
    if (cli_seen(&set, "--threads") && (sa.threads < 1 || sa.threads > 1024))
        return cli_usage_error("--threads must be between 1 and 1024, got %d", sa.threads);
    if (!cli_seen(&set, "--threads"))
        sa.threads = omp_get_num_procs();
    if (gs_sweep_validate(&base, &err))
        return cli_usage_error("%s", err.msg);
    if (sa.resume && nacts > 1)
        return cli_usage_error("--resume continues one map: give one --act");
    if (sa.resume && sa.output)
        return cli_usage_error("--resume FILE names the output already; drop -o");
    const gs_kernels *k;
    if ((rc = cli_pick_kernels(&set, isa, &k)))
        return rc;
#ifdef GS_HAVE_MPI
    if (mpi_rank() > 0)   /* rank 0 alone checks and writes the files */
        return mpi_worker(k, sa.threads);
#endif

    /* Plan every map and check every output before creating anything. */
    map_job jobs[MAX_ACTS] = {0};
    const bool dir_mode = sa.output && (nacts > 1 || is_dir(sa.output) ||
                                        sa.output[strlen(sa.output) - 1] == '/');
    if (dir_mode && !is_dir(sa.output))
        rc = cli_usage_error("-o %s: with several activations, -o must be an existing directory",
                             sa.output);
    for (int i = 0; i < nacts && !rc; i++) {
        jobs[i].cfg = base;
        jobs[i].cfg.train.act = acts[i];
        jobs[i].header = gs_map_header(&jobs[i].cfg.train, &jobs[i].cfg.plane);
        if (!jobs[i].header) {
            rc = cli_runtime_error("out of memory");
            break;
        }
        if (sa.resume)
            jobs[i].path = resume_final_name(sa.resume);
        else if (sa.output && !dir_mode)
            jobs[i].path = strdup(sa.output);
        else
            jobs[i].path = default_name(sa.output, &jobs[i].cfg, jobs[i].header);
        if (!jobs[i].path)
            rc = cli_runtime_error("out of memory");
        else if (!sa.resume)
            rc = outfile_check_fresh(jobs[i].path, sa.force);
        for (int j = 0; j < i && !rc; j++)
            if (strcmp(jobs[i].path, jobs[j].path) == 0)
                rc = cli_usage_error("two maps would be written to '%s'", jobs[i].path);
    }
#ifdef GS_HAVE_MPI
    rc = mpi_gate(rc, true);   /* every rank goes on, or none */
#endif
    const atomic_int *stop = interrupt_install();
    for (int i = 0; i < nacts && !rc; i++)
        rc = run_map(&jobs[i], &sa, k, stop, argc, argv);
    for (int i = 0; i < nacts; i++) {
        free(jobs[i].header);
        free(jobs[i].path);
    }
    return rc;
}
