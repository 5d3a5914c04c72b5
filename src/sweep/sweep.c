/* The parallel driver: chunks of cells, trained block by block on OpenMP
 * threads, written in cell order. A cell's row depends only on the settings
 * and its index, never on chunking or threads, so output is byte-identical
 * for any thread count, and a resumed run continues the same file. */
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/ensemble.h"
#include "gridsweep/sweep.h"

#define ROW_MAX GS_ENS_ROW_MAX   /* longest formatted row (an ensemble's), with room to spare */
#define CHUNK_MAX 256         /* cells per chunk: a few ms of work each */
/* Sample-steps (steps x batch) per segment of a block's training between
 * two looks at the stop flag: about 40 ms with the fastest kernels, a few
 * times that with scalar ones, so a stop is seen well within a second. */
#define SEGMENT_WORK (1 << 19)

/* halt: 0 while the sweep runs, else the gs_sweep_status that ends it (the
 * first one raised wins). */
static void raise_halt(atomic_int *halt, gs_sweep_status why)
{
    int running = 0;
    atomic_compare_exchange_strong(halt, &running, (int)why);
}

static bool halted(atomic_int *halt, const atomic_int *stop)
{
    if (stop && atomic_load(stop))
        raise_halt(halt, GS_SWEEP_STOPPED);
    return atomic_load(halt) != 0;
}

/* Where the segment of training that starts at step t ends: segments of
 * about SEGMENT_WORK samples, so that a stop is seen between them. */
static int segment_end(const gs_train_plan *plan, int t)
{
    const int steps = plan->cfg.steps;
    const int segment = plan->cfg.batch < SEGMENT_WORK ? SEGMENT_WORK / plan->cfg.batch : 1;
    return steps - t > segment ? t + segment : steps;
}

/* Trains one block to the last step in segments, the same computation as
 * one call (the kernel goes on from blk->t). false: halted before the end. */
static bool train_block(const gs_train_plan *plan, gs_train_fn train, gs_block *blk,
                        atomic_int *halt, const atomic_int *stop)
{
    while (blk->t < plan->cfg.steps) {
        if (halted(halt, stop))
            return false;
        train(&plan->step, blk, segment_end(plan, blk->t));
    }
    return true;
}

/* train_block for an f64 run's gs_block64. */
static bool train_block64(const gs_train_plan *plan, gs_train64_fn train, gs_block64 *blk,
                          atomic_int *halt, const atomic_int *stop)
{
    while (blk->t < plan->cfg.steps) {
        if (halted(halt, stop))
            return false;
        train(&plan->step, blk, segment_end(plan, blk->t));
    }
    return true;
}

/* One block of n cells with seed s, in float: the starts (floats widened
 * to double by gs_sweep_start, so the cast back is exact) trained and judged
 * into rows[l * seeds + s].res. false: halted or failed. */
static bool train_rows(const gs_sweep_task *task, int s, int n, int seeds,
                       const double (*start)[GS_P_COUNT], const uint64_t *point, gs_map_row *rows,
                       atomic_int *halt, const atomic_int *stop)
{
    const gs_train_plan *plan = &task->plan[s];
    const gs_eval_fn eval = task->kernels->eval[task->cfg->train.act];
    float start5[GS_BLOCK_LANES][5];   /* a, b, c, d, lr: gs_block_init's rows */
    for (int l = 0; l < n; l++)
        for (int q = 0; q < 5; q++)
            start5[l][q] = (float)start[l][q];
    gs_block blk;
    gs_block_init(&blk, n, (const float(*)[5])start5, point);
    for (int l = 0; l < n; l++)
        gs_block_set_rates(&blk, l, (float)start[l][GS_P_LR_IN], (float)start[l][GS_P_LR_OUT]);
    if (!train_block(plan, gs_train_kernel(&task->plan[0], task->kernels), &blk, halt, stop))
        return false;
    for (int l = 0; l < n; l++)
        if (gs_train_judge(plan, eval, &blk, l, &rows[l * seeds + s].res)) {
            raise_halt(halt, GS_SWEEP_FAILED);
            return false;
        }
    return true;
}

