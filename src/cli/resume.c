/* --resume: continue a map in FILE.part so that the finished file is the one
 * an uninterrupted run writes, byte for byte. So the .part must have been made
 * with exactly these settings and every kept row must be exactly what
 * gridsweep writes for its cell (an edited value is refused, not kept).
 * (A little over 400 lines: the CSV .part, an ensemble's rows and the NetCDF
 * .part share one settings check and one open, check, cut, append path.) */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/ensemble.h"
#include "gridsweep/map.h"
#include "gridsweep/map_netcdf.h"
#include "gridsweep/sweep.h"
#include "resume.h"

static const char PART[] = ".part";

static bool ends_with_part(const char *s)
{
    size_t n = strlen(s), k = sizeof PART - 1;
    return n > k && strcmp(s + n - k, PART) == 0;
}

char *resume_final_name(const char *arg)
{
    char *s = strdup(arg);
    if (s && ends_with_part(s))
        s[strlen(s) - (sizeof PART - 1)] = 0;
    return s;
}

/* ---- settings --------------------------------------------------------- */

/* The length of the line at s, without its '\n'. */
static size_t line_len(const char *s)
{
    const char *e = strchr(s, '\n');
    return e ? (size_t)(e - s) : strlen(s);
}

/* The length of "# key:" at the start of a header line (the whole line if
 * it has no key, like the magic line). */
static size_t key_len(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    return colon ? (size_t)(colon - s + 1) : len;
}

/* The line of header h (len bytes) with the same key as line s, or NULL. */
static const char *find_key(const char *h, size_t hlen, const char *s, size_t slen)
{
    const size_t k = key_len(s, slen);
    for (const char *p = h; p < h + hlen; p += line_len(p) + 1)
        if (line_len(p) >= k && memcmp(p, s, k) == 0)
            return p;
    return NULL;
}

static bool is_command(const char *s) { return strncmp(s, "# command:", 10) == 0; }

/* Names the first setting that differs, key by key (a line only one side has
 * is named as such); the command line, which repeats them all, only when
 * nothing else differs. */
static int settings_differ(const char *path, const char *fh, size_t flen, const char *w,
                           size_t wlen)
{
    for (int pass = 0; pass < 2; pass++) {
        for (const char *p = fh; p < fh + flen; p += line_len(p) + 1) {
            const size_t pl = line_len(p);
            if (is_command(p) != (pass == 1))
                continue;
            const char *q = find_key(w, wlen, p, pl);
            if (!q)
                return cli_usage_error("--resume: '%s' was made with other settings: it has "
                                       "'%.*s' where this command has none", path, (int)pl, p);
            if (line_len(q) != pl || memcmp(p, q, pl) != 0)
                return cli_usage_error("--resume: '%s' was made with other settings: it has "
                                       "'%.*s' where this command has '%.*s'",
                                       path, (int)pl, p, (int)line_len(q), q);
        }
        for (const char *q = w; q < w + wlen; q += line_len(q) + 1)
            if (is_command(q) == (pass == 1) && !find_key(fh, flen, q, line_len(q)))
                return cli_usage_error("--resume: '%s' was made with other settings: this "
                                       "command has '%.*s', the file has no such line",
                                       path, (int)line_len(q), q);
    }
    return cli_usage_error("--resume: '%s' was made with other settings (its header lines "
                           "are in another order)", path);
}

/* info (read from path, a CSV or NetCDF map) must hold exactly the '#' lines
 * of `header`: all of it up to its column line, the last line (a single seed's
 * or an ensemble's). */
static int same_settings(const char *path, const gs_map_info *info, const char *header)
{
    size_t want = strlen(header) - 1;
    while (want > 0 && header[want - 1] != '\n')
        want--;
    if (info->header_len == want && memcmp(info->header, header, want) == 0)
        return 0;
    return settings_differ(path, info->header, info->header_len, header, want);
}

