/* Output files that never appear half-written: rows go to PATH.part, which
 * becomes PATH only when complete. Only regular files are written: a device,
 * FIFO, socket, directory or symbolic link as PATH or PATH.part is refused,
 * never replaced or written through. The .part is locked for the whole run,
 * so a second writer (or resumer) is refused, naming the process. */
#ifndef GS_CLI_OUTFILE_H
#define GS_CLI_OUTFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>

typedef struct outfile {
    char *path;       /* final name; NULL for stdout */
    char *part;       /* PATH.part */
    FILE *f;          /* buffered writes (trace, merge); the sweep uses fd */
    int fd;           /* fileno(f) */
    int64_t written;  /* bytes known to be in the file, through outfile_write */
    bool resumable;   /* a failed commit keeps the .part (the sweep's maps) */
    bool binary;      /* not lines (NetCDF): no torn line to cut */
    bool synced;      /* on disk as it is: outfile_sync, and no write since */
} outfile;

/* Checks the target (an existing file without force, anything but a regular
 * file, a missing directory) before anything is created; returns 0 or an
 * exit status after one line of error. "-" (standard output) passes. */
int outfile_check(const char *path, bool force);
/* What a file of mode m is, in words ("a directory", "a FIFO", ...), for the
 * one-line refusal of anything that is not a regular file. */
const char *outfile_kind(mode_t m);

/* outfile_check, and PATH.part must not exist either: it holds an interrupted
 * run that --resume can finish (--force starts over), or a run in progress. */
int outfile_check_fresh(const char *path, bool force);
/* Opens PATH.part for writing (emptied once locked), or stdout for NULL / "-". */
int outfile_open(outfile *of, const char *path);
/* outfile_open, but an existing PATH.part is refused (a new map without --force). */
int outfile_open_new(outfile *of, const char *path);
/* Opens an existing PATH.part for reading and appending, locked; of->f reads
 * from the start (mode r+). Returns 0 or an exit status after one line. */
int outfile_reopen(outfile *of, const char *path, const char *part);
/* Cuts the file at byte offset keep and goes on writing there. */
int outfile_cut(outfile *of, int64_t keep);
/* Writes all of buf with write(2), unbuffered, so of->written is exact
 * whatever fails; returns 0, or -1 with errno. */
int outfile_write(outfile *of, const void *buf, size_t len);
/* Takes the lock again after a library (libnetcdf) opened and closed its own
 * descriptor of the .part, which drops every POSIX lock of this process on
 * it. 0, or an exit status after one line naming the run that took it. */
int outfile_relock(outfile *of);
/* The same without a message; 0 or -1. */
int outfile_relock_quiet(outfile *of);
/* After a failed write: cuts a torn last line, so only whole lines stay
 * (nothing for a binary file). */
void outfile_cut_torn(outfile *of);
/* Flushes and syncs the file (PATH.part, standard output: nothing), so that
 * a commit straight after has no disk wait left before its rename. Only
 * outfile_write and outfile_cut undo it: nothing may go through of->f in
 * between. 0, or -1 with errno. */
int outfile_sync(outfile *of);
/* Flushes, syncs, renames PATH.part to PATH, closes; 0 or exit status. On a
 * failure the .part is removed, unless of->resumable (then it is kept, whole
 * lines only, and the caller says how to resume). */
int outfile_commit(outfile *of);
/* Syncs, closes and keeps PATH.part (an interrupted run). */
void outfile_keep(outfile *of);
/* Closes and removes PATH.part (a failed run). */
void outfile_discard(outfile *of);
/* 0 if nobody holds the lock on path; else the holder's pid (-1 if unknown).
 * For messages before anything is opened. */
long outfile_lock_holder(const char *path);

#endif
