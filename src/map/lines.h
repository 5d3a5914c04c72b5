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
/* A float value as every map row writes it (map_row.c), then `end`: %.17g in
 * an f64 map, %.9g of its float32 in an f32 one, "nan" for any NaN. Returns
 * the end of what it wrote (at most 26 characters). */
char *map_put_float(char *p, double v, gs_precision precision, char end);
/* A float field read back per the map's precision (an f32 map's values are
 * floats, widened): 0, or -1 if it is not a number. */
int map_float(const char *s, gs_precision precision, double *out);
/* The file line number of row `index` (1-based: the header, the column line, then rows). */
long long map_row_line(const gs_map_info *info, int64_t index);

#endif
