/* libFuzzer harness for the map reader: any bytes go through the header and
 * row reader until the end or the first error. The reader must never crash,
 * read out of bounds or leak, whatever the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;   /* fmemopen refuses an empty buffer */
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    gs_map_info info;
    gs_error err;
    if (gs_map_read_header(f, "fuzz", &info, &err) == 0) {
        gs_map_get(&info, "at");
        gs_map_same_plane(&info, &info, &err);
        gs_map_row row;
        long at;
        for (int64_t i = 0; gs_map_read_row(f, &info, i, &row, &at, &err) == 1; i++)
            ;
        gs_map_info_free(&info);
    }
    fclose(f);
    return 0;
}
