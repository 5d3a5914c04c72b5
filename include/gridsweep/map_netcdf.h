/* Basin maps as NetCDF (docs/formats.md): the same header and columns as the
 * CSV map, laid out for xarray. A 64-bit-offset ("CDF-2") classic file, whose
 * bytes depend only on what is written: the y axis is the record (unlimited)
 * dimension, one record per row of cells, so rows are appended as they are
 * computed and the record count says how many are complete. */
#ifndef GRIDSWEEP_MAP_NETCDF_H
#define GRIDSWEEP_MAP_NETCDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gridsweep/error.h"
#include "gridsweep/map.h"

/* true if a file starting with these bytes is NetCDF (classic, 64-bit offset,
 * CDF-5 or HDF5), so that readers dispatch on content, not on the name. */
bool gs_map_is_netcdf(const void *start, size_t n);

/* The bytes of the map file before its first row (header and the x
 * coordinate), for the map whose header text (gs_map_header) is `header`:
 * written to the .part like the CSV header, and what an interrupted .part
 * that holds no row yet is compared with. malloc'd into *bytes. */
int gs_map_nc_empty(const char *header, void **bytes, size_t *len, gs_error *err);

/* An open NetCDF map. */
typedef struct gs_map_nc gs_map_nc;

/* Opens a NetCDF map, for appending rows (write) or for reading; its header
 * must be a gridsweep map's, its variables those of the column table. */
int gs_map_nc_open(const char *path, bool write, gs_map_nc **out, gs_error *err);
/* The header, as gs_map_read_header reads it from a CSV map. */
const gs_map_info *gs_map_nc_info(const gs_map_nc *m);
/* A copy of it that outlives m (gs_map_info_free it). */
int gs_map_nc_copy_info(const gs_map_nc *m, gs_map_info *out, gs_error *err);
/* Rows of cells (records) in the file: cells [0, rows * nx) of its band.
 * After a failed write or sync, the rows of the last good sync: what the file
 * will say once closed. */
int64_t gs_map_nc_rows(const gs_map_nc *m);
/* Reads row r (0-based within the file) into cells[0..nx). */
int gs_map_nc_read_row(gs_map_nc *m, int64_t r, gs_map_row *cells, gs_error *err);
/* Appends the next cell (in cell order, after the file's rows); a row is
 * written when its last cell arrives. */
int gs_map_nc_put(gs_map_nc *m, const gs_map_row *cell, gs_error *err);
/* Hands the rows written so far to the OS with the record count (nc_sync):
 * after a kill, the file reads back with exactly those rows. */
int gs_map_nc_sync(gs_map_nc *m, gs_error *err);
/* Closes (a partial row not yet written is dropped); 0 or -1 with err. NULL
 * is a no-op. */
int gs_map_nc_close(gs_map_nc *m, gs_error *err);

#endif
