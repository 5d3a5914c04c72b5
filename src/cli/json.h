/* The little JSON that stats and diff print. */
#ifndef GS_CLI_JSON_H
#define GS_CLI_JSON_H

#include <stdio.h>

/* A quoted, escaped string; NULL prints as an empty string. */
void json_string(FILE *f, const char *s);
/* A number; JSON has no NaN or inf, so those print as null. */
void json_number(FILE *f, double v);

#endif