/* train_rows of an f64 run: gs_block64, the f64 kernels, the f64 judge. */
static bool train_rows64(const gs_sweep_task *task, int s, int n, int seeds,
                         const double (*start)[GS_P_COUNT], const uint64_t *point,
                         gs_map_row *rows, atomic_int *halt, const atomic_int *stop)
{
    const gs_train_plan *plan = &task->plan[s];
    const gs_sweep_config *cfg = task->cfg;
    const gs_eval64_fn eval = task->kernels->eval64[cfg->train.act];
    double start5[GS_BLOCK_LANES][5];
    for (int l = 0; l < n; l++)
        memcpy(start5[l], start[l], sizeof start5[l]);
    gs_block64 blk;
    gs_block64_init(&blk, n, (const double(*)[5])start5, point);
    for (int l = 0; l < n; l++)
        gs_block64_set_rates(&blk, l, start[l][GS_P_LR_IN], start[l][GS_P_LR_OUT]);
    if (!train_block64(plan, task->kernels->train64[cfg->train.act][cfg->train.loss], &blk, halt,
                       stop))
        return false;
    for (int l = 0; l < n; l++)
        if (gs_train_judge64(plan, eval, &blk, l, &rows[l * seeds + s].res)) {
            raise_halt(halt, GS_SWEEP_FAILED);
            return false;
        }
    return true;
}

/* Formats the rows of a block's n cells (rows[lane * seeds + seed]): each
 * cell's row, or the ensemble row of its seeds' rows. Returns the length. */
static size_t format_rows(const gs_map_row *rows, int n, int seeds, char *buf)
{
    size_t len = 0;
    for (int l = 0; l < n; l++) {
        if (seeds == 1) {
            len += (size_t)gs_map_format_row(buf + len, ROW_MAX, &rows[l]);
        } else {
            gs_ens_row ens;
            gs_ens_combine(&rows[l * seeds], seeds, &ens);
            len += (size_t)gs_ens_format_row(buf + len, ROW_MAX, &ens);
        }
    }
    return len;
}

/* Trains cells [begin, end) and formats their rows into buf. Returns the
 * length, or -1 when the sweep halted first (or ran out of memory). An
 * ensemble trains each block once per seed, then combines each cell's rows
 * (rows[lane * seeds + seed]) into its ensemble row. */
static long compute_chunk(const gs_sweep_task *task, int64_t begin, int64_t end, char *buf,
                          gs_map_row *rows, atomic_int *halt, const atomic_int *stop)
{
    const gs_sweep_config *cfg = task->cfg;
    const gs_precision precision = cfg->train.precision;
    const int f64 = precision == GS_PRECISION_F64;
    const int nx = cfg->x.n, lanes = f64 ? task->kernels->lanes64 : task->kernels->lanes;
    const int seeds = cfg->train.seeds > 1 ? cfg->train.seeds : 1;
    size_t len = 0;
    for (int64_t b0 = begin; b0 < end; b0 += lanes) {
        const int n = (int)(end - b0 < lanes ? end - b0 : lanes);
        double start[GS_BLOCK_LANES][GS_P_COUNT];
        uint64_t point[GS_BLOCK_LANES];
        for (int l = 0; l < n; l++) {
            const int64_t cell = b0 + l;
            gs_sweep_start(cfg, (int)(cell % nx), (int)(cell / nx), start[l]);
            point[l] = (uint64_t)cell;
            for (int s = 0; s < seeds; s++) {
                gs_map_row *row = &rows[l * seeds + s];
                *row = (gs_map_row){.ix = (int32_t)(cell % nx), .iy = (int32_t)(cell / nx),
                                    .precision = precision};
                memcpy(row->start, start[l], sizeof row->start);
            }
        }
        const double(*starts)[GS_P_COUNT] = (const double(*)[GS_P_COUNT])start;
        for (int s = 0; s < seeds; s++)
            if (!(f64 ? train_rows64 : train_rows)(task, s, n, seeds, starts, point, rows, halt,
                                                    stop))
                return -1;
        len += format_rows(rows, n, seeds, buf + len);
    }
    return (long)len;
}

/* The finished chunks waiting for their turn to be written: a window of
 * slots, chunk c in slot c % nslots, written in chunk order by whichever
 * thread finishes the chunk that is next. A thread that is done goes on to
 * another chunk instead of waiting for the one before it (as an ordered
 * loop's would: on 2 threads relu's sweep lost 12% of its wall time so, spinning
 * in libgomp); it waits only when its chunk would run a whole window ahead
 * of the writing. */
typedef struct chunk_slot {
    char *buf;
    long len;        /* the rows' length, or -1: the chunk halted */
    int64_t chunk;   /* the chunk it holds, -1 while it holds none */
} chunk_slot;

typedef struct chunk_queue {
    pthread_mutex_t mu;
    pthread_cond_t freed;   /* next_out moved on: a slot was freed */
    chunk_slot *slot;
    int nslots;
    int64_t next_out;       /* the next chunk to write */
    int64_t done;           /* cells written */
    bool gap;               /* a chunk was dropped: nothing after it is written */
} chunk_queue;

