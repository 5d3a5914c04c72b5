/* Errors travel as return codes plus one message; only the CLI prints them. */
#ifndef GRIDSWEEP_ERROR_H
#define GRIDSWEEP_ERROR_H

typedef struct gs_error {
    char msg[512];
} gs_error;

/* Formats the message into err (if non-NULL) and returns -1, so callers can
 * write `return gs_fail(err, "...", ...);`. */
int gs_fail(gs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