/* Reads the header of f and checks it against the '#' lines of `header`. */
static int check_header(FILE *f, const char *path, const char *header, gs_map_info *info)
{
    gs_error err;
    if (gs_map_read_header(f, path, info, &err))
        return cli_usage_error("--resume: %s", err.msg);
    const int rc = same_settings(path, info, header);
    if (rc)
        gs_map_info_free(info);
    return rc;
}

/* ---- rows ------------------------------------------------------------- */

static long long header_lines(const gs_map_info *info)
{
    long long n = 0;
    for (size_t i = 0; i < info->header_len; i++)
        n += info->header[i] == '\n';
    return n;
}

/* The row at line_start..f's position must be byte for byte what the row
 * formatter makes of its values, and start where this plane puts its cell.
 * (A result value edited into another canonical number is found afterwards
 * by part_verify: by the checksum file, or by training the cell again.) */
static int row_as_written(FILE *f, const gs_sweep_config *cfg, const gs_map_row *row,
                          const gs_ens_row *ens, long line_start)
{
    double start[GS_P_COUNT];
    gs_sweep_start(cfg, row->ix, row->iy, start);
    if (memcmp(start, row->start, GS_P_COLUMNS * sizeof *start) != 0)
        return 0;
    char want[GS_ENS_ROW_MAX + 1], got[GS_ENS_ROW_MAX + 1];
    const long end = ftell(f);
    const int n = ens ? gs_ens_format_row(want, sizeof want, ens)
                      : gs_map_format_row(want, sizeof want, row);
    if (n < 0 || end - line_start != n || fseek(f, line_start, SEEK_SET) != 0)
        return 0;
    return fread(got, 1, (size_t)n, f) == (size_t)n && memcmp(got, want, (size_t)n) == 0;
}

/* Whole rows at the start of the file; *keep is where they end. A malformed
 * line that is not the last one means the file is damaged, not torn. */
static int count_rows(FILE *f, const char *path, const gs_map_info *info,
                      const gs_sweep_config *cfg, int64_t *rows, long *keep)
{
    gs_map_row row;
    gs_ens_row ens;   /* an ensemble's rows are checked as such */
    gs_error err;
    long line_start;
    *rows = 0;
    *keep = ftell(f);
    for (;;) {
        int r = info->seeds > 1 ? gs_ens_read_row(f, info, *rows, &ens, &line_start, &err)
                                : gs_map_read_row(f, info, *rows, &row, &line_start, &err);
        if (r == 1 && info->seeds > 1)
            row = ens.cell;
        if (r == 0)
            return 0;
        if (r < 0) {
            if (fseek(f, line_start, SEEK_SET) != 0)
                return cli_runtime_error("--resume: cannot read '%s'", path);
            int ch;
            while ((ch = fgetc(f)) != EOF && ch != '\n')
                ;
            if (ch == '\n' && fgetc(f) != EOF)
                return cli_usage_error("--resume: '%s' is damaged: %s", path, err.msg);
            return 0;   /* a torn last line: it goes */
        }
        if (!row_as_written(f, cfg, &row, info->seeds > 1 ? &ens : NULL, line_start))
            return cli_usage_error("--resume: '%s' line %lld (cell %d,%d) is not what gridsweep "
                                   "writes for that cell (edited?); start over with --force",
                                   path, header_lines(info) + 2 + *rows, (int)row.ix,
                                   (int)row.iy);
        (*rows)++;
        *keep = ftell(f);
    }
}

/* A NetCDF .part: the same settings, and every row's start values (its
 * coordinates and the fixed parameters) what this plane puts there. *done:
 * its cells. libnetcdf's open and close drop the lock: it is taken back. */
