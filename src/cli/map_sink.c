/* The sweep's rows on their way to the .part. They are collected here and
 * written with write(2), never through stdio, so that after a failed write the
 * file is known to hold the map's bytes up to an exact offset (outfile_cut_torn
 * then keeps whole rows). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map_sink.h"

#define SINK_BUFFER (256 * 1024)
#define FLUSH_PERIOD 0.5   /* seconds between writes to the OS (Ctrl-C, kill) */
#define SYNC_PERIOD 5.0    /* seconds between fsyncs to the disk (power loss) */

int map_sink_init(map_sink *s)
{
    *s = (map_sink){.buf = malloc(SINK_BUFFER)};
    return s->buf ? 0 : -1;
}

void map_sink_start(map_sink *s, outfile *of, progress *prog)
{
    s->of = of, s->prog = prog;
    s->last_flush = s->last_sync = progress_now();
}

void map_sink_free(map_sink *s)
{
    free(s->buf);
    s->buf = NULL;
}

int map_sink_flush(map_sink *s)
{
    if (s->used && outfile_write(s->of, s->buf, s->used) != 0) {
        s->error = errno;
        return -1;
    }
    if (s->digest)
        part_digest_add(s->digest, s->buf, s->used);
    s->used = 0;
    return 0;
}

int map_sink_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    map_sink *s = ctx;
    if (s->used + len > SINK_BUFFER && map_sink_flush(s))
        return -1;
    if (len > SINK_BUFFER) {
        if (outfile_write(s->of, text, len) != 0) {
            s->error = errno;
            return -1;
        }
        if (s->digest)
            part_digest_add(s->digest, text, len);
    } else {
        memcpy(s->buf + s->used, text, len);
        s->used += len;
    }
    const double now = progress_now();
    if (now - s->last_flush >= FLUSH_PERIOD) {
        if (map_sink_flush(s))
            return -1;
        s->last_flush = now;
        if (now - s->last_sync >= SYNC_PERIOD && s->of->path) {
            if (fsync(s->of->fd) != 0) {
                s->error = errno;
                return -1;
            }
            if (s->digest && part_digest_record_now(s->digest) != 0) {
                s->error = errno, s->failed = s->digest->path;
                return -1;
            }
            s->last_sync = now;
        }
    }
    progress_add(s->prog, cells);
    return 0;
}
