/* The training settings as a table (settings.def) and the operations every
 * front end needs on one setting: read, write, check, describe. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gridsweep/numparse.h"
#include "gridsweep/settings.h"

/* Each row's field must have the C type its type column says. */
#define CTYPE_LOSS gs_loss
#define CTYPE_OPT gs_opt
#define CTYPE_SAMPLING gs_sampling
#define CTYPE_FLOAT float
#define CTYPE_DOUBLE double
#define CTYPE_INT int
#define CTYPE_U64 uint64_t
#define CTYPE_RATE float
#define CTYPE_ACT gs_act
#define CTYPE_DIST gs_dist
#define CTYPE_METHOD gs_method
#define CTYPE_PRECISION gs_precision
#define FIELD_HAS_TYPE(field, type) \
    _Generic(((gs_train_config *)0)->field, CTYPE_##type: 1, default: 0)
#define GS_SETTING(key, option, type, def, check, metavar, section, help) \
    _Static_assert(FIELD_HAS_TYPE(key, type), #key " is not " #type);
#define GS_SETTING_RANGE(key, option, lo, hi, def_lo, def_hi, check, metavar, section, help) \
    _Static_assert(FIELD_HAS_TYPE(lo, FLOAT) && FIELD_HAS_TYPE(hi, FLOAT), #key " is not two floats");
#define GS_SETTING_IF_SET GS_SETTING
#include "gridsweep/settings.def"
#undef GS_SETTING
#undef GS_SETTING_RANGE
#undef GS_SETTING_IF_SET

static const gs_setting table[] = {
#define GS_SETTING(key, option, type, def, check, metavar, section, help)                  \
    {#key, option, GS_TYPE_##type, offsetof(gs_train_config, key),                        \
     offsetof(gs_train_config, key), check, metavar, GS_SECTION_##section, help, false},
#define GS_SETTING_RANGE(key, option, lo, hi, def_lo, def_hi, check, metavar, section, help) \
    {#key, option, GS_TYPE_RANGE, offsetof(gs_train_config, lo),                          \
     offsetof(gs_train_config, hi), check, metavar, GS_SECTION_##section, help, false},
#define GS_SETTING_IF_SET(key, option, type, def, check, metavar, section, help)           \
    {#key, option, GS_TYPE_##type, offsetof(gs_train_config, key),                        \
     offsetof(gs_train_config, key), check, metavar, GS_SECTION_##section, help, true},
#include "gridsweep/settings.def"
#undef GS_SETTING
#undef GS_SETTING_RANGE
#undef GS_SETTING_IF_SET
};

#define COUNT ((int)(sizeof table / sizeof *table))

int gs_setting_count(void) { return COUNT; }

const gs_setting *gs_setting_at(int i) { return i >= 0 && i < COUNT ? &table[i] : NULL; }

const gs_setting *gs_setting_by_option(const char *option)
{
    for (int i = 0; i < COUNT; i++)
        if (strcmp(table[i].option, option) == 0)
            return &table[i];
    return NULL;
}

const gs_setting *gs_setting_by_key(const char *key)
{
    for (int i = 0; i < COUNT; i++)
        if (strcmp(table[i].key, key) == 0)
            return &table[i];
    return NULL;
}

/* The field(s) of a setting inside one config. */
#define FIELD(cfg, off, type) ((type *)(void *)((char *)(cfg) + (off)))
#define CFIELD(cfg, off, type) (*(const type *)(const void *)((const char *)(cfg) + (off)))

const char *gs_setting_type_name(gs_setting_type type)
{
    switch (type) {
    case GS_TYPE_LOSS:
    case GS_TYPE_OPT:
    case GS_TYPE_SAMPLING: return "enum";
    case GS_TYPE_FLOAT: return "float";
    case GS_TYPE_DOUBLE: return "double";
    case GS_TYPE_INT: return "int";
    case GS_TYPE_U64: return "uint64";
    case GS_TYPE_RANGE: return "range";
    case GS_TYPE_RATE: return "rate";
    case GS_TYPE_ACT:
    case GS_TYPE_PRECISION: return "enum";
    case GS_TYPE_DIST: return "dist";
    case GS_TYPE_METHOD: return "enum";
    }
    return "?";
}

/* ---- checking --------------------------------------------------------- */

/* Whether v passes a check on a real number (any kind but BETWEEN, ORDERED). */
static bool in_range(gs_check_kind check, double v)
{
    switch (check) {
    case GS_CHECK_KIND_POSITIVE: return v > 0 && isfinite(v);
    case GS_CHECK_KIND_UNIT: return v >= 0 && v < 1;
    case GS_CHECK_KIND_FRACTION: return v > 0 && v <= 1;
    case GS_CHECK_KIND_NONNEG: return v >= 0 && isfinite(v);
    default: return true;
    }
}

static const char *range_words(gs_check_kind check)
{
    switch (check) {
    case GS_CHECK_KIND_POSITIVE: return "a positive finite number";
    case GS_CHECK_KIND_UNIT: return "in [0, 1)";
    case GS_CHECK_KIND_FRACTION: return "in (0, 1]";
    case GS_CHECK_KIND_NONNEG: return "a finite number >= 0";
    default: return "valid";
    }
}

static double real_value(const gs_setting *s, const gs_train_config *cfg)
{
    return s->type == GS_TYPE_FLOAT || s->type == GS_TYPE_RATE
               ? (double)CFIELD(cfg, s->offset, float)
               : CFIELD(cfg, s->offset, double);
}

int gs_setting_check(const gs_setting *s, const gs_train_config *cfg, gs_error *err)
{
    switch (s->check) {
    case GS_CHECK_KIND_NONE: return 0;
    case GS_CHECK_KIND_BETWEEN: {
        const int v = CFIELD(cfg, s->offset, int);
        if (v < s->min || v > s->max)
            return gs_fail(err, "%s must be between %ld and %ld, got %d", s->option, s->min,
                           s->max, v);
        return 0;
    }
    case GS_CHECK_KIND_ORDERED: {
        const float lo = CFIELD(cfg, s->offset, float), hi = CFIELD(cfg, s->offset_hi, float);
        if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
            return gs_fail(err, "%s %s needs finite LO < HI, got %g:%g", s->option, s->metavar,
                           (double)lo, (double)hi);
        return 0;
    }
    default: {
        const double v = real_value(s, cfg);
        if (s->type == GS_TYPE_RATE && isnan(v))   /* unset: --lr's value */
            return 0;
        if (!in_range(s->check, v))
            return gs_fail(err, "%s must be %s, got %g", s->option, range_words(s->check), v);
        return 0;
    }
    }
}

/* ---- reading ---------------------------------------------------------- */

static int parse_range(const gs_setting *s, const char *name, const char *text,
                       gs_train_config *cfg, gs_error *err)
{
    const char *colon = strchr(text, ':');
    char lo[64];
    float v[2];
    if (!colon || (size_t)(colon - text) >= sizeof lo)
        return gs_fail(err, "%s: expected LO:HI, got '%s'", name, text);
    memcpy(lo, text, (size_t)(colon - text));
    lo[colon - text] = 0;
    if (gs_parse_float(lo, &v[0]) || gs_parse_float(colon + 1, &v[1]))
        return gs_fail(err, "%s: expected LO:HI with finite numbers, got '%s'", name, text);
    if (!(v[0] < v[1]))
        return gs_fail(err, "%s: the range %s is empty (LO must be below HI)", name, text);
    *FIELD(cfg, s->offset, float) = v[0];
    *FIELD(cfg, s->offset_hi, float) = v[1];
    return 0;
}

/* A float whose decimal passes the check but whose float32 does not: say so
 * with the text as typed, not the rounded value. */
static int parse_float(const gs_setting *s, const char *name, const char *text,
                       gs_train_config *cfg, gs_error *err)
{
    float f;
    double d;
    const int rc = gs_parse_float(text, &f);
    if (rc == GS_NUM_RANGE)
        return gs_fail(err, "%s: '%s' is too large for float32 (at most %g)", name, text,
                       (double)FLT_MAX);
    if (rc || gs_parse_double(text, &d))
        return gs_fail(err, "%s: '%s' is not a finite number", name, text);
    if (in_range(s->check, d) && !in_range(s->check, (double)f))
        return gs_fail(err, "%s must be %s, got %s, which is %g in float32", name,
                       range_words(s->check), text, (double)f);
    *FIELD(cfg, s->offset, float) = f;
    return 0;
}

int gs_setting_parse(const gs_setting *s, const char *name, const char *text,
                     gs_train_config *cfg, gs_error *err)
{
    int rc = 0;
    switch (s->type) {
    case GS_TYPE_LOSS:
        if (gs_loss_parse(text, FIELD(cfg, s->offset, gs_loss)))
            return gs_fail(err, "%s: unknown loss '%s' (valid: %s)", name, text,
                           gs_loss_names());
        return 0;
    case GS_TYPE_OPT:
        if (gs_opt_parse(text, FIELD(cfg, s->offset, gs_opt)))
            return gs_fail(err, "%s: unknown optimizer '%s' (valid: %s)", name, text,
                           gs_opt_names());
        return 0;
    case GS_TYPE_SAMPLING:
        if (gs_sampling_parse(text, FIELD(cfg, s->offset, gs_sampling)))
            return gs_fail(err, "%s: unknown sampling '%s' (valid: %s)", name, text,
                           gs_sampling_names());
        return 0;
    case GS_TYPE_METHOD:
        if (gs_method_parse(text, FIELD(cfg, s->offset, gs_method)))
            return gs_fail(err, "%s: unknown method '%s' (valid: %s)", name, text,
                           gs_method_names());
        return 0;
    case GS_TYPE_ACT:
        if (gs_act_parse(text, FIELD(cfg, s->offset, gs_act)))
            return gs_fail(err, "%s: unknown activation '%s' (valid: %s)", name, text,
                           gs_act_names());
        return 0;
    case GS_TYPE_PRECISION:
        if (gs_precision_parse(text, FIELD(cfg, s->offset, gs_precision)))
            return gs_fail(err, "%s: unknown precision '%s' (valid: %s)", name, text,
                           gs_precision_names());
        return 0;
    case GS_TYPE_DIST: {
        gs_error why;
        if (gs_dist_parse(text, FIELD(cfg, s->offset, gs_dist), &why))
            return gs_fail(err, "%s %s: %s", name, text, why.msg);
        return 0;
    }
    case GS_TYPE_RATE:
        if (strcmp(text, "lr") == 0) {   /* unset, as gs_setting_format writes it */
            *FIELD(cfg, s->offset, float) = NAN;
            return 0;
        }
        return parse_float(s, name, text, cfg, err);
    case GS_TYPE_FLOAT: return parse_float(s, name, text, cfg, err);
    case GS_TYPE_DOUBLE:
        if (gs_parse_double(text, FIELD(cfg, s->offset, double)))
            return gs_fail(err, "%s: '%s' is not a finite number", name, text);
        return 0;
    case GS_TYPE_INT:
        if ((rc = gs_parse_int(text, FIELD(cfg, s->offset, int))) == GS_NUM_RANGE)
            return gs_fail(err, "%s: '%s' is too %s for an integer", name, text,
                           text[0] == '-' ? "small" : "large");
        if (rc)
            return gs_fail(err, "%s: '%s' is not an integer", name, text);
        return 0;
    case GS_TYPE_U64:
        if ((rc = gs_parse_u64(text, FIELD(cfg, s->offset, uint64_t))) == GS_NUM_RANGE)
            return gs_fail(err, "%s: '%s' is too large (at most %llu)", name, text,
                           (unsigned long long)UINT64_MAX);
        if (rc)
            return gs_fail(err, "%s: '%s' is not a non-negative integer", name, text);
        return 0;
    case GS_TYPE_RANGE: return parse_range(s, name, text, cfg, err);
    }
    return gs_fail(err, "%s: unknown setting type", name);
}

/* ---- writing ---------------------------------------------------------- */

int gs_setting_format(const gs_setting *s, const gs_train_config *cfg, char *buf, size_t size)
{
    switch (s->type) {
    case GS_TYPE_LOSS: return snprintf(buf, size, "%s", gs_loss_name(CFIELD(cfg, s->offset, gs_loss)));
    case GS_TYPE_OPT: return snprintf(buf, size, "%s", gs_opt_name(CFIELD(cfg, s->offset, gs_opt)));
    case GS_TYPE_SAMPLING:
        return snprintf(buf, size, "%s", gs_sampling_name(CFIELD(cfg, s->offset, gs_sampling)));
    case GS_TYPE_METHOD:
        return snprintf(buf, size, "%s", gs_method_name(CFIELD(cfg, s->offset, gs_method)));
    case GS_TYPE_ACT: return snprintf(buf, size, "%s", gs_act_get(CFIELD(cfg, s->offset, gs_act))->name);
    case GS_TYPE_DIST: return gs_dist_format(&CFIELD(cfg, s->offset, gs_dist), buf, size);
    case GS_TYPE_PRECISION:
        return snprintf(buf, size, "%s", gs_precision_name(CFIELD(cfg, s->offset, gs_precision)));
    case GS_TYPE_RATE:
        if (isnan(CFIELD(cfg, s->offset, float)))
            return snprintf(buf, size, "lr");   /* unset: it follows the learning rate */
        return gs_fmt_float(buf, size, CFIELD(cfg, s->offset, float));
    case GS_TYPE_FLOAT: return gs_fmt_float(buf, size, CFIELD(cfg, s->offset, float));
    case GS_TYPE_DOUBLE: return gs_fmt_double(buf, size, CFIELD(cfg, s->offset, double));
    case GS_TYPE_INT: return snprintf(buf, size, "%d", CFIELD(cfg, s->offset, int));
    case GS_TYPE_U64:
        return snprintf(buf, size, "%llu", (unsigned long long)CFIELD(cfg, s->offset, uint64_t));
    case GS_TYPE_RANGE: {
        char lo[32], hi[32];
        gs_fmt_float(lo, sizeof lo, CFIELD(cfg, s->offset, float));
        gs_fmt_float(hi, sizeof hi, CFIELD(cfg, s->offset_hi, float));
        return snprintf(buf, size, "%s:%s", lo, hi);
    }
    }
    return snprintf(buf, size, "?");
}

/* "mae | mse | huber" from "mae, mse, huber". */
static int bar_list(const char *names, char *buf, size_t size)
{
    size_t len = 0;
    for (const char *p = names; *p && len + 4 < size; p++) {
        if (p[0] == ',' && p[1] == ' ') {
            memcpy(buf + len, " | ", 3);
            len += 3, p++;
        } else {
            buf[len++] = *p;
        }
    }
    buf[len] = 0;
    return (int)len;
}

int gs_setting_describe(const gs_setting *s, char *buf, size_t size)
{
    switch (s->type) {
    case GS_TYPE_LOSS: return bar_list(gs_loss_names(), buf, size);
    case GS_TYPE_OPT: return bar_list(gs_opt_names(), buf, size);
    case GS_TYPE_SAMPLING: return bar_list(gs_sampling_names(), buf, size);
    case GS_TYPE_METHOD: return bar_list(gs_method_names(), buf, size);
    case GS_TYPE_PRECISION: return bar_list(gs_precision_names(), buf, size);
    default: return snprintf(buf, size, "%s", s->help);
    }
}

bool gs_setting_is_default(const gs_setting *s, const gs_train_config *cfg)
{
    const gs_train_config def = gs_train_defaults();
    char a[160], b[160];
    gs_setting_format(s, cfg, a, sizeof a);
    gs_setting_format(s, &def, b, sizeof b);
    return strcmp(a, b) == 0;
}
