/* The vocabularies and the strict number parsers: every setting of the table
 * reads back what it writes, every enum's names parse to themselves and make
 * its "valid: ..." list, and numbers are the whole word or nothing. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "gridsweep/numparse.h"
#include "gridsweep/settings.h"

Test(numparse, integers_are_the_whole_word)
{
    int64_t v;
    int i;
    uint64_t u;
    cr_expect_eq(gs_parse_i64("-42", &v), 0);
    cr_expect_eq(v, -42);
    cr_expect_eq(gs_parse_i64("9223372036854775807", &v), 0);
    cr_expect_eq(v, INT64_MAX);
    cr_expect_eq(gs_parse_i64("-9223372036854775808", &v), 0);
    cr_expect_eq(v, INT64_MIN);
    cr_expect_eq(gs_parse_i64("9223372036854775808", &v), GS_NUM_RANGE);
    cr_expect_eq(gs_parse_i64("99999999999999999999999", &v), GS_NUM_RANGE);
    const char *bad[] = {"", "-", "+1", " 1", "1 ", "1.0", "0x10", "1e3", "--1", "1,000"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cr_expect_eq(gs_parse_i64(bad[k], &v), GS_NUM_MALFORMED, "'%s'", bad[k]);
        cr_expect_eq(gs_parse_int(bad[k], &i), GS_NUM_MALFORMED, "'%s'", bad[k]);
        cr_expect_eq(gs_parse_u64(bad[k], &u), GS_NUM_MALFORMED, "'%s'", bad[k]);
    }
    cr_expect_eq(gs_parse_int("2147483647", &i), 0);
    cr_expect_eq(gs_parse_int("2147483648", &i), GS_NUM_RANGE);
    cr_expect_eq(gs_parse_int("99999999999", &i), GS_NUM_RANGE);
    cr_expect_eq(gs_parse_u64("18446744073709551615", &u), 0);
    cr_expect_eq(u, UINT64_MAX);
    cr_expect_eq(gs_parse_u64("18446744073709551616", &u), GS_NUM_RANGE);
    cr_expect_eq(gs_parse_u64("-1", &u), GS_NUM_MALFORMED, "never 2^64 - 1");
    cr_expect_eq(gs_parse_u64(" -1", &u), GS_NUM_MALFORMED);
}

Test(numparse, floats_round_like_strtof)
{
    float f;
    double d;
    const char *good[] = {"0.1", "-2", "1e-08", "3.40282347e+38", "1.17549435e-38", "5.",
                          ".5", "0.100000001", "16777217", "1E5", "7e-46"};
    for (size_t k = 0; k < sizeof good / sizeof *good; k++) {
        cr_expect_eq(gs_parse_float(good[k], &f), 0, "'%s'", good[k]);
        cr_expect_eq(f, strtof(good[k], NULL), "'%s'", good[k]);
        cr_expect_eq(gs_parse_double(good[k], &d), 0, "'%s'", good[k]);
        cr_expect_eq(d, strtod(good[k], NULL), "'%s'", good[k]);
    }
    cr_expect_eq(gs_parse_float("1e39", &f), GS_NUM_RANGE);
    cr_expect_eq(gs_parse_double("1e39", &d), 0, "a double holds it");
    cr_expect_eq(gs_parse_double("1e400", &d), GS_NUM_RANGE);
    cr_expect_eq(gs_parse_float("1e-50", &f), 0, "too small rounds to 0, as in C");
    cr_expect_eq(f, 0.0f);
    const char *bad[] = {"", "-", "+1", " 1", "1 ", "0x1p3", "nan", "inf", "infinity", "1e",
                         "1e+", ".", "1..2", "e5"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cr_expect_eq(gs_parse_float(bad[k], &f), GS_NUM_MALFORMED, "'%s'", bad[k]);
        cr_expect_eq(gs_parse_double(bad[k], &d), GS_NUM_MALFORMED, "'%s'", bad[k]);
    }
    /* what %.9g prints for diverged cells: only the reader's variant takes it */
    cr_expect_eq(gs_parse_float_any("nan", &f), 0);
    cr_expect(isnan(f));
    cr_expect_eq(gs_parse_float_any("-nan", &f), 0);
    cr_expect(isnan(f) && signbit(f));
    cr_expect_eq(gs_parse_float_any("-inf", &f), 0);
    cr_expect_eq(f, -INFINITY);
    cr_expect_eq(gs_parse_float_any("infinity", &f), GS_NUM_MALFORMED);
}

