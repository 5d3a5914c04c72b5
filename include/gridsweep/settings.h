/* The training settings as data: one row per setting of gs_train_config,
 * generated from settings.def, so that the defaults, the range checks, the
 * map header lines, the canonical command, the option parser, the help text
 * and `gridsweep --list settings` all come from the same table. */
#ifndef GRIDSWEEP_SETTINGS_H
#define GRIDSWEEP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "gridsweep/error.h"
#include "gridsweep/train.h"

#define GS_MAX_STEPS 10000000
#define GS_MAX_BATCH 1048576
#define GS_MAX_EVAL 1048576
#define GS_MAX_SEEDS 64   /* an ensemble row keeps one outcome digit per seed */

typedef enum gs_setting_type {
    GS_TYPE_LOSS,      /* gs_loss, by name */
    GS_TYPE_OPT,       /* gs_opt, by name */
    GS_TYPE_SAMPLING,  /* gs_sampling, by name */
    GS_TYPE_FLOAT,     /* float, written as the shortest text that reads back */
    GS_TYPE_DOUBLE,    /* double, likewise */
    GS_TYPE_INT,       /* int */
    GS_TYPE_U64,       /* uint64_t */
    GS_TYPE_RANGE,     /* two floats, LO:HI */
    GS_TYPE_RATE,      /* float; NaN (unset) follows --lr, a positive value replaces it */
    GS_TYPE_ACT,       /* gs_act, by name */
    GS_TYPE_DIST,      /* gs_dist, as "uniform" or "NAME:P1,P2" (gs_dist_parse) */
    GS_TYPE_METHOD,    /* gs_method, by name */
    GS_TYPE_PRECISION, /* gs_precision, by name */
} gs_setting_type;

/* The check column of settings.def: each expands to (kind, min, max). */
typedef enum gs_check_kind {
    GS_CHECK_KIND_NONE,
    GS_CHECK_KIND_BETWEEN,   /* an integer in [min, max] */
    GS_CHECK_KIND_POSITIVE,  /* finite and > 0 */
    GS_CHECK_KIND_UNIT,      /* in [0, 1) */
    GS_CHECK_KIND_FRACTION,  /* in (0, 1] */
    GS_CHECK_KIND_NONNEG,    /* finite and >= 0 */
    GS_CHECK_KIND_ORDERED,   /* a range: finite LO < HI */
} gs_check_kind;
#define GS_CHECK_NONE GS_CHECK_KIND_NONE, 0, 0
#define GS_CHECK_BETWEEN(lo, hi) GS_CHECK_KIND_BETWEEN, lo, hi
#define GS_CHECK_POSITIVE GS_CHECK_KIND_POSITIVE, 0, 0
#define GS_CHECK_UNIT GS_CHECK_KIND_UNIT, 0, 0
#define GS_CHECK_FRACTION GS_CHECK_KIND_FRACTION, 0, 0
#define GS_CHECK_NONNEG GS_CHECK_KIND_NONNEG, 0, 0
#define GS_CHECK_ORDERED GS_CHECK_KIND_ORDERED, 0, 0

typedef enum gs_setting_section {
    GS_SECTION_TRAIN,
    GS_SECTION_JUDGE,
    GS_SECTION_ENSEMBLE,   /* seed ensembles */
} gs_setting_section;

typedef struct gs_setting {
    const char *key;        /* "huber_delta": the header key */
    const char *option;     /* "--huber-delta" */
    gs_setting_type type;
    size_t offset;          /* of the field in gs_train_config (LO for a range) */
    size_t offset_hi;       /* of HI, for a range */
    gs_check_kind check;
    long min, max;          /* for GS_CHECK_KIND_BETWEEN */
    const char *metavar;    /* "X" in "--lr X" */
    gs_setting_section section;
    const char *help;       /* "" for an enum: its names are the help */
    bool if_set;            /* GS_SETTING_IF_SET: written only when not the default */
} gs_setting;

/* The table, in settings.def's order. */
int gs_setting_count(void);
const gs_setting *gs_setting_at(int i);
/* By option ("--lr") or by key ("lr"); NULL if none. */
const gs_setting *gs_setting_by_option(const char *option);
const gs_setting *gs_setting_by_key(const char *key);

/* Reads text into the setting's field(s) of cfg; `name` (usually the option)
 * starts the one-line message. A value that passes the range check only
 * before rounding to float32 (--lr 1e-50) is refused here, naming the text. */
int gs_setting_parse(const gs_setting *s, const char *name, const char *text,
                     gs_train_config *cfg, gs_error *err);
/* The value as header lines and the canonical command write it. */
int gs_setting_format(const gs_setting *s, const gs_train_config *cfg, char *buf,
                      size_t size);
/* The range check of one setting. */
int gs_setting_check(const gs_setting *s, const gs_train_config *cfg, gs_error *err);
/* The help text after the option: the help column, or for an enum its names
 * ("mae | mse | huber"). */
int gs_setting_describe(const gs_setting *s, char *buf, size_t size);
/* Whether cfg holds the setting's default value (as its text). */
bool gs_setting_is_default(const gs_setting *s, const gs_train_config *cfg);
/* "enum", "float", "double", "int", "uint64", "range", "rate" or "dist". */
const char *gs_setting_type_name(gs_setting_type type);

#endif
