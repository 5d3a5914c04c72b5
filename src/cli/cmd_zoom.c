/* gridsweep zoom: N maps, each F times narrower than the one before around a
 * centre (gridsweep/zoom.h has the windows), as one resumable job. Each
 * frame is the sweep's own map of its window (DIR/frame-000.csv, ...,
 * resumable frame by frame); DIR/zoom.csv lists the frames and marks DIR
 * as this zoom's, so that a rerun resumes it and any other command's
 * directory is refused. Every frame is checked before the first runs. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gridsweep/numparse.h"
#include "gridsweep/runner.h"
#include "gridsweep/sweep.h"
#include "gridsweep/train.h"
#include "gridsweep/zoom.h"
#include "options.h"
#include "outfile.h"

#define ZOOM_HELP                                                                           \
    "usage: gridsweep zoom --center P=V,Q=V --frames N --factor F -o DIR [sweep options]\n" \
    "Sweeps N maps of one plane, each F times narrower than the one before around a\n"    \
    "centre, on both axes: a zoom into the boundary.\n"                                   \
    "  --center P=V,Q=V    the point zoomed into, one value per axis of the plane (the\n" \
    "                      names of --x and --y), strictly inside it\n"                   \
    "  --frames N          maps to sweep, 1 to 1000; frame 0 is the plane --x and --y give\n" \
    "  --factor F          each frame is F times narrower than the one before (F > 1);\n" \
    "                      scaled about the centre, so every frame lies inside the one\n" \
    "                      before; a log axis zooms in log10 space\n"                     \
    "  -o, --output DIR    DIR/frame-000.csv, frame-001.csv, ... and DIR/zoom.csv (the\n" \
    "                      frames' windows); made if missing; a rerun of the same zoom\n" \
    "                      keeps complete frames and resumes a .part\n"                  \
    "Every other option is the sweep's (gridsweep --help), one activation, no --tile,\n"  \
    "--format, --resume or --force. A frame narrower than float32 can resolve gets the\n" \
    "sweep's one-line warning; --precision f64 zooms in double (about 10 more decades).\n" \
    "gridsweep stats DIR/frame-*.csv gives each frame's boundary dimension and their\n"   \
    "median; scripts/zoom-video DIR makes a video.\n"

#define MAX_WORDS 256
#define MANIFEST "zoom.csv"
#define MANIFEST_MAX (1 << 20)

typedef struct zoom_args {
    const char *center, *frames, *factor, *dir, *x, *y;
    char *words[MAX_WORDS];   /* the sweep's, without --x and --y */
    int nw;
    bool quiet;
} zoom_args;

/* One of zoom's own options (or --x, --y, which every frame sets anew). */
static const char **own_option(zoom_args *za, const char *w, size_t len)
{
    static const struct {
        const char *name;
        size_t field;
    } own[] = {{"--center", offsetof(zoom_args, center)}, {"--frames", offsetof(zoom_args, frames)},
               {"--factor", offsetof(zoom_args, factor)}, {"-o", offsetof(zoom_args, dir)},
               {"--output", offsetof(zoom_args, dir)},    {"--x", offsetof(zoom_args, x)},
               {"--y", offsetof(zoom_args, y)}};
    for (size_t k = 0; k < sizeof own / sizeof *own; k++)
        if (strlen(own[k].name) == len && strncmp(w, own[k].name, len) == 0)
            return (const char **)((char *)za + own[k].field);
    return NULL;
}

/* Takes zoom's own options out of argv; the rest are the sweep's. */
static int split_args(int argc, char **argv, zoom_args *za)
{
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i], *eq = strchr(w, '=');
        const size_t len = eq && w[0] == '-' ? (size_t)(eq - w) : strlen(w);
        if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
            cli_print_help(stdout, ZOOM_HELP);
            return -1;
        }
        const char **target = own_option(za, w, len);
        if (target) {
            const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!v)
                return cli_usage_error("zoom: option %.*s needs a value", (int)len, w);
            if (*target)
                return cli_usage_error("zoom: option %.*s given twice", (int)len, w);
            *target = v;
            continue;
        }
        static const char *const refused[] = {"--resume", "--tile", "--force", "--format",
                                              "--list", "--version"};
        for (size_t k = 0; k < sizeof refused / sizeof *refused; k++)
            if (strlen(refused[k]) == len && strncmp(w, refused[k], len) == 0)
                return cli_usage_error("zoom: %s is not a zoom option (a rerun resumes; see "
                                       "gridsweep zoom --help)", refused[k]);
        if (len == 5 && strncmp(w, "--act", 5) == 0) {
            const char *v = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : "";
            if (strchr(v, ','))
                return cli_usage_error("zoom: one activation per zoom, got --act %s", v);
        }
        za->quiet |= strcmp(w, "--quiet") == 0;
        if (za->nw == MAX_WORDS)
            return cli_usage_error("zoom: too many arguments");
        za->words[za->nw++] = argv[i];
    }
    if (!za->center || !za->frames || !za->factor)
        return cli_usage_error("zoom: --center, --frames and --factor are required (see "
                               "gridsweep zoom --help)");
    if (!za->dir || !za->dir[0])
        return cli_usage_error("zoom: -o DIR is required");
    if (strcmp(za->dir, "-") == 0)
        return cli_usage_error("zoom: -o takes a directory (the frames are files), not '-'");
    return 0;
}