/* Waits until chunk c's slot is free. */
static chunk_slot *queue_slot(chunk_queue *q, int64_t c)
{
    pthread_mutex_lock(&q->mu);
    while (c >= q->next_out + q->nslots)
        pthread_cond_wait(&q->freed, &q->mu);
    pthread_mutex_unlock(&q->mu);
    return &q->slot[c % q->nslots];
}

/* Hands in chunk c (len -1: halted) and writes every chunk that is now next,
 * in order; after a dropped chunk, the later ones are let go unwritten. */
static void queue_finish(chunk_queue *q, int64_t c, long len, const gs_sweep_task *task,
                         const gs_sweep_sink *sink, int64_t chunk, atomic_int *halt)
{
    pthread_mutex_lock(&q->mu);
    q->slot[c % q->nslots].len = len;
    q->slot[c % q->nslots].chunk = c;
    bool moved = false;
    for (chunk_slot *s; (s = &q->slot[q->next_out % q->nslots])->chunk == q->next_out;) {
        const int64_t lo = task->begin + s->chunk * chunk;
        const int64_t hi = lo + chunk < task->end ? lo + chunk : task->end;
        if (s->len < 0) {
            q->gap = true;
        } else if (!q->gap) {
            if (sink->write(sink->ctx, s->buf, (size_t)s->len, hi - lo)) {
                raise_halt(halt, GS_SWEEP_SINK_FAILED);
                q->gap = true;
            } else {
                q->done += hi - lo;
            }
        }
        s->chunk = -1;
        q->next_out++;
        moved = true;
    }
    if (moved)
        pthread_cond_broadcast(&q->freed);
    pthread_mutex_unlock(&q->mu);
}

gs_sweep_status gs_sweep_compute(const gs_sweep_task *task, const gs_sweep_sink *sink,
                                 const atomic_int *stop, int64_t *written, gs_error *err)
{
    const int64_t begin = task->begin, end = task->end;
    const int threads = task->threads < 1 ? 1 : task->threads;
    const int lanes = task->cfg->train.precision == GS_PRECISION_F64 ? task->kernels->lanes64
                                                                      : task->kernels->lanes;
    *written = 0;
    if (end <= begin)
        return GS_SWEEP_DONE;
    /* Enough chunks to balance the threads, each a whole number of blocks. */
    int64_t chunk = (end - begin + 4 * threads - 1) / (4 * threads);
    chunk = (chunk + lanes - 1) / lanes * lanes;
    if (chunk > CHUNK_MAX)
        chunk = CHUNK_MAX / lanes * lanes;
    const int64_t nchunks = (end - begin + chunk - 1) / chunk;
    atomic_int halt = 0;   /* read by every thread between segments */
    chunk_queue q = {.nslots = 4 * threads, .next_out = 0, .done = 0, .gap = false};
    q.slot = calloc((size_t)q.nslots, sizeof *q.slot);
    bool ok = q.slot != NULL;
    for (int i = 0; ok && i < q.nslots; i++) {
        q.slot[i] = (chunk_slot){malloc((size_t)chunk * ROW_MAX), -1, -1};
        ok = q.slot[i].buf != NULL;
    }
    if (!ok) {
        for (int i = 0; q.slot && i < q.nslots; i++)
            free(q.slot[i].buf);
        free(q.slot);
        gs_fail(err, "out of memory");
        return GS_SWEEP_FAILED;
    }
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.freed, NULL);
    atomic_llong next_chunk = 0;

#pragma omp parallel num_threads(threads)
    {
        const size_t seeds = task->cfg->train.seeds > 1 ? (size_t)task->cfg->train.seeds : 1;
        gs_map_row *rows = malloc(GS_BLOCK_LANES * seeds * sizeof *rows);
        if (!rows)
            raise_halt(&halt, GS_SWEEP_FAILED);
        for (int64_t c; (c = atomic_fetch_add(&next_chunk, 1)) < nchunks;) {
            const int64_t lo = begin + c * chunk, hi = lo + chunk < end ? lo + chunk : end;
            chunk_slot *slot = queue_slot(&q, c);
            const long len = !rows || halted(&halt, stop)
                                 ? -1
                                 : compute_chunk(task, lo, hi, slot->buf, rows, &halt, stop);
            queue_finish(&q, c, len, task, sink, chunk, &halt);
        }
        free(rows);
    }
    pthread_cond_destroy(&q.freed);
    pthread_mutex_destroy(&q.mu);
    for (int i = 0; i < q.nslots; i++)
        free(q.slot[i].buf);
    free(q.slot);
    const int64_t done = q.done;
    *written = done;
    if (done == end - begin)
        return GS_SWEEP_DONE;
    const gs_sweep_status why = (gs_sweep_status)atomic_load(&halt);
    if (why == GS_SWEEP_FAILED)
        gs_fail(err, "out of memory");
    return why;
}
