/* gridsweep: dispatch to a command; the sweep is the default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/runner.h"
#include "usage.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"sweep", cmd_sweep},   {"trace", cmd_trace}, {"merge", cmd_merge},
    {"samples", cmd_samples}, {"stats", cmd_stats}, {"diff", cmd_diff},
};

static int dispatch(int argc, char **argv)
{
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].run(argc - 1, argv + 1);
        if (argv[1][0] != '-')
            return cli_usage_error("unknown command '%s' (commands: sweep, trace, merge, "
                                   "samples, stats, diff; see gridsweep --help)",
                                   argv[1]);
    }
    /* No command: the options are the sweep's. */
    argv[0] = "sweep";
    return cmd_sweep(argc, argv);
}

/* Set once, before any command runs: the sweep's runner (gridsweep/runner.h). */
static gs_runner *runner;

gs_runner *cli_runner(void) { return runner; }

int main(int argc, char **argv)
{
    runner = gs_runner_open(&argc, &argv);   /* MPI only when launched by mpirun/srun */
    if (!runner)
        return cli_runtime_error("out of memory");
    /* Every rank parses the same argv; one copy of each message is enough. */
    if (gs_runner_rank(runner) > 0 &&
        (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
        return gs_runner_finish(runner, EXIT_FAILURE, NULL);
    gs_error err = {.msg = ""};
    const int rc = dispatch(argc, argv);
    const int status = gs_runner_finish(runner, rc, &err);
    if (status != rc)
        fprintf(stderr, "gridsweep: %s\n", err.msg);
    return status;
}
