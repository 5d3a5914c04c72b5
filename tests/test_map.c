/* The map reader: good maps written with gs_map_format_row read back exactly;
 * every kind of damage (torn, truncated, wrong magic or columns, empty,
 * missing, bad numbers, cells out of order, bad headers) is one error line
 * that names the file and the problem.
 * Over 400 lines: many small independent cases of one concern, each a few
 * lines; split by file they would share the same fixtures twice. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gridsweep/map.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/gs_test_map_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(map, .init = make_tmpdir, .fini = remove_tmpdir);

/* A growing text buffer. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        cr_assert_not_null(t->s);
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = 0;
}

static void puts_t(text *t, const char *s) { put(t, s, strlen(s)); }

static gs_outcome outcome_of(int ix, int iy) { return (gs_outcome)((3 * ix + iy) % GS_OUT_COUNT); }

static gs_map_row make_row(int ix, int iy, int nx, int ny)
{
    gs_map_row r = {.ix = ix, .iy = iy};
    r.start[GS_P_A] = 1, r.start[GS_P_C] = 1, r.start[GS_P_LR] = 0.1f;
    r.start[GS_P_B] = -2 + (ix + 0.5f) * 4 / nx;
    r.start[GS_P_D] = -2 + (iy + 0.5f) * 4 / ny;
    r.res = (gs_result){.a = 1.25f, .b = -0.5f, .c = 0.75f, .d = 1e-3f,
                        .window_loss = 0.02f + ix * 1e-4f, .final_loss = 0.01f * (iy + 1),
                        .lin_err = 3e-7f, .spread = 0.3f,
                        .outcome = outcome_of(ix, iy), .t_escape = ix == 0 ? -1 : 5 * ix,
                        .t_enter = ix == 0 ? -1 : 10 * ix, .t_diverge = iy == 1 ? 7 : -1,
                        .score = ix == 0 ? 0.25f : -0.5f};
    return r;
}

static void header(text *t, const char *act, int nx, int ny, const char *tile)
{
    char buf[512];
    snprintf(buf, sizeof buf,
             "# gridsweep-map 1\n# version: 0.1.0\n# command: gridsweep --act %s\n# act: %s\n"
             "# x: b:-2:2\n# y: d:-2:2\n# res: %d,%d\n# at: a=1,c=1,lr=0.1\n# loss: mae\n"
             "# cells: %d\n",
             act, act, nx, ny, nx * ny);
    puts_t(t, buf);
    if (tile)
        puts_t(t, tile);
    puts_t(t, GS_MAP_COLUMNS "\n");
}

static void rows(text *t, int nx, int ny, int iy_lo, int iy_hi)
{
    char buf[512];
    for (int iy = iy_lo; iy < iy_hi; iy++)
        for (int ix = 0; ix < nx; ix++) {
            gs_map_row r = make_row(ix, iy, nx, ny);
            int n = gs_map_format_row(buf, sizeof buf, &r);
            cr_assert_gt(n, 0);
            put(t, buf, (size_t)n);
        }
}

static text good_map(int nx, int ny)
{
    text t = {0};
    header(&t, "relu", nx, ny, NULL);
    rows(&t, nx, ny, 0, ny);
    return t;
}

static const char *write_file(const char *name, const char *s, size_t n)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(s, 1, n, f), n);
    fclose(f);
    return path;
}

/* Loads text as a file and expects failure with a message holding `want`. */
static void expect_load_error(const char *s, size_t n, const char *want)
{
    const char *path = write_file("bad.csv", s, n);
    gs_map_grid g;
    gs_error err = {{0}};
    cr_assert_eq(gs_map_load(path, &g, &err), -1, "loaded a bad map; wanted '%s'", want);
    cr_assert_not_null(strstr(err.msg, path), "message '%s' does not name the file", err.msg);
    cr_assert_not_null(strstr(err.msg, want), "message '%s' lacks '%s'", err.msg, want);
    cr_assert_null(strchr(err.msg, '\n'), "message '%s' is not one line", err.msg);
}