/* The frame-0 plane's axes and the zoom, from the options. */
static int parse_zoom(const zoom_args *za, gs_plane *p, gs_zoom *z)
{
    gs_error err;
    *p = gs_sweep_defaults().plane;
    if ((za->x && gs_axis_parse(za->x, &p->x, &err)) ||
        (za->y && gs_axis_parse(za->y, &p->y, &err)))
        return cli_usage_error("%s", err.msg);
    if (p->x.param == p->y.param)
        return cli_usage_error("--x and --y are both '%s': the axes must differ",
                               gs_param_name(p->x.param));
    if (gs_parse_int(za->frames, &z->frames))
        return cli_usage_error("--frames must be a whole number, got '%s'", za->frames);
    if (gs_parse_double(za->factor, &z->factor))
        return cli_usage_error("--factor must be a number above 1, got '%s'", za->factor);
    if (gs_zoom_parse_center(za->center, p, z, &err) || gs_zoom_validate(z, p, &err))
        return cli_usage_error("%s", err.msg);
    return 0;
}

/* DIR/NAME, or NULL when out of memory. */
static char *in_dir(const char *dir, const char *name)
{
    const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
    const size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s%s%s", dir, sep, name);
    return p;
}

/* DIR/zoom.csv's text: the zoom and every frame's window, as the frames'
 * headers record them. Two runs of one zoom give the same bytes. */
static char *manifest_text(const gs_zoom *z, const gs_plane *p)
{
    size_t cap = 4096 + (size_t)z->frames * 320, len = 0;
    char *t = malloc(cap), c0[32], c1[32], f[32];
    if (!t)
        return NULL;
    gs_fmt_double(c0, sizeof c0, z->center[0]);
    gs_fmt_double(c1, sizeof c1, z->center[1]);
    gs_fmt_double(f, sizeof f, z->factor);
    len += (size_t)snprintf(t, cap, "# gridsweep-zoom 1\n# center: %s=%s,%s=%s\n# factor: %s\n"
                            "# frames: %d\nframe,map,x,y\n", gs_param_name(p->x.param), c0,
                            gs_param_name(p->y.param), c1, f, z->frames);
    for (int k = 0; k < z->frames; k++) {
        gs_plane fr;
        char x[128], y[128];
        gs_error err;
        if (gs_zoom_frame(z, p, k, &fr, &err)) {   /* gs_zoom_validate passed: cannot happen */
            free(t);
            return NULL;
        }
        gs_axis_format(&fr.x, x, sizeof x);
        gs_axis_format(&fr.y, y, sizeof y);
        len += (size_t)snprintf(t + len, cap - len, "%d,frame-%03d.csv,%s,%s\n", k, k, x, y);
    }
    return t;
}

/* A directory with entries other than . and .. (1), empty (0), or none (-1). */
static int dir_has_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int any = 0;
    for (struct dirent *e; !any && (e = readdir(d));)
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

/* Line text of the first line where a and b differ, without a leading "# ". */
static const char *first_difference(const char **a, const char *b, int *len_a, int *len_b)
{
    for (;;) {
        const size_t la = strcspn(*a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || strncmp(*a, b, la) != 0 || !(*a)[la] || !b[lb]) {
            const int skip_a = la >= 2 && (*a)[0] == '#' ? 2 : 0;
            const int skip_b = lb >= 2 && b[0] == '#' ? 2 : 0;
            *len_a = (int)(la - (size_t)skip_a < 120 ? la - (size_t)skip_a : 120);
            *len_b = (int)(lb - (size_t)skip_b < 120 ? lb - (size_t)skip_b : 120);
            *a += skip_a;
            return b + skip_b;
        }
        *a += la + 1, b += lb + 1;
    }
}

/* DIR may be new, empty, or this zoom's (its zoom.csv the same bytes);
 * *fresh: zoom.csv must be written. */
