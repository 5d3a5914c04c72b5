/* The sweep over MPI. Rank 0 coordinates: it hands chunks of cells to the
 * ranks as they ask (at most PER_RANK outstanding each, so a slow node only
 * holds its own chunks), keeps the results that arrive early in a ring of
 * `window` chunks (bounded memory: no chunk beyond the window is handed out)
 * and writes them through the caller's sink in cell order. A cell's row
 * depends only on the settings and its index, so the file is byte-identical
 * to the single-process one, and resume is the single-process resume.
 *
 * Messages: rank 0 -> worker on TAG_CTRL (int64 kind, a, b, c), MAP followed
 * by the gs_sweep_config bytes on TAG_CFG; TAG_STOP asks a worker to cut its
 * chunk short. Worker -> rank 0 on TAG_ROWS: int64 chunk, cells, status, 0,
 * then the rows' text (whole rows, a prefix of the chunk). */
#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "interrupt.h"
#include "mpi_driver.h"

enum { TAG_CTRL = 1, TAG_CFG, TAG_STOP, TAG_ROWS };
enum { K_MAP = 1, K_WORK, K_QUIT, K_STOP };

#define PER_RANK 2            /* chunks outstanding per worker: one computing, one queued */
#define HDR 4                 /* int64 words before the rows of a result */
/* Seconds to wait for cut-short chunks after a stop: mpirun turns Ctrl-C and
 * a dead rank into SIGTERM for every rank and SIGKILL one second later
 * (odls_base_sigkill_timeout), and the file must be closed before that. */
#define DRAIN_TIMEOUT 0.4

static bool g_on;             /* MPI initialised */
static int g_rank, g_size = 1;
static bool g_serialized;     /* MPI may be called from inside OpenMP regions (one at a time) */
static bool g_gated, g_running, g_failed;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Idle waits sleep instead of spinning in a blocking MPI call: OpenMPI busy
 * polls, which would steal a core from the training on a shared node. */
static void nap(int *us)
{
    struct timespec ts = {0, (long)*us * 1000};
    nanosleep(&ts, NULL);
    if (*us < 2000)
        *us *= 2;
}

static bool launched(void)
{
    const char *force = getenv("GRIDSWEEP_MPI");
    if (force)
        return strcmp(force, "0") != 0;
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE", "PMI_FD", "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

void mpi_init(int *argc, char ***argv)
{
    if (!launched())
        return;
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return;
    g_on = true;
    g_serialized = provided >= MPI_THREAD_SERIALIZED;
    /* Failures come back as codes, so rank 0 can keep the file and explain. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (g_rank > 0) {
        /* Every rank parses the same argv; one copy of each message is enough. */
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            return;
    }
}

int mpi_rank(void) { return g_rank; }
bool mpi_parallel(void) { return g_on && g_size > 1; }

static const char *mpi_msg(int code)
{
    static char s[MPI_MAX_ERROR_STRING];
    int n = 0;
    if (MPI_Error_string(code, s, &n) != MPI_SUCCESS)
        snprintf(s, sizeof s, "MPI error %d", code);
    return s;
}

int mpi_gate(int rc, bool ready)
{
    if (g_gated || !mpi_parallel()) {
        g_gated = true;
        return rc;
    }
    g_gated = true;
    int mine[2] = {rc, ready}, verdict[2] = {0, rc};   /* go, status */
    int *all = g_rank == 0 ? malloc(sizeof(int) * 2 * (size_t)g_size) : NULL;
    int e = MPI_Gather(mine, 2, MPI_INT, all, 2, MPI_INT, 0, MPI_COMM_WORLD);
    if (e == MPI_SUCCESS && g_rank == 0) {
        verdict[0] = ready && rc == 0;
        for (int r = 1; r < g_size && verdict[0]; r++) {
            if (!all[2 * r + 1] || all[2 * r]) {
                /* Only rank 0 speaks; the other rank's own message went nowhere. */
                fprintf(stderr,
                        "gridsweep: rank %d could not set up this sweep (exit status %d); "
                        "run the same command alone on its node to see why\n",
                        r, all[2 * r] ? all[2 * r] : EXIT_FAILURE);
                verdict[0] = 0;
                verdict[1] = all[2 * r] ? all[2 * r] : EXIT_FAILURE;
            }
        }
    }
    free(all);
    if (e == MPI_SUCCESS)
        e = MPI_Bcast(verdict, 2, MPI_INT, 0, MPI_COMM_WORLD);
    if (e != MPI_SUCCESS) {
        g_failed = true;
        return cli_runtime_error("MPI: %s", mpi_msg(e));
    }
    g_running = verdict[0];
    return verdict[0] ? 0 : verdict[1];
}

