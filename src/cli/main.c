/* gridsweep: dispatch to a command; the sweep is the default. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "usage.h"
#ifdef GS_HAVE_MPI
#include "mpi_driver.h"
#endif

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

int main(int argc, char **argv)
{
#ifdef GS_HAVE_MPI
    mpi_init(&argc, &argv);   /* a no-op unless launched by mpirun/srun */
    return mpi_finish(dispatch(argc, argv));
#else
    return dispatch(argc, argv);
#endif
}
