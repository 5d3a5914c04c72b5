/* --resume FILE: continue an interrupted map in FILE.part. */
#ifndef GS_CLI_RESUME_H
#define GS_CLI_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "gridsweep/sweep.h"
#include "outfile.h"
#include "part_verify.h"

/* FILE for both "FILE" and "FILE.part" (malloc'd). */
char *resume_final_name(const char *arg);

/* Opens FILE.part locked, checks that it was made with exactly these settings
 * (its header equals `header`, the map of cfg), counts its whole rows (each
 * exactly as gridsweep writes it), cuts a torn last line and leaves it ready
 * for outfile_write after them. *done: rows already there. A CSV .part's
 * kept rows are checked with part_verify (pc: their checksum or training them
 * again), which leaves pc->digest covering them. A .part that is a prefix of
 * `start` (the bytes a fresh file starts with: the CSV header or the empty
 * NetCDF map; killed before its first row) starts over. A NetCDF .part (by
 * its magic bytes) holds its record count of whole rows and has no checksum
 * file. of->f is NULL when FILE is this map, already complete (a note is
 * printed). Returns 0 or an exit status after one line. */
int resume_open(outfile *of, const char *arg, const gs_sweep_config *cfg, const char *header,
                const void *start, size_t start_len, int64_t *done, part_check *pc);

/* resume_open's settings check alone, read-only (for gridsweep scan, which
 * checks every map before it starts one): FILE.part, or else FILE, must have
 * `header`'s settings. A missing file, or a .part no longer than the header
 * (it starts over), passes. Returns 0 or an exit status after one line. */
int resume_check(const char *arg, const char *header);

/* Prints "gridsweep: to finish it, run:" and the command, as the shell reads
 * it back: the user's own words without -o/--output (the .part names the
 * output) and without --resume, with --act ACT only, then --resume PART. */
void resume_print_hint(int argc, char **argv, const char *act, const char *part);

#endif
