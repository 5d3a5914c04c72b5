/* AVX2 + FMA: 8 lanes, two vectors interleaved. Mirrors simd_scalar.h. */
#ifndef GS_SIMD_AVX2_H
#define GS_SIMD_AVX2_H

#include <immintrin.h>
#include <sleef.h>

#define VW 8
#define NV 2
#define GS_KSUFFIX avx2
#define GS_KISA GS_ISA_AVX2

typedef __m256 vf;
typedef __m256 vm;   /* all-ones / all-zeros per lane */

static inline vf vf_set1(float x) { return _mm256_set1_ps(x); }
static inline vf vf_load(const float *p) { return _mm256_load_ps(p); }
static inline void vf_store(float *p, vf x) { _mm256_store_ps(p, x); }
static inline vf vf_loadu(const float *p) { return _mm256_loadu_ps(p); }
static inline void vf_storeu(float *p, vf x) { _mm256_storeu_ps(p, x); }
static inline vf vf_add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm256_div_ps(a, b); }
static inline vf vf_sqrt(vf a) { return _mm256_sqrt_ps(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vf_abs(vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
static inline vf vf_max(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline vf vf_min(vf a, vf b) { return _mm256_min_ps(a, b); }
static inline vm vf_gt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline vm vf_ge(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
static inline vm vf_lt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline vm vf_le(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
static inline vm vf_ne(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_OQ); }
static inline vf vf_sel(vm m, vf a, vf b) { return _mm256_blendv_ps(b, a, m); }
static inline vf vf_selz(vm m, vf a) { return _mm256_and_ps(m, a); }
static inline int vm_all(vm m) { return _mm256_movemask_ps(m) == 0xff; }
/* -1 where r's sign bit is set, else +1 (one blend on r itself), then 0
 * where r is +-0 or NaN. */
static inline vf vf_sign(vf r)
{
    vf unit = _mm256_blendv_ps(_mm256_set1_ps(1.0f), _mm256_set1_ps(-1.0f), r);
    return _mm256_and_ps(vf_ne(r, _mm256_setzero_ps()), unit);
}

static inline vf vf_exp(vf a) { return Sleef_expf8_u10avx2(a); }
static inline vf vf_log(vf a) { return Sleef_logf8_u10avx2(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhf8_u10avx2(a); }

#endif
