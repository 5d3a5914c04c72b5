/* Output files: checked before anything is created, written to PATH.part
 * under a lock, synced, renamed. Everything that is not a regular file is
 * refused with lstat before and O_NOFOLLOW + fstat after opening (no race
 * lets a link or a device slip in between), so nothing is ever written
 * through a link or into a device. */
#define _GNU_SOURCE   /* O_CLOEXEC, O_NOFOLLOW with -std=c17 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

static bool is_stdout(const char *path) { return !path || strcmp(path, "-") == 0; }

const char *outfile_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISLNK(m) ? "a symbolic link"
         : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

static int not_regular(const char *path, mode_t m)
{
    return cli_usage_error("'%s' is %s: gridsweep writes only regular files (-o - writes to "
                           "standard output)", path, outfile_kind(m));
}

/* The directory part of path ("." for none), malloc'd. */
static char *dir_of(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return NULL;
    char *slash = strrchr(dir, '/');
    if (!slash) {
        free(dir);
        return strdup(".");
    }
    slash[slash == dir] = 0;   /* "/x" -> "/" */
    return dir;
}

long outfile_lock_holder(const char *path)
{
    const int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    long holder = 0;
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
        holder = fl.l_pid > 0 ? (long)fl.l_pid : -1;
    close(fd);
    return holder;
}

static int busy(const char *part, long pid)
{
    if (pid > 0)
        return cli_usage_error("'%s' is being written by process %ld (another gridsweep run); "
                               "wait for it to end or stop it first", part, pid);
    return cli_usage_error("'%s' is being written by another process; wait for it to end or "
                           "stop it first", part);
}

int outfile_check(const char *path, bool force)
{
    if (is_stdout(path))
        return 0;
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return cli_usage_error("output '%s' is a directory", path);
        if (!S_ISREG(st.st_mode))
            return not_regular(path, st.st_mode);
        if (!force)
            return cli_usage_error("output '%s' exists (use --force to overwrite it)", path);
    } else if (errno != ENOENT) {
        return cli_usage_error("cannot write output '%s': %s", path, strerror(errno));
    }
    /* The directory must exist and be writable. */
    char *dir = dir_of(path);
    if (!dir)
        return cli_runtime_error("out of memory");
    int ok = access(dir, W_OK | X_OK) == 0;
    int e = errno;
    free(dir);
    if (!ok)
        return cli_usage_error("cannot write output '%s': %s", path, strerror(e));
    return 0;
}

int outfile_check_fresh(const char *path, bool force)
{
    int rc = outfile_check(path, force);
    if (rc || is_stdout(path))
        return rc;
    char *part = concat(path, ".part");
    if (!part)
        return cli_runtime_error("out of memory");
    struct stat st;
    long pid;
    if (lstat(part, &st) != 0)
        rc = 0;
    else if (!S_ISREG(st.st_mode))
        rc = not_regular(part, st.st_mode);
    else if ((pid = outfile_lock_holder(part)) != 0)
        rc = busy(part, pid);
    else if (!force)
        rc = cli_usage_error("'%s' holds an interrupted run: finish it with --resume %s, or "
                             "start over with --force",
                             part, path);
    free(part);
    return rc;
}

/* fd is open on a regular file: take the run's lock on it. */
static int lock(int fd, const char *part)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) == 0)
        return 0;
    if (errno != EAGAIN && errno != EACCES)
        return 0;   /* a file system without locks: go on unlocked */
    fl = (struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET};
    long pid = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ? (long)fl.l_pid : -1;
    return busy(part, pid);
}

/* Opens part (O_NOFOLLOW, O_NONBLOCK so that a FIFO cannot block), checks
 * that it is a regular file and locks it; returns the fd or -1 after one line. */
static int open_locked(const char *part, int flags, const char *what, int *rc)
{
    struct stat st;
    long pid;
    if (lstat(part, &st) == 0 && !S_ISREG(st.st_mode)) {   /* never opened: a device's */
        *rc = not_regular(part, st.st_mode);               /* open can have effects */
        return -1;
    }
    int fd = open(part, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (errno == ELOOP || errno == ENXIO || errno == ENODEV)
            *rc = lstat(part, &st) == 0 ? not_regular(part, st.st_mode)
                                        : cli_usage_error("cannot %s '%s': %s", what, part,
                                                          strerror(ELOOP));
        else if (errno == EEXIST)
            *rc = (pid = outfile_lock_holder(part)) != 0 ? busy(part, pid)
                : cli_usage_error("'%s' appeared meanwhile: another run started on this map",
                                  part);
        else if (errno == ENOSPC || errno == EDQUOT || errno == EIO || errno == ENOMEM)
            *rc = cli_runtime_error("cannot %s '%s': %s", what, part, strerror(errno));
        else
            *rc = cli_usage_error("cannot %s '%s': %s", what, part, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        *rc = cli_runtime_error("cannot %s '%s': %s", what, part, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        *rc = not_regular(part, st.st_mode);
    } else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        *rc = cli_runtime_error("cannot %s '%s': %s", what, part, strerror(errno));
    } else {
        *rc = lock(fd, part);
    }
    if (*rc) {
        close(fd);
        return -1;
    }
    return fd;
}

int outfile_relock(outfile *of)
{
    return of->path ? lock(of->fd, of->part) : 0;
}

int outfile_relock_quiet(outfile *of)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    return !of->path || fcntl(of->fd, F_SETLK, &fl) == 0 ? 0 : -1;
}

