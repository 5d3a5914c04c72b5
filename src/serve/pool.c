/* The tile jobs. A request for a map finds it in the disk cache, or joins
 * the job already computing it, or queues a new one; worker threads take the
 * queue in order and compute each job with gs_sweep_compute, so the text is
 * the header and rows a CLI run of that plane writes.
 *
 * Cancellation: each client numbers its views (gen); a job remembers which
 * (client, gen) asked for it. When a client moves to a newer view, a job that
 * only its older views wanted is dropped from the queue, or stopped through
 * its stop flag if running (the sweep sees it within a segment), and its
 * waiting requests are answered "cancelled".
 *
 * One mutex guards the job list and the client table; the training runs
 * outside it. */
#include <stdlib.h>
#include <string.h>

#include "gridsweep/map.h"
#include "serve_impl.h"

#define MAX_WANT 8        /* (client, gen) pairs remembered per job */
#define MAX_CLIENTS 64    /* the least recently seen client is forgotten */
#define CLIENT_LEN 32

typedef enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_CANCELLED, JOB_FAILED } job_state;

typedef struct want {
    char client[CLIENT_LEN + 1];
    uint64_t gen;
} want;

typedef struct job {
    gs_sweep_config cfg;
    char *header;
    job_state state;
    atomic_int stop;
    char *text;          /* header + rows, as the job goes */
    size_t len, cap;
    bool out_of_memory;
    gs_error err;
    int waiters;         /* requests waiting for it; the last one frees it */
    want wants[MAX_WANT];
    int nwant;
    struct job *next;
} job;

typedef struct client {
    char id[CLIENT_LEN + 1];
    uint64_t gen, seen;
} client;

struct serve_pool {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    job *jobs;              /* in queue order */
    int active;             /* jobs queued or running */
    bool shutdown;
    client clients[MAX_CLIENTS];
    uint64_t clock;
    const gs_kernels *kernels;
    int threads, max_queue, nworkers;
    const char *cache_dir;
    pthread_t *workers;
};

/* ---- clients (under mu) ---- */

static client *find_client(serve_pool *p, const char *id, bool add)
{
    client *oldest = &p->clients[0];
    for (int i = 0; i < MAX_CLIENTS; i++) {
        client *c = &p->clients[i];
        if (c->id[0] && strcmp(c->id, id) == 0) {
            c->seen = ++p->clock;
            return c;
        }
        if (c->seen < oldest->seen)
            oldest = c;
    }
    if (!add)
        return NULL;
    snprintf(oldest->id, sizeof oldest->id, "%s", id);
    oldest->gen = 0;
    oldest->seen = ++p->clock;
    return oldest;
}

/* Still wanted by some view that is its client's current one. */
static bool wanted(serve_pool *p, const job *j)
{
    for (int i = 0; i < j->nwant; i++) {
        const client *c = find_client(p, j->wants[i].client, false);
        if (!c || j->wants[i].gen >= c->gen)
            return true;
    }
    return false;
}

static void add_want(job *j, const char *id, uint64_t gen)
{
    for (int i = 0; i < j->nwant; i++)
        if (strcmp(j->wants[i].client, id) == 0) {
            if (gen > j->wants[i].gen)
                j->wants[i].gen = gen;
            return;
        }
    /* Full: the job then stays wanted by the first ones, which errs on the
     * side of finishing it. */
    if (j->nwant < MAX_WANT) {
        snprintf(j->wants[j->nwant].client, CLIENT_LEN + 1, "%s", id);
        j->wants[j->nwant++].gen = gen;
    }
}

/* ---- jobs (under mu) ---- */

static void unlink_job(serve_pool *p, job *j)
{
    for (job **q = &p->jobs; *q; q = &(*q)->next)
        if (*q == j) {
            *q = j->next;
            return;
        }
}

static void free_job(job *j)
{
    free(j->header);
    free(j->text);
    free(j);
}

static void finish(serve_pool *p, job *j, job_state state)
{
    if (j->state == JOB_QUEUED || j->state == JOB_RUNNING)
        p->active--;
    j->state = state;
    pthread_cond_broadcast(&p->done);
}

