/* Ctrl-C and kill: the first asks the sweep to stop, which it does within a
 * segment of training (rows already written stay valid); the second ends the
 * process at once. */
#ifndef GS_CLI_INTERRUPT_H
#define GS_CLI_INTERRUPT_H

#include <stdatomic.h>

/* Installs the SIGINT/SIGTERM handlers; returns the flag they raise. */
const atomic_int *interrupt_install(void);

#endif
