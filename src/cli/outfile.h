/* Output files that never appear half-written: rows go to PATH.part, which
 * becomes PATH only when complete. */
#ifndef GS_CLI_OUTFILE_H
#define GS_CLI_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct outfile {
    char *path;       /* final name; NULL for stdout */
    char *part;       /* PATH.part */
    FILE *f;
} outfile;

/* Checks the target (existing file without force, missing directory) before
 * anything is created; returns 0 or an exit status after one line of error. */
int outfile_check(const char *path, bool force);
/* outfile_check, and PATH.part must not exist either: it holds an interrupted
 * run that --resume can finish (--force starts over). */
int outfile_check_fresh(const char *path, bool force);
/* Opens PATH.part for writing (truncating), or stdout for NULL / "-". */
int outfile_open(outfile *of, const char *path);
/* Reopens an existing PATH.part for appending, cut at byte offset keep. */
int outfile_reopen(outfile *of, const char *path, const char *part, long keep);
/* Flushes, syncs, closes, renames PATH.part to PATH; 0 or exit status. */
int outfile_commit(outfile *of);
/* Closes and keeps PATH.part (an interrupted run). */
void outfile_keep(outfile *of);
/* Closes and removes PATH.part (a failed run). */
void outfile_discard(outfile *of);

#endif
