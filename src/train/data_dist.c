/* The data distribution's spellings (--data-dist, the header's data_dist):
 * "uniform", or NAME:P1,P2 with the parameters gs_dist_make checks. */
#include <stdio.h>
#include <string.h>

#include "gridsweep/numparse.h"
#include "gridsweep/train.h"

#define DIST_NAME_(ID, name) name,
static const char *const dist_names[GS_DIST_COUNT] = {GS_DISTS(DIST_NAME_)};

int gs_dist_parse(const char *s, gs_dist *out, gs_error *err)
{
    const char *colon = strchr(s, ':');
    const size_t name_len = colon ? (size_t)(colon - s) : strlen(s);
    int kind = -1;
    for (int i = 0; i < GS_DIST_COUNT; i++)
        if (strlen(dist_names[i]) == name_len && strncmp(s, dist_names[i], name_len) == 0)
            kind = i;
    if (kind < 0)
        return gs_fail(err, "unknown distribution (valid: %s)", GS_DIST_SPELLINGS);
    if (kind == GS_DIST_UNIFORM) {
        if (colon)
            return gs_fail(err, "uniform takes no parameters (its range is --data LO:HI)");
        return gs_dist_make(GS_DIST_UNIFORM, 0, 0, 0, out, err);
    }
    static const char *const form[GS_DIST_COUNT] = {
        [GS_DIST_NORMAL] = "normal:MEAN,STD",
        [GS_DIST_LAPLACE] = "laplace:MEAN,SCALE",
        [GS_DIST_STUDENT_T] = "student-t:NU,SCALE",
    };
    char buf[128];
    const char *comma = colon ? strchr(colon + 1, ',') : NULL;
    double p[2];
    if (!colon || !comma || strchr(comma + 1, ',') || (size_t)(comma - colon - 1) >= sizeof buf)
        return gs_fail(err, "expected %s", form[kind]);
    memcpy(buf, colon + 1, (size_t)(comma - colon - 1));
    buf[comma - colon - 1] = 0;
    if (gs_parse_double(buf, &p[0]) || gs_parse_double(comma + 1, &p[1]))
        return gs_fail(err, "expected %s with finite numbers", form[kind]);
    if (kind == GS_DIST_STUDENT_T)   /* centred at 0: NU, SCALE */
        return gs_dist_make(GS_DIST_STUDENT_T, 0, p[1], p[0], out, err);
    return gs_dist_make((gs_dist_kind)kind, p[0], p[1], 0, out, err);
}

int gs_dist_format(const gs_dist *d, char *buf, size_t size)
{
    if (d->kind >= GS_DIST_COUNT)
        return snprintf(buf, size, "?");
    if (d->kind == GS_DIST_UNIFORM)
        return snprintf(buf, size, "%s", dist_names[d->kind]);
    char p1[32], p2[32];
    gs_fmt_double(p1, sizeof p1, d->kind == GS_DIST_STUDENT_T ? d->nu : d->loc);
    gs_fmt_double(p2, sizeof p2, d->scale);
    return snprintf(buf, size, "%s:%s,%s", dist_names[d->kind], p1, p2);
}
