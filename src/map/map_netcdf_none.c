/* A build without libnetcdf: NetCDF maps are recognised (so that a reader
 * says what the file is) but neither read nor written. */
#include <string.h>

#include "gridsweep/map_netcdf.h"

#define NO_NETCDF "this gridsweep was built without NetCDF support (libnetcdf-dev)"

bool gs_map_is_netcdf(const void *start, size_t n)
{
    const unsigned char *s = start;
    if (n >= 4 && memcmp(s, "CDF", 3) == 0 && (s[3] == 1 || s[3] == 2 || s[3] == 5))
        return true;
    return n >= 4 && memcmp(s, "\x89HDF", 4) == 0;
}

int gs_map_nc_empty(const char *header, void **bytes, size_t *len, gs_error *err)
{
    (void)header, (void)bytes, (void)len;
    return gs_fail(err, NO_NETCDF);
}

int gs_map_nc_open(const char *path, bool write, gs_map_nc **out, gs_error *err)
{
    (void)write;
    *out = NULL;
    return gs_fail(err, "%s: " NO_NETCDF, path);
}

const gs_map_info *gs_map_nc_info(const gs_map_nc *m) { (void)m; return NULL; }
int64_t gs_map_nc_rows(const gs_map_nc *m) { (void)m; return 0; }

int gs_map_nc_copy_info(const gs_map_nc *m, gs_map_info *out, gs_error *err)
{
    (void)m, (void)out;
    return gs_fail(err, NO_NETCDF);
}

int gs_map_nc_read_row(gs_map_nc *m, int64_t r, gs_map_row *cells, gs_error *err)
{
    (void)m, (void)r, (void)cells;
    return gs_fail(err, NO_NETCDF);
}

int gs_map_nc_put(gs_map_nc *m, const gs_map_row *cell, gs_error *err)
{
    (void)m, (void)cell;
    return gs_fail(err, NO_NETCDF);
}

int gs_map_nc_sync(gs_map_nc *m, gs_error *err)
{
    (void)m;
    return gs_fail(err, NO_NETCDF);
}

int gs_map_nc_close(gs_map_nc *m, gs_error *err)
{
    (void)m, (void)err;
    return 0;
}
