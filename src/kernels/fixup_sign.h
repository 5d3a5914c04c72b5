/* The response table that makes AVX-512's vfixupimm compute the MAE sign in
 * one instruction: torch's sign(r), +1 for r > 0, -1 for r < 0, and +0 for
 * r = +-0 and for NaN, which is what vf_sign of every set returns (the
 * scalar reference's (r > 0) - (r < 0)). vfixupimm classifies each lane of
 * its second source (QNaN, SNaN, +-0, +1, -inf, +inf, other negative, other
 * positive: denormals are "other" while MXCSR.DAZ is off, as it always is
 * here) and writes the token that the table holds for that class, four bits
 * per class, class 0 lowest. Included by simd_avx512.h and simd_avx512_f64.h. */
#ifndef GS_FIXUP_SIGN_H
#define GS_FIXUP_SIGN_H

enum {
    GS_FIXUP_PLUS_ZERO = 0x8,   /* vfixupimm's tokens */
    GS_FIXUP_MINUS_ONE = 0x9,
    GS_FIXUP_PLUS_ONE = 0xA,
};

#define GS_FIXUP_CLASS(token, cls) ((unsigned)(token) << (4 * (cls)))
#define GS_FIXUP_SIGN_TABLE                                                                        \
    ((int)(GS_FIXUP_CLASS(GS_FIXUP_PLUS_ZERO, 0) | /* QNaN */                                      \
           GS_FIXUP_CLASS(GS_FIXUP_PLUS_ZERO, 1) | /* SNaN */                                      \
           GS_FIXUP_CLASS(GS_FIXUP_PLUS_ZERO, 2) | /* +-0 */                                       \
           GS_FIXUP_CLASS(GS_FIXUP_PLUS_ONE, 3) |  /* +1 */                                        \
           GS_FIXUP_CLASS(GS_FIXUP_MINUS_ONE, 4) | /* -inf */                                      \
           GS_FIXUP_CLASS(GS_FIXUP_PLUS_ONE, 5) |  /* +inf */                                      \
           GS_FIXUP_CLASS(GS_FIXUP_MINUS_ONE, 6) | /* other negative */                            \
           GS_FIXUP_CLASS(GS_FIXUP_PLUS_ONE, 7)))  /* other positive */

#endif
