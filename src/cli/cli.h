/* The command-line layer: one file per command, each `int cmd_X(argc, argv)`
 * returning the exit status (argv[0] is the command's name). */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stdbool.h>

#define EXIT_USAGE 2        /* bad input: nothing was written */
#define EXIT_INTERRUPTED 130

/* "gridsweep: MSG" on stderr; they return EXIT_USAGE and EXIT_FAILURE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_sweep(int argc, char **argv);
/* The runner main() opened for this process (gridsweep/runner.h). */
struct gs_runner *cli_runner(void);
int cmd_trace(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_samples(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_diff(int argc, char **argv);

#endif
