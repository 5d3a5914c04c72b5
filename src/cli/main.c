/* gridsweep: dispatch to a command; the sweep is the default. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/runner.h"
#include "usage.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

#define COMMAND_(name) {#name, cmd_##name},
static const command commands[] = {CLI_COMMANDS(COMMAND_, )};

/* gridsweep [options] --list WHAT: the vocabularies instead of a sweep. */
static bool wants_list(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--list") == 0 || strncmp(argv[i], "--list=", 7) == 0)
            return true;
    return false;
}

static int dispatch(int argc, char **argv)
{
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].run(argc - 1, argv + 1);
        if (argv[1][0] != '-')
            return cli_usage_error("unknown command '%s' (commands: %s; see gridsweep --help)",
                                   argv[1], CLI_COMMANDS(CLI_WORD, ", "));
        if (wants_list(argc, argv)) {
            argv[0] = "--list";
            return cmd_list(argc, argv);
        }
    }
    /* No command: the options are the sweep's. */
    argv[0] = "sweep";
    return cmd_sweep(argc, argv);
}

/* A closed descriptor 0-2 would be reused by the first file opened: progress
 * lines would then go into the map. /dev/null takes its place. */
static void open_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
            open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
            _exit(EXIT_FAILURE);
}

/* Help, version and reports go to stdout: a failed write is a failure. */
static int check_stdout(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    return rc ? rc : cli_runtime_error("writing to standard output failed: %s", strerror(errno));
}

/* Set once, before any command runs: the sweep's runner (gridsweep/runner.h). */
static gs_runner *runner;

gs_runner *cli_runner(void) { return runner; }

int main(int argc, char **argv)
{
    open_standard_fds();
    runner = gs_runner_open(&argc, &argv);   /* MPI only when launched by mpirun/srun */
    if (!runner)
        return cli_runtime_error("out of memory");
    /* Every rank parses the same argv; one copy of each message is enough. */
    if (gs_runner_rank(runner) > 0 &&
        (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
        return gs_runner_finish(runner, EXIT_FAILURE, NULL);
    gs_error err = {.msg = ""};
    const int rc = check_stdout(dispatch(argc, argv));
    const int status = gs_runner_finish(runner, rc, &err);
    if (status != rc)
        fprintf(stderr, "gridsweep: %s\n", err.msg);
    return status;
}
