/* Strict number parsers: the one set used by the command line and the map
 * reader alike. A number is the whole word and nothing else: no leading or
 * trailing space, no '+', no hexadecimal, no thousands separators. */
#ifndef GRIDSWEEP_NUMPARSE_H
#define GRIDSWEEP_NUMPARSE_H

#include <stdint.h>

/* Return values: 0, or one of these (nothing is stored then). */
#define GS_NUM_MALFORMED (-1)   /* not a number of the expected form */
#define GS_NUM_RANGE (-2)       /* a number, but beyond the type's range */

/* -?[0-9]+ */
int gs_parse_i64(const char *s, int64_t *out);
int gs_parse_int(const char *s, int *out);
/* [0-9]+ (no sign at all: "-1" is malformed, never 2^64 - 1) */
int gs_parse_u64(const char *s, uint64_t *out);
/* -?DIGITS[.DIGITS][(e|E)[+-]DIGITS], finite. A value too small for the type
 * rounds to 0 (or the nearest denormal), as C does; one too large is RANGE. */
int gs_parse_double(const char *s, double *out);
/* The same, correctly rounded to the nearest float. */
int gs_parse_float(const char *s, float *out);
/* The same, and also what %.9g prints for the non-finite: nan, inf, -nan,
 * -inf (map rows of diverged cells). */
int gs_parse_float_any(const char *s, float *out);
/* gs_parse_double and the same four spellings (an f64 map's rows). */
int gs_parse_double_any(const char *s, double *out);

#endif