/* ---- memory sink: the rows of one chunk, after a HDR-word header ---- */

typedef struct membuf {
    char *data;
    size_t len, cap;
    int64_t cells;
    int (*service)(void *);   /* called after each piece; non-zero: cut the chunk short */
    void *service_ctx;
} membuf;

static int mem_reserve(membuf *m, size_t more)
{
    if (m->len + more <= m->cap)
        return 0;
    size_t cap = m->cap ? m->cap : 1 << 16;
    while (cap < m->len + more)
        cap *= 2;
    char *d = realloc(m->data, cap);
    if (!d)
        return -1;
    m->data = d;
    m->cap = cap;
    return 0;
}

static int mem_write(void *ctx, const char *text, size_t len, int64_t cells)
{
    membuf *m = ctx;
    if (mem_reserve(m, len))
        return -1;
    memcpy(m->data + m->len, text, len);
    m->len += len;
    m->cells += cells;
    return m->service ? m->service(m->service_ctx) : 0;
}

/* Trains [lo, hi) into m (after its header); returns the cells done. */
static int64_t compute_into(membuf *m, const gs_sweep_config *cfg, const gs_kernels *k,
                            const gs_train_plan *plan, int64_t lo, int64_t hi, int threads)
{
    m->len = HDR * sizeof(int64_t);
    m->cells = 0;
    if (mem_reserve(m, 0) || mem_reserve(m, (size_t)(hi - lo) * 200))
        return 0;
    gs_sweep_sink sink = {mem_write, m};
    gs_sweep_compute(cfg, k, plan, lo, hi, threads, &sink, NULL);
    return m->cells;
}

/* ---- workers ---- */

typedef struct worker {
    const atomic_int *sig;
    bool stopping;            /* rank 0 or a signal asked to stop: answer the rest empty */
    int error;                /* an MPI call failed */
} worker;

static int worker_service(void *ctx)
{
    worker *w = ctx;
    if (w->stopping || atomic_load(w->sig))
        return w->stopping = true, -1;
    int flag = 0;
    MPI_Status st;
    if (g_serialized && MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, &st) == MPI_SUCCESS &&
        flag) {
        int64_t msg[4];
        MPI_Recv(msg, 4, MPI_INT64_T, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        w->stopping = true;
        return -1;
    }
    return 0;
}

/* MPI_Wait without the busy loop: on a shared node the spinning would take
 * the core that rank 0 needs to receive this very message. */
static int polite_wait(MPI_Request *rq)
{
    int done = 0, us = 20, e;
    while ((e = MPI_Test(rq, &done, MPI_STATUS_IGNORE)) == MPI_SUCCESS && !done)
        nap(&us);
    return e;
}

