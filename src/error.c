#include <stdarg.h>
#include <stdio.h>

#include "gridsweep/error.h"

int gs_fail(gs_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}
