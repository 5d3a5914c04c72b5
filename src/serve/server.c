/* The HTTP side of gridsweep serve: libmicrohttpd with a thread per
 * connection (a request waiting for its tile blocks only its own thread),
 * the token check, the routes, the responses.
 *
 * Routes (GET or HEAD only, every one with the token):
 *   /, /index.html, /app.js, ...  the page's embedded files (exact names only)
 *   /api/info    the first view and the vocabularies (JSON)
 *   /api/header  the map header of a view: validates it, gives its command
 *   /api/tile    the map file of a view (a tile is a view of its own)
 *   /api/view    a client moved to a new view: its stale tiles stop
 *   /api/trace   one cell's trace
 * A view is the sweep's options without dashes: x=b:-2:2&res=32&steps=500.
 * Nothing in a request names a file: the page's files are compiled in and
 * the cache's names are hashes. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "gridsweep/numparse.h"
#include "serve_impl.h"

#define MEMORY_PER_CONNECTION (16 * 1024)   /* a longer request line: 414 */
#define MAX_CONNECTIONS 64                  /* more than max_queue: the page still loads */
#define IDLE_TIMEOUT 60                     /* seconds */

struct gs_server {
    gs_serve_config cfg;
    char cache_dir[4096];
    char token[SERVE_TOKEN_LEN + 1];
    char cookie[32];             /* the cookie's name: gridsweep-PORT */
    char *info;                  /* /api/info's JSON */
    serve_pool *pool;
    struct MHD_Daemon *daemon;
    int port;
};

gs_serve_limits gs_serve_default_limits(void)
{
    return (gs_serve_limits){.max_cells = 65536, .max_work = 0x1p38, .max_steps = 100000,
                             .max_samples = 0x1p24, .max_queue = 48};
}

/* ---- responses ---- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *mime,
                             const void *body, size_t len, enum MHD_ResponseMemoryMode mode,
                             const char *extra_key, const char *extra_value)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free((void *)body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", mime);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* The token is in the page's address: never send it on as a referrer. */
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:; "
                            "frame-ancestors 'none'");
    if (extra_key)
        MHD_add_response_header(r, extra_key, extra_value);
    const enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* An error: one line "gridsweep: MSG", as the CLI prints it. */
static enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *msg)
{
    char line[640];
    const int n = snprintf(line, sizeof line, "gridsweep: %s\n", msg);
    return reply(c, status, "text/plain; charset=utf-8", line,
                 (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, MHD_RESPMEM_MUST_COPY,
                 NULL, NULL);
}

/* ---- the request's parameters ---- */

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    serve_args *a = cls;
    if (serve_arg(a, key))
        a->repeated = true;
    else if (a->n == SERVE_MAX_ARGS)
        a->overflow = true;
    else {
        a->key[a->n] = key;
        a->value[a->n++] = value ? value : "";
    }
    return MHD_YES;
}

/* client=ID (letters, digits, - and _, up to 32) and gen=N; both optional. */
static int parse_client(const serve_args *a, const char **id, uint64_t *gen, gs_error *err)
{
    const char *g = serve_arg(a, "gen");
    *id = serve_arg(a, "client");
    *gen = 0;
    if (!*id)
        *id = "-";
    const size_t n = strlen(*id);
    if (n == 0 || n > 32 || strspn(*id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_") != n)
        return gs_fail(err, "serve: client must be 1 to 32 letters, digits, - or _");
    if (g && gs_parse_u64(g, gen))
        return gs_fail(err, "serve: gen must be a whole number, got '%.40s'", g);
    return 0;
}

/* ---- routes ---- */

static enum MHD_Result route_tile(gs_server *s, struct MHD_Connection *c, const serve_args *a)
{
    gs_error err;
    gs_sweep_config view;
    const char *id;
    uint64_t gen;
    if (serve_parse_view(&s->cfg.view, a, &s->cfg.limits, &view, &err) ||
        parse_client(a, &id, &gen, &err))
        return fail(c, MHD_HTTP_BAD_REQUEST, err.msg);
    char *text;
    size_t len;
    bool cached;
    switch (serve_pool_get(s->pool, &view, id, gen, &text, &len, &cached, &err)) {
    case SERVE_OK: {
        const bool download = serve_arg(a, "download") != NULL;
        struct MHD_Response *r =
            MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
        if (!r) {
            free(text);
            return MHD_NO;
        }
        MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
        MHD_add_response_header(r, "Cache-Control", "no-store");
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(r, "X-Gridsweep-Cache", cached ? "hit" : "miss");
        if (download)
            MHD_add_response_header(r, "Content-Disposition",
                                    "attachment; filename=\"gridsweep-map.csv\"");
        const enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
        MHD_destroy_response(r);
        return ok;
    }
    case SERVE_CANCELLED:
        return fail(c, MHD_HTTP_CONFLICT, "serve: cancelled: the client moved to another view");
    case SERVE_BUSY:
        return fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "serve: too many tiles queued; try again");
    case SERVE_SHUTDOWN:
        return fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "serve: stopping");
    default:
        return fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, err.msg);
    }
}

