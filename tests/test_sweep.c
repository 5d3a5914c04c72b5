/* The local sweep driver (gs_sweep_compute): how it ends (done, stopped, the
 * sink failed, out of memory) and that training in segments, to look at the
 * stop flag, gives the bytes of training in one go.
 *
 * Out of memory is forced at link time: this binary is linked with
 * -Wl,--wrap=malloc, so every malloc call of the test and of the gridsweep
 * library (not of libc or libgomp) goes through wrap_malloc below. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/sweep.h"

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);

static size_t fail_size;   /* > 0: allocations of exactly this size fail */
static bool fail_all;      /* every allocation fails */

void *__wrap_malloc(size_t n)
{
    if (fail_all || (fail_size && n == fail_size))
        return NULL;
    return __real_malloc(n);
}

typedef struct capture {
    char *text;
    size_t len;
    int calls;
    int64_t cells;
    atomic_int *raise_after_first;   /* set to SIGINT after the first write */
    bool fail;                       /* answer -1 */
} capture;

static int capture_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    capture *c = ctx;
    if (c->fail)
        return -1;
    c->text = realloc(c->text, c->len + len + 1);
    memcpy(c->text + c->len, text, len);
    c->len += len;
    c->text[c->len] = 0;
    c->calls++;
    c->cells += cells;
    if (c->raise_after_first)
        atomic_store(c->raise_after_first, SIGINT);
    return 0;
}

typedef struct fixture {
    gs_sweep_config cfg;
    gs_train_plan plan;
    gs_sweep_task task;
} fixture;

/* Short training (gelu, 20 steps of 16 samples, 64 evaluation points),
 * which each test changes where it matters. */
static gs_train_config small_training(void)
{
    gs_train_config t = gs_train_defaults();
    t.act = GS_ACT_GELU, t.steps = 20, t.batch = 16, t.eval_points = 64;
    return t;
}

/* An nx x ny plane of the default sweep, trained with the scalar kernels. */
static void setup(fixture *f, int nx, int ny, int threads, gs_train_config training)
{
    f->cfg = gs_sweep_defaults();
    f->cfg.x.n = nx, f->cfg.y.n = ny;
    f->cfg.train = training;
    gs_error err;
    cr_assert_eq(gs_sweep_set_lr(&f->cfg, false, false, &err), 0);
    cr_assert_eq(gs_sweep_validate(&f->cfg, &err), 0, "%s", err.msg);
    cr_assert_eq(gs_train_plan_init(&f->plan, &f->cfg.train, &err), 0, "%s", err.msg);
    f->task = (gs_sweep_task){.cfg = &f->cfg, .kernels = gs_kernels_get(GS_ISA_SCALAR),
                              .plan = &f->plan, .begin = 0, .end = (int64_t)nx * ny,
                              .threads = threads};
}

Test(sweep, done_writes_every_cell)
{
    fixture f;
    setup(&f, 6, 5, 2, small_training());
    capture cap = {0};
    gs_sweep_sink sink = {capture_write, &cap};
    int64_t written = -1;
    gs_error err;
    cr_assert_eq(gs_sweep_compute(&f.task, &sink, NULL, &written, &err), GS_SWEEP_DONE);
    cr_assert_eq(written, 30);
    cr_assert_eq(cap.cells, 30);
    gs_train_plan_free(&f.plan);
    free(cap.text);
}

/* The judge cannot allocate its evaluation grid: no row, and an error that
 * is not a stop (it used to write the cell as "diverged"). */
Test(sweep, out_of_memory_in_the_judge_is_an_error)
{
    fixture f;
    gs_train_config t = small_training();
    t.eval_points = 777;   /* above the 512 points the judge keeps on its stack */
    setup(&f, 4, 4, 1, t);
    capture cap = {0};
    gs_sweep_sink sink = {capture_write, &cap};
    int64_t written = -1;
    gs_error err;
    fail_size = 3 * 777 * sizeof(float);
    const gs_sweep_status s = gs_sweep_compute(&f.task, &sink, NULL, &written, &err);
    fail_size = 0;
    cr_assert_eq(s, GS_SWEEP_FAILED);
    cr_assert_str_eq(err.msg, "out of memory");
    cr_assert_eq(written, 0);
    cr_assert_eq(cap.calls, 0, "no row may be written");
    gs_train_plan_free(&f.plan);
}

/* No room for the rows of a chunk: an error, not an interruption (it used to
 * halt silently and be reported as "interrupted"). */
Test(sweep, out_of_memory_for_the_rows_is_an_error)
{
    fixture f;
    setup(&f, 4, 4, 2, small_training());
    capture cap = {0};
    gs_sweep_sink sink = {capture_write, &cap};
    int64_t written = -1;
    gs_error err;
    fail_all = true;
    const gs_sweep_status s = gs_sweep_compute(&f.task, &sink, NULL, &written, &err);
    fail_all = false;
    cr_assert_eq(s, GS_SWEEP_FAILED);
    cr_assert_str_eq(err.msg, "out of memory");
    cr_assert_eq(written, 0);
    cr_assert_eq(cap.calls, 0);
    gs_train_plan_free(&f.plan);
}

