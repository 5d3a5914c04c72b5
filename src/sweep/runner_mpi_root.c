/* Rank 0 of the MPI runner: it hands chunks of cells to the ranks as they
 * ask (at most PER_RANK outstanding each, so a slow node only holds its own
 * chunks), keeps the results that arrive early in a ring of `window` chunks
 * (bounded memory: no chunk beyond the window is handed out) and writes them
 * through the caller's sink in cell order. A cell's row depends only on the
 * settings and its index, so the file is byte-identical to the
 * single-process one, and resume is the single-process resume. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner_mpi.h"

/* Seconds to wait for cut-short chunks after a stop: mpirun turns Ctrl-C and
 * a dead rank into SIGTERM for every rank and SIGKILL one second later
 * (odls_base_sigkill_timeout), and the file must be closed before that. */
#define DRAIN_TIMEOUT 0.4

typedef struct slot {
    char *data;               /* the result message: header, then rows */
    size_t len;
    int64_t cells;
    int state;                /* 0 free, 1 handed out, 2 arrived */
} slot;

typedef struct coord {
    gs_runner *r;
    const gs_sweep_sink *sink;
    const atomic_int *stop;
    gs_error *err;
    int64_t begin, end, chunk, nchunks, window;
    int64_t next_hand, next_write, written;
    slot *ring;
    int *outstanding;
    int next_rank;            /* round-robin start, so ties spread over the ranks */
    bool halted;              /* hand out nothing more */
    bool gap;                 /* a chunk came back short: nothing after it can be written */
    gs_sweep_status why;      /* SINK_FAILED or FAILED once either happened; the first wins */
} coord;

static int64_t chunk_lo(const coord *c, int64_t i) { return c->begin + i * c->chunk; }
static int64_t chunk_hi(const coord *c, int64_t i)
{
    int64_t hi = c->begin + (i + 1) * c->chunk;
    return hi < c->end ? hi : c->end;
}

static bool stop_asked(const coord *c) { return c->stop && atomic_load(c->stop); }

/* Halts the sweep for `why`; the first failure's message is the one kept.
 * lost: a rank is gone, so the job ends with an abort. */
__attribute__((format(printf, 4, 5)))
static void halt(coord *c, gs_sweep_status why, bool lost, const char *fmt, ...)
{
    if (!c->why && fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
        va_end(ap);
    }
    if (!c->why)
        c->why = why;
    c->halted = true;
    if (lost)
        c->r->lost = true;
}

static void rank_failed(coord *c, int rank, int code)
{
    char text[MPI_MAX_ERROR_STRING];
    mpi_error_text(code, text);
    if (rank >= 0)
        halt(c, GS_SWEEP_FAILED, true, "rank %d failed (%s); stopping the sweep", rank, text);
    else
        halt(c, GS_SWEEP_FAILED, true, "a rank failed (%s); stopping the sweep", text);
}

static void hand_out(coord *c)
{
    const int size = c->r->size;
    for (int n = 1; n < size && !c->halted; n++) {
        int q = 1 + (c->next_rank + n - 1) % (size - 1);
        while (c->outstanding[q] < PER_RANK && c->next_hand < c->nchunks &&
               c->next_hand < c->next_write + c->window) {
            const int64_t i = c->next_hand;
            int64_t msg[4] = {K_WORK, i, chunk_lo(c, i), chunk_hi(c, i)};
            int e = MPI_Send(msg, 4, MPI_INT64_T, q, TAG_CTRL, MPI_COMM_WORLD);
            if (e != MPI_SUCCESS) {
                rank_failed(c, q, e);
                return;
            }
            c->ring[i % c->window].state = 1;
            c->outstanding[q]++;
            c->next_hand++;
        }
    }
    c->next_rank = c->next_rank % (size - 1) + 1;
}

/* Writes the arrived chunks that come next in cell order. */
static void flush(coord *c)
{
    while (c->next_write < c->next_hand && !c->gap) {
        slot *s = &c->ring[c->next_write % c->window];
        if (s->state != 2)
            return;
        const size_t off = HDR * sizeof(int64_t);
        if (s->cells > 0 && c->sink->write(c->sink->ctx, s->data + off, s->len - off, s->cells)) {
            halt(c, GS_SWEEP_SINK_FAILED, false, NULL);
            c->gap = true;
        } else {
            c->written += s->cells;
        }
        if (s->cells < chunk_hi(c, c->next_write) - chunk_lo(c, c->next_write))
            c->gap = c->halted = true;   /* cut short by a stop or a failure */
        free(s->data);
        *s = (slot){0};
        c->next_write++;
    }
}

