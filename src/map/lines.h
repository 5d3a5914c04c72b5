/* Private to src/map/: reading a map file line by line, strictly. */
#ifndef GS_MAP_LINES_H
#define GS_MAP_LINES_H

#include <stdint.h>
#include <stdio.h>

#include "gridsweep/map.h"

#define HEADER_LINE_MAX 16384   /* the sweep writes at most 8 KiB of header */
#define ROW_MAX 512             /* a row is at most ~260 bytes */

enum { LINE_EOF = 0, LINE_TORN = -1, LINE_LONG = -2, LINE_NUL = -3, LINE_IOERR = -4 };

/* One line into buf, '\n' kept: its length, or a LINE_* code. */
long map_get_line(FILE *f, char *buf, int size);
/* What a negative LINE_* code means, for messages. */
const char *map_line_problem(long code);
/* At most 40 characters of s, non-printable ones as '?', for messages. */
const char *map_excerpt(const char *s, char out[48]);
/* An integer within [lo, hi] (gridsweep/numparse.h's grammar). */
int map_int(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* The file line number of row `index` (1-based: the header, the column line, then rows). */
long long map_row_line(const gs_map_info *info, int64_t index);

#endif
