/* The module _gridsweep: its method table, and the vocabularies and version
 * the Python package reports (from the library's tables, never restated). */
#define GSP_IMPORT_ARRAY
#include <stdlib.h>

#include "ext.h"
#include "gridsweep/activation.h"
#include "gridsweep/isa.h"
#include "gridsweep/kernels.h"
#include "gridsweep/settings.h"
#include "gridsweep/version.h"

/* (version, sleef version), as `gridsweep --version` prints them. */
static PyObject *version(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    return Py_BuildValue("(ss)", GS_VERSION, GS_SLEEF_VERSION);
}

/* (name, lanes per block) of the kernel set a sweep runs without isa=: the
 * fastest this CPU supports (and GRIDSWEEP_ISA allows), as the binary picks it. */
static PyObject *kernel_set(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    const gs_kernels *k = gs_kernels_get(gs_isa_best());
    return Py_BuildValue("(si)", gs_isa_name(k->isa), k->lanes);
}

/* Every kernel set a sweep can run here (isa=): built in, run by this CPU,
 * allowed by GRIDSWEEP_ISA. */
static PyObject *kernel_sets(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    PyObject *list = PyList_New(0);
    for (int i = 0; list && i < GS_ISA_COUNT; i++) {
        if (!gs_kernels_get((gs_isa)i))
            continue;
        PyObject *name = PyUnicode_FromString(gs_isa_name((gs_isa)i));
        if (!name || PyList_Append(list, name))
            Py_CLEAR(list);
        Py_XDECREF(name);
    }
    return list;
}

/* [(key, option, type, default text)], in settings.def's order. */
static PyObject *settings(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    const gs_train_config def = gs_train_defaults();
    PyObject *list = PyList_New(gs_setting_count());
    for (int i = 0; list && i < gs_setting_count(); i++) {
        const gs_setting *s = gs_setting_at(i);
        char value[128];
        gs_setting_format(s, &def, value, sizeof value);
        PyObject *row = Py_BuildValue("(ssss)", s->key, s->option,
                                      gs_setting_type_name(s->type), value);
        if (!row)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, row);
    }
    return list;
}

/* [(name, type, description)] of the map columns. */
static PyObject *columns(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    PyObject *list = PyList_New(GS_MAP_NCOLUMNS);
    for (int i = 0; list && i < GS_MAP_NCOLUMNS; i++) {
        const gs_map_column *c = gs_map_column_at(i);
        PyObject *row = Py_BuildValue("(sss)", c->name, gs_column_type_name(c->type),
                                      c->description);
        if (!row)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, row);
    }
    return list;
}

/* The outcome names by code, and the activation names. */
static PyObject *outcomes(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    PyObject *list = PyList_New(GS_OUT_COUNT);
    for (int i = 0; list && i < GS_OUT_COUNT; i++) {
        PyObject *name = PyUnicode_FromString(gs_outcome_name((gs_outcome)i));
        if (!name)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, name);
    }
    return list;
}

static PyObject *activations(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    PyObject *list = PyList_New(GS_ACT_COUNT);
    for (int i = 0; list && i < GS_ACT_COUNT; i++) {
        PyObject *name = PyUnicode_FromString(gs_act_get((gs_act)i)->name);
        if (!name)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, name);
    }
    return list;
}

static PyMethodDef methods[] = {
    {"sweep", (PyCFunction)(void (*)(void))gsp_sweep, METH_VARARGS | METH_KEYWORDS,
     "sweep(settings, act, x, y, res, at, tile, threads, isa, progress): the map's columns"},
    {"trace", (PyCFunction)(void (*)(void))gsp_trace, METH_VARARGS | METH_KEYWORDS,
     "trace(settings, act, init, point, every, isa): one trajectory"},
    {"load", gsp_load, METH_VARARGS, "load(path): a CSV map's columns"},
    {"stats", gsp_stats, METH_VARARGS, "stats(outcome, eps): gridsweep stats of a grid"},
    {"version", version, METH_NOARGS, "(gridsweep version, SLEEF version)"},
    {"kernel_set", kernel_set, METH_NOARGS, "(name, lanes) of the kernel set picked"},
    {"kernel_sets", kernel_sets, METH_NOARGS, "the kernel sets this build and CPU run"},
    {"settings", settings, METH_NOARGS, "[(key, option, type, default)]"},
    {"columns", columns, METH_NOARGS, "[(name, type, description)]"},
    {"outcomes", outcomes, METH_NOARGS, "outcome names by code"},
    {"activations", activations, METH_NOARGS, "activation names"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_gridsweep", "The C library of gridsweep (see the gridsweep package).",
    -1, methods, NULL, NULL, NULL, NULL,
};

/* GRIDSWEEP_ISA=NAME restricts the kernel sets as it does for the binary
 * (the library's mask: once per process, before the first sweep), so that
 * kernel_set() and a sweep without isa= agree with `gridsweep --version`
 * run in the same environment. The binary's messages when it cannot. */
static int apply_isa_env(void)
{
    if (!gs_isa_supported(GS_ISA_SCALAR)) {
        PyErr_SetString(PyExc_ImportError, "this CPU lacks FMA, which the scalar kernels need");
        return -1;
    }
    const char *name = getenv("GRIDSWEEP_ISA");
    gs_isa isa;
    if (!name || !*name)
        return 0;
    if (gs_isa_parse(name, &isa))
        PyErr_Format(PyExc_ImportError, "GRIDSWEEP_ISA=%s: unknown kernel set (valid: %s)",
                     name, gs_isa_names());
    else if (!gs_isa_supported(isa))
        PyErr_Format(PyExc_ImportError, "GRIDSWEEP_ISA=%s: this CPU or build cannot run it "
                     "(best here: %s)", name, gs_isa_name(gs_isa_best()));
    else if (gs_isa_set_mask(GS_ISA_BIT(isa)))
        PyErr_SetString(PyExc_ImportError, "the kernel set was picked twice");
    else
        return 0;
    return -1;
}

PyMODINIT_FUNC PyInit__gridsweep(void)
{
    import_array();
    if (apply_isa_env())
        return NULL;
    return PyModule_Create(&module);
}
