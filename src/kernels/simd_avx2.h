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
/* r's sign bit on 1.0 (+-1), then 0 where r is +-0 or NaN. The empty asm
 * hides the two constants' values from GCC, so it does not keep them in
 * registers across the accumulation loop: there, with the ten running sums
 * of a pair of vectors (train_impl.h), they left one ymm short, and a sum
 * lived on the stack, its store and reload on the loop's critical path.
 * Now the sign mask is the one that goes to the stack, read-only in the
 * loop. Zen 3 (no AVX-512), f32 sweep, min of 6 alternated runs
 * (bench/ab-sweep --isa avx2 --res 128): relu 940 -> 855 ms (--steps 600),
 * elu 1237 -> 1196 ms (--steps 300), maps identical. */
static inline vf vf_sign(vf r)
{
    vf zero = _mm256_setzero_ps(), sign = _mm256_set1_ps(-0.0f);
    __asm__ volatile("" : "+x"(zero), "+x"(sign));
    vf unit = _mm256_or_ps(_mm256_and_ps(r, sign), _mm256_set1_ps(1.0f));
    return _mm256_and_ps(vf_ne(r, zero), unit);
}

/* 2 sign(r) in one vpsignd: 2.0f's bits take r's sign as an integer, so
 * +2, -2 or 0 (r's bits all 0). Right for every r but -0 (its bits are
 * negative: -2) and NaN (+-2), 2.0f being the one float whose integer
 * negation is its own negation. train_impl.h's doubled MAE sums keep to
 * those r and check for the rest. */
#define GS_HAVE_SIGN2 1
static const float gs_two8[8] __attribute__((aligned(32))) = {2, 2, 2, 2, 2, 2, 2, 2};
static inline vf vf_sign2(vf r)
{
    const float *p = gs_two8;
    __asm__ volatile("" : "+r"(p));   /* loaded at each use, not kept in a ymm */
    const __m256i two = _mm256_castps_si256(_mm256_load_ps(p));
    return _mm256_castsi256_ps(_mm256_sign_epi32(two, _mm256_castps_si256(r)));
}

static inline vf vf_round(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
static inline __m256i vi_pow2i_bits(__m256i n)
{
    return _mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23);
}
static inline vf vf_pow2i(vf n) { return _mm256_castsi256_ps(vi_pow2i_bits(_mm256_cvtps_epi32(n))); }
static inline vf vf_ldexp(vf a, vf n)
{
    __m256i n63 = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(63));
    vf big = _mm256_mul_ps(a, _mm256_castsi256_ps(vi_pow2i_bits(n63)));   /* a 2^(n+63), exact */
    return _mm256_mul_ps(big, _mm256_set1_ps(0x1p-63f));
}

static inline vf vf_exp(vf a) { return Sleef_expf8_u10avx2(a); }
static inline vf vf_log(vf a) { return Sleef_logf8_u10avx2(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhf8_u10avx2(a); }

#endif