/* Replaces the first occurrence of `from` in t with `to`. */
static void replace(text *t, const char *from, const char *to)
{
    char *p = strstr(t->s, from);
    cr_assert_not_null(p, "'%s' not in the map", from);
    text out = {0};
    put(&out, t->s, (size_t)(p - t->s));
    puts_t(&out, to);
    puts_t(&out, p + strlen(from));
    free(t->s);
    *t = out;
}

Test(map, loads_a_good_map)
{
    const int nx = 7, ny = 5;
    text t = good_map(nx, ny);
    const char *path = write_file("good.csv", t.s, t.len);
    gs_map_grid g;
    gs_error err;
    cr_assert_eq(gs_map_load(path, &g, &err), 0, "%s", err.msg);
    cr_assert_eq(g.nx, nx);
    cr_assert_eq(g.ny, ny);
    cr_assert_eq(g.info.cells, nx * ny);
    cr_assert_eq(g.info.act, GS_ACT_RELU);
    cr_assert_eq(g.info.x.param, GS_P_B);
    cr_assert_eq(g.info.y.param, GS_P_D);
    cr_assert_eq(g.info.x.lo, -2);
    cr_assert_eq(g.info.y.hi, 2);
    cr_assert_eq(g.info.tile_k, 1);
    cr_assert_eq(g.info.tile_n, 1);
    cr_assert_eq(g.info.row_lo, 0);
    cr_assert_eq(g.info.row_hi, ny);
    cr_assert_str_eq(gs_map_get(&g.info, "at"), "a=1,c=1,lr=0.1");
    cr_assert_str_eq(gs_map_get(&g.info, "command"), "gridsweep --act relu");
    cr_assert_null(gs_map_get(&g.info, "tile"));
    cr_assert_eq(strncmp(g.info.header, "# gridsweep-map 1\n# version: 0.1.0\n", 35), 0);
    cr_assert_eq(g.info.header[g.info.header_len - 1], '\n');
    cr_assert_eq(strstr(g.info.header, "ix,iy"), NULL, "the column line is not a '#' line");
    for (int iy = 0; iy < ny; iy++)
        for (int ix = 0; ix < nx; ix++) {
            gs_map_row r = make_row(ix, iy, nx, ny);
            cr_assert_eq(g.outcome[iy * nx + ix], r.res.outcome);
            cr_assert_eq(g.final_loss[iy * nx + ix], r.res.final_loss);
            cr_assert_eq(g.t_enter[iy * nx + ix], r.res.t_enter);
            cr_assert_eq(g.t_diverge[iy * nx + ix], r.res.t_diverge);
        }
    gs_map_grid_free(&g);
    free(t.s);
}

/* Rows read back bit for bit, through every kind of float %.9g prints. */
Test(map, rows_round_trip_exactly)
{
    const int nx = 64, ny = 64;
    text t = {0};
    header(&t, "selu", nx, ny, NULL);
    gs_map_row want[64 * 64];
    uint32_t state = 12345;
    const float special[] = {0.0f, -0.0f, 1e-45f, -1.17549435e-38f, 3.40282347e38f,
                             INFINITY, -INFINITY, 0.1f, 1.0f / 3, 16777217.0f};
    char buf[512];
    for (int i = 0; i < nx * ny; i++) {
        gs_map_row r = make_row(i % nx, i / nx, nx, ny);
        double *f[13] = {&r.start[0], &r.start[1], &r.start[2], &r.start[3], &r.start[4],
                        &r.res.a, &r.res.b, &r.res.c, &r.res.d, &r.res.window_loss,
                        &r.res.final_loss, &r.res.lin_err, &r.res.spread};
        for (int k = 0; k < 13; k++) {
            state = state * 1664525u + 1013904223u;
            uint32_t bits = state;
            float v;
            memcpy(&v, &bits, sizeof v);
            if (isnan(v))
                v = 0.5f;
            *f[k] = (i + k) % 7 == 0 ? special[(i + k) % 10] : v;
        }
        want[i] = r;
        put(&t, buf, (size_t)gs_map_format_row(buf, sizeof buf, &r));
    }
    FILE *f = fmemopen(t.s, t.len, "r");
    gs_map_info info;
    gs_error err;
    cr_assert_eq(gs_map_read_header(f, "mem", &info, &err), 0, "%s", err.msg);
    cr_assert_eq(info.act, GS_ACT_SELU);
    for (int i = 0; i < nx * ny; i++) {
        gs_map_row r;
        long at;
        cr_assert_eq(gs_map_read_row(f, &info, i, &r, &at, &err), 1, "row %d: %s", i, err.msg);
        cr_assert_eq(memcmp(r.start, want[i].start, sizeof r.start), 0, "row %d start", i);
        cr_assert_eq(memcmp(&r.res.a, &want[i].res.a, 8 * sizeof(double)), 0, "row %d res", i);
        cr_assert_eq(r.res.outcome, want[i].res.outcome);
        cr_assert_eq(r.res.t_escape, want[i].res.t_escape);
        cr_assert_eq(r.res.t_enter, want[i].res.t_enter);
        cr_assert_eq(r.res.t_diverge, want[i].res.t_diverge);
        cr_assert_eq(r.res.score, want[i].res.score);
    }
    cr_assert_eq(gs_map_read_row(f, &info, nx * ny, &(gs_map_row){0}, NULL, &err), 0);
    fclose(f);
    gs_map_info_free(&info);
    free(t.s);
}

