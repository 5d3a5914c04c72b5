/* The columns of a map row (map.h's table) and the row writer. The reader
 * (map_read.c) parses the same table back. */
#include <stdio.h>
#include <string.h>

#include "gridsweep/map.h"

/* Each column's member must have the C type its type column says. */
#define CTYPE_INT int32_t
#define CTYPE_FLOAT float
#define CTYPE_OUTCOME gs_outcome
#define CHECK_TYPE(name, type, member, desc)                                               \
    _Static_assert(_Generic(((gs_map_row *)0)->member, CTYPE_##type: 1, default: 0),       \
                   "column " #name " is not " #type);
GS_MAP_COLUMN_TABLE(CHECK_TYPE, )

static const gs_map_column columns[] = {
#define COLUMN(name, type, member, desc) {#name, GS_COL_##type, offsetof(gs_map_row, member), desc},
    GS_MAP_COLUMN_TABLE(COLUMN, )
#undef COLUMN
};
_Static_assert(sizeof columns / sizeof *columns == GS_MAP_NCOLUMNS, "GS_MAP_NCOLUMNS");

const gs_map_column *gs_map_column_at(int i)
{
    return i >= 0 && i < GS_MAP_NCOLUMNS ? &columns[i] : NULL;
}

const char *gs_column_type_name(gs_column_type type)
{
    switch (type) {
    case GS_COL_INT: return "int";
    case GS_COL_FLOAT: return "float";
    case GS_COL_OUTCOME: return "outcome";
    }
    return "?";
}

#define MEMBER(row, col, type) (*(const type *)(const void *)((const char *)(row) + (col)->offset))

int gs_map_format_row(char *buf, size_t size, const gs_map_row *row)
{
    char tmp[512], *p = tmp;
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *col = &columns[i];
        const char end = i + 1 < GS_MAP_NCOLUMNS ? ',' : '\n';
        switch (col->type) {
        case GS_COL_INT: p += sprintf(p, "%d%c", (int)MEMBER(row, col, int32_t), end); break;
        case GS_COL_FLOAT:
            p += sprintf(p, "%.9g%c", (double)MEMBER(row, col, float), end);
            break;
        case GS_COL_OUTCOME:
            p += sprintf(p, "%s%c", gs_outcome_name(MEMBER(row, col, gs_outcome)), end);
            break;
        }
    }
    size_t len = (size_t)(p - tmp);
    if (len >= size)
        return -1;
    memcpy(buf, tmp, len + 1);
    return (int)len;
}
