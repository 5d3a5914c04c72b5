/* gridsweep serve: the explorer page (src/serve). Parses the options (the
 * sweep's, for the first view, and the server's own), starts the server,
 * prints where it is, and stops it on SIGINT or SIGTERM. */
#include <arpa/inet.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "gridsweep/runner.h"
#include "interrupt.h"
#include "options.h"
#include "usage.h"

#ifdef GS_HAVE_SERVE
#include "gridsweep/serve.h"

typedef struct serve_args {
    const char *act, *x, *y, *at, *res, *bind, *cache;
    int port, workers, threads;
    bool no_cache;
} serve_args;

/* 127.0.0.0/8 and ::1: reachable from this machine only. */
static bool is_loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

/* --cache, else $XDG_CACHE_HOME/gridsweep, else ~/.cache/gridsweep. */
static int cache_dir(const serve_args *sa, char *buf, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (sa->cache)
        n = snprintf(buf, size, "%s", sa->cache);
    else if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s/gridsweep", xdg);
    else if (home && home[0] == '/')
        n = snprintf(buf, size, "%s/.cache/gridsweep", home);
    else
        return cli_usage_error("serve: no cache directory (HOME is not set): give --cache DIR "
                               "or --no-cache");
    if (n < 0 || (size_t)n >= size)
        return cli_usage_error("serve: the cache directory's path is too long");
    return 0;
}

static int parse_view(const serve_args *sa, const cli_optset *set, gs_sweep_config *view)
{
    gs_error err;
    bool lr_at = false;
    if (sa->act && gs_act_parse(sa->act, &view->train.act))
        return cli_usage_error("--act: unknown activation '%s' (valid: %s)", sa->act,
                               gs_act_names());
    if ((sa->x && gs_axis_parse(sa->x, &view->x, &err)) ||
        (sa->y && gs_axis_parse(sa->y, &view->y, &err)) ||
        (sa->res && gs_plane_parse_res(sa->res, &view->plane, &err)) ||
        (sa->at && gs_plane_parse_at(sa->at, &view->plane, &lr_at, &err)) ||
        gs_sweep_set_lr(view, lr_at, cli_seen(set, "--lr"), &err) ||
        gs_sweep_validate(view, &err))
        return cli_usage_error("%s", err.msg);
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    gs_serve_config cfg = {.view = gs_sweep_defaults(), .limits = gs_serve_default_limits()};
    serve_args sa = {.bind = "127.0.0.1", .port = 8421, .threads = 1};
    gs_isa isa = GS_ISA_SCALAR;
    cli_optset set = {0};
    cli_add(&set, "--act", cli_string, &sa.act);
    cli_add_train(&set, &cfg.view.train);
    cli_add_isa(&set, &isa);
    cli_add(&set, "--x", cli_string, &sa.x);
    cli_add(&set, "--y", cli_string, &sa.y);
    cli_add(&set, "--at", cli_string, &sa.at);
    cli_add(&set, "--res", cli_string, &sa.res);
    cli_add(&set, "--port", cli_int, &sa.port);
    cli_add(&set, "--bind", cli_string, &sa.bind);
    cli_add(&set, "--cache", cli_string, &sa.cache);
    cli_add(&set, "--no-cache", NULL, &sa.no_cache);
    cli_add(&set, "--workers", cli_int, &sa.workers);
    cli_add(&set, "--threads", cli_int, &sa.threads);
    char *pos[1];
    int npos, rc = cli_parse(&set, argc, argv, pos, 0, &npos, SERVE_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (gs_runner_ranks(cli_runner()) > 1)
        return cli_usage_error("serve: runs as one process; start it without mpirun or srun");
    if ((rc = parse_view(&sa, &set, &cfg.view)))
        return rc;
    if (sa.port < 0 || sa.port > 65535)
        return cli_usage_error("serve: --port must be between 0 and 65535, got %d", sa.port);
    if (cli_seen(&set, "--workers") && (sa.workers < 1 || sa.workers > 256))
        return cli_usage_error("serve: --workers must be between 1 and 256, got %d",
                               sa.workers);
    if (sa.threads < 1 || sa.threads > 256)
        return cli_usage_error("serve: --threads must be between 1 and 256, got %d",
                               sa.threads);
    unsigned char addr[16];
    if (inet_pton(AF_INET, sa.bind, addr) != 1 && inet_pton(AF_INET6, sa.bind, addr) != 1)
        return cli_usage_error("serve: --bind %s: not an IPv4 or IPv6 address", sa.bind);
    if (sa.no_cache && sa.cache)
        return cli_usage_error("serve: --cache and --no-cache: give one");
    char cache[4096];
    if (!sa.no_cache && (rc = cache_dir(&sa, cache, sizeof cache)))
        return rc;
    if ((rc = cli_pick_kernels(&set, isa, &cfg.kernels)))
        return rc;
    cfg.bind = sa.bind;
    cfg.port = sa.port;
    cfg.cache_dir = sa.no_cache ? NULL : cache;
    cfg.workers = cli_seen(&set, "--workers") ? sa.workers : omp_get_num_procs();
    cfg.threads = sa.threads;

    const atomic_int *stop = interrupt_install();
    gs_error err;
    gs_server *s = gs_serve_start(&cfg, &err);
    if (!s)
        return cli_runtime_error("%s", err.msg);
    if (!is_loopback(sa.bind))
        fprintf(stderr, "gridsweep: serve: --bind %s: other machines can reach this server; "
                        "the token is all that keeps them out\n", sa.bind);
    gs_error coarse;   /* the first view only; README, "float32 below its resolution" */
    if (gs_plane_float_resolution(&cfg.view.plane, cfg.view.train.precision == GS_PRECISION_F64,
                                  &coarse))
        fprintf(stderr, "gridsweep: serve: warning: the first view: %s\n", coarse.msg);
    const bool v6 = strchr(sa.bind, ':') != NULL;
    printf("gridsweep: serving http://%s%s%s:%d/?token=%s\n", v6 ? "[" : "", sa.bind,
           v6 ? "]" : "", gs_serve_port(s), gs_serve_token(s));
    fflush(stdout);
    const struct timespec tick = {0, 50 * 1000 * 1000};
    while (!atomic_load(stop))
        nanosleep(&tick, NULL);
    gs_serve_stop(s);
    return 0;   /* a signal is how a server is meant to end */
}

#else

int cmd_serve(int argc, char **argv)
{
    (void)argc, (void)argv;
    return cli_usage_error("serve: this build has no HTTP server (libmicrohttpd was not "
                           "found when it was configured)");
}

#endif
