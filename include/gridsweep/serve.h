/* gridsweep serve: a local web page over the sweep. An HTTP server
 * (libmicrohttpd, its own thread per connection) answers the page's requests;
 * a pool of worker threads computes tiles, each tile a plane of its own
 * computed by gs_sweep_compute, so its rows are the bytes a CLI run of that
 * plane writes. Finished tiles are kept in a disk cache keyed by a hash of
 * their header; tiles a client no longer wants are stopped. */
#ifndef GRIDSWEEP_SERVE_H
#define GRIDSWEEP_SERVE_H

#include <stdint.h>

#include "gridsweep/error.h"
#include "gridsweep/kernels.h"
#include "gridsweep/sweep.h"

/* What one request may ask for, so that no request can take the machine. */
typedef struct gs_serve_limits {
    int64_t max_cells;    /* cells of one tile (or exported view) */
    double max_work;      /* cells x steps x batch of one tile */
    int max_steps;        /* steps of one tile or trace */
    double max_samples;   /* steps x batch: the shared samples a plan holds (8 bytes each) */
    int max_queue;        /* tiles waiting or running, all clients together */
} gs_serve_limits;

/* 65536 cells (a 256 x 256 view exports whole), 2^38 sample-steps (a minute
 * of one core), 100000 steps, 2^24 samples (128 MB of plan), 48 tiles in
 * the queue (fewer than the 64 connections, so the page still loads). */
gs_serve_limits gs_serve_default_limits(void);

typedef struct gs_serve_config {
    const char *bind;          /* an IPv4 or IPv6 address: "127.0.0.1" */
    int port;                  /* 0: a free port */
    const char *cache_dir;     /* created if missing (0700); NULL: no disk cache */
    const gs_kernels *kernels;
    int workers;               /* tiles computed at once */
    int threads;               /* OpenMP threads per tile */
    gs_sweep_config view;      /* the page's first view: plane and settings */
    gs_serve_limits limits;
} gs_serve_config;

typedef struct gs_server gs_server;

/* Makes the token, opens the cache, starts the workers and the HTTP daemon.
 * NULL with err set when any of it fails. cfg is copied. */
gs_server *gs_serve_start(const gs_serve_config *cfg, gs_error *err);
/* The port it listens on (the free one picked for port 0). */
int gs_serve_port(const gs_server *s);
/* The random token every request must carry (?token=...): 32 hex digits. */
const char *gs_serve_token(const gs_server *s);
/* Stops every tile, answers the waiting requests, stops the daemon and the
 * workers, frees s. Returns within a segment of training. */
void gs_serve_stop(gs_server *s);

#endif