int mpi_worker(const gs_kernels *k, int threads)
{
    worker w = {.sig = interrupt_install()};
    int rc = mpi_gate(0, true);
    if (rc || !g_running)
        return rc;
    gs_sweep_config cfg;
    gs_train_plan plan;
    bool have_plan = false;
    int plan_status = 0;
    /* Two buffers: one being sent while the next chunk trains. */
    membuf buf[2] = {{.service = worker_service, .service_ctx = &w},
                     {.service = worker_service, .service_ctx = &w}};
    MPI_Request req[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    int cur = 0, status = EXIT_FAILURE, e = MPI_SUCCESS;
    for (;;) {
        int flag = 0, us = 50;
        MPI_Status st;
        while ((e = MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st)) == MPI_SUCCESS &&
               !flag)
            nap(&us);
        int64_t msg[4];
        if (e != MPI_SUCCESS ||
            (e = MPI_Recv(msg, 4, MPI_INT64_T, 0, st.MPI_TAG, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE)) != MPI_SUCCESS)
            break;
        if (st.MPI_TAG == TAG_STOP) {
            w.stopping = true;
        } else if (msg[0] == K_MAP) {
            if ((e = MPI_Recv(&cfg, sizeof cfg, MPI_BYTE, 0, TAG_CFG, MPI_COMM_WORLD,
                              MPI_STATUS_IGNORE)) != MPI_SUCCESS)
                break;
            if (have_plan)
                gs_train_plan_free(&plan);
            gs_error err;
            have_plan = gs_train_plan_init(&plan, &cfg.train, &err) == 0;
            plan_status = have_plan ? 0 : EXIT_FAILURE;
        } else if (msg[0] == K_WORK) {
            membuf *m = &buf[cur];
            if ((e = polite_wait(&req[cur])) != MPI_SUCCESS)
                break;
            m->len = HDR * sizeof(int64_t);
            m->cells = 0;
            int st_code = plan_status;
            if (atomic_load(w.sig))
                w.stopping = true;
            if (have_plan && !w.stopping)
                compute_into(m, &cfg, k, &plan, msg[2], msg[3], threads);
            if (mem_reserve(m, 0)) {
                st_code = EXIT_FAILURE;
                m->len = 0;
            }
            int64_t hdr[HDR] = {msg[1], m->cells, st_code, 0};
            if (m->len < sizeof hdr) {   /* out of memory: the header alone */
                static int64_t bare[HDR];
                memcpy(bare, hdr, sizeof hdr);
                e = MPI_Send(bare, sizeof bare, MPI_BYTE, 0, TAG_ROWS, MPI_COMM_WORLD);
            } else {
                memcpy(m->data, hdr, sizeof hdr);
                e = MPI_Isend(m->data, (int)m->len, MPI_BYTE, 0, TAG_ROWS, MPI_COMM_WORLD,
                              &req[cur]);
                cur ^= 1;
            }
            if (e != MPI_SUCCESS)
                break;
        } else if (msg[0] == K_QUIT) {
            status = (int)msg[1];
            break;
        }
    }
    for (int i = 0; i < 2 && e == MPI_SUCCESS; i++)
        e = polite_wait(&req[i]);
    if (e != MPI_SUCCESS) {
        g_failed = true;   /* rank 0 is gone or unreachable: end the job */
        status = EXIT_FAILURE;
    }
    if (have_plan)
        gs_train_plan_free(&plan);
    free(buf[0].data);
    free(buf[1].data);
    return status;
}

/* ---- rank 0 ---- */

typedef struct slot {
    char *data;               /* the result message: header, then rows */
    size_t len;
    int64_t cells;
    int state;                /* 0 free, 1 handed out, 2 arrived */
} slot;

typedef struct coord {
    const gs_sweep_config *cfg;
    const gs_sweep_sink *sink;
    const atomic_int *stop;
    int64_t begin, end, chunk, nchunks, window;
    int64_t next_hand, next_write, written;
    slot *ring;
    int *outstanding;
    int next_rank;            /* round-robin start, so ties spread over the ranks */
    bool halted;              /* hand out nothing more */
    bool gap;                 /* a chunk came back short: nothing after it can be written */
    bool write_failed;
} coord;

static int64_t chunk_lo(const coord *c, int64_t i) { return c->begin + i * c->chunk; }
static int64_t chunk_hi(const coord *c, int64_t i)
{
    int64_t hi = c->begin + (i + 1) * c->chunk;
    return hi < c->end ? hi : c->end;
}

static void rank_failed(coord *c, int rank, int code)
{
    if (rank >= 0)
        fprintf(stderr, "gridsweep: rank %d failed (%s); stopping the sweep\n", rank,
                mpi_msg(code));
    else
        fprintf(stderr, "gridsweep: a rank failed (%s); stopping the sweep\n", mpi_msg(code));
    g_failed = true;
    c->halted = true;
}

static void hand_out(coord *c)
{
    for (int n = 1; n < g_size && !c->halted; n++) {
        int r = 1 + (c->next_rank + n - 1) % (g_size - 1);
        while (c->outstanding[r] < PER_RANK && c->next_hand < c->nchunks &&
               c->next_hand < c->next_write + c->window) {
            const int64_t i = c->next_hand;
            int64_t msg[4] = {K_WORK, i, chunk_lo(c, i), chunk_hi(c, i)};
            int e = MPI_Send(msg, 4, MPI_INT64_T, r, TAG_CTRL, MPI_COMM_WORLD);
            if (e != MPI_SUCCESS)
                return rank_failed(c, r, e);
            c->ring[i % c->window].state = 1;
            c->outstanding[r]++;
            c->next_hand++;
        }
    }
    c->next_rank = c->next_rank % (g_size - 1) + 1;
}

