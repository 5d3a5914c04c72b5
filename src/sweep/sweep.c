/* The parallel driver: chunks of cells, trained block by block on OpenMP
 * threads, written in cell order. A cell's row depends only on the settings
 * and its index, never on chunking or threads, so output is byte-identical
 * for any thread count, and a resumed run continues the same file. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/sweep.h"

#define ROW_MAX 400           /* longest formatted row, with room to spare */
#define CHUNK_MAX 256         /* cells per chunk: a few ms of work each */

/* Trains cells [begin, end) and formats their rows into buf. */
static size_t compute_chunk(const gs_sweep_config *cfg, const gs_kernels *k,
                            const gs_train_plan *plan, int64_t begin, int64_t end, char *buf)
{
    const int nx = cfg->x.n, lanes = k->lanes;
    const gs_train_fn train = k->train[cfg->train.act][cfg->train.loss];
    const gs_eval_fn eval = k->eval[cfg->train.act];
    gs_block blk;
    size_t len = 0;
    for (int64_t b0 = begin; b0 < end; b0 += lanes) {
        const int n = (int)(end - b0 < lanes ? end - b0 : lanes);
        float start[GS_BLOCK_LANES][GS_P_COUNT];
        uint64_t point[GS_BLOCK_LANES];
        for (int l = 0; l < n; l++) {
            const int64_t cell = b0 + l;
            gs_sweep_start(cfg, (int)(cell % nx), (int)(cell / nx), start[l]);
            point[l] = (uint64_t)cell;
        }
        gs_block_init(&blk, n, (const float(*)[5])start, point);
        train(&plan->step, &blk, cfg->train.steps);
        for (int l = 0; l < n; l++) {
            gs_map_row row = {.ix = (int32_t)((b0 + l) % nx), .iy = (int32_t)((b0 + l) / nx)};
            memcpy(row.start, start[l], sizeof row.start);
            gs_train_judge(plan, eval, &blk, l, &row.res);
            len += (size_t)gs_map_format_row(buf + len, ROW_MAX, &row);
        }
    }
    return len;
}

int64_t gs_sweep_compute(const gs_sweep_config *cfg, const gs_kernels *k,
                         const gs_train_plan *plan, int64_t begin, int64_t end, int threads,
                         const gs_sweep_sink *sink, const atomic_int *stop)
{
    if (end <= begin)
        return 0;
    if (threads < 1)
        threads = 1;
    /* Enough chunks to balance the threads, each a whole number of blocks. */
    int64_t chunk = (end - begin + 4 * threads - 1) / (4 * threads);
    chunk = (chunk + k->lanes - 1) / k->lanes * k->lanes;
    if (chunk > CHUNK_MAX)
        chunk = CHUNK_MAX / k->lanes * k->lanes;
    const int64_t nchunks = (end - begin + chunk - 1) / chunk;
    int64_t written = 0;
    atomic_int halted = 0;   /* set inside the ordered region, read by every thread */

#pragma omp parallel num_threads(threads)
    {
        char *buf = malloc((size_t)chunk * ROW_MAX);
#pragma omp for schedule(dynamic, 1) ordered
        for (int64_t c = 0; c < nchunks; c++) {
            const int64_t lo = begin + c * chunk, hi = lo + chunk < end ? lo + chunk : end;
            const int skip = !buf || atomic_load(&halted) || (stop && atomic_load(stop));
            size_t len = skip ? 0 : compute_chunk(cfg, k, plan, lo, hi, buf);
#pragma omp ordered
            {
                if (skip)
                    atomic_store(&halted, 1);
                if (!atomic_load(&halted)) {
                    if (sink->write(sink->ctx, buf, len, hi - lo))
                        atomic_store(&halted, 1);
                    else
                        written += hi - lo;
                }
            }
        }
        free(buf);
    }
    return written;
}
