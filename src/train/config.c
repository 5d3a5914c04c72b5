/* Trainer settings: names, defaults, validation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/train.h"

static const char *const loss_names[] = {"mae", "mse", "huber"};
static const char *const opt_names[] = {"adam", "sgd", "momentum", "rmsprop"};
static const char *const sampling_names[] = {"shared", "independent", "grid"};
static const char *const outcome_names[] = {"converged", "stuck", "linear", "dead", "diverged"};

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

#define NAME_FNS(type, kind, names, count)                                                \
    const char *gs_##kind##_name(type v) { return (int)v < count ? names[v] : "?"; }      \
    int gs_##kind##_parse(const char *s, type *out)                                       \
    {                                                                                     \
        int i = parse_name(s, names, count);                                              \
        if (i < 0)                                                                        \
            return -1;                                                                    \
        *out = (type)i;                                                                   \
        return 0;                                                                         \
    }
NAME_FNS(gs_loss, loss, loss_names, GS_LOSS_COUNT)
NAME_FNS(gs_opt, opt, opt_names, GS_OPT_COUNT)
NAME_FNS(gs_sampling, sampling, sampling_names, GS_SAMPLING_COUNT)
NAME_FNS(gs_outcome, outcome, outcome_names, GS_OUT_COUNT)

gs_train_config gs_train_defaults(void)
{
    return (gs_train_config){
        .act = GS_ACT_RELU,
        .loss = GS_LOSS_MAE,
        .huber_delta = 1.0f,
        .opt = GS_OPT_ADAM,
        .lr = 0.1f,
        .beta1 = 0.9f,
        .beta2 = 0.999f,
        .eps = 1e-8f,
        .momentum = 0.9f,
        .alpha = 0.99f,
        .steps = 1000,
        .batch = 256,
        .data_lo = -0.5f,
        .data_hi = 0.5f,
        .sampling = GS_SAMPLING_SHARED,
        .seed = 0,
        .window = 0.1,
        .tol = 0.03,
        .dead_tol = 1e-3,
        .linear_tol = 1e-3,
        .eval_points = 256,
    };
}

#define MAX_STEPS 10000000
#define MAX_BATCH 1048576
#define MAX_EVAL 1048576

int gs_train_validate(const gs_train_config *c, gs_error *err)
{
    if (c->steps < 1 || c->steps > MAX_STEPS)
        return gs_fail(err, "--steps must be between 1 and %d, got %d", MAX_STEPS, c->steps);
    if (c->batch < 1 || c->batch > MAX_BATCH)
        return gs_fail(err, "--batch must be between 1 and %d, got %d", MAX_BATCH, c->batch);
    if (!(c->lr > 0) || !isfinite(c->lr))
        return gs_fail(err, "--lr must be a positive finite number, got %g", c->lr);
    if (!(c->beta1 >= 0 && c->beta1 < 1))
        return gs_fail(err, "--beta1 must be in [0, 1), got %g", c->beta1);
    if (!(c->beta2 >= 0 && c->beta2 < 1))
        return gs_fail(err, "--beta2 must be in [0, 1), got %g", c->beta2);
    if (!(c->eps > 0) || !isfinite(c->eps))
        return gs_fail(err, "--eps must be a positive finite number, got %g", c->eps);
    if (!(c->momentum >= 0 && c->momentum < 1))
        return gs_fail(err, "--momentum must be in [0, 1), got %g", c->momentum);
    if (!(c->alpha >= 0 && c->alpha < 1))
        return gs_fail(err, "--alpha must be in [0, 1), got %g", c->alpha);
    if (!(c->huber_delta > 0) || !isfinite(c->huber_delta))
        return gs_fail(err, "--huber-delta must be a positive finite number, got %g",
                       c->huber_delta);
    if (!isfinite(c->data_lo) || !isfinite(c->data_hi) || !(c->data_lo < c->data_hi))
        return gs_fail(err, "--data LO:HI needs finite LO < HI, got %g:%g", c->data_lo,
                       c->data_hi);
    if (!(c->window > 0 && c->window <= 1))
        return gs_fail(err, "--window must be in (0, 1], got %g", c->window);
    if (!(c->tol > 0) || !isfinite(c->tol))
        return gs_fail(err, "--tol must be a positive finite number, got %g", c->tol);
    if (!(c->dead_tol >= 0) || !isfinite(c->dead_tol))
        return gs_fail(err, "--dead-tol must be a finite number >= 0, got %g", c->dead_tol);
    if (!(c->linear_tol >= 0) || !isfinite(c->linear_tol))
        return gs_fail(err, "--linear-tol must be a finite number >= 0, got %g", c->linear_tol);
    if (c->eval_points < 2 || c->eval_points > MAX_EVAL)
        return gs_fail(err, "--eval-points must be between 2 and %d, got %d", MAX_EVAL,
                       c->eval_points);
    if (c->sampling == GS_SAMPLING_SHARED && (double)c->steps * c->batch > (double)(1 << 28))
        return gs_fail(err, "--steps x --batch is %.0f samples; shared sampling keeps them "
                            "all and allows at most %d",
                       (double)c->steps * c->batch, 1 << 28);
    return 0;
}

int gs_fmt_float(char *buf, size_t n, float v)
{
    for (int prec = 1; prec <= 9; prec++) {
        int len = snprintf(buf, n, "%.*g", prec, (double)v);
        if (prec == 9 || strtof(buf, NULL) == v)
            return len;
    }
    return 0;
}

int gs_fmt_double(char *buf, size_t n, double v)
{
    for (int prec = 1; prec <= 17; prec++) {
        int len = snprintf(buf, n, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            return len;
    }
    return 0;
}

/* One table drives both spellings of the settings, so they cannot drift. */
typedef struct setting {
    const char *key, *option;
    char value[96];
} setting;