/* Writes the arrived chunks that come next in cell order. */
static void flush(coord *c)
{
    while (c->next_write < c->next_hand && !c->gap) {
        slot *s = &c->ring[c->next_write % c->window];
        if (s->state != 2)
            return;
        const size_t off = HDR * sizeof(int64_t);
        if (!c->write_failed && s->cells > 0 &&
            c->sink->write(c->sink->ctx, s->data + off, s->len - off, s->cells)) {
            c->write_failed = c->halted = true;
            s->cells = 0;
        }
        if (c->write_failed)
            c->gap = true;
        else
            c->written += s->cells;
        if (s->cells < chunk_hi(c, c->next_write) - chunk_lo(c, c->next_write))
            c->gap = c->halted = true;   /* cut short by a stop */
        free(s->data);
        *s = (slot){0};
        c->next_write++;
    }
}

static bool stop_asked(const coord *c) { return c->stop && atomic_load(c->stop); }

/* Completes a receive while watching the stop flag: a blocking MPI_Recv from a
 * rank that was just killed never returns, and rank 0 must still close the
 * file before mpirun's SIGKILL. Returns 0, or -1 when given up. */
static int wait_request(const coord *c, MPI_Request *rq)
{
    double deadline = 0;
    int done = 0, us = 20;
    while (MPI_Test(rq, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) {
        if (stop_asked(c) && deadline == 0)
            deadline = now() + DRAIN_TIMEOUT / 2;
        if (deadline != 0 && now() > deadline)
            return -1;
        nap(&us);
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
        static int64_t scratch[HDR];
        MPI_Request rq;
        e = MPI_Irecv(data ? (void *)data : (void *)scratch, data ? n : (int)sizeof scratch,
                      MPI_BYTE, st.MPI_SOURCE, TAG_ROWS, MPI_COMM_WORLD, &rq);
        if (e == MPI_SUCCESS && wait_request(c, &rq)) {
            /* The sender died mid-message (mpirun is ending the job): the
             * request may still write into data, so it is never freed. */
            fprintf(stderr, "gridsweep: rank %d stopped in the middle of a message\n",
                    st.MPI_SOURCE);
            g_failed = c->halted = true;
            return got;
        }
        if (e != MPI_SUCCESS || !data || (size_t)n < sizeof scratch) {
            free(data);
            if (e == MPI_SUCCESS)
                fprintf(stderr, "gridsweep: out of memory for rank %d's rows\n", st.MPI_SOURCE);
            rank_failed(c, st.MPI_SOURCE, e == MPI_SUCCESS ? MPI_ERR_NO_MEM : e);
            return got;
        }
        int64_t hdr[HDR];
        memcpy(hdr, data, sizeof hdr);
        c->outstanding[st.MPI_SOURCE]--;
        got++;
        if (hdr[2]) {
            fprintf(stderr, "gridsweep: rank %d could not train its chunk\n", st.MPI_SOURCE);
            g_failed = c->halted = true;
        }
        slot *s = &c->ring[hdr[0] % c->window];
        *s = (slot){.data = data, .len = (size_t)n, .cells = hdr[1], .state = 2};
    }
}

static void stop_workers(void)
{
    int64_t msg[4] = {K_STOP, 0, 0, 0};
    for (int r = 1; r < g_size; r++)
        MPI_Send(msg, 4, MPI_INT64_T, r, TAG_STOP, MPI_COMM_WORLD);
}

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

int64_t mpi_sweep_compute(const gs_sweep_config *cfg, const gs_kernels *k,
                          const gs_train_plan *plan, int64_t begin, int64_t end, int threads,
                          const gs_sweep_sink *sink, const atomic_int *stop)
{
    if (!mpi_parallel())
        return gs_sweep_compute(cfg, k, plan, begin, end, threads, sink, stop);
    if (end <= begin)
        return 0;
    coord c = {.cfg = cfg, .sink = sink, .stop = stop, .begin = begin, .end = end};
    /* Chunks of a few thousand cells: big enough that a message costs nothing
     * next to its training, small enough that the last ones balance. */
    int64_t chunk = (end - begin) / ((int64_t)g_size * 16);
    chunk = chunk < 256 ? 256 : chunk > 4096 ? 4096 : chunk;
    c.chunk = env_int("GRIDSWEEP_MPI_CHUNK", (chunk + 63) / 64 * 64, 1, 1 << 20);
    c.nchunks = (end - begin + c.chunk - 1) / c.chunk;
    /* The reorder window, in chunks: room for every rank's outstanding ones
     * and some slack; independent of the grid, so memory stays bounded. */
    c.window = env_int("GRIDSWEEP_MPI_WINDOW", 2 * PER_RANK * (int64_t)g_size + 2, 2, 1 << 16);
    const bool root_works = env_int("GRIDSWEEP_MPI_ROOT_WORKS", 1, 0, 1) && g_serialized;
    c.ring = calloc((size_t)c.window, sizeof *c.ring);
    c.outstanding = calloc((size_t)g_size, sizeof *c.outstanding);
    membuf own = {.service = root_service, .service_ctx = &c};
    if (!c.ring || !c.outstanding) {
        fprintf(stderr, "gridsweep: out of memory\n");
        g_failed = true;
        free(c.ring);
        free(c.outstanding);
        return 0;
    }

    int64_t map[4] = {K_MAP, 0, 0, 0};
    for (int r = 1; r < g_size && !c.halted; r++) {
        int e = MPI_Send(map, 4, MPI_INT64_T, r, TAG_CTRL, MPI_COMM_WORLD);
        if (e == MPI_SUCCESS)
            e = MPI_Send(cfg, sizeof *cfg, MPI_BYTE, r, TAG_CFG, MPI_COMM_WORLD);
        if (e != MPI_SUCCESS)
            rank_failed(&c, r, e);
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
        if (root_works && c.next_hand < c.nchunks &&
            c.next_hand < c.next_write + c.window) {
            /* Rank 0 trains a chunk too, serving the others between pieces. */
            const int64_t i = c.next_hand++;
            c.ring[i % c.window].state = 1;
            compute_into(&own, cfg, k, plan, chunk_lo(&c, i), chunk_hi(&c, i), threads);
            slot *s = &c.ring[i % c.window];
            *s = (slot){.data = own.data, .len = own.len, .cells = own.cells, .state = 2};
            own = (membuf){.service = root_service, .service_ctx = &c};
            flush(&c);
            us = 50;
        } else if (got) {
            us = 50;
        } else {
            nap(&us);
        }
    }

    /* Stopped early: let the workers cut their chunks short and write what
     * still joins on in cell order, then give up on anything missing. */
    if (c.next_write < c.nchunks && !g_failed) {
        if (stop_asked(&c) && atomic_load(stop) == SIGTERM)
            fprintf(stderr, "gridsweep: terminated (mpirun ends every rank this way when one "
                            "rank fails or the job is interrupted)\n");
        stop_workers();
        const double t0 = now();
        for (;;) {
            int pending = 0;
            for (int r = 1; r < g_size; r++)
                pending += c.outstanding[r];
            if (!pending || g_failed)
                break;
            if (now() - t0 > DRAIN_TIMEOUT) {
                for (int r = 1; r < g_size; r++)
                    if (c.outstanding[r])
                        fprintf(stderr, "gridsweep: rank %d failed or hangs: its chunk never "
                                        "came back; ending the job without it\n", r);
                g_failed = true;
                break;
            }
            if (!receive(&c))
                nap(&us);
            flush(&c);
        }
        c.gap = true;   /* the stop is final: the caller reports what was written */
    }
    for (int64_t i = 0; i < c.window; i++)
        free(c.ring[i].data);
    free(own.data);
    free(c.ring);
    free(c.outstanding);
    return c.written;
}

int mpi_finish(int rc)
{
    if (!g_on)
        return rc;
    if (!g_gated)
        rc = mpi_gate(rc, false);
    if (g_rank == 0 && g_running && !g_failed) {
        int64_t msg[4] = {K_QUIT, rc, 0, 0};
        for (int r = 1; r < g_size; r++)
            MPI_Send(msg, 4, MPI_INT64_T, r, TAG_CTRL, MPI_COMM_WORLD);
    }
    if (g_failed) {
        /* A rank is gone, so MPI_Finalize would wait for it forever. The
         * file was closed before, with whole rows only. */
        fflush(NULL);
        MPI_Abort(MPI_COMM_WORLD, rc ? rc : EXIT_FAILURE);
    }
    MPI_Finalize();
    return rc;
}
