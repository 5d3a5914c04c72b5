/* gridsweep: dispatch to a command; the sweep is the default. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "usage.h"
#ifdef GS_HAVE_MPI
#include "mpi_driver.h"
#endif

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

int main(int argc, char **argv)
{
    open_standard_fds();
#ifdef GS_HAVE_MPI
    mpi_init(&argc, &argv);   /* a no-op unless launched by mpirun/srun */
    return mpi_finish(check_stdout(dispatch(argc, argv)));
#else
    return check_stdout(dispatch(argc, argv));
#endif
}
