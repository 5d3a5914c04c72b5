/* The sweep's sink for one map: rows buffered, written to the outfile every
 * half second (synced every 5 s), the progress counted. A NetCDF map gets the
 * same rows (the sweep's CSV text, which round-trips every float32 exactly)
 * parsed back and appended a row of cells at a time, each flush ending in
 * nc_sync, so the .part always reads back as its whole rows. */
#ifndef GS_CLI_MAP_SINK_H
#define GS_CLI_MAP_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "gridsweep/map_netcdf.h"
#include "outfile.h"
#include "part_digest.h"
#include "progress.h"

typedef enum map_format { MAP_CSV, MAP_NC } map_format;

/* "csv" or "nc": 0, or -1 for another word. */
int map_format_parse(const char *s, map_format *out);
/* The format a path names by its extension (".nc"), else dflt. */
map_format map_format_of_path(const char *path, map_format dflt);
/* ".csv" or ".nc" */
const char *map_format_ext(map_format f);

typedef struct map_sink {
    map_format format;
    void *start;         /* the bytes a fresh file starts with (its header) */
    size_t start_len;
    outfile *of;
    progress *prog;
    /* The checksum of the bytes written (FILE.part.sum), recorded after each
     * sync of the .part; NULL for none. `failed`: its file, when recording
     * it failed (else a failure is the .part's). */
    part_digest *digest;
    const char *failed;
    char *buf;
    size_t used;
    double last_flush, last_sync;
    gs_map_nc *nc;       /* NetCDF: the .part, open for appending */
    int64_t parsed;      /* NetCDF: cells of the file handed to nc so far */
    int error;           /* errno of the write or sync that failed; 0 if none */
    char msg[512];       /* the failure, when it is not an errno (NetCDF) */
} map_sink;

/* Allocates the buffer and makes the start of the file for the map whose
 * header is `header` (before any file is created); 0, or an exit status after
 * one line. */
int map_sink_init(map_sink *s, map_format format, const char *header);
/* Ready to append after the `done` cells of the file of (0 or an exit status
 * after one line): NetCDF opens the .part through libnetcdf. */
int map_sink_start(map_sink *s, outfile *of, progress *prog, int64_t done);
/* A gs_sweep_sink's write: 0, or -1 with the failure in s. */
int map_sink_write(void *ctx, const char *text, size_t len, int64_t cells);
/* Writes what is buffered: 0, or -1 with the failure in s. */
int map_sink_flush(map_sink *s);
/* Closes the NetCDF writer (CSV: nothing to do); *kept: the cells the file
 * holds (a row of cells not complete is not in a NetCDF file). 0, or -1 with
 * the failure in s. */
int map_sink_finish(map_sink *s, int64_t *kept);
/* What failed, for a message. */
const char *map_sink_failure(const map_sink *s);
void map_sink_free(map_sink *s);

#endif
