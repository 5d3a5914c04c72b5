/* GET /api/info: what the page needs to build its settings panel, as JSON:
 * the first view (the options serve was started with) and the vocabularies,
 * all from their tables (settings.def, the activations, the outcomes, the
 * parameters), so a new setting appears in the panel by itself. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/settings.h"
#include "serve_impl.h"

typedef struct jbuf {
    char *s;
    size_t len, cap;
    bool failed;
} jbuf;

static void put(jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(jbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        const int n = b->failed ? 0 : vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (b->failed || (size_t)n < b->cap - b->len) {
            b->len += b->failed ? 0 : (size_t)n;
            return;
        }
        char *t = realloc(b->s, b->cap * 2 + (size_t)n + 1);
        if (!t) {
            b->failed = true;
            return;
        }
        b->s = t, b->cap = b->cap * 2 + (size_t)n + 1;
    }
}

/* A JSON string; the texts here are the tables' own (no control bytes), but
 * quotes and backslashes are escaped all the same. */
static void put_str(jbuf *b, const char *s)
{
    put(b, "\"");
    for (; *s; s++)
        put(b, *s == '"' || *s == '\\' ? "\\%c" : (unsigned char)*s < 32 ? "?" : "%c", *s);
    put(b, "\"");
}

/* "a, b, c" as ["a","b","c"]. */
static void put_names(jbuf *b, const char *names)
{
    put(b, "[");
    for (const char *p = names; *p;) {
        const char *end = strstr(p, ", ");
        const size_t n = end ? (size_t)(end - p) : strlen(p);
        put(b, "%s\"%.*s\"", p == names ? "" : ",", (int)n, p);
        p += n + (end ? 2 : 0);
    }
    put(b, "]");
}

static const char *enum_names(gs_setting_type t)
{
    switch (t) {
    case GS_TYPE_LOSS: return gs_loss_names();
    case GS_TYPE_OPT: return gs_opt_names();
    case GS_TYPE_SAMPLING: return gs_sampling_names();
    case GS_TYPE_METHOD: return gs_method_names();
    case GS_TYPE_PRECISION: return gs_precision_names();
    case GS_TYPE_ACT: return gs_act_names();   /* --target: a menu like --act's */
    default: return NULL;
    }
}

char *serve_info_json(const gs_sweep_config *view, const gs_serve_limits *lim)
{
    jbuf b = {.s = malloc(4096), .cap = 4096};
    if (!b.s)
        return NULL;
    char x[128], y[128], at[256], v[128];
    gs_axis_format(&view->x, x, sizeof x);
    gs_axis_format(&view->y, y, sizeof y);
    /* at without lr: the page sends lr as the setting, and the lr rule
     * refuses both. The per-layer rates (lr_in=, lr_out=) after it stay. */
    gs_plane_format_at(&view->plane, view->train.precision == GS_PRECISION_F64, at, sizeof at);
    char *lr = strncmp(at, "lr=", 3) == 0 ? at : strstr(at, ",lr=");
    if (lr) {
        const char *next = strchr(lr + 1, ',');
        if (next)
            memmove(lr + (lr == at), next + (lr == at), strlen(next + (lr == at)) + 1);
        else
            *lr = '\0';
    }
    put(&b, "{\"view\":{\"act\":");
    put_str(&b, gs_act_get(view->train.act)->name);
    put(&b, ",\"x\":");
    put_str(&b, x);
    put(&b, ",\"y\":");
    put_str(&b, y);
    put(&b, ",\"res\":\"%d,%d\",\"at\":", view->x.n, view->y.n);
    put_str(&b, at);
    for (int i = 0; i < gs_setting_count(); i++) {
        const gs_setting *s = gs_setting_at(i);
        gs_setting_format(s, &view->train, v, sizeof v);
        put(&b, ",");
        put_str(&b, s->option + 2);
        put(&b, ":");
        put_str(&b, v);
    }
    put(&b, "},\"settings\":[");
    for (int i = 0; i < gs_setting_count(); i++) {
        const gs_setting *s = gs_setting_at(i);
        gs_setting_describe(s, v, sizeof v);
        put(&b, "%s{\"name\":", i ? "," : "");
        put_str(&b, s->option + 2);
        put(&b, ",\"type\":");
        put_str(&b, gs_setting_type_name(s->type));
        put(&b, ",\"section\":\"%s\",\"help\":", s->section == GS_SECTION_TRAIN ? "train" : "judge");
        put_str(&b, v);
        if (enum_names(s->type)) {
            put(&b, ",\"choices\":");
            put_names(&b, enum_names(s->type));
        }
        put(&b, "}");
    }
    put(&b, "],\"acts\":");
    put_names(&b, gs_act_names());
    put(&b, ",\"outcomes\":");
    put_names(&b, gs_outcome_names());
    put(&b, ",\"params\":");
    put_names(&b, GS_PARAMS_HELP);
    put(&b, ",\"limits\":{\"cells\":%lld,\"work\":%.17g,\"steps\":%d,\"samples\":%.17g,"
            "\"queue\":%d}}\n", (long long)lim->max_cells, lim->max_work, lim->max_steps,
        lim->max_samples, lim->max_queue);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
