/* Private to src/map/map_netcdf*.c: how a NetCDF map is laid out, shared by
 * the writer (map_netcdf.c) and the reader (map_netcdf_read.c). */
#ifndef GS_MAP_NETCDF_IMPL_H
#define GS_MAP_NETCDF_IMPL_H

#include <netcdf.h>

#include "gridsweep/map_netcdf.h"

#define MAP_ATTR "gridsweep_map"        /* its value: the version in GS_MAP_MAGIC */
#define MAGIC_PREFIX "# gridsweep-map "

/* How each column type is stored: FLOAT is float32 (NC_FLOAT) in an f32 map
 * and double (NC_DOUBLE) in an f64 map (map_nc_stored); in memory it is the
 * row's double either way, and libnetcdf converts (exactly: an f32 map's
 * values are floats). */
#define NC_TYPE_INT NC_INT
#define NC_TYPE_OUTCOME NC_BYTE
#define NC_SIZE_INT 4
#define NC_SIZE_OUTCOME 1
#define MEMBER_SIZE_INT 4
#define MEMBER_SIZE_FLOAT 8
#define MEMBER_SIZE_OUTCOME sizeof(gs_outcome)
#define CHECK_SIZE(name, type, member, desc)                                               \
    _Static_assert(sizeof(((gs_map_row *)0)->member) == MEMBER_SIZE_##type,                \
                   "column " #name ": its member is not what NC_TYPE_" #type " stores");
GS_MAP_COLUMN_TABLE(CHECK_SIZE, )
/* The coordinates are the start values of the axis parameters: FLOAT too. */
typedef double map_coord;
_Static_assert(sizeof(map_coord) == sizeof(((gs_map_row *)0)->start[0]),
               "the coordinates are FLOAT values");

typedef struct map_stored {
    nc_type type;
    size_t size;   /* in the file */
} map_stored;

/* How a column type is stored in a map of this precision. */
static inline map_stored map_nc_stored(gs_column_type type, gs_precision precision)
{
    switch (type) {
    case GS_COL_INT: return (map_stored){NC_TYPE_INT, NC_SIZE_INT};
    case GS_COL_OUTCOME: return (map_stored){NC_TYPE_OUTCOME, NC_SIZE_OUTCOME};
    default:
        return precision == GS_PRECISION_F64 ? (map_stored){NC_DOUBLE, 8}
                                             : (map_stored){NC_FLOAT, 4};
    }
}

/* What a column is in the file. */
typedef enum role { ROLE_INDEX, ROLE_X, ROLE_Y, ROLE_VAR } role;

struct gs_map_nc {
    int ncid;
    char *path;
    gs_map_info info;
    int nx;
    int64_t rows, max_rows;   /* records in the file; the band's rows */
    role roles[GS_MAP_NCOLUMNS];
    int varid[GS_MAP_NCOLUMNS];
    int xvar, yvar;
    map_coord *xcoord;        /* nx cell centres */
    gs_map_row *pending;      /* the row being filled (writing) */
    int npending;
    unsigned char *stage;     /* nx values of one variable */
    int64_t synced;           /* rows written and synced without a failure */
    bool torn;                /* a write or sync failed: rows past synced may be lost */
};

/* A column's value in a row. */
#define MEMBER(row, col) ((unsigned char *)(row) + (col)->offset)

/* "path: libnetcdf's message"; returns -1. */
int map_nc_fail(gs_error *err, const char *path, int status);
/* The column's part in the file; the name of the column in role r. */
role map_nc_role(const gs_map_column *col, const gs_map_info *info);
/* An axis in the file (ROLE_X or ROLE_Y): the dimension and its coordinate
 * variable are named after the axis parameter's start column (b0, d0, lr),
 * or after the parameter when it has no column (lr_in, lr_out). */
typedef struct map_axis {
    char name[NC_MAX_NAME + 1], long_name[128];
} map_axis;
void map_nc_axis(const gs_map_info *info, role r, map_axis *out);
/* The header text (with its column line) parsed like a CSV map's. */
int map_nc_parse_header(const char *header, const char *path, gs_map_info *info,
                        gs_error *err);

#endif