/* The fast decimal path must agree with strtof on hard cases too: long
 * mantissas and decimals right next to midpoints between two floats. */
Test(map, numbers_parse_like_strtof)
{
    const char *head = "# gridsweep-map 1\n# act: relu\n# x: b:-2:2\n# y: d:-2:2\n"
                       "# res: 1,1\n# cells: 1\n" GS_MAP_COLUMNS "\n";
    uint64_t state = 99;
    for (int i = 0; i < 20000; i++) {
        char num[64], line[512];
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const uint32_t bits = (uint32_t)(state >> 32) & 0x7f7fffffu;
        float v;
        memcpy(&v, &bits, sizeof v);
        /* The midpoint above v, printed to 17 digits, and nudged. */
        const double mid = ((double)v + (double)nextafterf(v, INFINITY)) / 2;
        switch (i % 4) {
        case 0: snprintf(num, sizeof num, "%.17g", mid); break;
        case 1: snprintf(num, sizeof num, "%.12g", mid); break;
        case 2: snprintf(num, sizeof num, "%.9g", (double)v); break;
        default: snprintf(num, sizeof num, "%.15g", (double)(state % 1000000007) * 1e-7); break;
        }
        snprintf(line, sizeof line, "%s0,0,%s,0,1,0,0.1,1,0,1,0,0,0,0,0,dead,-1,-1,-1,0\n", head, num);
        FILE *f = fmemopen(line, strlen(line), "r");
        gs_map_info info;
        gs_map_row r;
        gs_error err;
        cr_assert_eq(gs_map_read_header(f, "mem", &info, &err), 0, "%s", err.msg);
        cr_assert_eq(gs_map_read_row(f, &info, 0, &r, NULL, &err), 1, "'%s': %s", num, err.msg);
        const double want = strtof(num, NULL);
        cr_assert_eq(memcmp(&r.start[0], &want, sizeof want), 0, "'%s': got %.9g, want %.9g",
                     num, r.start[0], want);
        fclose(f);
        gs_map_info_free(&info);
    }
}

Test(map, torn_last_line)
{
    text t = good_map(4, 3);
    t.s[--t.len] = 0;   /* drop the final newline */
    expect_load_error(t.s, t.len, "torn");

    /* read_row says where the torn line starts, so --resume can cut it. */
    FILE *f = fmemopen(t.s, t.len, "r");
    gs_map_info info;
    gs_map_row r;
    gs_error err;
    long at = -1;
    cr_assert_eq(gs_map_read_header(f, "mem", &info, &err), 0);
    for (int i = 0; i < 11; i++)
        cr_assert_eq(gs_map_read_row(f, &info, i, &r, &at, &err), 1);
    cr_assert_eq(gs_map_read_row(f, &info, 11, &r, &at, &err), -1);
    cr_assert_not_null(strstr(err.msg, "torn"), "%s", err.msg);
    cr_assert_eq(t.s[at - 1], '\n');
    cr_assert_eq(strncmp(t.s + at, "3,2,", 4), 0, "line_start %ld", at);
    fclose(f);
    gs_map_info_free(&info);
    free(t.s);
}

