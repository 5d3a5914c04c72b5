/* Progress of a long sweep on stderr: a bar on a terminal, a plain line every
 * few seconds otherwise, nothing with --quiet. */
#ifndef GS_CLI_PROGRESS_H
#define GS_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct progress {
    const char *label;
    int64_t total, done, start_done;
    bool tty, quiet;
    double t0, last;
} progress;

double progress_now(void);   /* monotonic seconds */
void progress_start(progress *p, const char *label, int64_t done, int64_t total, bool quiet);
void progress_add(progress *p, int64_t cells);
void progress_end(progress *p);

#endif
