/* The sweep's sink for one map: rows buffered, written to the outfile every
 * half second (synced every 5 s), the progress counted. */
#ifndef GS_CLI_MAP_SINK_H
#define GS_CLI_MAP_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "outfile.h"
#include "part_digest.h"
#include "progress.h"

typedef struct map_sink {
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
    int error;   /* errno of the write or sync that failed; 0 if none */
} map_sink;

/* Allocates the buffer (before any file is created); 0 or -1. */
int map_sink_init(map_sink *s);
void map_sink_start(map_sink *s, outfile *of, progress *prog);
/* A gs_sweep_sink's write: 0, or -1 with s->error set. */
int map_sink_write(void *ctx, const char *text, size_t len, int64_t cells);
/* Writes what is buffered: 0, or -1 with s->error set. */
int map_sink_flush(map_sink *s);
void map_sink_free(map_sink *s);

#endif
