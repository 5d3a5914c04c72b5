/* AVX-512F in double: 8 lanes, two vectors interleaved. Mirrors
 * simd_scalar_f64.h. */
#ifndef GS_SIMD_AVX512_F64_H
#define GS_SIMD_AVX512_F64_H

#include <immintrin.h>
#include <sleef.h>

#include "fixup_sign.h"
#include "lut16x2.h"

#define VW 8
#define NV 2
#define GS_KSUFFIX avx512
#define GS_KISA GS_ISA_AVX512
/* 32 vector registers: the training loop holds the last stage of
 * softplus, sigmoid and silu beside its sums (train_impl.h,
 * TRAIN_REST_INLINE): measured faster here, slower on AVX2's 16 registers;
 * NEON has 32 too, but its speed is not measured (qemu). */
#define GS_TRAIN_REST_INLINE 1

typedef __m512d vf;
typedef __mmask8 vm;

static inline vf vf_set1(double x) { return _mm512_set1_pd(x); }
static inline vf vf_load(const double *p) { return _mm512_load_pd(p); }
static inline void vf_store(double *p, vf x) { _mm512_store_pd(p, x); }
static inline vf vf_loadu(const double *p) { return _mm512_loadu_pd(p); }
static inline void vf_storeu(double *p, vf x) { _mm512_storeu_pd(p, x); }
static inline vf vf_add(vf a, vf b) { return _mm512_add_pd(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm512_sub_pd(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_pd(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm512_div_pd(a, b); }
static inline vf vf_sqrt(vf a) { return _mm512_sqrt_pd(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm512_fmadd_pd(a, b, c); }
static inline vf vf_abs(vf a) { return _mm512_abs_pd(a); }
static inline vf vf_fnma(vf a, vf b, vf c) { return _mm512_fnmadd_pd(a, b, c); }
static inline vf vf_negabs(vf a)
{
    return _mm512_castsi512_pd(_mm512_or_epi64(_mm512_castpd_si512(a),
                                               _mm512_set1_epi64((long long)0x8000000000000000ull)));
}
static inline vf vf_max(vf a, vf b) { return _mm512_max_pd(a, b); }
static inline vf vf_min(vf a, vf b) { return _mm512_min_pd(a, b); }
static inline vm vf_gt(vf a, vf b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
static inline vm vf_ge(vf a, vf b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
static inline vm vf_lt(vf a, vf b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
static inline vm vf_le(vf a, vf b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
static inline vm vf_ne(vf a, vf b) { return _mm512_cmp_pd_mask(a, b, _CMP_NEQ_OQ); }
static inline vf vf_sel(vm m, vf a, vf b) { return _mm512_mask_blend_pd(m, b, a); }
static inline vf vf_selz(vm m, vf a) { return _mm512_maskz_mov_pd(m, a); }
static inline int vm_all(vm m) { return m == 0xff; }
/* One vfixupimmpd, as simd_avx512.h's; it reads the low 32 bits of each
 * 64-bit table lane, so the sign extension of the int table is harmless. */
static inline vf vf_sign(vf r)
{
    return _mm512_fixupimm_pd(_mm512_setzero_pd(), r, _mm512_set1_epi64(GS_FIXUP_SIGN_TABLE), 0);
}

/* vmath64.h's 2^n and a 2^n (simd_scalar_f64.h), each one vscalefpd: 1 2^n
 * is exact, a 2^n rounds once, as the scalar reference's two steps. */
static inline vf vf_pow2i(vf n) { return _mm512_scalef_pd(_mm512_set1_pd(1.0), n); }
static inline vf vf_ldexp(vf a, vf n) { return _mm512_scalef_pd(a, n); }
static inline vf vf_ldexp_key16(vf a, vf key, vf y)   /* vscalefpd floors y itself */
{
    (void)key;
    return _mm512_scalef_pd(a, y);
}
/* Each half of the table in two registers, one vpermt2pd a half: it reads
 * bits 0-3 of each index lane and ignores the rest. */
static inline void vf_lut16x2(const gs_lut16x2 *t, vf key, vf *hi, vf *lo)
{
    __m512i idx = _mm512_castpd_si512(key);
    *hi = _mm512_permutex2var_pd(_mm512_loadu_pd(t->hi), idx, _mm512_loadu_pd(t->hi + 8));
    *lo = _mm512_permutex2var_pd(_mm512_loadu_pd(t->lo), idx, _mm512_loadu_pd(t->lo + 8));
}

static inline vf vf_exp(vf a) { return Sleef_expd8_u10avx512f(a); }
static inline vf vf_expm1(vf a) { return Sleef_expm1d8_u10avx512f(a); }
static inline vf vf_log1p(vf a) { return Sleef_log1pd8_u10avx512f(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhd8_u10avx512f(a); }

#endif
