/* Commands still being written (removed as each lands). */
#include "cli.h"

int cmd_sweep(int argc, char **argv) { (void)argc; return cli_usage_error("%s: not built yet", argv[0]); }
int cmd_merge(int argc, char **argv) { (void)argc; return cli_usage_error("%s: not built yet", argv[0]); }
int cmd_stats(int argc, char **argv) { (void)argc; return cli_usage_error("%s: not built yet", argv[0]); }
int cmd_diff(int argc, char **argv) { (void)argc; return cli_usage_error("%s: not built yet", argv[0]); }