Test(map, truncated)
{
    text t = good_map(4, 3);
    char *last = t.s + t.len - 1;
    while (last[-1] != '\n')
        last--;
    expect_load_error(t.s, (size_t)(last - t.s), "truncated: 11 of 12 rows");
    /* Only the header and the column line left. */
    *strstr(t.s, "0,0,") = 0;
    expect_load_error(t.s, strlen(t.s), "truncated: 0 of 12 rows");
    free(t.s);
}

Test(map, too_many_rows)
{
    text t = good_map(4, 3);
    char row[512];
    gs_map_row r = make_row(0, 3, 4, 3);
    put(&t, row, (size_t)gs_map_format_row(row, sizeof row, &r));
    expect_load_error(t.s, t.len, "more rows than the 12 cells of the map");
    free(t.s);
}

Test(map, wrong_magic)
{
    text t = good_map(3, 3);
    replace(&t, "# gridsweep-map 1", "# gridsweep-map 2");
    expect_load_error(t.s, t.len, "not a gridsweep map");
    expect_load_error("x,y\n1,2\n", 8, "not a gridsweep map");
    expect_load_error("# gridsweep-trace 1\n", 20, "trace");
    expect_load_error("\x89PNG\r\n\x1a\n\0\0\0", 11, "not a gridsweep map");
    free(t.s);
}

Test(map, wrong_column_line)
{
    text t = good_map(3, 3);
    replace(&t, "final_loss,lin_err", "lin_err,final_loss");
    expect_load_error(t.s, t.len, "column line");
    free(t.s);
    t = good_map(3, 3);
    replace(&t, GS_MAP_COLUMNS "\n", "");   /* rows straight after the header */
    expect_load_error(t.s, t.len, "column line");
    free(t.s);
}

Test(map, empty_and_missing_files)
{
    expect_load_error("", 0, "empty");
    expect_load_error("# gridsweep-map 1\n# act: relu\n", 30, "ends inside the header");
    gs_map_grid g;
    gs_error err;
    char path[128];
    snprintf(path, sizeof path, "%s/no-such-map.csv", tmpdir);
    cr_assert_eq(gs_map_load(path, &g, &err), -1);
    cr_assert_not_null(strstr(err.msg, "no-such-map.csv"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "No such file"), "%s", err.msg);
    cr_assert_eq(gs_map_load(tmpdir, &g, &err), -1, "a directory is not a map");
}

/* One field of row 1 (file line 13 of a 3x3 map) replaced by `value`. */
static void bad_field(int field, const char *value, const char *want)
{
    text t = good_map(3, 3);
    char *row = strstr(t.s, "\n1,0,") + 1, *p = row;
    for (int k = 0; k < field; k++)
        p = strchr(p, ',') + 1;
    char *end = p + strcspn(p, ",\n");
    text out = {0};
    put(&out, t.s, (size_t)(p - t.s));
    puts_t(&out, value);
    puts_t(&out, end);
    expect_load_error(out.s, out.len, want);
    free(t.s);
    free(out.s);
}

Test(map, bad_numbers)
{
    const char *floats[] = {"", "abc", "1.5x", " 1", "+1", "0x10", "1e", "--1", "1e99", "nan1",
                            "1,5"};
    for (size_t i = 0; i < sizeof floats / sizeof *floats; i++)
        bad_field(4, floats[i], strchr(floats[i], ',') ? "21 fields" : "line 13: bad c0");
    bad_field(0, "1.0", "line 13: bad ix");
    bad_field(1, "", "line 13: bad iy");
    bad_field(1, "99999999999", "line 13: bad iy");
    bad_field(15, "conv", "line 13: bad outcome");
    bad_field(15, "Converged", "line 13: bad outcome");
    bad_field(16, "-2", "line 13: bad t_escape");
    bad_field(17, "12.5", "line 13: bad t_enter");
    bad_field(18, "-7", "line 13: bad t_diverge");
    bad_field(19, "x", "line 13: bad score");
    bad_field(12, "1e-", "line 13: bad final_loss");
}

