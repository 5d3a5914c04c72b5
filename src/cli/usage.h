/* Help texts. README's option tables repeat these: keep them in step
 * (tests/cli/list.sh checks the training settings). */
#ifndef GS_CLI_USAGE_H
#define GS_CLI_USAGE_H

#include "gridsweep/plane.h"

/* The vocabularies of the command line itself, each written once:
 * X(name) rows with S between them, so that one list gives both a table
 * (S empty, X ending in a comma) and a help or message text (S a string). */
#define CLI_OTHER_COMMANDS(X, S) \
    X(trace) S X(scan) S X(zoom) S X(merge) S X(ensemble) S X(stats) S X(diff) S X(samples) S X(serve)
#define CLI_COMMANDS(X, S) X(sweep) S CLI_OTHER_COMMANDS(X, S)
#define CLI_LISTS(X, S) \
    X(activations) S X(outcomes) S X(columns) S X(settings) S X(ensemble_columns)
#define CLI_WORD(name) #name

/* Where a help text holds this byte, cli_print_help prints the trainer's
 * options, generated from the settings table (gridsweep/settings.def) and
 * the name tables, so the help cannot drift from what the parser accepts. */
#define TRAIN_OPTIONS_HELP "\001"

#define SWEEP_HELP                                                                          \
    "usage: gridsweep [sweep] [options]\n"                                                \
    "Trains every starting point of a 2-D grid and writes a basin-of-convergence map (CSV).\n" \
    "\n"                                                                                  \
    "Plane:\n"                                                                            \
    "  --x PARAM:LO:HI[:log]  x axis (default b:-2:2); PARAM is " GS_PARAMS_HELP "\n"   \
    "  --y PARAM:LO:HI[:log]  y axis (default d:-2:2)\n"                                  \
    "  --at P=V[,P=V...]   fixed values of the other parameters (default a=1,c=1,b=0,d=0)\n" \
    "  --res N | NX,NY     cells per axis (default 256)\n"                                \
    "Output:\n"                                                                           \
    "  -o, --output PATH   file, or a directory for one map per activation (default: a\n" \
    "                      name encoding the settings, in the current directory);\n"      \
    "                      a regular file only; - for standard output\n"                  \
    "  --format csv|nc     CSV text or NetCDF (default: nc when -o ends in .nc, else csv;\n" \
    "                      the extension of a default name)\n"                           \
    "  --force             overwrite an existing map\n"                                   \
    "  --resume FILE       finish an interrupted map (FILE or FILE.part); same settings;\n" \
    "                      edited rows are refused (FILE.part.sum, or trained again)\n" \
    "  --tile K/N          compute only band K of N (rows of cells); join with merge\n"   \
    "  --threads N         worker threads (default: all cores)\n"                         \
    "  --quiet             no progress on stderr\n"                                       \
    "\n" TRAIN_OPTIONS_HELP                                                               \
    "\n"                                                                                  \
    "Other commands: gridsweep " CLI_OTHER_COMMANDS(CLI_WORD, " | ") "  (each takes --help)\n" \
    "  --version           version, SLEEF version and the kernel set in use\n"             \
    "  --list WHAT [--json]  the names gridsweep knows, one a line (or as JSON): WHAT is\n" \
    "                      " CLI_LISTS(CLI_WORD, " | ") "\n" \
    "Exit status (every command): 0 done; 1 a fault of the run (disk full, a failed\n"     \
    "write, out of memory; the .part keeps its rows); 2 bad input, nothing written;\n"     \
    "128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP; --resume finishes).\n"

#define TRACE_HELP                                                                          \
    "usage: gridsweep trace [options]\n"                                                  \
    "Trains one starting point and writes its trajectory (CSV): parameters and loss every\n" \
    "K steps, the learned function at snapshot steps, and the outcome.\n"                 \
    "\n"                                                                                  \
    "  --init A,B,C,D      starting point (default 1,0.5,1,-0.5)\n"                       \
    "  --every K           a parameter row every K steps (default 10)\n"                  \
    "  --snapshots LIST    steps at which the learned function is sampled\n"              \
    "                      (default 0,steps/100,steps/10,steps)\n"                        \
    "  --curve-points N    points per snapshot curve (default 101)\n"                     \
    "  --point N           stream id for independent sampling (default 0)\n"              \
    "  -o, --output FILE   output file (default: standard output)\n"                      \
    "  --force             overwrite an existing file\n"                                  \
    "\n" TRAIN_OPTIONS_HELP

#define SERVE_HELP                                                                          \
    "usage: gridsweep serve [options]\n"                                                  \
    "Serves the explorer, a local web page that draws basin maps progressively (a coarse\n" \
    "view, then tiles), zooms and pans, traces a clicked cell and exports the view. Prints\n" \
    "'gridsweep: serving http://ADDR:PORT/?token=TOKEN'; Ctrl-C or SIGTERM stops it (exit 0).\n" \
    "\n"                                                                                  \
    "Server:\n"                                                                           \
    "  --port N            TCP port (default 8421; 0 picks a free one)\n"                 \
    "  --bind ADDR         address to listen on (default 127.0.0.1: this machine only)\n" \
    "  --cache DIR         finished tiles (default $XDG_CACHE_HOME/gridsweep or\n"        \
    "                      ~/.cache/gridsweep)\n"                                         \
    "  --no-cache          keep no tiles on disk\n"                                       \
    "  --workers N         tiles computed at once (default: all cores)\n"                 \
    "  --threads N         threads per tile (default 1)\n"                                \
    "First view (the page changes it):\n"                                                 \
    "  --act NAME          activation (default relu)\n"                                   \
    "  --x, --y, --at, --res  the plane, as for the sweep\n"                              \
    "\n" TRAIN_OPTIONS_HELP

#define SAMPLES_HELP                                                                        \
    "usage: gridsweep samples [options]\n"                                                \
    "Prints the samples training uses (CSV step,i,x,y; y is the target at x), for\n"     \
    "checks against other code.\n"                                                      \
    "  --steps N, --batch N, --data LO:HI, --data-dist D, --target NAME,\n"              \
    "  --sampling MODE, --seed N, --precision P  as for training (f64: the double\n"     \
    "                      samples, 17 digits)\n"                                       \
    "  --point N           stream id for independent sampling (default 0)\n"

#endif