Test(settings, the_table_reads_back_what_it_writes)
{
    const gs_train_config def = gs_train_defaults();
    cr_assert_eq(gs_setting_count(), 26);   /* 24, method, precision */
    for (int i = 0; i < gs_setting_count(); i++) {
        const gs_setting *s = gs_setting_at(i);
        char text[96], again[96];
        gs_train_config c;
        memset(&c, 0xa5, sizeof c);
        gs_error err;
        cr_expect_eq(gs_setting_by_option(s->option), s);
        cr_expect_eq(gs_setting_by_key(s->key), s);
        gs_setting_format(s, &def, text, sizeof text);
        cr_expect_eq(gs_setting_parse(s, s->option, text, &c, &err), 0, "%s: %s", s->key, err.msg);
        gs_setting_format(s, &c, again, sizeof again);
        cr_expect_str_eq(again, text, "%s", s->key);
        cr_expect_eq(gs_setting_check(s, &def, &err), 0, "the default of %s is valid", s->key);
        cr_expect_gt(gs_setting_describe(s, text, sizeof text), 0, "%s has help", s->key);
    }
    cr_expect_null(gs_setting_by_option("--act"), "act is not a training setting");
    cr_expect_null(gs_setting_at(26));
}

Test(settings, data_sets_both_of_its_fields)
{
    gs_train_config c = gs_train_defaults();
    gs_error err;
    cr_assert_eq(gs_setting_parse(gs_setting_by_key("data"), "--data", "-1:2", &c, &err), 0);
    cr_expect_eq(c.data_lo, -1.0f);
    cr_expect_eq(c.data_hi, 2.0f);
}

Test(settings, messages_name_the_value_as_typed)
{
    gs_train_config c = gs_train_defaults();
    gs_error err;
    const gs_setting *lr = gs_setting_by_key("lr");
    cr_assert_eq(gs_setting_parse(lr, "--lr", "1e-50", &c, &err), -1);
    cr_expect_str_eq(err.msg, "--lr must be a positive finite number, got 1e-50, which is 0 "
                              "in float32");
    cr_assert_eq(gs_setting_parse(lr, "--lr", "1e39", &c, &err), -1);
    cr_expect(strstr(err.msg, "too large for float32") != NULL, "%s", err.msg);
    cr_assert_eq(gs_setting_parse(gs_setting_by_key("loss"), "--loss", "hinge", &c, &err), -1);
    cr_expect_str_eq(err.msg, "--loss: unknown loss 'hinge' (valid: mae, mse, huber)");
    cr_assert_eq(gs_setting_parse(gs_setting_by_key("seed"), "--seed", " -1", &c, &err), -1);
    cr_expect_str_eq(err.msg, "--seed: ' -1' is not a non-negative integer");
    /* the beta of 0 that 1e-50 becomes is valid: no complaint */
    cr_expect_eq(gs_setting_parse(gs_setting_by_key("beta1"), "--beta1", "1e-50", &c, &err), 0);
}

/* Each enum: name(i) parses back to i, and the list is the names in order. */
#define CHECK_ENUM(kind, type, count)                                                      \
    do {                                                                                  \
        char list[256] = "";                                                              \
        for (int i = 0; i < count; i++) {                                                 \
            type v;                                                                       \
            cr_expect_eq(gs_##kind##_parse(gs_##kind##_name((type)i), &v), 0);            \
            cr_expect_eq((int)v, i);                                                      \
            strcat(strcat(list, i ? ", " : ""), gs_##kind##_name((type)i));               \
        }                                                                                 \
        cr_expect_str_eq(gs_##kind##_names(), list);                                      \
        cr_expect_str_eq(gs_##kind##_name((type)count), "?");                             \
    } while (0)

Test(enums, each_is_named_once)
{
    CHECK_ENUM(loss, gs_loss, GS_LOSS_COUNT);
    CHECK_ENUM(opt, gs_opt, GS_OPT_COUNT);
    CHECK_ENUM(sampling, gs_sampling, GS_SAMPLING_COUNT);
    CHECK_ENUM(outcome, gs_outcome, GS_OUT_COUNT);
    cr_expect_str_eq(gs_outcome_name(GS_OUT_DIVERGED), "diverged");
}