Test(map, field_count)
{
    text t = good_map(3, 3);
    replace(&t, ",dead,", ",dead,1,");
    expect_load_error(t.s, t.len, "21 fields, expected 20");
    free(t.s);
    t = good_map(3, 3);
    replace(&t, "\n1,0,", "\n1,");
    expect_load_error(t.s, t.len, "19 fields, expected 20");
    free(t.s);
}

Test(map, nul_byte_in_a_row)
{
    text t = good_map(3, 3);
    *strstr(t.s, "\n1,0,") = '\0';
    expect_load_error(t.s, t.len, "NUL byte");
    free(t.s);
}

Test(map, cells_out_of_order)
{
    text t = {0};
    header(&t, "relu", 3, 2, NULL);
    char buf[512];
    const int order[6][2] = {{0, 0}, {1, 0}, {2, 0}, {1, 1}, {0, 1}, {2, 1}};
    for (int i = 0; i < 6; i++) {
        gs_map_row r = make_row(order[i][0], order[i][1], 3, 2);
        put(&t, buf, (size_t)gs_map_format_row(buf, sizeof buf, &r));
    }
    expect_load_error(t.s, t.len, "cell 1,1 out of order, expected 0,1");
    free(t.s);

    /* Column-major instead of row-major. */
    t = (text){0};
    header(&t, "relu", 2, 2, NULL);
    for (int ix = 0; ix < 2; ix++)
        for (int iy = 0; iy < 2; iy++) {
            gs_map_row r = make_row(ix, iy, 2, 2);
            put(&t, buf, (size_t)gs_map_format_row(buf, sizeof buf, &r));
        }
    expect_load_error(t.s, t.len, "out of order");
    free(t.s);
}

Test(map, tile_header)
{
    const int nx = 4, ny = 6;
    text t = {0};
    header(&t, "relu", nx, ny, "# tile: 2/3 rows=2:4\n");
    rows(&t, nx, ny, 2, 4);
    FILE *f = fmemopen(t.s, t.len, "r");
    gs_map_info info;
    gs_map_row r;
    gs_error err;
    cr_assert_eq(gs_map_read_header(f, "band.csv", &info, &err), 0, "%s", err.msg);
    cr_assert_eq(info.tile_k, 2);
    cr_assert_eq(info.tile_n, 3);
    cr_assert_eq(info.row_lo, 2);
    cr_assert_eq(info.row_hi, 4);
    cr_assert_eq(info.cells, nx * ny, "cells counts the whole map");
    cr_assert_str_eq(gs_map_get(&info, "tile"), "2/3 rows=2:4");
    for (int i = 0; i < nx * 2; i++) {
        cr_assert_eq(gs_map_read_row(f, &info, i, &r, NULL, &err), 1, "%s", err.msg);
        cr_assert_eq(r.ix, i % nx);
        cr_assert_eq(r.iy, 2 + i / nx);
    }
    cr_assert_eq(gs_map_read_row(f, &info, nx * 2, &r, NULL, &err), 0);
    fclose(f);
    gs_map_info_free(&info);
    /* A row past the band is an error, not the next band's first row. */
    text more = {0};
    put(&more, t.s, t.len);
    rows(&more, nx, ny, 4, 5);
    f = fmemopen(more.s, more.len, "r");
    cr_assert_eq(gs_map_read_header(f, "band.csv", &info, &err), 0, "%s", err.msg);
    for (int i = 0; i < nx * 2; i++)
        cr_assert_eq(gs_map_read_row(f, &info, i, &r, NULL, &err), 1, "%s", err.msg);
    cr_assert_eq(gs_map_read_row(f, &info, nx * 2, &r, NULL, &err), -1);
    cr_assert_not_null(strstr(err.msg, "more rows than the 8 cells of this band"), "%s", err.msg);
    fclose(f);
    free(more.s);
    gs_map_info_free(&info);
    /* A band is not a whole map. */
    expect_load_error(t.s, t.len, "band 2/3");
    free(t.s);

    const char *bad[] = {"# tile: 3/2 rows=2:4\n", "# tile: 2/3 rows=4:2\n",
                         "# tile: 2/3 rows=2:7\n", "# tile: 2/3\n", "# tile: x/3 rows=2:4\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        t = (text){0};
        header(&t, "relu", nx, ny, bad[i]);
        expect_load_error(t.s, t.len, "header 'tile'");
        free(t.s);
    }
}

