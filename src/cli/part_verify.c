/* --resume: are the kept rows what gridsweep writes? (part_verify.h) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/runner.h"
#include "part_verify.h"
#include "progress.h"

#define STATUS_AFTER 2.0   /* seconds of training again before saying so */

/* Hashes bytes [from, to) of fd into *hash, counting their newlines. */
static int hash_range(int fd, int64_t from, int64_t to, uint64_t *hash, int64_t *lines)
{
    char buf[64 * 1024];
    while (from < to) {
        const size_t want = to - from < (int64_t)sizeof buf ? (size_t)(to - from) : sizeof buf;
        const ssize_t n = pread(fd, buf, want, (off_t)from);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n == 0)
                errno = EIO;   /* shorter than counted: changed under us */
            return -1;
        }
        *hash = part_digest_fnv(*hash, buf, (size_t)n);
        for (ssize_t i = 0; i < n; i++)
            *lines += buf[i] == '\n';
        from += n;
    }
    return 0;
}

/* The sink of the training again: each row handed over is compared with
 * the file's bytes at pos. */
typedef struct verify_sink {
    int fd;
    int64_t pos, row;      /* next byte to compare; rows compared so far */
    int64_t bad_row;       /* the first row that differs; -1 */
    int error;             /* errno of a failed read */
    char *buf;
    size_t cap;
    double t0;
    bool quiet, said;
    int64_t total;
    const char *part;
} verify_sink;

static int verify_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    verify_sink *v = ctx;
    if (len > v->cap) {
        char *b = realloc(v->buf, len);
        if (!b) {
            v->error = ENOMEM;
            return -1;
        }
        v->buf = b, v->cap = len;
    }
    size_t got = 0;
    while (got < len) {
        const ssize_t n = pread(v->fd, v->buf + got, len - got, (off_t)(v->pos + (int64_t)got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            v->error = errno;
            return -1;
        }
        if (n == 0)
            break;   /* the file ends first: the row differs */
        got += (size_t)n;
    }
    size_t same = 0;
    while (same < got && v->buf[same] == text[same])
        same++;
    if (same < len) {
        int64_t nl = 0;
        for (size_t i = 0; i < same; i++)
            nl += text[i] == '\n';
        v->bad_row = v->row + nl;
        return -1;
    }
    v->pos += (int64_t)len;
    v->row += cells;
    if (!v->quiet && !v->said && progress_now() - v->t0 >= STATUS_AFTER) {
        fprintf(stderr, "gridsweep: checking the %lld kept rows of '%s' by training their "
                        "cells again\n", (long long)v->total, v->part);
        v->said = true;
    }
    return 0;
}

/* Trains rows [first, rows) of the .part again, comparing each with the file
 * from byte `pos` on. 0 or an exit status after one line. */
static int train_again(part_check *pc, int fd, const char *part, int64_t header_lines,
                       int64_t first, int64_t rows, int64_t pos)
{
    const gs_sweep_config *cfg = pc->task.cfg;
    int lo, hi;
    gs_sweep_rows(cfg, &lo, &hi);
    const int64_t begin = (int64_t)lo * cfg->x.n;
    verify_sink v = {.fd = fd, .pos = pos, .row = first, .bad_row = -1, .t0 = progress_now(),
                     .quiet = pc->quiet, .total = rows - first, .part = part};
    gs_sweep_task task = pc->task;
    task.begin = begin + first, task.end = begin + rows;
    const gs_sweep_sink sink = {verify_write, &v};
    int64_t wrote;
    gs_error err;
    const gs_sweep_status status =
        gs_runner_compute(cli_runner(), &task, &sink, pc->stop, &wrote, &err);
    free(v.buf);
    if (status == GS_SWEEP_DONE)
        return 0;
    if (v.bad_row >= 0) {
        const int64_t cell = begin + v.bad_row;
        return cli_usage_error("--resume: '%s' line %lld (cell %d,%d) is not what gridsweep "
                               "computes for that cell (edited?); start over with --force",
                               part, (long long)(header_lines + 1 + v.bad_row),
                               (int)(cell % cfg->x.n), (int)(cell / cfg->x.n));
    }
    if (status == GS_SWEEP_SINK_FAILED)
        return cli_runtime_error("--resume: cannot read '%s': %s", part, strerror(v.error));
    if (status == GS_SWEEP_FAILED)
        return cli_runtime_error("%s", err.msg);
    const int sig = pc->stop ? atomic_load(pc->stop) : 0;
    fprintf(stderr, "gridsweep: interrupted while checking the kept rows of '%s'; it is "
                    "unchanged\n", part);
    return sig ? 128 + sig : EXIT_FAILURE;
}

int part_verify(part_check *pc, int fd, const char *part, int64_t header_len, int64_t rows,
                int64_t keep)
{
    part_digest_record rec;
    bool found;
    int rc = part_digest_open(&pc->digest, part, &rec, &found);
    if (rc)
        return rc;
    /* The record covers synced bytes only, so a file now shorter than that
     * was cut or edited. A record inside the header vouches for no row. */
    if (found && rec.bytes > keep)
        return cli_usage_error("--resume: '%s' has rows edited or cut since they were written "
                               "(its checksum in '%s' covers %lld bytes, it has %lld whole); "
                               "start over with --force, or remove '%s' to have its rows "
                               "checked by training their cells again", part, pc->digest.path,
                               (long long)rec.bytes, (long long)keep, pc->digest.path);
    const int64_t covered = found && rec.bytes >= header_len ? rec.bytes : header_len;
    uint64_t hash = PART_DIGEST_NONE.hash;
    int64_t header_lines = 0, lines = 0;
    if (hash_range(fd, 0, header_len, &hash, &header_lines) ||
        hash_range(fd, header_len, covered, &hash, &lines))
        return cli_runtime_error("--resume: cannot read '%s': %s", part, strerror(errno));
    if (covered > header_len && hash != rec.hash)
        return cli_usage_error("--resume: '%s' has rows edited since they were written (their "
                               "checksum in '%s' differs); start over with --force",
                               part, pc->digest.path);
    if (lines < rows && (rc = train_again(pc, fd, part, header_lines, lines, rows, covered)))
        return rc;
    int64_t more = 0;
    if (hash_range(fd, covered, keep, &hash, &more))
        return cli_runtime_error("--resume: cannot read '%s': %s", part, strerror(errno));
    if (part_digest_restore(&pc->digest, hash, keep, fd))
        return cli_runtime_error("writing '%s' failed: %s", pc->digest.path, strerror(errno));
    return 0;
}

int part_verify_restart(part_check *pc, int fd, const char *part, const void *start,
                        int64_t start_len)
{
    if (part_digest_create(&pc->digest, part) != 0)
        return cli_runtime_error("cannot create '%s': %s",
                                 pc->digest.path ? pc->digest.path : part, strerror(errno));
    part_digest_add(&pc->digest, start, (size_t)start_len);
    if (part_digest_sync(&pc->digest, fd))
        return cli_runtime_error("writing '%s' failed: %s", pc->digest.path, strerror(errno));
    return 0;
}
