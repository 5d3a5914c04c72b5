/* FILE.part.sum, the checksum beside an unfinished map (part_digest.h says
 * why and what it holds). Opened like the .part itself: O_NOFOLLOW and fstat,
 * so nothing is ever written through a link or into a device. */
#define _GNU_SOURCE   /* O_CLOEXEC, O_NOFOLLOW with -std=c17 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "part_digest.h"

static const char MAGIC[8] = {'G', 'S', 'P', 'A', 'R', 'T', 'S', 'M'};
enum { VERSION = 1 };

uint64_t part_digest_fnv(uint64_t hash, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        hash = (hash ^ b[i]) * 1099511628211u;
    return hash;
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static char *sidecar_name(const char *part)
{
    const size_t n = strlen(part);
    char *s = malloc(n + sizeof PART_DIGEST_SUFFIX);
    if (s) {
        memcpy(s, part, n);
        memcpy(s + n, PART_DIGEST_SUFFIX, sizeof PART_DIGEST_SUFFIX);
    }
    return s;
}

static int not_regular(const char *path, mode_t m)
{
    return cli_usage_error("'%s' (the checksum of an unfinished map) is %s: gridsweep writes "
                           "only regular files; remove it", path, outfile_kind(m));
}

int part_digest_check(const char *path)
{
    char *sum = malloc(strlen(path) + sizeof ".part" PART_DIGEST_SUFFIX);
    if (!sum)
        return cli_runtime_error("out of memory");
    strcat(strcpy(sum, path), ".part" PART_DIGEST_SUFFIX);
    struct stat st;
    int rc = 0;
    if (lstat(sum, &st) == 0 && !S_ISREG(st.st_mode))
        rc = not_regular(sum, st.st_mode);
    free(sum);
    return rc;
}

/* Opens sum (O_NOFOLLOW, O_NONBLOCK: a FIFO cannot block) and checks that it
 * is a regular file; the fd, or -1 with errno (EINVAL: not a regular file). */
static int open_regular(const char *sum, int flags)
{
    int fd = open(sum, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) != 0)
        e = errno;
    else if (!S_ISREG(st.st_mode))
        e = EINVAL;
    else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        e = errno;
    if (e) {
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int part_digest_create(part_digest *d, const char *part)
{
    *d = PART_DIGEST_NONE;
    if (!(d->path = sidecar_name(part))) {
        errno = ENOMEM;
        return -1;
    }
    if ((d->fd = open_regular(d->path, O_RDWR | O_CREAT)) < 0 || ftruncate(d->fd, 0) != 0)
        return -1;
    return 0;
}

int part_digest_restore(part_digest *d, uint64_t hash, int64_t bytes, int part_fd)
{
    d->hash = hash, d->bytes = bytes;
    if (d->fd < 0 && (d->fd = open_regular(d->path, O_RDWR | O_CREAT)) < 0)
        return -1;
    return part_digest_sync(d, part_fd);
}

int part_digest_open(part_digest *d, const char *part, part_digest_record *rec, bool *found)
{
    *d = PART_DIGEST_NONE;
    *found = false;
    if (!(d->path = sidecar_name(part)))
        return cli_runtime_error("out of memory");
    struct stat st;
    if (lstat(d->path, &st) != 0 && errno == ENOENT)
        return 0;
    if ((d->fd = open_regular(d->path, O_RDWR)) < 0) {
        const int e = errno;
        if ((e == ELOOP || e == EINVAL || e == ENXIO) && lstat(d->path, &st) == 0)
            return not_regular(d->path, st.st_mode);
        return cli_usage_error("--resume: cannot open '%s': %s", d->path, strerror(e));
    }
    unsigned char r[PART_DIGEST_RECORD];
    if (pread(d->fd, r, sizeof r, 0) != (ssize_t)sizeof r || memcmp(r, MAGIC, 8) != 0 ||
        get64(r + 8) != VERSION || get64(r + 32) != part_digest_fnv(PART_DIGEST_NONE.hash, r, 32))
        return 0;   /* torn or foreign: as if missing, the rows are checked the slow way */
    rec->bytes = (int64_t)get64(r + 16);
    rec->hash = get64(r + 24);
    *found = rec->bytes >= 0;
    return 0;
}

void part_digest_add(part_digest *d, const void *p, size_t n)
{
    d->hash = part_digest_fnv(d->hash, p, n);
    d->bytes += (int64_t)n;
}

int part_digest_record_now(part_digest *d)
{
    if (!d->path)
        return 0;
    unsigned char r[PART_DIGEST_RECORD];
    memcpy(r, MAGIC, 8);
    put64(r + 8, VERSION);   /* u32 version, u32 reserved zero */
    put64(r + 16, (uint64_t)d->bytes);
    put64(r + 24, d->hash);
    put64(r + 32, part_digest_fnv(PART_DIGEST_NONE.hash, r, 32));
    ssize_t n;
    while ((n = pwrite(d->fd, r, sizeof r, 0)) < 0 && errno == EINTR)
        ;
    if (n != (ssize_t)sizeof r) {
        if (n >= 0)
            errno = ENOSPC;
        return -1;
    }
    return fdatasync(d->fd);
}

int part_digest_sync(part_digest *d, int part_fd)
{
    if (fsync(part_fd) != 0)
        return -1;
    return part_digest_record_now(d);
}

static void release(part_digest *d)
{
    if (d->fd >= 0)
        close(d->fd);
    free(d->path);
    *d = PART_DIGEST_NONE;
}

void part_digest_remove(part_digest *d)
{
    if (d->path)
        unlink(d->path);
    release(d);
}

void part_digest_close(part_digest *d) { release(d); }