/* Completes a receive while watching the stop flag: a blocking MPI_Recv from a
 * rank that was just killed never returns, and rank 0 must still close the
 * file before mpirun's SIGKILL. Returns 0, or -1 when given up. */
static int wait_request(const coord *c, MPI_Request *rq)
{
    double deadline = 0;
    int done = 0, us = 20;
    while (MPI_Test(rq, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) {
        if (stop_asked(c) && deadline == 0)
            deadline = mpi_now() + DRAIN_TIMEOUT / 2;
        if (deadline != 0 && mpi_now() > deadline)
            return -1;
        mpi_nap(&us);
    }
    return done ? 0 : -1;
}

/* Takes every result that has arrived; returns how many. */
static int receive(coord *c)
{
    int got = 0;
    for (;;) {
        int flag = 0, n = 0;
        MPI_Status st;
        int e = MPI_Iprobe(MPI_ANY_SOURCE, TAG_ROWS, MPI_COMM_WORLD, &flag, &st);
        if (e != MPI_SUCCESS) {
            rank_failed(c, -1, e);
            return got;
        }
        if (!flag)
            return got;
        MPI_Get_count(&st, MPI_BYTE, &n);
        char *data = malloc(n > 0 ? (size_t)n : 1);
        int64_t *scratch = c->r->scratch;
        MPI_Request rq;
        e = MPI_Irecv(data ? (void *)data : (void *)scratch,
                      data ? n : (int)sizeof c->r->scratch, MPI_BYTE, st.MPI_SOURCE, TAG_ROWS,
                      MPI_COMM_WORLD, &rq);
        if (e == MPI_SUCCESS && wait_request(c, &rq)) {
            /* The sender died mid-message (mpirun is ending the job): the
             * request may still write into data, so it is never freed. */
            halt(c, GS_SWEEP_FAILED, true, "rank %d stopped in the middle of a message",
                 st.MPI_SOURCE);
            return got;
        }
        if (e != MPI_SUCCESS) {
            free(data);
            rank_failed(c, st.MPI_SOURCE, e);
            return got;
        }
        if (!data || (size_t)n < sizeof c->r->scratch) {
            free(data);
            halt(c, GS_SWEEP_FAILED, true, "out of memory for rank %d's rows", st.MPI_SOURCE);
            return got;
        }
        int64_t hdr[HDR];
        memcpy(hdr, data, sizeof hdr);
        c->outstanding[st.MPI_SOURCE]--;
        got++;
        if (hdr[2] == CHUNK_NO_MEMORY)
            halt(c, GS_SWEEP_FAILED, true, "out of memory on rank %d", st.MPI_SOURCE);
        else if (hdr[2])
            halt(c, GS_SWEEP_FAILED, true, "rank %d could not train its chunk", st.MPI_SOURCE);
        slot *s = &c->ring[hdr[0] % c->window];
        *s = (slot){.data = data, .len = (size_t)n, .cells = hdr[1], .state = 2};
    }
}

static void stop_workers(const gs_runner *r)
{
    int64_t msg[4] = {K_STOP, 0, 0, 0};
    for (int q = 1; q < r->size; q++)
        MPI_Send(msg, 4, MPI_INT64_T, q, TAG_STOP, MPI_COMM_WORLD);
}

/* Rank 0's own chunk calls this between its pieces: the others are served
 * while it trains. */
static int root_service(void *ctx)
{
    coord *c = ctx;
    if (stop_asked(c))
        c->halted = true;
    receive(c);
    hand_out(c);
    flush(c);
    return c->halted ? -1 : 0;
}

static int64_t env_int(const char *name, int64_t dflt, int64_t lo, int64_t hi)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return dflt;
    return v;
}

/* Rank 0 trains chunk next_hand itself, serving the others between pieces. */
static void train_own_chunk(coord *c, const gs_sweep_task *task, membuf *own)
{
    const int64_t i = c->next_hand++;
    c->ring[i % c->window].state = 1;
    if (mpi_compute_into(own, task, chunk_lo(c, i), chunk_hi(c, i), c->stop) == GS_SWEEP_FAILED)
        halt(c, GS_SWEEP_FAILED, false, "out of memory");
    slot *s = &c->ring[i % c->window];
    *s = (slot){.data = own->data, .len = own->len, .cells = own->cells, .state = 2};
    *own = (membuf){.service = root_service, .service_ctx = c};
    flush(c);
}