static int check_dir(const char *dir, const char *manifest, const char *want, bool *fresh)
{
    struct stat st;
    *fresh = true;
    if (lstat(dir, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return cli_usage_error("zoom: -o %s is not a directory", dir);
    const int entries = dir_has_entries(dir);
    if (entries < 0)
        return cli_usage_error("zoom: cannot read the directory '%s': %s", dir, strerror(errno));
    if (entries == 0)
        return 0;
    FILE *f = fopen(manifest, "rb");
    if (!f)
        return cli_usage_error("zoom: -o %s is not empty and holds no zoom (no %s); give a new "
                               "or empty directory", dir, MANIFEST);
    char *have = calloc(1, MANIFEST_MAX + 1);
    const size_t n = have ? fread(have, 1, MANIFEST_MAX, f) : 0;
    fclose(f);
    if (!have)
        return cli_runtime_error("out of memory");
    int rc = 0;
    if (n != strlen(want) || memcmp(have, want, n) != 0) {
        const char *theirs = have;
        int len_a, len_b;
        const char *ours = first_difference(&theirs, want, &len_a, &len_b);
        rc = cli_usage_error("zoom: -o %s holds another zoom: its %s has '%.*s' where this "
                             "one has '%.*s'; give a new or empty directory", dir, MANIFEST,
                             len_a, theirs, len_b, ours);
    }
    free(have);
    *fresh = false;
    return rc;
}

/* The sweep's words for frame k: the user's, the window, the output. */
static int sweep_words(const zoom_args *za, const gs_plane *fr, const char *path, char *part,
                       char (*axis)[128], char **argv)
{
    struct stat st;
    int n = 0;
    gs_axis_format(&fr->x, axis[0], 128);
    gs_axis_format(&fr->y, axis[1], 128);
    argv[n++] = "sweep";
    for (int k = 0; k < za->nw; k++)
        argv[n++] = za->words[k];
    argv[n++] = "--x";
    argv[n++] = axis[0];
    argv[n++] = "--y";
    argv[n++] = axis[1];
    sprintf(part, "%s.part", path);   /* part holds strlen(path) + 6 bytes (the caller's) */
    argv[n++] = lstat(path, &st) == 0 || lstat(part, &st) == 0 ? "--resume" : "-o";
    argv[n++] = (char *)path;
    argv[n] = NULL;
    return n;
}

/* Checks every frame (check_only) or sweeps them in order. */
static int frames(const zoom_args *za, const gs_zoom *z, const gs_plane *p, bool check_only)
{
    char *sweep_argv[MAX_WORDS + 12], axis[2][128], name[32];
    int rc = 0;
    for (int k = 0; k < z->frames && !rc; k++) {
        gs_plane fr;
        gs_error err;
        snprintf(name, sizeof name, "frame-%03d.csv", k);
        char *path = in_dir(za->dir, name), *part = path ? malloc(strlen(path) + 6) : NULL;
        if (!part)
            rc = cli_runtime_error("out of memory");
        else if (gs_zoom_frame(z, p, k, &fr, &err))
            rc = cli_usage_error("%s", err.msg);
        else {
            const int n = sweep_words(za, &fr, path, part, axis, sweep_argv);
            rc = check_only ? cmd_sweep_check(n, sweep_argv) : cmd_sweep(n, sweep_argv);
            if (!check_only && rc && rc != EXIT_USAGE)   /* a stop or a fault */
                fprintf(stderr, "gridsweep: zoom: %d of %d frames are complete; run the same "
                                "zoom again to finish it (it resumes)\n", k, z->frames);
        }
        free(path);
        free(part);
    }
    return rc;
}

static int write_manifest(const char *path, const char *text)
{
    outfile of;
    int rc = outfile_open(&of, path);
    if (rc)
        return rc;
    if (fputs(text, of.f) == EOF) {
        outfile_discard(&of);
        return cli_runtime_error("zoom: cannot write '%s'", path);
    }
    return outfile_commit(&of);
}

int cmd_zoom(int argc, char **argv)
{
    zoom_args za = {0};
    int rc = split_args(argc, argv, &za);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (gs_runner_ranks(cli_runner()) > 1)
        return cli_usage_error("zoom: runs on one process (under mpirun, run gridsweep sweep "
                               "per frame, with the windows of DIR/zoom.csv)");
    gs_plane p;
    gs_zoom z;
    if ((rc = parse_zoom(&za, &p, &z)))
        return rc;
    char *manifest = in_dir(za.dir, MANIFEST), *text = manifest_text(&z, &p);
    bool fresh = false, made = false;
    if (!manifest || !text)
        rc = cli_runtime_error("out of memory");
    else
        rc = check_dir(za.dir, manifest, text, &fresh);
    struct stat st;
    if (!rc && lstat(za.dir, &st) != 0) {
        if (mkdir(za.dir, 0777) != 0)
            rc = cli_usage_error("zoom: cannot make the directory '%s': %s", za.dir,
                                 strerror(errno));
        made = rc == 0;
    }
    if (!rc)
        rc = frames(&za, &z, &p, true);   /* every frame is checked before the first runs */
    if (rc && made)
        rmdir(za.dir);   /* nothing was written: the directory goes too */
    if (!rc && fresh)
        rc = write_manifest(manifest, text);
    if (!rc)
        rc = frames(&za, &z, &p, false);
    if (!rc && !za.quiet)
        fprintf(stderr, "gridsweep: zoom: %d frame%s in %s\n", z.frames, z.frames == 1 ? "" : "s",
                za.dir);
    free(manifest);
    free(text);
    return rc;
}
