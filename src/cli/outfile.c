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

int outfile_check(const char *path, bool force)
{
    if (is_stdout(path))
        return 0;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return cli_usage_error("output '%s' is a directory", path);
        if (!force)
            return cli_usage_error("output '%s' exists (use --force to overwrite it)", path);
    }
    /* The directory must exist and be writable. */
    char *dir = strdup(path);
    if (!dir)
        return cli_runtime_error("out of memory");
    char *slash = strrchr(dir, '/');
    const char *d = slash ? (slash == dir ? "/" : (*slash = 0, dir)) : ".";
    int ok = access(d, W_OK | X_OK) == 0;
    int e = errno;
    free(dir);
    if (!ok)
        return cli_usage_error("cannot write output '%s': %s", path, strerror(e));
    return 0;
}

int outfile_check_fresh(const char *path, bool force)
{
    int rc = outfile_check(path, force);
    if (rc || force || is_stdout(path))
        return rc;
    char *part = concat(path, ".part");
    if (!part)
        return cli_runtime_error("out of memory");
    if (access(part, F_OK) == 0)
        rc = cli_usage_error("'%s' holds an interrupted run: finish it with --resume %s, or "
                             "start over with --force",
                             part, path);
    free(part);
    return rc;
}

int outfile_open(outfile *of, const char *path)
{
    memset(of, 0, sizeof *of);
    if (is_stdout(path)) {
        of->f = stdout;
        return 0;
    }
    of->path = strdup(path);
    of->part = concat(path, ".part");
    if (!of->path || !of->part)
        return cli_runtime_error("out of memory");
    of->f = fopen(of->part, "w");
    if (!of->f)
        return cli_usage_error("cannot create '%s': %s", of->part, strerror(errno));
    return 0;
}

int outfile_reopen(outfile *of, const char *path, const char *part, long keep)
{
    memset(of, 0, sizeof *of);
    of->path = strdup(path);
    of->part = strdup(part);
    if (!of->path || !of->part)
        return cli_runtime_error("out of memory");
    if (truncate(part, keep) != 0)
        return cli_runtime_error("cannot cut the torn tail of '%s': %s", part, strerror(errno));
    of->f = fopen(part, "a");
    if (!of->f)
        return cli_runtime_error("cannot append to '%s': %s", part, strerror(errno));
    return 0;
}

static void release(outfile *of)
{
    free(of->path);
    free(of->part);
    memset(of, 0, sizeof *of);
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
    if (fflush(of->f) != 0 || ferror(of->f) || fsync(fileno(of->f)) != 0) {
        status = cli_runtime_error("writing '%s' failed: %s", of->part, strerror(errno));
        fclose(of->f);
    } else if (fclose(of->f) != 0) {
        status = cli_runtime_error("writing '%s' failed: %s", of->part, strerror(errno));
    } else if (rename(of->part, of->path) != 0) {
        status = cli_runtime_error("cannot rename '%s' to '%s': %s", of->part, of->path,
                                   strerror(errno));
    }
    if (status)
        unlink(of->part);
    release(of);
    return status;
}

void outfile_keep(outfile *of)
{
    if (of->f && of->f != stdout) {
        fflush(of->f);
        fsync(fileno(of->f));
        fclose(of->f);
    }
    release(of);
}

void outfile_discard(outfile *of)
{
    if (of->f && of->f != stdout) {
        fclose(of->f);
        unlink(of->part);
    }
    release(of);
}
