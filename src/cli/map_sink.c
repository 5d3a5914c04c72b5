/* The sweep's rows on their way to the .part. They are collected here and
 * written with write(2), never through stdio, so that after a failed write the
 * file is known to hold the map's bytes up to an exact offset (outfile_cut_torn
 * then keeps whole rows). A NetCDF map gets them through libnetcdf instead. */
#define _GNU_SOURCE   /* fmemopen */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "map_sink.h"

#define SINK_BUFFER (256 * 1024)
#define FLUSH_PERIOD 0.5   /* seconds between writes to the OS (Ctrl-C, kill) */
#define SYNC_PERIOD 5.0    /* seconds between fsyncs to the disk (power loss) */

int map_format_parse(const char *s, map_format *out)
{
    if (strcmp(s, "csv") == 0 || strcmp(s, "nc") == 0) {
        *out = s[0] == 'n' ? MAP_NC : MAP_CSV;
        return 0;
    }
    return -1;
}

map_format map_format_of_path(const char *path, map_format dflt)
{
    const size_t n = path ? strlen(path) : 0;
    if (n > 3 && strcmp(path + n - 3, ".nc") == 0)
        return MAP_NC;
    if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
        return MAP_CSV;
    return dflt;
}

const char *map_format_ext(map_format f) { return f == MAP_NC ? ".nc" : ".csv"; }

int map_sink_init(map_sink *s, map_format format, const char *header)
{
    *s = (map_sink){.format = format, .buf = malloc(SINK_BUFFER)};
    if (!s->buf)
        return cli_runtime_error("out of memory for the output buffer");
    gs_error err;
    if (format == MAP_CSV) {
        s->start = strdup(header);
        s->start_len = strlen(header);
    } else if (gs_map_nc_empty(header, &s->start, &s->start_len, &err)) {
        map_sink_free(s);
        return cli_runtime_error("%s", err.msg);
    }
    if (!s->start) {
        map_sink_free(s);
        return cli_runtime_error("out of memory for the output buffer");
    }
    return 0;
}

int map_sink_start(map_sink *s, outfile *of, progress *prog, int64_t done)
{
    s->of = of, s->prog = prog;
    s->last_flush = s->last_sync = progress_now();
    if (s->format == MAP_CSV)
        return 0;
    gs_error err;
    of->binary = true;
    if (gs_map_nc_open(of->part, true, &s->nc, &err))
        return cli_runtime_error("%s", err.msg);
    const int rc = outfile_relock(of);   /* libnetcdf's open closed a descriptor */
    const int64_t nx = gs_map_nc_info(s->nc)->x.n;
    if (!rc && gs_map_nc_rows(s->nc) * nx != done)
        return cli_runtime_error("'%s' changed while it was being opened", of->part);
    s->parsed = done;
    return rc;
}

void map_sink_free(map_sink *s)
{
    gs_map_nc_close(s->nc, NULL);
    s->nc = NULL;
    free(s->buf);
    free(s->start);
    s->buf = s->start = NULL;
}

static int nc_failed(map_sink *s, const gs_error *err)
{
    snprintf(s->msg, sizeof s->msg, "%s", err->msg);
    s->error = -1;
    return -1;
}

/* Rows of CSV text, parsed back (exactly: %.9g round-trips float32), into
 * the NetCDF writer. */
static int put_nc(map_sink *s, char *text, size_t len)
{
    gs_error err;
    FILE *f = len ? fmemopen(text, len, "r") : NULL;
    if (len && !f) {
        s->error = errno;
        return -1;
    }
    const gs_map_info *info = gs_map_nc_info(s->nc);
    gs_map_row row;
    int r = 0;
    while (f && (r = gs_map_read_row(f, info, s->parsed, &row, NULL, &err)) == 1) {
        if (gs_map_nc_put(s->nc, &row, &err))
            break;
        s->parsed++;
    }
    if (f)
        fclose(f);
    return r != 0 ? nc_failed(s, &err) : 0;
}

int map_sink_flush(map_sink *s)
{
    gs_error err;
    if (s->format == MAP_NC) {   /* the rows, and the record count synced */
        if (put_nc(s, s->buf, s->used))
            return -1;
        if (gs_map_nc_sync(s->nc, &err))
            return nc_failed(s, &err);
    } else if (s->used && outfile_write(s->of, s->buf, s->used) != 0) {
        s->error = errno;
        return -1;
    }
    if (s->digest)
        part_digest_add(s->digest, s->buf, s->used);
    s->used = 0;
    return 0;
}

/* Text too long for the buffer (the buffer is flushed first). */
static int write_through(map_sink *s, const char *text, size_t len)
{
    if (s->format == MAP_CSV) {
        if (outfile_write(s->of, text, len) == 0)
            return 0;
        s->error = errno;
        return -1;
    }
    char *copy = malloc(len);   /* fmemopen reads a buffer it may write */
    if (!copy) {
        s->error = ENOMEM;
        return -1;
    }
    memcpy(copy, text, len);
    const int rc = put_nc(s, copy, len);
    free(copy);
    return rc;
}

int map_sink_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    map_sink *s = ctx;
    if (s->used + len > SINK_BUFFER && map_sink_flush(s))
        return -1;
    if (len > SINK_BUFFER) {
        if (write_through(s, text, len))
            return -1;
        if (s->digest)   /* CSV only: a NetCDF .part has no checksum file */
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

int map_sink_finish(map_sink *s, int64_t *kept)
{
    if (!s->nc)
        return 0;
    const gs_map_info *info = gs_map_nc_info(s->nc);
    *kept = gs_map_nc_rows(s->nc) * info->x.n;
    gs_error err;
    const int rc = gs_map_nc_close(s->nc, &err);
    s->nc = NULL;
    if (rc)
        return nc_failed(s, &err);
    /* The close dropped the lock (POSIX locks go with any descriptor of the
     * file); the rename or keep follows at once, so it is taken back best
     * effort: a resume started in between finds the map complete. */
    outfile_relock_quiet(s->of);
    return 0;
}

const char *map_sink_failure(const map_sink *s)
{
    return s->error > 0 ? strerror(s->error) : s->msg;
}