/* Drops or stops every job no current view wants (everything at shutdown). */
static void cancel_stale(serve_pool *p)
{
    for (job *j = p->jobs; j; j = j->next) {
        if ((j->state != JOB_QUEUED && j->state != JOB_RUNNING) || (!p->shutdown && wanted(p, j)))
            continue;
        if (j->state == JOB_QUEUED)
            finish(p, j, JOB_CANCELLED);
        else
            atomic_store(&j->stop, 1);
    }
}

/* ---- the workers ---- */

static int append(void *ctx, const char *text, size_t len, int64_t cells)
{
    (void)cells;
    job *j = ctx;
    if (j->len + len + 1 > j->cap) {
        size_t cap = j->cap * 2 > j->len + len + 1 ? j->cap * 2 : j->len + len + 1;
        char *t = realloc(j->text, cap);
        if (!t) {
            j->out_of_memory = true;
            return -1;
        }
        j->text = t, j->cap = cap;
    }
    memcpy(j->text + j->len, text, len);
    j->len += len;
    j->text[j->len] = '\0';
    return 0;
}

/* Runs outside the mutex: the job is RUNNING, only this worker writes it. */
static job_state compute(serve_pool *p, job *j)
{
    gs_train_plan *plans;   /* one per seed (gs_sweep_plans_init) */
    if (gs_sweep_plans_init(&j->cfg, &plans, &j->err))
        return JOB_FAILED;
    j->len = 0;
    if (append(j, j->header, strlen(j->header), 0)) {
        gs_sweep_plans_free(plans, j->cfg.train.seeds);
        gs_fail(&j->err, "out of memory");
        return JOB_FAILED;
    }
    const gs_sweep_task task = {.cfg = &j->cfg, .kernels = p->kernels, .plan = plans,
                                .begin = 0, .end = (int64_t)j->cfg.x.n * j->cfg.y.n,
                                .threads = p->threads};
    const gs_sweep_sink sink = {append, j};
    int64_t written;
    const gs_sweep_status st = gs_sweep_compute(&task, &sink, &j->stop, &written, &j->err);
    gs_sweep_plans_free(plans, j->cfg.train.seeds);
    if (st == GS_SWEEP_DONE) {
        if (p->cache_dir)
            serve_cache_put(p->cache_dir, j->header, j->text, j->len);
        return JOB_DONE;
    }
    if (st == GS_SWEEP_STOPPED)
        return JOB_CANCELLED;
    if (st == GS_SWEEP_SINK_FAILED || j->out_of_memory)
        gs_fail(&j->err, "out of memory");
    return JOB_FAILED;
}