/* Stopped early: let the workers cut their chunks short and write what
 * still joins on in cell order, then give up on anything missing. */
static void drain(coord *c)
{
    stop_workers(c->r);
    const double t0 = mpi_now();
    int us = 50;
    for (;;) {
        int pending = 0;
        for (int q = 1; q < c->r->size; q++)
            pending += c->outstanding[q];
        if (!pending || c->r->lost)
            break;
        if (mpi_now() - t0 > DRAIN_TIMEOUT) {
            for (int q = 1; q < c->r->size; q++)
                if (c->outstanding[q])
                    halt(c, GS_SWEEP_FAILED, true,
                         "rank %d failed or hangs: its chunk never came back; ending the job "
                         "without it", q);
            break;
        }
        if (!receive(c))
            mpi_nap(&us);
        flush(c);
    }
    c->gap = true;   /* the stop is final: the caller reports what was written */
}

gs_sweep_status mpi_root_compute(gs_runner *r, const gs_sweep_task *task,
                                 const gs_sweep_sink *sink, const atomic_int *stop,
                                 int64_t *written, gs_error *err)
{
    const int64_t begin = task->begin, end = task->end;
    *written = 0;
    if (end <= begin)
        return GS_SWEEP_DONE;
    coord c = {.r = r, .sink = sink, .stop = stop, .err = err, .begin = begin, .end = end};
    /* Chunks of a few thousand cells: big enough that a message costs nothing
     * next to its training, small enough that the last ones balance. */
    int64_t chunk = (end - begin) / ((int64_t)r->size * 16);
    chunk = chunk < 256 ? 256 : chunk > 4096 ? 4096 : chunk;
    c.chunk = env_int("GRIDSWEEP_MPI_CHUNK", (chunk + 63) / 64 * 64, 1, 1 << 20);
    c.nchunks = (end - begin + c.chunk - 1) / c.chunk;
    /* The reorder window, in chunks: room for every rank's outstanding ones
     * and some slack; independent of the grid, so memory stays bounded. */
    c.window = env_int("GRIDSWEEP_MPI_WINDOW", 2 * PER_RANK * (int64_t)r->size + 2, 2, 1 << 16);
    const bool root_works = env_int("GRIDSWEEP_MPI_ROOT_WORKS", 1, 0, 1) && r->serialized;
    c.ring = calloc((size_t)c.window, sizeof *c.ring);
    c.outstanding = calloc((size_t)r->size, sizeof *c.outstanding);
    membuf own = {.service = root_service, .service_ctx = &c};
    if (!c.ring || !c.outstanding) {
        free(c.ring);
        free(c.outstanding);
        gs_fail(err, "out of memory");
        return GS_SWEEP_FAILED;
    }

    int64_t map[4] = {K_MAP, 0, 0, 0};
    for (int q = 1; q < r->size && !c.halted; q++) {
        int e = MPI_Send(map, 4, MPI_INT64_T, q, TAG_CTRL, MPI_COMM_WORLD);
        if (e == MPI_SUCCESS)
            e = MPI_Send(task->cfg, sizeof *task->cfg, MPI_BYTE, q, TAG_CFG, MPI_COMM_WORLD);
        if (e != MPI_SUCCESS)
            rank_failed(&c, q, e);
    }
    int us = 50;
    while (c.next_write < c.nchunks && !c.halted) {
        if (stop_asked(&c)) {
            c.halted = true;
            break;
        }
        hand_out(&c);
        const int got = receive(&c);
        flush(&c);
        if (c.halted)
            break;
        if (root_works && c.next_hand < c.nchunks && c.next_hand < c.next_write + c.window) {
            train_own_chunk(&c, task, &own);
            us = 50;
        } else if (got) {
            us = 50;
        } else {
            mpi_nap(&us);
        }
    }
    if (c.next_write < c.nchunks && !r->lost)
        drain(&c);
    for (int64_t i = 0; i < c.window; i++)
        free(c.ring[i].data);
    free(own.data);
    free(c.ring);
    free(c.outstanding);
    *written = c.written;
    if (c.written == end - begin)
        return GS_SWEEP_DONE;
    return c.why ? c.why : GS_SWEEP_STOPPED;
}
