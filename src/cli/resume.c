#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/map.h"
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

/* Names the first setting that differs (the command line, which repeats them
 * all, only if nothing else does), so the user sees which one. */
static int settings_differ(const char *path, const char *file_hdr, const char *want)
{
    for (int pass = 0; pass < 2; pass++) {
        const char *fh = file_hdr, *w = want;
        while (*fh || *w) {
            const char *fe = strchr(fh, '\n'), *we = strchr(w, '\n');
            size_t fl = fe ? (size_t)(fe - fh) : strlen(fh);
            size_t wl = we ? (size_t)(we - w) : strlen(w);
            const bool command = strncmp(fh, "# command:", 10) == 0;
            if ((fl != wl || memcmp(fh, w, fl) != 0) && (pass == 1 || !command))
                return cli_usage_error("--resume: '%s' was made with other settings: it has "
                                       "'%.*s' where this command has '%.*s'",
                                       path, (int)fl, fh, (int)wl, w);
            fh += fl + (fe ? 1 : 0);
            w += wl + (we ? 1 : 0);
        }
    }
    return cli_usage_error("--resume: '%s' was made with other settings", path);
}

/* Whole rows at the start of the file; *keep is where they end. A malformed
 * line that is not the last one means the file is damaged, not torn. */
static int count_rows(FILE *f, const char *path, const gs_map_info *info, int64_t *rows,
                      long *keep)
{
    gs_map_row row;
    gs_error err;
    long line_start;
    *rows = 0;
    *keep = ftell(f);
    for (;;) {
        int r = gs_map_read_row(f, info, *rows, &row, &line_start, &err);
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
        (*rows)++;
        *keep = ftell(f);
    }
}

int resume_open(outfile *of, const char *arg, const char *header, int64_t *done)
{
    memset(of, 0, sizeof *of);
    char *final = resume_final_name(arg);
    char *part = final ? malloc(strlen(final) + sizeof PART) : NULL;
    int rc = 0;
    if (!part) {
        free(final);
        return cli_runtime_error("out of memory");
    }
    sprintf(part, "%s%s", final, PART);
    FILE *f = fopen(part, "r");
    if (!f) {
        if (errno == ENOENT && access(final, F_OK) == 0)
            fprintf(stderr, "gridsweep: '%s' is complete; nothing to resume\n", final);
        else
            rc = cli_usage_error("--resume: cannot open '%s': %s", part, strerror(errno));
        free(final);
        free(part);
        return rc;
    }
    gs_map_info info;
    gs_error err;
    int64_t rows = 0;
    long keep = 0;
    const char *col = strstr(header, GS_MAP_COLUMNS);
    if (gs_map_read_header(f, part, &info, &err)) {
        rc = cli_usage_error("--resume: %s", err.msg);
    } else {
        if (info.header_len != (size_t)(col - header) ||
            memcmp(info.header, header, info.header_len) != 0)
            rc = settings_differ(part, info.header, header);
        else
            rc = count_rows(f, part, &info, &rows, &keep);
        gs_map_info_free(&info);
    }
    fclose(f);
    if (!rc)
        rc = outfile_reopen(of, final, part, keep);
    if (!rc)
        fprintf(stderr, "gridsweep: resuming '%s' after %lld cells\n", part, (long long)rows);
    *done = rows;
    free(final);
    free(part);
    return rc;
}
