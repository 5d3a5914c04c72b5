/* The activation table: names, formulas, kink rules, shapes. */
#ifndef GRIDSWEEP_ACTIVATION_H
#define GRIDSWEEP_ACTIVATION_H

#include <stdbool.h>

/* X-macro: one row per activation (id, name). Order fixes the enum. */
#define GS_ACTIVATIONS(X) \
    X(IDENTITY, identity)   \
    X(RELU, relu)           \
    X(LEAKY_RELU, leaky_relu) \
    X(ELU, elu)             \
    X(SELU, selu)           \
    X(CELU, celu)           \
    X(SOFTPLUS, softplus)   \
    X(GELU, gelu)           \
    X(GELU_TANH, gelu_tanh) \
    X(SILU, silu)           \
    X(MISH, mish)           \
    X(TANH, tanh)           \
    X(SIGMOID, sigmoid)     \
    X(SOFTSIGN, softsign)   \
    X(HARDTANH, hardtanh)

typedef enum gs_act {
#define GS_ACT_ENUM(ID, name) GS_ACT_##ID,
    GS_ACTIVATIONS(GS_ACT_ENUM)
#undef GS_ACT_ENUM
    GS_ACT_COUNT
} gs_act;

/* Shape of an activation on one interval of z, used to classify fits:
 * all pre-activations in one FLAT piece = dead, in one AFFINE piece = linear. */
typedef enum gs_piece_kind { GS_PIECE_FLAT, GS_PIECE_AFFINE, GS_PIECE_CURVED } gs_piece_kind;

typedef struct gs_piece {
    float lo, hi;          /* the closed interval [lo, hi] of z; may be +-inf */
    gs_piece_kind kind;
} gs_piece;

#define GS_MAX_PIECES 3

typedef struct gs_act_info {
    const char *name;
    const char *formula;   /* value, as documented in README */
    const char *kink;      /* derivative at the kinks (PyTorch autograd's choice) */
    int npieces;
    gs_piece pieces[GS_MAX_PIECES];
    /* Accuracy against a double-precision evaluation, checked by the tests:
     * |got - exact| <= ulps * ulp(exact) + atol, for value and derivative. */
    float f_ulps, f_atol, df_ulps, df_atol;
    /* The same for the f64 kernels (act_impl64.h) against MPFR
     * (tests/test_kernels64.c), in double ulps. */
    double f64_f_ulps, f64_f_atol, f64_df_ulps, f64_df_atol;
} gs_act_info;

const gs_act_info *gs_act_get(gs_act act);
int gs_act_parse(const char *name, gs_act *out);
/* Comma-separated list of every name, for error messages. */
const char *gs_act_names(void);

/* Kind of the piece that contains the whole interval [zlo, zhi], or -1 if no
 * single piece does. */
int gs_act_piece_of(gs_act act, float zlo, float zhi);

#endif
