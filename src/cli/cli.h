/* The command-line layer: one file per command, each `int cmd_X(argc, argv)`
 * returning the exit status (argv[0] is the command's name). */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stdbool.h>

/* Exit status: 0 done; 1 a fault of the run (a full disk, a failed write or
 * rename, out of memory, a lost rank); 2 bad input, nothing written; 128+N
 * stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), the .part kept. */
#define EXIT_USAGE 2

/* "gridsweep: MSG" on stderr; they return EXIT_USAGE and EXIT_FAILURE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "gridsweep: CMD: MSG" for a map that cannot be read: exit 2 (bad input),
 * or 1 when the message is about memory. */
int cli_input_error(const char *cmd, const char *msg);

int cmd_sweep(int argc, char **argv);
/* The sweep's checks alone (options, settings, outputs): 0, or the exit
 * status after its one line; nothing is created. */
int cmd_sweep_check(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_zoom(int argc, char **argv);
/* The runner main() opened for this process (gridsweep/runner.h). */
struct gs_runner *cli_runner(void);
int cmd_trace(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_samples(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_ensemble(int argc, char **argv);
int cmd_list(int argc, char **argv);   /* gridsweep --list */
int cmd_serve(int argc, char **argv);

#endif