static int collect(const gs_train_config *c, bool with_lr, setting *s)
{
    int n = 0;
#define PUT_STR(k, o, v) (s[n].key = k, s[n].option = o, snprintf(s[n++].value, 96, "%s", v))
#define PUT_F(k, o, v) (s[n].key = k, s[n].option = o, gs_fmt_float(s[n++].value, 96, v))
#define PUT_D(k, o, v) (s[n].key = k, s[n].option = o, gs_fmt_double(s[n++].value, 96, v))
    char lo[32], hi[32], range[80];
    PUT_STR("loss", "--loss", gs_loss_name(c->loss));
    PUT_F("huber_delta", "--huber-delta", c->huber_delta);
    PUT_STR("opt", "--opt", gs_opt_name(c->opt));
    if (with_lr)
        PUT_F("lr", "--lr", c->lr);
    PUT_F("beta1", "--beta1", c->beta1);
    PUT_F("beta2", "--beta2", c->beta2);
    PUT_F("eps", "--eps", c->eps);
    PUT_F("momentum", "--momentum", c->momentum);
    PUT_F("alpha", "--alpha", c->alpha);
    s[n].key = "steps", s[n].option = "--steps", snprintf(s[n++].value, 96, "%d", c->steps);
    s[n].key = "batch", s[n].option = "--batch", snprintf(s[n++].value, 96, "%d", c->batch);
    gs_fmt_float(lo, sizeof lo, c->data_lo);
    gs_fmt_float(hi, sizeof hi, c->data_hi);
    snprintf(range, sizeof range, "%s:%s", lo, hi);
    PUT_STR("data", "--data", range);
    PUT_STR("sampling", "--sampling", gs_sampling_name(c->sampling));
    s[n].key = "seed", s[n].option = "--seed",
    snprintf(s[n++].value, 96, "%llu", (unsigned long long)c->seed);
    PUT_D("window", "--window", c->window);
    PUT_D("tol", "--tol", c->tol);
    PUT_D("dead_tol", "--dead-tol", c->dead_tol);
    PUT_D("linear_tol", "--linear-tol", c->linear_tol);
    s[n].key = "eval_points", s[n].option = "--eval-points",
    snprintf(s[n++].value, 96, "%d", c->eval_points);
#undef PUT_STR
#undef PUT_F
#undef PUT_D
    return n;
}

#define MAX_SETTINGS 24

/* Every setting through one format: header lines or command-line words. */
static int render(const gs_train_config *cfg, bool with_lr, bool as_args, char *buf,
                  size_t size)
{
    setting s[MAX_SETTINGS];
    int n = collect(cfg, with_lr, s);
    size_t len = 0;
    for (int i = 0; i < n && len < size; i++)
        len += (size_t)(as_args ? snprintf(buf + len, size - len, " %s %s", s[i].option,
                                           s[i].value)
                                : snprintf(buf + len, size - len, "# %s: %s\n", s[i].key,
                                           s[i].value));
    return len < size ? (int)len : -1;
}

int gs_train_config_lines(const gs_train_config *cfg, bool with_lr, char *buf, size_t size)
{
    return render(cfg, with_lr, false, buf, size);
}

int gs_train_config_args(const gs_train_config *cfg, bool with_lr, char *buf, size_t size)
{
    return render(cfg, with_lr, true, buf, size);
}
