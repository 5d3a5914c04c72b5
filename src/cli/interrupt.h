/* Ctrl-C, kill and a closed terminal (SIGINT, SIGTERM, SIGHUP): the first
 * asks the sweep to stop, which it does within a segment of training (rows
 * already written stay valid, the .part resumes); a second one ends the
 * process at once. */
#ifndef GS_CLI_INTERRUPT_H
#define GS_CLI_INTERRUPT_H

#include <stdatomic.h>

/* Installs the handlers; returns the flag they raise (the signal's number). */
const atomic_int *interrupt_install(void);

#endif
