/* Finished tiles on disk: DIR/<hash of the header>.csv holds the map file a
 * CLI run writes. A file is used only if it starts with the very header asked
 * for, so a hash collision or a torn file is a miss, never a wrong tile.
 * Names come from the hash alone: nothing a request says reaches a path. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve_impl.h"

#define CACHE_MAX_FILE (256L << 20)   /* far above the largest map a request may ask */

uint64_t serve_hash(const char *text)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

int serve_cache_open(const char *dir, gs_error *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return gs_fail(err, "serve: --cache %s: path too long", dir);
    for (char *p = path + 1;; p++) {
        const bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(path, 0700) != 0 && errno != EEXIST)
                return gs_fail(err, "serve: cannot create the cache directory '%s': %s",
                               path, strerror(errno));
            if (end)
                break;
            *p = '/';
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0)
        return gs_fail(err, "serve: the cache '%s' is not a writable directory", dir);
    return 0;
}

static void cache_path(char *buf, size_t size, const char *dir, const char *header)
{
    snprintf(buf, size, "%s/%016llx.csv", dir, (unsigned long long)serve_hash(header));
}

int serve_cache_get(const char *dir, const char *header, char **text, size_t *len)
{
    char path[PATH_MAX];
    cache_path(path, sizeof path, dir, header);
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    struct stat st;
    const size_t hlen = strlen(header);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CACHE_MAX_FILE ||
        (size_t)st.st_size < hlen) {
        close(fd);
        return 0;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        const ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0 && !(n < 0 && errno == EINTR))
            break;
        if (n > 0)
            got += (size_t)n;
    }
    close(fd);
    if (got != (size_t)st.st_size || memcmp(buf, header, hlen) != 0 ||
        (got && buf[got - 1] != '\n')) {
        free(buf);
        return 0;
    }
    buf[got] = '\0';
    *text = buf;
    *len = got;
    return 1;
}

void serve_cache_put(const char *dir, const char *header, const char *text, size_t len)
{
    char path[PATH_MAX], tmp[PATH_MAX + 64];
    cache_path(path, sizeof path, dir, header);
    snprintf(tmp, sizeof tmp, "%s.%d.%lu.tmp", path, (int)getpid(),
             (unsigned long)pthread_self());
    const int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;
    size_t put = 0;
    while (put < len) {
        const ssize_t n = write(fd, text + put, len - put);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        put += (size_t)n;
    }
    if (close(fd) != 0 || put != len || rename(tmp, path) != 0)
        unlink(tmp);
}
