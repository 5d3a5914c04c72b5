/* The activation table: one row per activation. The kernels live in
 * act_impl.h (f32) and act_impl64.h (f64); the accuracy bounds here are what
 * tests/test_kernels.c and tests/test_kernels64.c check. */
#include <math.h>
#include <string.h>

#include "gridsweep/activation.h"

#define INF INFINITY
#define FLAT(lo, hi) {lo, hi, GS_PIECE_FLAT}
#define AFFINE(lo, hi) {lo, hi, GS_PIECE_AFFINE}
#define CURVED(lo, hi) {lo, hi, GS_PIECE_CURVED}

/* Bounds: |got - exact| <= ulps * ulp(exact) + atol, measured over millions of
 * inputs (docs/kernels.md). A non-zero atol marks a result formed near a
 * constant (f' = f + alpha, 1 - t^2, 1 + erf) or crossing zero, whose error is
 * absolute where the exact value is tiny.
 * A row names its activation by the X-macro's lower-case token: the name is
 * spelled once (activation.h), and a row for an unknown name does not compile. */
#define ACT_INDEX_(ID, name) ACT_##name = GS_ACT_##ID,
enum { GS_ACTIVATIONS(ACT_INDEX_) };
#define ROW(name, ...) [ACT_##name] = {#name, __VA_ARGS__}
/* The f64 kernels' bounds (f ulps, f atol, f' ulps, f' atol) against MPFR,
 * in double ulps: 1e-320 covers the denormal tails (few significant bits),
 * 1e-17 gelu_tanh's steep tail exp(-2u) (u rounded), 1.5e-16 the
 * derivatives' zero crossings (two O(1) terms cancel). docs/kernels.md. */
#define F64(fu, fa, du, da) fu, fa, du, da

static const gs_act_info table[GS_ACT_COUNT] = {
    ROW(identity, "z", "none", 1, {AFFINE(-INF, INF)}, 0, 0, 0, 0, F64(0, 0, 0, 0)),
    ROW(relu, "max(z, 0)", "relu'(0) = 0", 2,
        {FLAT(-INF, 0), AFFINE(0, INF)}, 0, 0, 0, 0, F64(0, 0, 0, 0)),
    ROW(leaky_relu, "z > 0 ? z : 0.01 z", "leaky_relu'(0) = 0.01", 2,
        {AFFINE(-INF, 0), AFFINE(0, INF)}, 1, 0, 0.5f, 0, F64(0.5, 0, 0, 0)),
    ROW(elu, "z > 0 ? z : exp(z) - 1", "elu'(0) = 1 (the z <= 0 branch)", 2,
        {CURVED(-INF, 0), AFFINE(0, INF)}, 1.5f, 6e-8f, 1.5f, 0, F64(1.5, 0, 1.5, 0)),
    ROW(selu, "z > 0 ? lambda z : lambda alpha (exp(z) - 1)",
        "selu'(0) = lambda * alpha = 1.7581 (the z <= 0 branch)", 2,
        {CURVED(-INF, 0), AFFINE(0, INF)}, 2, 1.1e-7f, 2, 0, F64(3, 0, 3, 0)),
    ROW(celu, "z > 0 ? z : exp(z) - 1 (alpha = 1)", "celu'(0) = 1", 2,
        {CURVED(-INF, 0), AFFINE(0, INF)}, 1.5f, 6e-8f, 1.5f, 0, F64(1.5, 0, 1.5, 0)),
    ROW(softplus, "max(z, 0) + log1p(exp(-|z|))", "smooth", 1,
        {CURVED(-INF, INF)}, 2.5f, 0, 3.5f, 0, F64(2, 0, 3, 0)),
    ROW(gelu, "z * (1 + erf(z / sqrt 2)) / 2", "smooth", 1,
        {CURVED(-INF, INF)}, 2, 1e-7f, 2, 1.5e-7f, F64(5, 1e-320, 1.5, 1.5e-16)),
    ROW(gelu_tanh, "z * (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))) / 2",
        "smooth", 1, {CURVED(-INF, INF)}, 5, 2.5e-8f, 2, 8e-8f, F64(4.5, 1e-17, 1.5, 1.5e-16)),
    ROW(silu, "z * sigmoid(z)", "smooth", 1, {CURVED(-INF, INF)}, 4, 1e-43f, 3,
        2.5e-8f, F64(3.5, 1e-320, 2, 1.5e-16)),
    ROW(mish, "z * tanh(softplus(z))", "smooth", 1, {CURVED(-INF, INF)}, 4.5f, 3e-43f,
        2, 1.8e-7f, F64(4.5, 1e-320, 1, 1.5e-16)),
    ROW(tanh, "tanh(z)", "smooth", 1, {CURVED(-INF, INF)}, 2.5f, 0, 1,
        1.4e-7f, F64(2.5, 0, 5, 0)),
    ROW(sigmoid, "1 / (1 + exp(-z))", "smooth", 1, {CURVED(-INF, INF)}, 3.5f, 0,
        5.5f, 0, F64(3, 0, 5, 0)),
    ROW(softsign, "z / (1 + |z|)", "softsign'(0) = 1", 1,
        {CURVED(-INF, INF)}, 2, 0, 4, 0, F64(2, 0, 4, 0)),
    ROW(hardtanh, "min(max(z, -1), 1)", "hardtanh'(+-1) = 0", 3,
        {FLAT(-INF, -1), AFFINE(-1, 1), FLAT(1, INF)}, 0, 0, 0, 0, F64(0, 0, 0, 0)),
};

const gs_act_info *gs_act_get(gs_act act) { return act < GS_ACT_COUNT ? &table[act] : NULL; }

int gs_act_parse(const char *name, gs_act *out)
{
    for (int i = 0; i < GS_ACT_COUNT; i++) {
        if (strcmp(name, table[i].name) == 0) {
            *out = (gs_act)i;
            return 0;
        }
    }
    return -1;
}

/* From the X-macro of activation.h, the names' one home. */
#define LISTED_(ID, name) ", " #name
const char *gs_act_names(void) { return &GS_ACTIVATIONS(LISTED_)[2]; }

int gs_act_piece_of(gs_act act, float zlo, float zhi)
{
    const gs_act_info *info = gs_act_get(act);
    for (int i = 0; info && i < info->npieces; i++)
        if (info->pieces[i].lo <= zlo && zhi <= info->pieces[i].hi)
            return (int)info->pieces[i].kind;
    return -1;
}

bool gs_act_piecewise_linear(gs_act act)
{
    const gs_act_info *info = gs_act_get(act);
    for (int i = 0; info && i < info->npieces; i++)
        if (info->pieces[i].kind == GS_PIECE_CURVED)
            return false;
    return info != NULL;
}
