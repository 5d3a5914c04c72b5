/* AVX2 + FMA in double: 4 lanes, two vectors interleaved. Mirrors
 * simd_scalar_f64.h. */
#ifndef GS_SIMD_AVX2_F64_H
#define GS_SIMD_AVX2_F64_H

#include <immintrin.h>
#include <sleef.h>

#include "lut16x2.h"

#define VW 4
#define NV 2
#define GS_KSUFFIX avx2
#define GS_KISA GS_ISA_AVX2

typedef __m256d vf;
typedef __m256d vm;   /* all-ones / all-zeros per lane */

static inline vf vf_set1(double x) { return _mm256_set1_pd(x); }
static inline vf vf_load(const double *p) { return _mm256_load_pd(p); }
static inline void vf_store(double *p, vf x) { _mm256_store_pd(p, x); }
static inline vf vf_loadu(const double *p) { return _mm256_loadu_pd(p); }
static inline void vf_storeu(double *p, vf x) { _mm256_storeu_pd(p, x); }
static inline vf vf_add(vf a, vf b) { return _mm256_add_pd(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm256_sub_pd(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm256_mul_pd(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm256_div_pd(a, b); }
static inline vf vf_sqrt(vf a) { return _mm256_sqrt_pd(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm256_fmadd_pd(a, b, c); }
static inline vf vf_abs(vf a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
static inline vf vf_fnma(vf a, vf b, vf c) { return _mm256_fnmadd_pd(a, b, c); }
static inline vf vf_negabs(vf a) { return _mm256_or_pd(_mm256_set1_pd(-0.0), a); }
static inline vf vf_max(vf a, vf b) { return _mm256_max_pd(a, b); }
static inline vf vf_min(vf a, vf b) { return _mm256_min_pd(a, b); }
static inline vm vf_gt(vf a, vf b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
static inline vm vf_ge(vf a, vf b) { return _mm256_cmp_pd(a, b, _CMP_GE_OQ); }
static inline vm vf_lt(vf a, vf b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
static inline vm vf_le(vf a, vf b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
static inline vm vf_ne(vf a, vf b) { return _mm256_cmp_pd(a, b, _CMP_NEQ_OQ); }
static inline vf vf_sel(vm m, vf a, vf b) { return _mm256_blendv_pd(b, a, m); }
static inline vf vf_selz(vm m, vf a) { return _mm256_and_pd(m, a); }
static inline int vm_all(vm m) { return _mm256_movemask_pd(m) == 0xf; }
/* -1 where r's sign bit is set, else +1 (one blend on r itself), then 0
 * where r is +-0 or NaN. */
static inline vf vf_sign(vf r)
{
    vf unit = _mm256_blendv_pd(_mm256_set1_pd(1.0), _mm256_set1_pd(-1.0), r);
    return _mm256_and_pd(vf_ne(r, _mm256_setzero_pd()), unit);
}

/* vmath64.h's 2^n and a 2^n (simd_scalar_f64.h): n + 1.5 2^52 holds the
 * integer n in its low bits, which plus the bias shift into the exponent. */
static inline vf vi_pow2i_biased(vf n, long long bias)
{
    __m256i k = _mm256_castpd_si256(_mm256_add_pd(n, _mm256_set1_pd(0x1.8p52)));
    return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k, _mm256_set1_epi64x(bias)), 52));
}
static inline vf vf_pow2i(vf n) { return vi_pow2i_biased(n, 1023); }
static inline vf vf_ldexp(vf a, vf n)
{
    vf big = _mm256_mul_pd(a, vi_pow2i_biased(n, 1023 + 100));   /* a 2^(n+100), exact */
    return _mm256_mul_pd(big, _mm256_set1_pd(0x1p-100));
}
/* a 2^floor(y) (simd_scalar_f64.h) for an a that carries the pair table's
 * 2^-100 (vf_lut16x2): one multiplication by 2^(floor(y)+100) rounds once,
 * as the reference's two steps. The power of 2 from key's bits: its low 16
 * bits are k mod 2^16 (VM64_SHIFT16's are zero), so (k + 16 bias) << 48 has
 * floor(k/16) + bias in the exponent field and k & 15 below it, which the
 * mask clears; for vmath64.h's k in [-17220, 0] the biased exponent stays
 * in [46, 1123]. Three integer operations and a multiplication instead of
 * vroundpd, an add, two integer operations and two multiplications. */
static inline vf vf_ldexp_key16(vf a, vf key, vf y)
{
    (void)y;
    __m256i e = _mm256_add_epi64(_mm256_castpd_si256(key), _mm256_set1_epi64x(16 * (1023 + 100)));
    e = _mm256_and_si256(_mm256_slli_epi64(e, 48), _mm256_set1_epi64x((long long)0xfff0000000000000ull));
    return _mm256_mul_pd(a, _mm256_castsi256_pd(e));
}
/* Four indices in the low bits of key's lanes, one 16-byte load of (hi, lo)
 * per lane, two unpacks: f64 tanh ran 10% faster with scalar loads than with
 * one vgatherqpd per lookup (Zen 4), and exp 4% faster again with the pairs
 * (Zen 5) than with two lookups of four scalar loads. The pairs are scaled
 * by GS_LUT16X2_PAIR_SCALE, which vf_ldexp_key16 takes back out. */
static inline void vf_lut16x2(const gs_lut16x2 *t, vf key, vf *hi, vf *lo)
{
    __m256i idx = _mm256_and_si256(_mm256_castpd_si256(key), _mm256_set1_epi64x(15));
    idx = _mm256_add_epi64(idx, idx);
    __m128i l = _mm256_castsi256_si128(idx), h = _mm256_extracti128_si256(idx, 1);
    const double *p = t->pair;
    __m256d ac = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_load_pd(&p[_mm_cvtsi128_si64(l)])),
                                      _mm_load_pd(&p[_mm_cvtsi128_si64(h)]), 1);
    __m256d bd = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_load_pd(&p[_mm_extract_epi64(l, 1)])),
                                      _mm_load_pd(&p[_mm_extract_epi64(h, 1)]), 1);
    *hi = _mm256_unpacklo_pd(ac, bd);
    *lo = _mm256_unpackhi_pd(ac, bd);
}

static inline vf vf_exp(vf a) { return Sleef_expd4_u10avx2(a); }
static inline vf vf_expm1(vf a) { return Sleef_expm1d4_u10avx2(a); }
static inline vf vf_log1p(vf a) { return Sleef_log1pd4_u10avx2(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhd4_u10avx2(a); }

#endif
