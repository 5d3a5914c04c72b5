/* --resume FILE: continue an interrupted map in FILE.part. */
#ifndef GS_CLI_RESUME_H
#define GS_CLI_RESUME_H

#include <stdint.h>

#include "outfile.h"

/* FILE for both "FILE" and "FILE.part" (malloc'd). */
char *resume_final_name(const char *arg);

/* Checks that the partial map was made with exactly these settings (its
 * header equals `header`), counts its whole rows, cuts a torn last line and
 * reopens it for appending. *done: rows already there. of->f is NULL when the
 * map is already complete (a note is printed). Returns 0 or an exit status. */
int resume_open(outfile *of, const char *arg, const char *header, int64_t *done);

#endif
