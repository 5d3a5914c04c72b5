/* gridsweep --list WHAT [--json]: the vocabularies, straight from their
 * tables, so that scripts ask the program instead of keeping their own lists.
 * Plain: one name a line. JSON: an array with one object per name (the shapes
 * are in README, "Vocabularies"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gridsweep/activation.h"
#include "gridsweep/ensemble.h"
#include "gridsweep/map.h"
#include "gridsweep/settings.h"
#include "json.h"
#include "options.h"
#include "outfile.h"
#include "usage.h"

/* Floats as the shortest text that reads back; JSON has no inf or NaN. */
static void json_float(FILE *f, float v)
{
    char buf[32];
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    gs_fmt_float(buf, sizeof buf, v);
    fputs(buf, f);
}

static const char *const piece_kinds[] = {
    [GS_PIECE_FLAT] = "flat", [GS_PIECE_AFFINE] = "affine", [GS_PIECE_CURVED] = "curved"};

static void activation_json(FILE *f, const gs_act_info *a)
{
    fputs("{\"name\": ", f);
    json_string(f, a->name);
    fputs(", \"formula\": ", f);
    json_string(f, a->formula);
    fputs(", \"kink\": ", f);
    json_string(f, a->kink);
    fputs(", \"pieces\": [", f);
    for (int k = 0; k < a->npieces; k++) {
        fputs(k ? ", {\"lo\": " : "{\"lo\": ", f);
        json_float(f, a->pieces[k].lo);
        fputs(", \"hi\": ", f);
        json_float(f, a->pieces[k].hi);
        fprintf(f, ", \"kind\": \"%s\"}", piece_kinds[a->pieces[k].kind]);
    }
    const char *const bound[] = {"f_ulps", "f_atol", "df_ulps", "df_atol"};
    const float value[] = {a->f_ulps, a->f_atol, a->df_ulps, a->df_atol};
    fputs("]", f);
    for (int k = 0; k < 4; k++) {
        fprintf(f, ", \"%s\": ", bound[k]);
        json_float(f, value[k]);
    }
    fputs("}", f);
}

static void setting_json(FILE *f, const gs_setting *s, const gs_train_config *def)
{
    char text[256];
    fputs("{\"key\": ", f);
    json_string(f, s->key);
    fputs(", \"option\": ", f);
    json_string(f, s->option);
    static const char *const sections[] = {[GS_SECTION_TRAIN] = "train",
                                           [GS_SECTION_JUDGE] = "judge",
                                           [GS_SECTION_ENSEMBLE] = "ensemble"};
    fprintf(f, ", \"type\": \"%s\", \"section\": \"%s\", \"default\": ",
            gs_setting_type_name(s->type), sections[s->section]);
    gs_setting_format(s, def, text, sizeof text);
    json_string(f, text);
    fputs(", \"help\": ", f);
    gs_setting_describe(s, text, sizeof text);
    json_string(f, text);
    fputs("}", f);
}

#define LIST_ENUM_(name) LIST_##name,
typedef enum list_kind { CLI_LISTS(LIST_ENUM_, ) LIST_COUNT } list_kind;

/* The name of item i of a list, and its JSON object. */
static const char *item_name(list_kind kind, int i)
{
    switch (kind) {
    case LIST_activations: return gs_act_get((gs_act)i)->name;
    case LIST_outcomes: return gs_outcome_name((gs_outcome)i);
    case LIST_columns: return gs_map_column_at(i)->name;
    case LIST_settings: return gs_setting_at(i)->key;
    case LIST_ensemble_columns: return gs_ens_column_at(i)->name;
    default: return "?";
    }
}

static void item_json(FILE *f, list_kind kind, int i, const gs_train_config *def)
{
    switch (kind) {
    case LIST_activations: activation_json(f, gs_act_get((gs_act)i)); break;
    case LIST_outcomes:
        fputs("{\"name\": ", f);
        json_string(f, gs_outcome_name((gs_outcome)i));
        fprintf(f, ", \"code\": %d}", i);
        break;
    case LIST_columns:
        fputs("{\"name\": ", f);
        json_string(f, gs_map_column_at(i)->name);
        fprintf(f, ", \"type\": \"%s\"}", gs_column_type_name(gs_map_column_at(i)->type));
        break;
    case LIST_settings: setting_json(f, gs_setting_at(i), def); break;
    case LIST_ensemble_columns:
        fputs("{\"name\": ", f);
        json_string(f, gs_ens_column_at(i)->name);
        fprintf(f, ", \"type\": \"%s\"}", gs_ens_column_type(gs_ens_column_at(i)));
        break;
    default: break;
    }
}

static int item_count(list_kind kind)
{
    switch (kind) {
    case LIST_activations: return GS_ACT_COUNT;
    case LIST_outcomes: return GS_OUT_COUNT;
    case LIST_columns: return GS_MAP_NCOLUMNS;
    case LIST_settings: return gs_setting_count();
    case LIST_ensemble_columns: return gs_ens_column_count();
    default: return 0;
    }
}

#define LIST_NAME_(name) #name,
static const char *const list_names[] = {CLI_LISTS(LIST_NAME_, )};

#define LIST_HELP                                                                           \
    "usage: gridsweep --list WHAT [--json]\n"                                             \
    "Prints the names gridsweep knows, one a line, or with --json as an array of objects\n" \
    "with their properties. WHAT is " CLI_LISTS(CLI_WORD, " | ") ".\n"

int cmd_list(int argc, char **argv)
{
    const char *what = NULL;
    bool json = false;
    cli_optset set = {0};
    cli_add(&set, "--list", cli_string, &what);
    cli_add(&set, "--json", NULL, &json);
    char *pos[1];
    int npos, rc = cli_parse(&set, argc, argv, pos, 0, &npos, LIST_HELP);
    if (rc)
        return rc < 0 ? 0 : rc;
    list_kind kind = LIST_COUNT;
    for (int k = 0; k < LIST_COUNT; k++)
        if (what && strcmp(what, list_names[k]) == 0)
            kind = (list_kind)k;
    if (kind == LIST_COUNT)
        return cli_usage_error("--list: unknown list '%s' (valid: %s)", what ? what : "",
                               CLI_LISTS(CLI_WORD, ", "));
    const gs_train_config def = gs_train_defaults();
    const int n = item_count(kind);
    if (json)
        fputs("[\n", stdout);
    for (int i = 0; i < n; i++) {
        if (!json) {
            puts(item_name(kind, i));
            continue;
        }
        fputs("  ", stdout);
        item_json(stdout, kind, i, &def);
        fputs(i + 1 < n ? ",\n" : "\n", stdout);
    }
    if (json)
        fputs("]\n", stdout);
    outfile out = {.f = stdout};
    return outfile_commit(&out);
}
