/* AVX-512F: 16 lanes, two vectors interleaved. Mirrors simd_scalar.h. */
#ifndef GS_SIMD_AVX512_H
#define GS_SIMD_AVX512_H

#include <immintrin.h>
#include <sleef.h>

#include "fixup_sign.h"

#define VW 16
#define NV 2
#define GS_KSUFFIX avx512
#define GS_KISA GS_ISA_AVX512
/* 32 vector registers: the training loop holds the last stage of sigmoid
 * and silu beside its sums (train_impl.h, TRAIN_REST_INLINE; AVX2's 16 are
 * too few). */
#define GS_TRAIN_REST_INLINE 1

typedef __m512 vf;
typedef __mmask16 vm;

static inline vf vf_set1(float x) { return _mm512_set1_ps(x); }
static inline vf vf_load(const float *p) { return _mm512_load_ps(p); }
static inline void vf_store(float *p, vf x) { _mm512_store_ps(p, x); }
static inline vf vf_loadu(const float *p) { return _mm512_loadu_ps(p); }
static inline void vf_storeu(float *p, vf x) { _mm512_storeu_ps(p, x); }
static inline vf vf_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm512_div_ps(a, b); }
static inline vf vf_sqrt(vf a) { return _mm512_sqrt_ps(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vf_abs(vf a) { return _mm512_abs_ps(a); }
static inline vf vf_max(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vf vf_min(vf a, vf b) { return _mm512_min_ps(a, b); }
static inline vm vf_gt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
static inline vm vf_ge(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
static inline vm vf_lt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline vm vf_le(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
static inline vm vf_ne(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_NEQ_OQ); }
static inline vf vf_sel(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); }
static inline vf vf_selz(vm m, vf a) { return _mm512_maskz_mov_ps(m, a); }
static inline int vm_all(vm m) { return m == 0xffff; }
/* One vfixupimmps (fixup_sign.h) instead of a compare and a ternary-logic
 * op: relu's sweep 9% faster (median of 12 alternated runs, README), maps
 * identical. The table goes into every lane; imm8 0 reports no exceptions. */
static inline vf vf_sign(vf r)
{
    return _mm512_fixupimm_ps(_mm512_setzero_ps(), r, _mm512_set1_epi32(GS_FIXUP_SIGN_TABLE), 0);
}

static inline vf vf_round(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
static inline vf vf_pow2i(vf n)
{
    __m512i bits = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(bits, 23));
}
/* One rounding, as the scalar reference's two exact-then-rounding steps. */
static inline vf vf_ldexp(vf a, vf n) { return _mm512_scalef_ps(a, n); }

static inline vf vf_exp(vf a) { return Sleef_expf16_u10avx512f(a); }
static inline vf vf_log(vf a) { return Sleef_logf16_u10avx512f(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhf16_u10avx512f(a); }

#endif
