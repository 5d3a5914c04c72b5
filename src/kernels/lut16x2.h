/* A table of 16 pairs of doubles (vmath64.h's 2^(j/16) in two parts) held in
 * two layouts, so that each f64 set reads a pair the way it loads fastest:
 * AVX-512 permutes the separate halves held in registers; AVX2 and NEON,
 * which look up lane by lane, take a lane's two values in one 16-byte load
 * from the interleaved copy (on AVX2 half the loads of two separate
 * lookups: f64 exp 4% faster). The interleaved copy holds the same values
 * times GS_LUT16X2_PAIR_SCALE, exactly (none comes near the subnormals):
 * vmath64.h's exp scales its result by a power of 2 anyway, and the sets
 * that read the pairs fold the factor into it (vf_ldexp_key16), one
 * multiplication fewer, the same bits. */
#ifndef GS_LUT16X2_H
#define GS_LUT16X2_H

#define GS_LUT16X2_PAIR_SCALE 0x1p-100

typedef struct gs_lut16x2 {
    double hi[16], lo[16];
    /* hi[0], lo[0], hi[1], lo[1], ..., each times GS_LUT16X2_PAIR_SCALE */
    _Alignas(16) double pair[32];
} gs_lut16x2;

#endif
