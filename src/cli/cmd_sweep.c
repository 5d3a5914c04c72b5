/* gridsweep [sweep]: one basin map per activation. Everything is checked
 * before the first file is created; rows stream to FILE.part in cell order
 * and FILE appears only when the map is complete. */
#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/runner.h"
#include "interrupt.h"
#include "map_sink.h"
#include "options.h"
#include "outfile.h"
#include "part_verify.h"
#include "progress.h"
#include "resume.h"
#include "usage.h"

#define MAX_ACTS GS_ACT_COUNT

typedef struct sweep_args {
    const char *acts, *x, *y, *at, *res, *output, *resume, *tile, *format;
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
 * a hash of the whole header for everything else. Never cut: a name that
 * cannot fit the file system is refused, asking for -o. */
static int default_name(const char *dir, const gs_sweep_config *c, const char *header,
                        const char *ext, char **out)
{
    char x[96], y[96], lo[32], hi[32];
    const gs_axis *ax[2] = {&c->x, &c->y};
    char *axis[2] = {x, y};
    for (int i = 0; i < 2; i++) {
        gs_fmt_double(lo, sizeof lo, ax[i]->lo);
        gs_fmt_double(hi, sizeof hi, ax[i]->hi);
        snprintf(axis[i], sizeof x, "%s%s..%s%s", gs_param_name(ax[i]->param), lo, hi,
                 ax[i]->log ? "log" : "");
    }
    char tile[32] = "";
    if (c->tile_n > 1)
        snprintf(tile, sizeof tile, "-tile%dof%d", c->tile_k, c->tile_n);
    const char *sep = dir && dir[strlen(dir) - 1] != '/' ? "/" : "";
    const char *act = gs_act_get(c->train.act)->name;
    const int name_len = snprintf(NULL, 0, "%s-%s-%s-%dx%d%s-%08x%s", act, x, y, c->x.n,
                                  c->y.n, tile, fnv1a(header), ext);
    const size_t len = (dir ? strlen(dir) : 0) + strlen(sep) + (size_t)name_len;
    long name_max = pathconf(dir ? dir : ".", _PC_NAME_MAX);
    if (name_max <= 0)
        name_max = NAME_MAX;
    if (name_len > name_max || len >= PATH_MAX)
        return cli_usage_error("the default file name for the %s map would be %s (%zu bytes, "
                               "the limit is %ld): name the output with -o", act,
                               name_len > name_max ? "too long for a file name" : "too long a "
                               "path", name_len > name_max ? (size_t)name_len : len,
                               name_len > name_max ? name_max : (long)PATH_MAX - 1);
    if (!(*out = malloc(len + 1)))
        return cli_runtime_error("out of memory");
    snprintf(*out, len + 1, "%s%s%s-%s-%s-%dx%d%s-%08x%s", dir ? dir : "", sep, act, x, y,
             c->x.n, c->y.n, tile, fnv1a(header), ext);
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

typedef struct map_job {
    gs_sweep_config cfg;
    char *header, *path;
    map_format format;
} map_job;

/* A write, sync or rename failed (of file: the .part, or its checksum
 * file; NULL: the .part): the .part keeps its whole rows, and its checksum
 * file, which covers synced bytes only. why: the failure, as words. */
static int write_failed(outfile *of, part_digest *dg, const char *why, const char *file,
                        int argc, char **argv, const char *act)
{
    if (!of->path) {
        outfile_keep(of);
        return cli_runtime_error("writing to standard output failed: %s", why);
    }
    outfile_cut_torn(of);
    if (!file || strcmp(file, of->part) == 0)
        fprintf(stderr, "gridsweep: writing '%s' failed: %s; its whole rows are kept\n",
                of->part, why);
    else
        fprintf(stderr, "gridsweep: writing '%s' failed: %s; the whole rows of '%s' are kept\n",
                file, why, of->part);
    part_digest_close(dg);
    resume_print_hint(argc, argv, act, of->part);
    outfile_keep(of);
    return EXIT_FAILURE;
}

static int run_map(map_job *job, const sweep_args *sa, const gs_kernels *k,
                   const atomic_int *stop, int argc, char **argv)
{
    gs_error err;
    gs_train_plan *plans;   /* one per seed */
    int lo, hi, rc;
    gs_sweep_rows(&job->cfg, &lo, &hi);
    const int64_t begin = (int64_t)lo * job->cfg.x.n, end = (int64_t)hi * job->cfg.x.n;
    const char *act = gs_act_get(job->cfg.train.act)->name;
    int64_t done = 0;
    /* Memory first: a run that cannot start leaves no .part to block the next. */
    if (gs_sweep_plans_init(&job->cfg, &plans, &err))
        return cli_runtime_error("%s", err.msg);
    const int seeds = job->cfg.train.seeds;
    map_sink ctx;
    if ((rc = map_sink_init(&ctx, job->format, job->header))) {
        gs_sweep_plans_free(plans, seeds);
        return rc;
    }
    outfile of;
    /* The checksum beside the .part: its kept rows are checked on --resume. */
    part_check pc = {.task = {.cfg = &job->cfg, .kernels = k, .plan = plans,
                              .threads = sa->threads},
                     .stop = stop, .quiet = sa->quiet, .digest = PART_DIGEST_NONE};
    if (sa->resume)
        rc = resume_open(&of, sa->resume, &job->cfg, job->header, ctx.start, ctx.start_len,
                         &done, &pc);
    else if (!(rc = sa->force ? outfile_open(&of, job->path) : outfile_open_new(&of, job->path)) &&
             (outfile_write(&of, ctx.start, ctx.start_len) != 0 ||
              (of.path && fsync(of.fd) != 0)))   /* resumable from its first byte */
        rc = write_failed(&of, &pc.digest, strerror(errno), NULL, argc, argv, act);
    else if (!rc && of.path && job->format == MAP_CSV &&   /* NetCDF has no checksum file */
             (part_digest_create(&pc.digest, of.part) != 0 ||
              (part_digest_add(&pc.digest, ctx.start, ctx.start_len),
               part_digest_record_now(&pc.digest) != 0)))
        rc = write_failed(&of, &pc.digest, strerror(errno), pc.digest.path, argc, argv, act);
    if (!rc && of.f && (rc = map_sink_start(&ctx, &of, NULL, done)))
        outfile_keep(&of);
    if (rc || !of.f) {   /* an error, or a resume of a complete map */
        gs_sweep_plans_free(plans, seeds);
        map_sink_free(&ctx);
        part_digest_close(&pc.digest);
        return rc;
    }
    of.resumable = true;
    progress prog;
    progress_start(&prog, act, done, end - begin, sa->quiet);
    ctx.prog = &prog;
    if (job->format == MAP_CSV)
        ctx.digest = &pc.digest;
    gs_sweep_sink sink = {map_sink_write, &ctx};
    const gs_sweep_task task = {.cfg = &job->cfg, .kernels = k, .plan = plans,
                                .begin = begin + done, .end = end, .threads = sa->threads};
    int64_t wrote;
    const gs_sweep_status status =
        gs_runner_compute(cli_runner(), &task, &sink, stop, &wrote, &err);
    progress_end(&prog);
    gs_sweep_plans_free(plans, seeds);
    if (!ctx.error)
        map_sink_flush(&ctx);
    done += wrote;
    map_sink_finish(&ctx, &done);   /* NetCDF: whole rows of cells only */
    char why[512];
    snprintf(why, sizeof why, "%s", map_sink_failure(&ctx));
    const bool failed = ctx.error != 0;
    const char *failed_file = ctx.failed;   /* NULL, or the checksum file's name */
    map_sink_free(&ctx);
    if (failed)
        return write_failed(&of, &pc.digest, why, failed_file, argc, argv, act);
    if (status != GS_SWEEP_DONE) {
        const int sig = stop ? atomic_load(stop) : 0;
        if (sig == SIGTERM && gs_runner_ranks(cli_runner()) > 1)
            fprintf(stderr, "gridsweep: terminated (mpirun ends every rank this way when one "
                            "rank fails or the job is interrupted)\n");
        if (status == GS_SWEEP_FAILED)   /* out of memory, or (MPI) a rank lost */
            fprintf(stderr, "gridsweep: %s\n", err.msg);
        const bool interrupted = status == GS_SWEEP_STOPPED && sig;
        fprintf(stderr, "gridsweep: %s: %lld of %lld cells are in '%s'\n",
                interrupted ? "interrupted" : "stopped", (long long)done,
                (long long)(end - begin), of.path ? of.part : "standard output");
        if (of.path) {
            resume_print_hint(argc, argv, act, of.part);
            part_digest_sync(&pc.digest, of.fd);   /* else the next resume trains them again */
        }
        part_digest_close(&pc.digest);
        outfile_keep(&of);
        return interrupted ? 128 + sig : EXIT_FAILURE;
    }
    const bool to_file = of.path != NULL;
    char *part = to_file ? strdup(of.part) : NULL;
    /* FILE alone is left. Synced first, and the commit then syncs nothing
     * more, so that a crash between the unlink and the rename (a .part with
     * no checksum: its rows trained again on --resume) has microseconds to
     * happen in, not a sync's time (on a busy disk, a sync of an unchanged
     * file can still wait for the journal: CI caught a kill -9 there). */
    if (to_file && outfile_sync(&of) == 0)
        part_digest_remove(&pc.digest);
    if ((rc = outfile_commit(&of)) && part)
        resume_print_hint(argc, argv, act, part);
    if (rc)
        part_digest_close(&pc.digest);    /* kept beside the kept .part */
    else
        part_digest_remove(&pc.digest);   /* if the first sync failed and the commit's did not */
    free(part);
    if (!rc && !sa->quiet)
        fprintf(stderr, "gridsweep: wrote %s\n", to_file ? job->path : "standard output");
    return rc;
}

/* The sweep; with check_only, everything up to the first file (options,
 * settings, outputs), for gridsweep scan to check every map first. */
static int sweep_command(int argc, char **argv, bool check_only)
{
    gs_sweep_config base = gs_sweep_defaults();
    sweep_args sa = {.acts = "relu"};
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
    cli_add(&set, "--format", cli_string, &sa.format);
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
    if ((sa.x && gs_axis_parse(sa.x, &base.x, &err)) ||
        (sa.y && gs_axis_parse(sa.y, &base.y, &err)))
        return cli_usage_error("%s", err.msg);
    if (sa.res && gs_plane_parse_res(sa.res, &base.plane, &err))
        return cli_usage_error("%s", err.msg);
    if (sa.at && gs_plane_parse_at(sa.at, &base.plane, &lr_at, &err))
        return cli_usage_error("%s", err.msg);
    if (gs_sweep_set_lr(&base, lr_at, cli_seen(&set, "--lr"), &err))
        return cli_usage_error("%s", err.msg);
    if (sa.tile && gs_plane_parse_tile(sa.tile, &base.plane, &err))
        return cli_usage_error("%s", err.msg);
    if (cli_seen(&set, "--threads") && (sa.threads < 1 || sa.threads > 1024))
        return cli_usage_error("--threads must be between 1 and 1024, got %d", sa.threads);
    if (!cli_seen(&set, "--threads"))
        sa.threads = omp_get_num_procs();
    for (int i = 0; i < nacts; i++) {   /* with each activation: --method sorted asks */
        base.train.act = acts[i];
        if (gs_sweep_validate(&base, &err))
            return cli_usage_error("%s", err.msg);
    }
    if (sa.resume && nacts > 1)
        return cli_usage_error("--resume continues one map: give one --act");
    if (sa.resume && sa.output)
        return cli_usage_error("--resume FILE names the output already; drop -o");
    map_format format = MAP_CSV;
    if (sa.format && map_format_parse(sa.format, &format))
        return cli_usage_error("--format: unknown format '%s' (valid: csv, nc)", sa.format);
    const gs_kernels *k;
    if ((rc = cli_pick_kernels(&set, isa, &k)))
        return rc;
    if (!check_only && gs_runner_rank(cli_runner()) > 0) {   /* rank 0 alone writes files */
        rc = gs_runner_serve(cli_runner(), k, sa.threads, interrupt_install(), &err);
        return rc < 0 ? cli_runtime_error("%s", err.msg) : rc;
    }

    /* Plan every map and check every output before creating anything. */
    map_job jobs[MAX_ACTS] = {0};
    const bool to_stdout = sa.output && strcmp(sa.output, "-") == 0;
    const bool dir_mode = sa.output && !to_stdout &&
                          (nacts > 1 || is_dir(sa.output) ||
                           sa.output[strlen(sa.output) - 1] == '/');
    if (to_stdout && nacts > 1)
        rc = cli_usage_error("-o -: standard output takes one map; give one --act or a "
                             "directory");
    else if (to_stdout && format == MAP_NC)
        rc = cli_usage_error("-o -: a NetCDF map is written in place, not as a stream; name "
                             "a file with -o");
    else if (dir_mode && !is_dir(sa.output))
        rc = nacts > 1 ? cli_usage_error("-o %s: with several activations, -o must be an "
                                         "existing directory", sa.output)
                       : cli_usage_error("-o %s: no such directory (a path ending in '/' "
                                         "names a directory)", sa.output);
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
        else if ((rc = default_name(sa.output, &jobs[i].cfg, jobs[i].header,
                                    map_format_ext(format), &jobs[i].path)))
            break;
        /* --format, else what the name says (-o map.nc, --resume map.nc). */
        jobs[i].format = sa.format ? format : map_format_of_path(jobs[i].path, MAP_CSV);
        if (!jobs[i].path)
            rc = cli_runtime_error("out of memory");
        else if (jobs[i].format == MAP_NC && base.train.seeds > 1)   /* one seed's variables */
            rc = cli_usage_error("--seeds %d: a NetCDF map holds one seed's columns; write an "
                                 "ensemble as CSV", base.train.seeds);
        else if (!sa.resume)
            rc = outfile_check_fresh(jobs[i].path, sa.force);
        if (!rc && !to_stdout)
            rc = part_digest_check(jobs[i].path);
        for (int j = 0; j < i && !rc; j++)
            if (strcmp(jobs[i].path, jobs[j].path) == 0)
                rc = cli_usage_error("two maps would be written to '%s'", jobs[i].path);
    }
    if (check_only) {   /* a map to resume must have these settings */
        if (!rc && sa.resume)
            rc = resume_check(sa.resume, jobs[0].header);
        for (int i = 0; i < nacts; i++) {
            free(jobs[i].header);
            free(jobs[i].path);
        }
        return rc;
    }
    const int go = gs_runner_gate(cli_runner(), rc, &err);   /* every rank goes on, or none */
    if (go != rc)
        fprintf(stderr, "gridsweep: %s\n", err.msg);
    rc = go;
    gs_error coarse;   /* a warning, not an error: README, "float32 below its resolution" */
    if (!rc && gs_plane_float_resolution(&base.plane, base.train.precision == GS_PRECISION_F64, &coarse))
        fprintf(stderr, "gridsweep: warning: %s\n", coarse.msg);
    const atomic_int *stop = interrupt_install();
    int ran = 0;
    while (ran < nacts && !rc)
        rc = run_map(&jobs[ran++], &sa, k, stop, argc, argv);
    if (rc && rc != EXIT_USAGE && ran > 0 && ran < nacts) {   /* after a stop or a fault */
        fputs("gridsweep: not started:", stderr);
        for (int i = ran; i < nacts; i++)
            fprintf(stderr, "%s %s", i > ran ? "," : "", gs_act_get(acts[i])->name);
        fputs(" (run them as before, with --act)\n", stderr);
    }
    for (int i = 0; i < nacts; i++) {
        free(jobs[i].header);
        free(jobs[i].path);
    }
    return rc;
}

int cmd_sweep(int argc, char **argv) { return sweep_command(argc, argv, false); }

int cmd_sweep_check(int argc, char **argv) { return sweep_command(argc, argv, true); }
