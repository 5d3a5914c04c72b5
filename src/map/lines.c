/* Reading map files line by line (lines.h). */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "gridsweep/numparse.h"
#include "lines.h"

/* One line into buf, '\n' kept. fgets finds the newline with memchr, which is
 * what makes a 3 GB map quick to read; a NUL byte shows up as a line whose
 * strlen stops short of its newline. */
long map_get_line(FILE *f, char *buf, int size)
{
    if (!fgets(buf, size, f))
        return ferror(f) ? LINE_IOERR : LINE_EOF;
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        return (long)len;
    if (ferror(f))
        return LINE_IOERR;
    if (feof(f))
        return len ? LINE_TORN : LINE_NUL;
    return len == (size_t)size - 1 ? LINE_LONG : LINE_NUL;
}

const char *map_line_problem(long code)
{
    switch (code) {
    case LINE_TORN: return "torn last line (no newline at the end of the file)";
    case LINE_LONG: return "line too long";
    case LINE_NUL: return "contains a NUL byte (binary data)";
    default: return strerror(errno ? errno : EIO);
    }
}

const char *map_excerpt(const char *s, char out[48])
{
    size_t n = 0;
    for (; s[n] && s[n] != '\n' && n < 40; n++)
        out[n] = isprint((unsigned char)s[n]) ? s[n] : '?';
    if (s[n] && s[n] != '\n')
        out[n - 3] = out[n - 2] = out[n - 1] = '.';
    out[n] = 0;
    return out;
}

int map_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t v;
    if (gs_parse_i64(s, &v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}