static int count_nc_rows(outfile *of, const char *header, const gs_sweep_config *cfg,
                         int64_t *done)
{
    gs_error err;
    gs_map_nc *m;
    if (gs_map_nc_open(of->part, false, &m, &err)) {
        outfile_relock_quiet(of);
        return cli_usage_error("--resume: %s", err.msg);
    }
    int rc = same_settings(of->part, gs_map_nc_info(m), header);
    const int nx = cfg->x.n;
    gs_map_row *cells = rc ? NULL : malloc((size_t)nx * sizeof *cells);
    if (!rc && !cells)
        rc = cli_runtime_error("out of memory");
    for (int64_t r = 0; !rc && r < gs_map_nc_rows(m); r++) {
        if (gs_map_nc_read_row(m, r, cells, &err)) {
            rc = cli_usage_error("--resume: %s", err.msg);
            break;
        }
        for (int ix = 0; ix < nx && !rc; ix++) {
            double start[GS_P_COUNT];
            gs_sweep_start(cfg, ix, cells[ix].iy, start);
            if (memcmp(start, cells[ix].start, GS_P_COLUMNS * sizeof *start) != 0)
                rc = cli_usage_error("--resume: '%s' row %lld (cell %d,%d) is not what "
                                     "gridsweep writes for that cell (edited?); start over "
                                     "with --force", of->part, (long long)r, ix,
                                     (int)cells[ix].iy);
        }
    }
    *done = gs_map_nc_rows(m) * nx;
    free(cells);
    gs_map_nc_close(m, NULL);
    const int lost = outfile_relock(of);
    return rc ? rc : lost;
}

static bool starts_netcdf(int fd)
{
    unsigned char magic[4];
    return pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
           gs_map_is_netcdf(magic, sizeof magic);
}

/* ---- the command that finishes a map ---------------------------------- */

/* A word as the shell reads it back: quoted unless plainly safe. */
static void put_word(const char *w)
{
    if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        "@%+=:,./_-") == strlen(w)) {
        fprintf(stderr, " %s", w);
        return;
    }
    fputs(" '", stderr);
    for (; *w; w++)
        if (*w == '\'')
            fputs("'\\''", stderr);
        else
            fputc(*w, stderr);
    fputc('\'', stderr);
}

static bool is_option(const char *w, const char *name)
{
    const size_t n = strlen(name);
    return strncmp(w, name, n) == 0 && (w[n] == 0 || w[n] == '=');
}

/* The command that finishes this map: the user's own words without -o (the
 * .part names the output) and --resume, with this map's activation only. */
void resume_print_hint(int argc, char **argv, const char *act, const char *part)
{
    fputs("gridsweep: to finish it, run:\n  gridsweep", stderr);
    put_word(argv[0]);   /* "sweep" */
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        const bool act_opt = is_option(w, "--act");
        if (act_opt || is_option(w, "--resume") || is_option(w, "-o") ||
            is_option(w, "--output")) {
            i += !strchr(w, '=');   /* the value, when it is the next word */
            if (act_opt) {
                fputs(" --act", stderr);
                put_word(act);
            }
            continue;
        }
        put_word(w);
    }
    fputs(" --resume", stderr);
    put_word(part);
    fputc('\n', stderr);
}

/* ---- opening ---------------------------------------------------------- */

/* FILE.part is gone and FILE exists: it must be this very map, complete. */
static int check_complete(const char *final, const char *header)
{
    struct stat st;
    if (lstat(final, &st) != 0 || !S_ISREG(st.st_mode))
        return cli_usage_error("--resume: '%s' is not a regular file", final);
    FILE *f = fopen(final, "r");
    if (!f)
        return cli_usage_error("--resume: cannot open '%s': %s", final, strerror(errno));
    gs_map_info info;
    gs_map_nc *m = NULL;
    gs_error err;
    int rc;
    if (!starts_netcdf(fileno(f)))
        rc = check_header(f, final, header, &info);
    else if (gs_map_nc_open(final, false, &m, &err))
        rc = cli_usage_error("--resume: %s", err.msg);
    else
        rc = same_settings(final, gs_map_nc_info(m), header);
    fclose(f);
    gs_map_nc_close(m, NULL);
    if (rc)
        return rc;
    if (!m)
        gs_map_info_free(&info);
    fprintf(stderr, "gridsweep: '%s' is complete; nothing to resume\n", final);
    return 0;
}

/* A .part that is only the start of the file's first bytes (the CSV header,
 * the empty NetCDF map; empty: killed before its first write) holds no row
 * yet: it starts over from its first byte. */
