/* Trainer settings: enum names, defaults, validation, rendering; all from the
 * tables (the X-macros of train.h, settings.def). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/settings.h"
#include "gridsweep/train.h"

#define NAME_(ID, name) #name,
#define LISTED_(ID, name) ", " #name
static const char *const loss_names[] = {GS_LOSSES(NAME_)};
static const char *const opt_names[] = {GS_OPTIMIZERS(NAME_)};
static const char *const sampling_names[] = {GS_SAMPLINGS(NAME_)};
static const char *const method_names[] = {GS_METHODS(NAME_)};
static const char *const outcome_names[] = {GS_OUTCOMES(NAME_)};
static const char *const precision_names[] = {GS_PRECISIONS(NAME_)};

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* The list skips the leading ", " of the first name. */
#define NAME_FNS(type, kind, names, count, table)                                         \
    const char *gs_##kind##_name(type v) { return (int)v < count ? names[v] : "?"; }      \
    const char *gs_##kind##_names(void) { return &table(LISTED_)[2]; }                      \
    int gs_##kind##_parse(const char *s, type *out)                                       \
    {                                                                                     \
        int i = parse_name(s, names, count);                                              \
        if (i < 0)                                                                        \
            return -1;                                                                    \
        *out = (type)i;                                                                   \
        return 0;                                                                         \
    }
NAME_FNS(gs_loss, loss, loss_names, GS_LOSS_COUNT, GS_LOSSES)
NAME_FNS(gs_opt, opt, opt_names, GS_OPT_COUNT, GS_OPTIMIZERS)
NAME_FNS(gs_sampling, sampling, sampling_names, GS_SAMPLING_COUNT, GS_SAMPLINGS)
NAME_FNS(gs_method, method, method_names, GS_METHOD_COUNT, GS_METHODS)
NAME_FNS(gs_outcome, outcome, outcome_names, GS_OUT_COUNT, GS_OUTCOMES)
NAME_FNS(gs_precision, precision, precision_names, GS_PRECISION_COUNT, GS_PRECISIONS)

gs_train_config gs_train_defaults(void)
{
    return (gs_train_config){
        .act = GS_ACT_RELU,
#define GS_SETTING(key, option, type, def, check, metavar, section, help) .key = def,
#define GS_SETTING_RANGE(key, option, lo, hi, def_lo, def_hi, check, metavar, section, help) \
    .lo = def_lo, .hi = def_hi,
#define GS_SETTING_IF_SET GS_SETTING
#include "gridsweep/settings.def"
#undef GS_SETTING
#undef GS_SETTING_RANGE
#undef GS_SETTING_IF_SET
    };
}

/* What the sorted method can do: piecewise-linear functions on a batch that
 * every cell shares, with its tables (GS_SORTED_MAX_ROWS) in memory. */
static int validate_sorted(const gs_train_config *c, gs_error *err)
{
    if (c->sampling == GS_SAMPLING_INDEPENDENT)
        return gs_fail(err, "--method sorted needs --sampling shared or grid (independent "
                            "sampling always uses --method direct)");
    if (c->precision == GS_PRECISION_F64)
        return gs_fail(err, "--method sorted is float32 only; --precision f64 trains with "
                            "--method direct");
    const gs_act f[2] = {c->act, c->target};
    for (int i = 0; i < 2; i++)
        if (!gs_act_piecewise_linear(f[i]))
            return gs_fail(err, "--method sorted needs a piecewise-linear %s (identity, relu, "
                                "leaky_relu or hardtanh), got %s",
                           i ? "--target" : "--act", gs_act_get(f[i])->name);
    const double rows = c->sampling == GS_SAMPLING_GRID ? 1.0 : (double)c->steps;
    if (rows * (c->batch + 1) > GS_SORTED_MAX_ROWS)
        return gs_fail(err, "--method sorted keeps --steps x (--batch + 1) sorted samples with "
                            "their prefix sums (%.0f here) and allows at most %.0f; use "
                            "--method direct",
                       rows * (c->batch + 1), (double)GS_SORTED_MAX_ROWS);
    return 0;
}

int gs_train_validate(const gs_train_config *c, gs_error *err)
{
    for (int i = 0; i < gs_setting_count(); i++)
        if (gs_setting_check(gs_setting_at(i), c, err))
            return -1;
    if (c->sampling == GS_SAMPLING_SHARED && (double)c->steps * c->batch > (double)(1 << 28))
        return gs_fail(err, "--steps x --batch is %.0f samples; shared sampling keeps them "
                            "all and allows at most %d",
                       (double)c->steps * c->batch, 1 << 28);
    return c->method == GS_METHOD_SORTED ? validate_sorted(c, err) : 0;
}

double gs_float_decimal(float v)
{
    char text[32];
    if (v != v)
        return (double)v;
    gs_fmt_float(text, sizeof text, v);
    return strtod(text, NULL);
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

/* Every setting through one format: header lines or command-line words. */
static int render(const gs_train_config *cfg, bool with_lr, bool as_args, char *buf,
                  size_t size)
{
    size_t len = 0;
    for (int i = 0; i < gs_setting_count() && len < size; i++) {
        const gs_setting *s = gs_setting_at(i);
        char value[96];
        /* The rates are the plane's (its at or an axis) in a map header. */
        if (!with_lr && (s->type == GS_TYPE_RATE || strcmp(s->key, "lr") == 0))
            continue;
        if (s->if_set && gs_setting_is_default(s, cfg))
            continue;
        gs_setting_format(s, cfg, value, sizeof value);
        len += (size_t)(as_args ? snprintf(buf + len, size - len, " %s %s", s->option, value)
                                : snprintf(buf + len, size - len, "# %s: %s\n", s->key, value));
    }
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