static enum MHD_Result route_header(gs_server *s, struct MHD_Connection *c,
                                    const serve_args *a)
{
    gs_error err;
    gs_sweep_config view;
    if (serve_parse_view(&s->cfg.view, a, &s->cfg.limits, &view, &err))
        return fail(c, MHD_HTTP_BAD_REQUEST, err.msg);
    char *header = gs_map_header(&view.train, &view.plane);
    if (!header)
        return fail(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    return reply(c, MHD_HTTP_OK, "text/plain; charset=utf-8", header, strlen(header),
                 MHD_RESPMEM_MUST_FREE, NULL, NULL);
}

static enum MHD_Result route_view(gs_server *s, struct MHD_Connection *c, const serve_args *a)
{
    gs_error err;
    const char *id;
    uint64_t gen;
    if (parse_client(a, &id, &gen, &err))
        return fail(c, MHD_HTTP_BAD_REQUEST, err.msg);
    serve_pool_view(s->pool, id, gen);
    return reply(c, MHD_HTTP_OK, "text/plain; charset=utf-8", "", 0, MHD_RESPMEM_PERSISTENT,
                 NULL, NULL);
}

static enum MHD_Result route_trace(gs_server *s, struct MHD_Connection *c,
                                   const serve_args *a)
{
    gs_error err;
    gs_sweep_config view;
    char *text;
    size_t len;
    if (serve_parse_view(&s->cfg.view, a, &s->cfg.limits, &view, &err) ||
        serve_trace(&view, s->cfg.kernels, serve_arg(a, "ix"), serve_arg(a, "iy"), &text, &len,
                    &err))
        return fail(c, MHD_HTTP_BAD_REQUEST, err.msg);
    return reply(c, MHD_HTTP_OK, "text/csv; charset=utf-8", text, len, MHD_RESPMEM_MUST_FREE,
                 NULL, NULL);
}

/* The token, from ?token= or from the cookie the page got with it. */
static const char *given_token(gs_server *s, struct MHD_Connection *c, const serve_args *a)
{
    const char *t = serve_arg(a, "token");
    return t ? t : MHD_lookup_connection_value(c, MHD_COOKIE_KIND, s->cookie);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)version, (void)upload, (void)upload_size, (void)state;
    gs_server *s = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return fail(c, MHD_HTTP_METHOD_NOT_ALLOWED, "serve: only GET and HEAD");
    serve_args a = {0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &a);
    const char *token = given_token(s, c, &a);
    if (!token)
        return fail(c, MHD_HTTP_UNAUTHORIZED, "serve: the token is missing (?token=...)");
    if (!serve_token_equal(token, s->token))
        return fail(c, MHD_HTTP_FORBIDDEN, "serve: wrong token");
    if (strcmp(url, "/api/tile") == 0)
        return route_tile(s, c, &a);
    if (strcmp(url, "/api/header") == 0)
        return route_header(s, c, &a);
    if (strcmp(url, "/api/view") == 0)
        return route_view(s, c, &a);
    if (strcmp(url, "/api/trace") == 0)
        return route_trace(s, c, &a);
    if (strcmp(url, "/api/info") == 0)
        return reply(c, MHD_HTTP_OK, "application/json", s->info, strlen(s->info),
                     MHD_RESPMEM_PERSISTENT, NULL, NULL);
    const serve_asset *f = serve_asset_find(strcmp(url, "/") == 0 ? "/index.html" : url);
    if (!f)
        return fail(c, MHD_HTTP_NOT_FOUND, "serve: no such page");
    char cookie[128];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie,
             s->token);
    return reply(c, MHD_HTTP_OK, f->mime, f->data, f->len, MHD_RESPMEM_PERSISTENT, "Set-Cookie",
                 cookie);
}

/* ---- start and stop ---- */

static struct MHD_Daemon *listen_on(gs_server *s, gs_error *err)
{
    struct sockaddr_storage addr = {0};
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (inet_pton(AF_INET, s->cfg.bind, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)s->cfg.port);
    } else if (inet_pton(AF_INET6, s->cfg.bind, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)s->cfg.port);
        flags |= MHD_USE_IPv6;
    } else {
        gs_fail(err, "serve: --bind %s: not an IPv4 or IPv6 address", s->cfg.bind);
        return NULL;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)s->cfg.port, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_PER_CONNECTION, MHD_OPTION_END);
    if (!d)
        gs_fail(err, "serve: cannot listen on %s port %d (in use, or not an address of "
                     "this machine)", s->cfg.bind, s->cfg.port);
    return d;
}

gs_server *gs_serve_start(const gs_serve_config *cfg, gs_error *err)
{
    gs_server *s = calloc(1, sizeof *s);
    if (!s) {
        gs_fail(err, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    if (cfg->cache_dir) {
        snprintf(s->cache_dir, sizeof s->cache_dir, "%s", cfg->cache_dir);
        s->cfg.cache_dir = s->cache_dir;
    }
    if (serve_token_new(s->token, err) ||
        (s->cfg.cache_dir && serve_cache_open(s->cfg.cache_dir, err)))
        goto failed;
    if (!(s->info = serve_info_json(&s->cfg.view, &s->cfg.limits))) {
        gs_fail(err, "out of memory");
        goto failed;
    }
    if (!(s->pool = serve_pool_start(cfg->kernels, cfg->workers, cfg->threads,
                                     cfg->limits.max_queue, s->cfg.cache_dir, err)))
        goto failed;
    if (!(s->daemon = listen_on(s, err)))
        goto failed;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    snprintf(s->cookie, sizeof s->cookie, "gridsweep-%d", s->port);
    return s;
failed:
    if (s->pool)
        serve_pool_stop(s->pool);
    free(s->info);
    free(s);
    return NULL;
}

int gs_serve_port(const gs_server *s) { return s->port; }

const char *gs_serve_token(const gs_server *s) { return s->token; }

void gs_serve_stop(gs_server *s)
{
    serve_pool_shutdown(s->pool);   /* the waiting requests are answered ... */
    MHD_stop_daemon(s->daemon);     /* ... so their threads end */
    serve_pool_stop(s->pool);
    free(s->info);
    free(s);
}