Test(sweep, a_raised_stop_writes_nothing)
{
    fixture f;
    setup(&f, 4, 4, 2, small_training());
    capture cap = {0};
    gs_sweep_sink sink = {capture_write, &cap};
    atomic_int stop = SIGINT;
    int64_t written = -1;
    gs_error err;
    cr_assert_eq(gs_sweep_compute(&f.task, &sink, &stop, &written, &err), GS_SWEEP_STOPPED);
    cr_assert_eq(written, 0);
    cr_assert_eq(cap.calls, 0);
    gs_train_plan_free(&f.plan);
}

/* A stop in the middle: a prefix of whole rows, the same bytes as the start
 * of an uninterrupted sweep. */
Test(sweep, a_stop_in_the_middle_keeps_a_prefix_of_whole_rows)
{
    fixture f;
    setup(&f, 40, 30, 1, small_training());
    capture whole = {0}, part = {0};
    gs_sweep_sink sink = {capture_write, &whole};
    atomic_int stop = 0;
    int64_t written;
    gs_error err;
    cr_assert_eq(gs_sweep_compute(&f.task, &sink, NULL, &written, &err), GS_SWEEP_DONE);
    part.raise_after_first = &stop;
    sink.ctx = &part;
    cr_assert_eq(gs_sweep_compute(&f.task, &sink, &stop, &written, &err), GS_SWEEP_STOPPED);
    cr_assert(written > 0 && written < 1200, "written %lld", (long long)written);
    cr_assert_eq(written, part.cells);
    cr_assert_eq(part.text[part.len - 1], '\n');
    cr_assert_eq(memcmp(part.text, whole.text, part.len), 0);
    gs_train_plan_free(&f.plan);
    free(whole.text);
    free(part.text);
}

Test(sweep, a_failing_sink_ends_the_sweep)
{
    fixture f;
    setup(&f, 4, 4, 2, small_training());
    capture cap = {.fail = true};
    gs_sweep_sink sink = {capture_write, &cap};
    int64_t written = -1;
    gs_error err;
    cr_assert_eq(gs_sweep_compute(&f.task, &sink, NULL, &written, &err), GS_SWEEP_SINK_FAILED);
    cr_assert_eq(written, 0);
    gs_train_plan_free(&f.plan);
}

/* Segments: with --batch 2048 the driver trains 256 steps between looks at
 * the stop flag, so 700 steps take three calls of the kernel. The rows must
 * be those of one call per block, in every sampling mode. */
static void check_segments(gs_sampling sampling, gs_opt opt)
{
    fixture f;
    gs_train_config t = small_training();
    t.steps = 700, t.batch = 2048, t.sampling = sampling, t.opt = opt;
    setup(&f, 4, 2, 2, t);
    capture cap = {0};
    gs_sweep_sink sink = {capture_write, &cap};
    int64_t written;
    gs_error err;
    cr_assert_eq(gs_sweep_compute(&f.task, &sink, NULL, &written, &err), GS_SWEEP_DONE);

    const gs_kernels *k = f.task.kernels;
    char *expect = calloc(8, 400), *at = expect;
    for (int cell = 0; cell < 8; cell++) {
        double start[1][GS_P_COUNT];
        const uint64_t point = (uint64_t)cell;
        gs_sweep_start(&f.cfg, cell % 4, cell / 4, start[0]);
        const float start5[1][5] = {{(float)start[0][0], (float)start[0][1], (float)start[0][2],
                                     (float)start[0][3], (float)start[0][4]}};
        gs_block blk;
        gs_block_init(&blk, 1, start5, &point);
        k->train[f.cfg.train.act][f.cfg.train.loss](&f.plan.step, &blk, f.cfg.train.steps);
        gs_map_row row = {.ix = cell % 4, .iy = cell / 4};
        memcpy(row.start, start[0], sizeof row.start);
        cr_assert_eq(gs_train_judge(&f.plan, k->eval[f.cfg.train.act], &blk, 0, &row.res), 0);
        at += gs_map_format_row(at, 400, &row);
    }
    cr_assert_str_eq(cap.text, expect, "sampling %s, optimizer %s", gs_sampling_name(sampling),
                     gs_opt_name(opt));
    gs_train_plan_free(&f.plan);
    free(expect);
    free(cap.text);
}

Test(sweep, training_in_segments_gives_the_same_rows)
{
    check_segments(GS_SAMPLING_SHARED, GS_OPT_ADAM);
    check_segments(GS_SAMPLING_INDEPENDENT, GS_OPT_MOMENTUM);
    check_segments(GS_SAMPLING_GRID, GS_OPT_RMSPROP);
}
