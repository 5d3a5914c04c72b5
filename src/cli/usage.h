/* Help texts. README's option tables repeat these: keep them in step. */
#ifndef GS_CLI_USAGE_H
#define GS_CLI_USAGE_H

#define TRAIN_OPTIONS_HELP                                                                  \
    "Training (the same for sweep and trace):\n"                                          \
    "  --act NAME          activation (default relu; the sweep takes a comma list)\n"     \
    "  --loss NAME         mae | mse | huber (default mae)\n"                             \
    "  --huber-delta X     Huber's delta (default 1)\n"                                   \
    "  --opt NAME          adam | sgd | momentum | rmsprop (default adam)\n"              \
    "  --lr X              learning rate (default 0.1)\n"                                 \
    "  --beta1 X           Adam beta1 (default 0.9)\n"                                    \
    "  --beta2 X           Adam beta2 (default 0.999)\n"                                  \
    "  --eps X             Adam / RMSprop epsilon (default 1e-08)\n"                      \
    "  --momentum X        momentum of 'momentum' (default 0.9)\n"                        \
    "  --alpha X           RMSprop smoothing (default 0.99)\n"                            \
    "  --steps N           optimizer steps (default 1000)\n"                              \
    "  --batch N           samples per step (default 256)\n"                              \
    "  --data LO:HI        range of x (default -0.5:0.5)\n"                               \
    "  --sampling MODE     shared | independent | grid (default shared)\n"                \
    "  --seed N            random seed (default 0)\n"                                     \
    "Judging a run:\n"                                                                    \
    "  --window F          fraction of the steps averaged into window_loss (default 0.1)\n" \
    "  --tol X             converged: window_loss below X (default 0.03)\n"               \
    "  --dead-tol X        dead: std of the fit over the data below X (default 0.001)\n"  \
    "  --linear-tol X      linear: RMS distance from a straight line below X (default 0.001)\n" \
    "  --eval-points N     dense grid for final_loss and the shape (default 256)\n"      \
    "Kernels:\n"                                                                          \
    "  --isa NAME          force a kernel set: scalar | avx2 | avx512 | neon (default: the best\n" \
    "                      this CPU runs; every set gives identical results)\n" \
    "                      GRIDSWEEP_ISA=NAME in the environment does the same (--isa wins)\n"

#define SWEEP_HELP                                                                          \
    "usage: gridsweep [sweep] [options]\n"                                                \
    "Trains every starting point of a 2-D grid and writes a basin-of-convergence map (CSV).\n" \
    "\n"                                                                                  \
    "Plane:\n"                                                                            \
    "  --x PARAM:LO:HI[:log]  x axis (default b:-2:2); PARAM is a, b, c, d or lr\n"       \
    "  --y PARAM:LO:HI[:log]  y axis (default d:-2:2)\n"                                  \
    "  --at P=V[,P=V...]   fixed values of the other parameters (default a=1,c=1,b=0,d=0)\n" \
    "  --res N | NX,NY     cells per axis (default 256)\n"                                \
    "Output:\n"                                                                           \
    "  -o, --output PATH   file, or a directory for one map per activation (default: a\n" \
    "                      name encoding the settings, in the current directory);\n"      \
    "                      a regular file only; - for standard output\n"                  \
    "  --force             overwrite an existing map\n"                                   \
    "  --resume FILE       finish an interrupted map (FILE or FILE.part); same settings\n" \
    "  --tile K/N          compute only band K of N (rows of cells); join with merge\n"   \
    "  --threads N         worker threads (default: all cores)\n"                         \
    "  --quiet             no progress on stderr\n"                                       \
    "\n" TRAIN_OPTIONS_HELP                                                               \
    "\n"                                                                                  \
    "Other commands: gridsweep trace | merge | stats | diff | samples  (each takes --help)\n" \
    "  --version           version, SLEEF version and the kernel set in use\n"            \
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

#define SAMPLES_HELP                                                                        \
    "usage: gridsweep samples [options]\n"                                                \
    "Prints the x samples training uses (CSV step,i,x), for checks against other code.\n" \
    "  --steps N, --batch N, --data LO:HI, --sampling MODE, --seed N  as for training\n"  \
    "  --point N           stream id for independent sampling (default 0)\n"

#endif
