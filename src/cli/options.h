/* Table-driven option parsing: `--name VALUE` or `--name=VALUE`. */
#ifndef GS_CLI_OPTIONS_H
#define GS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "gridsweep/error.h"
#include "gridsweep/isa.h"
#include "gridsweep/kernels.h"
#include "gridsweep/train.h"

typedef int (*cli_parse_fn)(const char *name, const char *arg, void *target, gs_error *err);

typedef struct cli_opt {
    const char *name;     /* "--steps" */
    cli_parse_fn parse;   /* NULL: a flag that sets *(bool *)target */
    void *target;
    bool seen;            /* set when given */
} cli_opt;

#define CLI_MAX_OPTS 64

typedef struct cli_optset {
    cli_opt opt[CLI_MAX_OPTS];
    int n;
} cli_optset;

void cli_add(cli_optset *set, const char *name, cli_parse_fn parse, void *target);
bool cli_seen(const cli_optset *set, const char *name);

/* Parses argv[1..]; non-option words go to pos (up to maxpos). Returns 0 to go
 * on, -1 after printing --help (exit 0), or an exit status after printing one
 * line of error. */
int cli_parse(cli_optset *set, int argc, char **argv, char **pos, int maxpos, int *npos,
              const char *help);

/* Value parsers: strict (gridsweep/numparse.h), the whole word must be a
 * number of the type. */
int cli_int(const char *name, const char *arg, void *target, gs_error *err);
int cli_float(const char *name, const char *arg, void *target, gs_error *err);
int cli_double(const char *name, const char *arg, void *target, gs_error *err);
int cli_u64(const char *name, const char *arg, void *target, gs_error *err);
int cli_string(const char *name, const char *arg, void *target, gs_error *err);
int cli_isa(const char *name, const char *arg, void *target, gs_error *err);
int cli_act(const char *name, const char *arg, void *target, gs_error *err);
int cli_strict_float(const char *s, float *out);
/* A training setting: target is the gs_train_config, name its option. */
int cli_setting(const char *name, const char *arg, void *target, gs_error *err);

/* The trainer's options (shared by sweep and trace, same names), all of them
 * or one, from the settings table (gridsweep/settings.def). */
void cli_add_train(cli_optset *set, gs_train_config *cfg);
void cli_add_setting(cli_optset *set, const char *option, gs_train_config *cfg);

/* Prints a help text of usage.h, the generated parts included. */
void cli_print_help(FILE *f, const char *help);
/* --isa NAME; checks the CPU can run it. */
void cli_add_isa(cli_optset *set, gs_isa *isa);
/* Kernel set after parsing, once per run: the one forced by --isa, else by
 * the environment variable GRIDSWEEP_ISA (same names), checked and applied
 * as the kernel mask (gs_isa_set_mask); else the best this CPU runs. */
int cli_pick_kernels(const cli_optset *set, gs_isa isa, const gs_kernels **out);
/* "--isa", "GRIDSWEEP_ISA" or NULL (picked for this CPU). */
const char *cli_isa_source(const cli_optset *set);

/* gridsweep --version: version, SLEEF version, the kernel set in use. */
int print_version(const cli_optset *set, gs_isa isa);

#endif
