/* The arguments both sweep() and trace() take, read by the library's own
 * parsers with the command line's messages: the training settings by their
 * header keys, the activation, the kernel set. */
#include <string.h>

#include "ext.h"
#include "gridsweep/activation.h"
#include "gridsweep/isa.h"
#include "gridsweep/settings.h"

PyObject *gsp_value_error(const gs_error *err)
{
    PyErr_SetString(PyExc_ValueError, err->msg);
    return NULL;
}

int gsp_parse_act(const char *name, gs_act *act)
{
    if (gs_act_parse(name, act)) {   /* the message of the CLI's --act */
        PyErr_Format(PyExc_ValueError, "--act: unknown activation '%s' (valid: %s)", name,
                     gs_act_names());
        return -1;
    }
    return 0;
}

/* The settings: a sequence of (key, text) pairs, in the caller's order. */
int gsp_parse_settings(PyObject *settings, gs_train_config *train, int *lr_given)
{
    gs_error err;
    const Py_ssize_t n = PySequence_Size(settings);
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *key, *text;
        PyObject *pair = PySequence_GetItem(settings, i);
        if (!pair)
            return -1;
        const int ok = PyArg_ParseTuple(pair, "ss", &key, &text);
        Py_DECREF(pair);
        if (!ok)
            return -1;
        const gs_setting *s = gs_setting_by_key(key);
        if (!s) {
            PyErr_Format(PyExc_TypeError, "unknown setting '%s' (see gridsweep.settings())",
                         key);
            return -1;
        }
        if (gs_setting_parse(s, s->option, text, train, &err))
            return gsp_value_error(&err), -1;
        if (lr_given && strcmp(key, "lr") == 0)
            *lr_given = 1;
    }
    return 0;
}

/* The kernel set: the best one (the binary's pick), or isa=, with the
 * messages of the CLI's --isa (src/cli/options.c). The library's mask is
 * process-wide and set once (by GRIDSWEEP_ISA at import), so isa= picks its
 * table directly instead. */
const gs_kernels *gsp_pick_kernels(const char *name)
{
    gs_isa isa = gs_isa_best();
    if (name && gs_isa_parse(name, &isa)) {
        PyErr_Format(PyExc_ValueError, "--isa: unknown kernel set '%s' (valid: %s)", name,
                     gs_isa_names());
        return NULL;
    }
    const gs_kernels *k = gs_kernels_get(isa);
    if (!k)
        PyErr_Format(PyExc_ValueError, "--isa %s: this CPU or build cannot run it (best here: "
                     "%s)", gs_isa_name(isa), gs_isa_name(gs_isa_best()));
    return k;
}