Test(map, bad_headers)
{
    struct { const char *from, *to, *want; } cases[] = {
        {"# res: 3,3\n", "", "no 'res' line"},
        {"# act: relu\n", "", "no 'act' line"},
        {"# cells: 9\n", "", "no 'cells' line"},
        {"# res: 3,3", "# res: 3", "header 'res'"},
        {"# res: 3,3", "# res: 0,3", "header 'res'"},
        {"# res: 3,3", "# res: 3,3x", "header 'res'"},
        {"# cells: 9", "# cells: 10", "header 'cells'"},
        {"# act: relu\n", "# act: relu\n# act: relu\n", "given twice"},
        {"# act: relu", "# act: nope", "unknown activation"},
        {"# x: b:-2:2", "# x: q:-2:2", "unknown parameter"},
        {"# x: b:-2:2", "# x: b:2:-2", "LO must be below HI"},
        {"# x: b:-2:2", "# x: d:-2:2", "both 'd'"},
        {"# loss: mae", "# loss mae", "expected '# key: value'"},
        {"# loss: mae", "#loss: mae", "expected '# key: value'"},
        {"# at: a=1,c=1,lr=0.1", "# at: a=1,c=x,lr=0.1", "header 'at': c=x is not"},
        {"# at: a=1,c=1,lr=0.1", "# at: a=1,b=1,lr=0.1", "header 'at': 'b' is an axis"},
        {"# at: a=1,c=1,lr=0.1", "# at: a=1,a=1", "header 'at': 'a' is given twice"},
        {"# res: 3,3", "# res: 3, 3", "header 'res'"},
        {"# res: 3,3", "# res: 65536,65536", "header 'res'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        text t = good_map(3, 3);
        replace(&t, cases[i].from, cases[i].to);
        expect_load_error(t.s, t.len, cases[i].want);
        free(t.s);
    }
}

static void info_of(const char *act, const char *x, const char *res, const char *at,
                    gs_map_info *info)
{
    char buf[1024];
    snprintf(buf, sizeof buf,
             "# gridsweep-map 1\n# act: %s\n# x: %s\n# y: d:-2:2\n# res: %s\n# at: %s\n"
             "# cells: %d\n" GS_MAP_COLUMNS "\n",
             act, x, res, at, atoi(res) * atoi(strchr(res, ',') + 1));
    FILE *f = fmemopen(buf, strlen(buf), "r");
    gs_error err;
    cr_assert_eq(gs_map_read_header(f, "mem", info, &err), 0, "%s", err.msg);
    fclose(f);
}

Test(map, same_plane)
{
    gs_map_info a, b;
    gs_error err;
    info_of("relu", "b:-2:2", "8,8", "a=1,c=1,lr=0.1", &a);

    info_of("selu", "b:-2:2", "8,8", "a=1,c=1,lr=0.1", &b);
    cr_assert_eq(gs_map_same_plane(&a, &b, &err), 0, "act may differ: %s", err.msg);
    gs_map_info_free(&b);

    info_of("relu", "b:-2.0:2", "8,8", "a=1.0,c=1,lr=0.1", &b);
    cr_assert_eq(gs_map_same_plane(&a, &b, &err), 0, "same numbers: %s", err.msg);
    gs_map_info_free(&b);

    info_of("relu", "b:-1:1", "8,8", "a=1,c=1,lr=0.1", &b);
    cr_assert_eq(gs_map_same_plane(&a, &b, &err), -1);
    cr_assert_str_eq(err.msg, "x differs: 'b:-2:2' vs 'b:-1:1'");
    gs_map_info_free(&b);

    info_of("relu", "b:-2:2", "8,4", "a=1,c=1,lr=0.1", &b);
    cr_assert_eq(gs_map_same_plane(&a, &b, &err), -1);
    cr_assert_str_eq(err.msg, "res differs: '8,8' vs '8,4'");
    gs_map_info_free(&b);

    info_of("relu", "b:-2:2", "8,8", "a=1,c=2,lr=0.1", &b);
    cr_assert_eq(gs_map_same_plane(&a, &b, &err), -1);
    cr_assert_str_eq(err.msg, "at differs: 'a=1,c=1,lr=0.1' vs 'a=1,c=2,lr=0.1'");
    gs_map_info_free(&b);
    gs_map_info_free(&a);
}

Test(map, the_column_table_makes_the_column_line)
{
    char line[512] = "";
    for (int i = 0; i < GS_MAP_NCOLUMNS; i++)
        strcat(strcat(line, i ? "," : ""), gs_map_column_at(i)->name);
    cr_expect_str_eq(line, GS_MAP_COLUMNS);
    cr_expect_eq(GS_MAP_NCOLUMNS, 20);
    cr_expect_eq(gs_map_column_at(GS_COLUMN_outcome)->type, GS_COL_OUTCOME);
    cr_expect_str_eq(gs_column_type_name(gs_map_column_at(GS_COLUMN_t_enter)->type), "int");
    cr_expect_str_eq(gs_column_type_name(gs_map_column_at(GS_COLUMN_lr)->type), "float");
    cr_expect_null(gs_map_column_at(GS_MAP_NCOLUMNS));
}

/* The plane: the command line's spellings, rendering, cells, comparing. */
static gs_plane plane_of(const char *x, const char *y, const char *res, const char *at)
{
    gs_plane p = {.tile_k = 1, .tile_n = 1};
    gs_error err;
    bool lr;
    p.at[GS_P_A] = 1, p.at[GS_P_C] = 1, p.at[GS_P_LR] = 0.1f;
    p.at[GS_P_LR_IN] = p.at[GS_P_LR_OUT] = NAN;   /* unset: lr's */
    cr_assert_eq(gs_axis_parse(x, &p.x, &err), 0, "%s", err.msg);
    cr_assert_eq(gs_axis_parse(y, &p.y, &err), 0, "%s", err.msg);
    cr_assert_eq(gs_plane_parse_res(res, &p, &err), 0, "%s", err.msg);
    cr_assert_eq(gs_plane_parse_at(at, &p, &lr, &err), 0, "%s", err.msg);
    cr_assert_eq(gs_plane_validate(&p, &err), 0, "%s", err.msg);
    return p;
}

Test(map, plane_parse_and_render)
{
    gs_plane p = plane_of("b:-2:2", "lr:0.001:1:log", "4,8", "a=1.5,d=-0");
    char buf[160];
    cr_expect_eq(p.x.n, 4);
    cr_expect_eq(p.y.n, 8);
    gs_plane_format_at(&p, false, buf, sizeof buf);
    cr_expect_str_eq(buf, "a=1.5,c=1,d=-0");
    gs_axis_format(&p.y, buf, sizeof buf);
    cr_expect_str_eq(buf, "lr:0.001:1:log");
    gs_plane q = plane_of("b:-2:2", "d:-2:2", "16", "c=2");
    cr_expect_eq(q.x.n, 16);
    cr_expect_eq(q.y.n, 16);
    float start[GS_P_COUNT];
    gs_plane_start(&q, 0, 15, start);
    cr_expect_eq(start[GS_P_B], -1.875f);
    cr_expect_eq(start[GS_P_D], 1.875f);
    cr_expect_eq(start[GS_P_C], 2.0f);
    cr_expect_eq(start[GS_P_LR], 0.1f);
    gs_error err;
    cr_assert_eq(gs_plane_parse_tile("2/3", &q, &err), 0);
    int lo, hi;
    gs_plane_rows(&q, &lo, &hi);
    cr_expect_eq(lo, 5);
    cr_expect_eq(hi, 10);
}

Test(map, plane_refusals_name_the_problem)
{
    gs_plane p = plane_of("b:-2:2", "d:-2:2", "4", "a=1");
    gs_error err;
    bool lr;
    cr_expect_eq(gs_plane_parse_tile("1/99999999999", &p, &err), -1);
    cr_expect_str_eq(err.msg, "--tile 1/99999999999: 99999999999 is too large");
    cr_expect_eq(gs_plane_parse_tile("1/2 ", &p, &err), -1);
    cr_expect_str_eq(err.msg, "--tile: expected K/N, got '1/2 '");
    cr_expect_eq(gs_plane_parse_res(" 4", &p, &err), -1);
    cr_expect_eq(gs_plane_parse_res("4,99999999999", &p, &err), -1);
    cr_expect(strstr(err.msg, "too large") != NULL, "%s", err.msg);
    cr_expect_eq(gs_plane_parse_at("b=1", &p, &lr, &err), -1);
    cr_expect_str_eq(err.msg, "--at: 'b' is an axis of the plane; it cannot be fixed");
    cr_expect_eq(gs_plane_parse_at("q=1", &p, &lr, &err), -1);
    cr_expect_str_eq(err.msg, "--at: unknown parameter 'q' (valid: a, b, c, d, lr, lr_in, lr_out)");
    cr_expect_eq(gs_plane_parse_at("lr=1e-50", &p, &lr, &err), -1);
    cr_expect_str_eq(err.msg, "the learning rate must be above 0, got 1e-50, which is 0 in "
                              "float32");
}

Test(map, plane_rates_follow_lr_unless_set)
{
    gs_plane p = plane_of("lr_in:0.001:1:log", "lr_out:0.01:10:log", "4", "a=1,b=0,d=0");
    char buf[160];
    float start[GS_P_COUNT];
    gs_plane_format_at(&p, false, buf, sizeof buf);
    cr_expect_str_eq(buf, "a=1,b=0,c=1,d=0,lr=0.1");
    gs_plane_start(&p, 0, 3, start);
    cr_expect_eq(start[GS_P_LR_IN], gs_axis_value(&p.x, 0));
    cr_expect_eq(start[GS_P_LR_OUT], gs_axis_value(&p.y, 3));
    gs_plane q = plane_of("b:-2:2", "d:-2:2", "4", "lr_out=0.5");
    gs_plane_format_at(&q, false, buf, sizeof buf);
    cr_expect_str_eq(buf, "a=1,c=1,lr=0.1,lr_out=0.5", "an unset rate is left out");
    gs_plane_start(&q, 1, 1, start);
    cr_expect_eq(start[GS_P_LR_IN], 0.1f, "unset: lr's value");
    cr_expect_eq(start[GS_P_LR_OUT], 0.5f);
    gs_error err;
    bool lr;
    cr_expect_eq(gs_plane_parse_at("lr_in=1e-50", &q, &lr, &err), -1);
    cr_expect_eq(gs_axis_parse("lr_out:-1:1", &q.x, &err), -1);
    cr_expect_str_eq(err.msg, "axis 'lr_out:-1:1': the learning rate must stay above 0");
}

Test(map, plane_same)
{
    const char *key = "";
    gs_plane a = plane_of("b:-2:2", "d:-2:2", "8", "a=1,c=1,lr=0.1");
    gs_plane b = plane_of("b:-2.0:2", "d:-2:2", "8", "a=1.0,c=1,lr=0.1");
    b.tile_k = 2, b.tile_n = 4;
    cr_expect_eq(gs_plane_same(&a, &b, false, &key), 0, "same numbers, another band");
    b = plane_of("b:-2:2", "d:-1:1", "8", "a=1,c=1,lr=0.1");
    cr_expect_eq(gs_plane_same(&a, &b, false, &key), -1);
    cr_expect_str_eq(key, "y");
    b = plane_of("b:-2:2", "d:-2:2", "8,4", "a=1,c=1,lr=0.1");
    cr_expect_eq(gs_plane_same(&a, &b, false, &key), -1);
    cr_expect_str_eq(key, "res");
    b = plane_of("b:-2:2", "d:-2:2", "8", "a=1,c=1,lr=0.2");
    cr_expect_eq(gs_plane_same(&a, &b, false, &key), -1);
    cr_expect_str_eq(key, "at");
    b = plane_of("c:-2:2", "d:-2:2", "8", "a=1,b=1,lr=0.1");
    cr_expect_eq(gs_plane_same(&a, &b, false, &key), -1);
    cr_expect_str_eq(key, "x");
}