static bool header_prefix(outfile *of, const void *header, size_t hlen)
{
    struct stat st;
    if (fstat(of->fd, &st) != 0 || (size_t)st.st_size > hlen)
        return false;
    char *buf = malloc(hlen + 1);
    const size_t n = (size_t)st.st_size;
    const bool prefix = buf && pread(of->fd, buf, n, 0) == (ssize_t)n &&
                        memcmp(buf, header, n) == 0;
    free(buf);
    return prefix;
}

static int open_part(outfile *of, const char *final, const char *part, const char *header,
                     const void *start, size_t start_len, const gs_sweep_config *cfg,
                     int64_t *done, part_check *pc)
{
    int rc = outfile_reopen(of, final, part);
    if (rc)
        return rc;
    if (header_prefix(of, start, start_len)) {
        if ((rc = outfile_cut(of, 0)))
            return rc;
        if (outfile_write(of, start, start_len) != 0 || fsync(of->fd) != 0)
            return cli_runtime_error("writing '%s' failed: %s", part, strerror(errno));
        if (!gs_map_is_netcdf(start, start_len) &&   /* a CSV .part's checksum starts over */
            (rc = part_verify_restart(pc, of->fd, part, header, (int64_t)strlen(header))))
            return rc;
        fprintf(stderr, "gridsweep: resuming '%s' from its start (no row was written)\n", part);
        return 0;
    }
    gs_map_info info;
    long keep = 0;
    const bool nc = starts_netcdf(of->fd);
    if (nc != gs_map_is_netcdf(start, start_len))
        return cli_usage_error("--resume: '%s' is a %s map; resume it with --format %s", part,
                               nc ? "NetCDF" : "CSV", nc ? "nc" : "csv");
    if (nc) {   /* NetCDF: the synced record count says which rows are whole */
        rc = count_nc_rows(of, header, cfg, done);
    } else if (!(rc = check_header(of->f, part, header, &info))) {
        rc = count_rows(of->f, part, &info, cfg, done, &keep);
        gs_map_info_free(&info);
        if (!rc)
            rc = part_verify(pc, of->fd, part, (int64_t)strlen(header), *done, keep);
        if (!rc)
            rc = outfile_cut(of, keep);
    }
    if (!rc)
        fprintf(stderr, "gridsweep: resuming '%s' after %lld cells\n", part, (long long)*done);
    return rc;
}

int resume_open(outfile *of, const char *arg, const gs_sweep_config *cfg, const char *header,
                const void *start, size_t start_len, int64_t *done, part_check *pc)
{
    memset(of, 0, sizeof *of);
    of->fd = -1;
    *done = 0;
    char *final = resume_final_name(arg);
    char *part = final ? malloc(strlen(final) + sizeof PART) : NULL;
    int rc = 0;
    if (!part) {
        free(final);
        return cli_runtime_error("out of memory");
    }
    sprintf(part, "%s%s", final, PART);
    struct stat st;
    if (lstat(part, &st) != 0 && errno == ENOENT && lstat(final, &st) == 0)
        rc = check_complete(final, header);
    else if ((rc = open_part(of, final, part, header, start, start_len, cfg, done, pc))) {
        outfile_keep(of);   /* closes it, untouched */
        part_digest_close(&pc->digest);
    }
    free(final);
    free(part);
    return rc;
}

int resume_check(const char *arg, const char *header)
{
    char *final = resume_final_name(arg);
    char *part = final ? malloc(strlen(final) + sizeof PART) : NULL;
    if (!part) {
        free(final);
        return cli_runtime_error("out of memory");
    }
    sprintf(part, "%s%s", final, PART);
    struct stat st;
    const bool has_part = lstat(part, &st) == 0;
    const char *path = has_part ? part : final;
    int rc = 0;
    FILE *f = NULL;
    if (!(has_part && (size_t)st.st_size <= strlen(header)) && (f = fopen(path, "r"))) {
        gs_map_info info;
        if (!(rc = check_header(f, path, header, &info)))
            gs_map_info_free(&info);
        fclose(f);
    }
    free(final);
    free(part);
    return rc;
}