static void sync_dir(const char *path)
{
    char *dir = dir_of(path);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);   /* best effort: makes the rename durable */
        close(fd);
    }
    free(dir);
}

static void release(outfile *of)
{
    free(of->path);
    free(of->part);
    memset(of, 0, sizeof *of);
    of->fd = -1;
}

static int open_part(outfile *of, const char *path, bool exclusive)
{
    memset(of, 0, sizeof *of);
    of->fd = -1;
    if (is_stdout(path)) {
        of->f = stdout;
        of->fd = STDOUT_FILENO;
        return 0;
    }
    of->path = strdup(path);
    of->part = concat(path, ".part");
    int rc = 0;
    if (!of->path || !of->part) {
        release(of);
        return cli_runtime_error("out of memory");
    }
    of->fd = open_locked(of->part, O_RDWR | O_CREAT | (exclusive ? O_EXCL : 0), "create", &rc);
    if (of->fd < 0) {
        release(of);
        return rc;
    }
    /* Emptied only now that it is ours: a run still writing it kept it. */
    if (ftruncate(of->fd, 0) != 0 || !(of->f = fdopen(of->fd, "w"))) {
        rc = cli_runtime_error("cannot create '%s': %s", of->part, strerror(errno));
        close(of->fd);
        release(of);
        return rc;
    }
    sync_dir(of->part);   /* the new name survives a power loss */
    return 0;
}

int outfile_open(outfile *of, const char *path) { return open_part(of, path, false); }
int outfile_open_new(outfile *of, const char *path) { return open_part(of, path, true); }

int outfile_reopen(outfile *of, const char *path, const char *part)
{
    memset(of, 0, sizeof *of);
    of->path = strdup(path);
    of->part = strdup(part);
    int rc = 0;
    if (!of->path || !of->part) {
        release(of);
        return cli_runtime_error("out of memory");
    }
    if ((of->fd = open_locked(part, O_RDWR, "open", &rc)) < 0) {
        release(of);
        return rc;
    }
    if (!(of->f = fdopen(of->fd, "r+"))) {
        close(of->fd);
        release(of);
        return cli_runtime_error("cannot open '%s': %s", part, strerror(errno));
    }
    return 0;
}

int outfile_cut(outfile *of, int64_t keep)
{
    if (ftruncate(of->fd, (off_t)keep) != 0)
        return cli_runtime_error("cannot cut the torn tail of '%s': %s", of->part,
                                 strerror(errno));
    of->written = keep;
    of->synced = false;
    return 0;
}

int outfile_write(outfile *of, const void *buf, size_t len)
{
    const char *p = buf;
    of->synced = false;
    while (len > 0) {
        ssize_t n = of->path ? pwrite(of->fd, p, len, (off_t)of->written)
                             : write(of->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return -1;
        }
        p += n, len -= (size_t)n;
        of->written += n;
    }
    return 0;
}

void outfile_cut_torn(outfile *of)
{
    if (!of->path || of->fd < 0 || of->binary)
        return;
    char buf[4096];
    int64_t end = of->written;
    while (end > 0) {
        const size_t n = end < (int64_t)sizeof buf ? (size_t)end : sizeof buf;
        if (pread(of->fd, buf, n, (off_t)(end - (int64_t)n)) != (ssize_t)n)
            return;   /* leave it as it is: --resume cuts a torn line too */
        const char *nl = memrchr(buf, '\n', n);
        if (nl) {
            end -= (int64_t)n - (nl - buf + 1);
            break;
        }
        end -= (int64_t)n;
    }
    if (ftruncate(of->fd, (off_t)end) == 0)
        of->written = end;
    fsync(of->fd);
}

int outfile_sync(outfile *of)
{
    if (of->f == stdout)
        return 0;
    if (fflush(of->f) != 0 || ferror(of->f) || fsync(of->fd) != 0)
        return -1;
    of->synced = true;
    return 0;
}

int outfile_commit(outfile *of)
{
    int status = 0;
    if (of->f == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            status = cli_runtime_error("writing to standard output failed: %s", strerror(errno));
        release(of);
        return status;
    }
    struct stat st;
    if (fflush(of->f) != 0 || ferror(of->f) || (!of->synced && fsync(of->fd) != 0)) {
        status = cli_runtime_error("writing '%s' failed: %s", of->part, strerror(errno));
    } else if (lstat(of->path, &st) == 0 && !S_ISREG(st.st_mode)) {
        status = cli_runtime_error("'%s' became %s during the run; the map stays in '%s'",
                                   of->path, outfile_kind(st.st_mode), of->part);
    } else if (rename(of->part, of->path) != 0) {
        status = cli_runtime_error("cannot rename '%s' to '%s': %s", of->part, of->path,
                                   strerror(errno));
    } else {
        sync_dir(of->path);
    }
    if (status && of->resumable)
        outfile_cut_torn(of);
    else if (status)
        unlink(of->part);
    fclose(of->f);   /* drops the lock, once the file has its final name */
    release(of);
    return status;
}

void outfile_keep(outfile *of)
{
    if (of->f && of->f != stdout) {
        fflush(of->f);
        fsync(of->fd);
        fclose(of->f);
    }
    release(of);
}

void outfile_discard(outfile *of)
{
    if (of->f && of->f != stdout) {
        unlink(of->part);   /* before the lock goes with the close */
        fclose(of->f);
    }
    release(of);
}
