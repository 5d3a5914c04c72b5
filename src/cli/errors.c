#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void say(const char *fmt, va_list ap)
{
    fputs("gridsweep: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_runtime_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return EXIT_FAILURE;
}

int cli_input_error(const char *cmd, const char *msg)
{
    /* A file that is missing, unreadable or not a map is bad input; only
     * running out of memory is a fault of the run. */
    if (strstr(msg, "out of memory"))
        return cli_runtime_error("%s: %s", cmd, msg);
    return cli_usage_error("%s: %s", cmd, msg);
}
