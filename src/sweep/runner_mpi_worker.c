/* Ranks > 0 of the MPI runner: train the chunks rank 0 hands out and send
 * their rows back, until rank 0 says the job is done. */
#include <stdlib.h>
#include <string.h>

#include "runner_mpi.h"

typedef struct worker {
    const gs_runner *r;
    const atomic_int *stop;
    bool stopping;            /* rank 0 or a signal asked to stop: answer the rest empty */
} worker;

/* Between pieces of a chunk: a signal here, or a stop from rank 0, cuts the
 * chunk short. */
static int worker_service(void *ctx)
{
    worker *w = ctx;
    if (w->stopping || atomic_load(w->stop))
        return w->stopping = true, -1;
    int flag = 0;
    MPI_Status st;
    if (w->r->serialized &&
        MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, &st) == MPI_SUCCESS && flag) {
        int64_t msg[4];
        MPI_Recv(msg, 4, MPI_INT64_T, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        w->stopping = true;
        return -1;
    }
    return 0;
}

/* Waits (napping) for rank 0's next message and receives its words. */
static int next_message(int64_t msg[4], int *tag)
{
    int flag = 0, us = 50, e;
    MPI_Status st;
    while ((e = MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st)) == MPI_SUCCESS && !flag)
        mpi_nap(&us);
    if (e != MPI_SUCCESS)
        return e;
    *tag = st.MPI_TAG;
    return MPI_Recv(msg, 4, MPI_INT64_T, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

/* Trains chunk msg[1] = cells [msg[2], msg[3]) into m and sends it. */
static int send_chunk(worker *w, membuf *m, MPI_Request *req, const gs_sweep_task *task,
                      int status, const int64_t msg[4])
{
    m->len = HDR * sizeof(int64_t);
    m->cells = 0;
    if (atomic_load(w->stop))
        w->stopping = true;
    if (status == CHUNK_OK && !w->stopping &&
        mpi_compute_into(m, task, msg[2], msg[3], w->stop) == GS_SWEEP_FAILED)
        status = CHUNK_NO_MEMORY;
    if (mem_reserve(m, 0)) {
        status = CHUNK_NO_MEMORY;
        m->len = 0;
    }
    int64_t hdr[HDR] = {msg[1], m->cells, status, 0};
    if (m->len < sizeof hdr)   /* out of memory: the header alone */
        return MPI_Send(hdr, sizeof hdr, MPI_BYTE, 0, TAG_ROWS, MPI_COMM_WORLD);
    memcpy(m->data, hdr, sizeof hdr);
    return MPI_Isend(m->data, (int)m->len, MPI_BYTE, 0, TAG_ROWS, MPI_COMM_WORLD, req);
}

int gs_runner_serve(gs_runner *r, const gs_kernels *k, int threads, const atomic_int *stop,
                    gs_error *err)
{
    worker w = {.r = r, .stop = stop};
    int rc = mpi_gate(r, 0, true, err);
    if (r->lost)
        return -1;
    if (rc || !r->running)
        return rc;
    gs_sweep_config cfg;
    gs_train_plan *plans = NULL;   /* one per seed (gs_sweep_plans_init) */
    bool have_plan = false;
    gs_sweep_task task = {.cfg = &cfg, .kernels = k, .threads = threads};
    /* Two buffers: one being sent while the next chunk trains. */
    membuf buf[2] = {{.service = worker_service, .service_ctx = &w},
                     {.service = worker_service, .service_ctx = &w}};
    MPI_Request req[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    int cur = 0, status = -1, e = MPI_SUCCESS;
    for (;;) {
        int64_t msg[4];
        int tag = 0;
        if ((e = next_message(msg, &tag)) != MPI_SUCCESS)
            break;
        if (tag == TAG_STOP) {
            w.stopping = true;
        } else if (msg[0] == K_MAP) {
            if ((e = MPI_Recv(&cfg, sizeof cfg, MPI_BYTE, 0, TAG_CFG, MPI_COMM_WORLD,
                              MPI_STATUS_IGNORE)) != MPI_SUCCESS)
                break;
            if (have_plan)
                gs_sweep_plans_free(plans, cfg.train.seeds);
            gs_error plan_err;
            have_plan = gs_sweep_plans_init(&cfg, &plans, &plan_err) == 0;
            task.plan = plans;
        } else if (msg[0] == K_WORK) {
            /* The buffer's previous message must be gone before it is reused. */
            if ((e = mpi_polite_wait(&req[cur])) != MPI_SUCCESS ||
                (e = send_chunk(&w, &buf[cur], &req[cur], &task,
                                have_plan ? CHUNK_OK : CHUNK_NO_PLAN, msg)) != MPI_SUCCESS)
                break;
            if (req[cur] != MPI_REQUEST_NULL)
                cur ^= 1;
        } else if (msg[0] == K_QUIT) {
            status = (int)msg[1];
            break;
        }
    }
    for (int i = 0; i < 2 && e == MPI_SUCCESS; i++)
        e = mpi_polite_wait(&req[i]);
    if (e != MPI_SUCCESS) {
        char text[MPI_MAX_ERROR_STRING];
        mpi_error_text(e, text);
        r->lost = true;   /* rank 0 is gone or unreachable: end the job */
        status = gs_fail(err, "MPI: %s", text);
    }
    if (have_plan)
        gs_sweep_plans_free(plans, cfg.train.seeds);
    free(buf[0].data);
    free(buf[1].data);
    return status;
}