static void *worker(void *arg)
{
    serve_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        job *j = p->jobs;
        while (j && j->state != JOB_QUEUED)
            j = j->next;
        if (p->shutdown)
            break;
        if (!j) {
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        j->state = JOB_RUNNING;
        pthread_mutex_unlock(&p->mu);
        const job_state end = compute(p, j);
        pthread_mutex_lock(&p->mu);
        finish(p, j, end);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

serve_pool *serve_pool_start(const gs_kernels *k, int workers, int threads, int max_queue,
                             const char *cache_dir, gs_error *err)
{
    serve_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->workers = calloc((size_t)workers, sizeof *p->workers))) {
        free(p);
        gs_fail(err, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->kernels = k, p->threads = threads, p->max_queue = max_queue, p->cache_dir = cache_dir;
    for (; p->nworkers < workers; p->nworkers++)
        if (pthread_create(&p->workers[p->nworkers], NULL, worker, p) != 0) {
            gs_fail(err, "serve: cannot start worker threads");
            serve_pool_stop(p);
            return NULL;
        }
    return p;
}

/* The client is at view gen (or a newer one): jobs only its older views
 * wanted stop. Returns its entry. Under mu. */
static client *move_client(serve_pool *p, const char *id, uint64_t gen)
{
    client *c = find_client(p, id, true);
    if (gen > c->gen) {
        c->gen = gen;
        cancel_stale(p);
    }
    return c;
}

void serve_pool_view(serve_pool *p, const char *id, uint64_t gen)
{
    pthread_mutex_lock(&p->mu);
    move_client(p, id, gen);
    pthread_mutex_unlock(&p->mu);
}

/* A job computing the same header that nobody has stopped, or NULL. */
static job *find_job(serve_pool *p, const char *header)
{
    for (job *j = p->jobs; j; j = j->next)
        if ((j->state == JOB_QUEUED || (j->state == JOB_RUNNING && !atomic_load(&j->stop))) &&
            strcmp(j->header, header) == 0)
            return j;
    return NULL;
}

/* The job computing cfg: one already asked for, or a new one at the end of
 * the queue (taking *header). NULL and *res when there is none. Under mu. */
static job *join_or_queue(serve_pool *p, const gs_sweep_config *cfg, char **header,
                          const char *id, uint64_t gen, serve_result *res, gs_error *err)
{
    const client *c = move_client(p, id, gen);
    if (p->shutdown)
        return *res = SERVE_SHUTDOWN, NULL;
    if (gen < c->gen)
        return *res = SERVE_CANCELLED, NULL;   /* a view its client has left */
    job *j = find_job(p, *header);
    if (j)
        return j;
    if (p->active >= p->max_queue)
        return *res = SERVE_BUSY, NULL;
    if (!(j = calloc(1, sizeof *j))) {
        gs_fail(err, "out of memory");
        return *res = SERVE_FAILED, NULL;
    }
    j->cfg = *cfg;
    j->header = *header;
    *header = NULL;
    j->state = JOB_QUEUED;
    job **q = &p->jobs;
    while (*q)
        q = &(*q)->next;
    *q = j;
    p->active++;
    pthread_cond_signal(&p->work);
    return j;
}

/* Waits for j to end and takes its text; the last waiter frees it. Under mu. */
static serve_result wait_for(serve_pool *p, job *j, char **text, size_t *len, gs_error *err)
{
    serve_result res = SERVE_OK;
    j->waiters++;
    while (j->state == JOB_QUEUED || j->state == JOB_RUNNING)
        pthread_cond_wait(&p->done, &p->mu);
    if (j->state == JOB_DONE && (*text = malloc(j->len + 1))) {
        memcpy(*text, j->text, j->len + 1);
        *len = j->len;
    } else if (j->state == JOB_DONE) {
        res = SERVE_FAILED;
        gs_fail(err, "out of memory");
    } else if (j->state == JOB_FAILED) {
        res = SERVE_FAILED;
        *err = j->err;
    } else {
        res = p->shutdown ? SERVE_SHUTDOWN : SERVE_CANCELLED;
    }
    if (--j->waiters == 0) {
        unlink_job(p, j);
        free_job(j);
    }
    return res;
}

serve_result serve_pool_get(serve_pool *p, const gs_sweep_config *cfg, const char *id,
                            uint64_t gen, char **text, size_t *len, bool *cached,
                            gs_error *err)
{
    *cached = false;
    char *header = gs_map_header(&cfg->train, &cfg->plane);
    if (!header)
        return gs_fail(err, "out of memory"), SERVE_FAILED;
    const int hit = p->cache_dir ? serve_cache_get(p->cache_dir, header, text, len) : 0;
    if (hit) {
        free(header);
        if (hit < 0)
            return gs_fail(err, "out of memory"), SERVE_FAILED;
        *cached = true;
        return SERVE_OK;
    }
    serve_result res;
    pthread_mutex_lock(&p->mu);
    job *j = join_or_queue(p, cfg, &header, id, gen, &res, err);
    if (j) {
        add_want(j, id, gen);
        res = wait_for(p, j, text, len, err);
    }
    pthread_mutex_unlock(&p->mu);
    free(header);
    return res;
}

void serve_pool_shutdown(serve_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->shutdown = true;
    cancel_stale(p);
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void serve_pool_stop(serve_pool *p)
{
    serve_pool_shutdown(p);
    for (int i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    /* The daemon stopped first: every request has been answered, no job is left. */
    while (p->jobs) {
        job *j = p->jobs;
        p->jobs = j->next;
        free_job(j);
    }
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->workers);
    free(p);
}
