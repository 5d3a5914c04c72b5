/* The vector operations of the sorted method (sorted_impl.h): doubles and
 * 64-bit indices side by side, SV lanes a vector, with gathers from a row's
 * tables. AVX-512F: 8 lanes; AVX2: 4; any other set (scalar, NEON): 1, in
 * plain C, which defines what each operation does. Every operation is one
 * IEEE operation per lane (or exact: indices, selects, comparisons), so the
 * sets agree bit for bit; max and min are x86's (the second operand unless
 * the first is greater, or less), as sorted_index.h's bucket uses them. */
#ifndef GS_SORTED_SIMD_H
#define GS_SORTED_SIMD_H

#include <stdint.h>

#if defined(__AVX512F__)
#include <immintrin.h>

#define SV 8
typedef __m512d sd;    /* doubles */
typedef __m512i si;    /* 64-bit indices */
typedef __mmask8 sm;   /* a lane mask */

static inline sd sd_set1(double x) { return _mm512_set1_pd(x); }
static inline sd sd_loadf(const float *p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
static inline void sd_store(double *p, sd x) { _mm512_storeu_pd(p, x); }
static inline sd sd_load(const double *p) { return _mm512_loadu_pd(p); }
static inline sd sd_add(sd a, sd b) { return _mm512_add_pd(a, b); }
static inline sd sd_sub(sd a, sd b) { return _mm512_sub_pd(a, b); }
static inline sd sd_mul(sd a, sd b) { return _mm512_mul_pd(a, b); }
static inline sd sd_div(sd a, sd b) { return _mm512_div_pd(a, b); }
static inline sd sd_abs(sd a) { return _mm512_abs_pd(a); }
static inline sd sd_max(sd a, sd b) { return _mm512_max_pd(a, b); }
static inline sd sd_min(sd a, sd b) { return _mm512_min_pd(a, b); }
static inline sm sd_gt(sd a, sd b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
static inline sm sd_lt(sd a, sd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
static inline sm sd_eq(sd a, sd b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
static inline sd sd_sel(sm m, sd a, sd b) { return _mm512_mask_blend_pd(m, b, a); }
/* an index as a double, and a double in [0, 2^31) as its integer part */
static inline sd sd_of_si(si i) { return _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(i)); }
static inline si si_of_sd(sd x) { return _mm512_cvtepi32_epi64(_mm512_cvttpd_epi32(x)); }
static inline si si_set1(int64_t x) { return _mm512_set1_epi64(x); }
static inline si si_add(si a, si b) { return _mm512_add_epi64(a, b); }
static inline si si_sub(si a, si b) { return _mm512_sub_epi64(a, b); }
static inline si si_min(si a, si b) { return _mm512_min_epi64(a, b); }
static inline si si_max(si a, si b) { return _mm512_max_epi64(a, b); }
static inline sm si_gt(si a, si b) { return _mm512_cmpgt_epi64_mask(a, b); }
static inline sm si_eq(si a, si b) { return _mm512_cmpeq_epi64_mask(a, b); }
static inline si si_sel(sm m, si a, si b) { return _mm512_mask_blend_epi64(m, b, a); }
static inline int64_t si_hmax(si a) { return _mm512_reduce_max_epi64(a); }
static inline void si_store(int64_t *p, si a) { _mm512_storeu_si512(p, a); }
static inline si si_load(const int64_t *p) { return _mm512_loadu_si512(p); }
static inline sm sm_and(sm a, sm b) { return a & b; }
static inline sm sm_or(sm a, sm b) { return a | b; }
static inline sm sm_andnot(sm a, sm b) { return (sm)(~a & b); }   /* !a & b */
static inline sm sm_xor(sm a, sm b) { return a ^ b; }
static inline int sm_any(sm a) { return a != 0; }
static inline int sm_lane(sm a, int l) { return (a >> l) & 1; }
/* base[i] of each lane's i */
static inline sd sd_gather_f(const float *base, si i) { return _mm512_cvtps_pd(_mm512_i64gather_ps(i, base, 4)); }
static inline sd sd_gather_d(const double *base, si i) { return _mm512_i64gather_pd(i, base, 8); }
static inline si si_gather_i(const int32_t *base, si i)
{
    return _mm512_cvtepi32_epi64(_mm512_i64gather_epi32(i, base, 4));
}
/* base[i] and base[i + 1] in one gather */
static inline void si_gather_pair(const int32_t *base, si i, si *lo, si *hi)
{
    const si v = _mm512_i64gather_epi64(i, base, 4);
    *lo = _mm512_and_si512(v, _mm512_set1_epi64(0xffffffff));
    *hi = _mm512_srli_epi64(v, 32);
}

#elif defined(__AVX2__)
#include <immintrin.h>

#define SV 4
typedef __m256d sd;
typedef __m256i si;
typedef __m256d sm;   /* all ones or all zeros per lane */

static inline sd sd_set1(double x) { return _mm256_set1_pd(x); }
static inline sd sd_loadf(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
static inline void sd_store(double *p, sd x) { _mm256_storeu_pd(p, x); }
static inline sd sd_load(const double *p) { return _mm256_loadu_pd(p); }
static inline sd sd_add(sd a, sd b) { return _mm256_add_pd(a, b); }
static inline sd sd_sub(sd a, sd b) { return _mm256_sub_pd(a, b); }
static inline sd sd_mul(sd a, sd b) { return _mm256_mul_pd(a, b); }
static inline sd sd_div(sd a, sd b) { return _mm256_div_pd(a, b); }
static inline sd sd_abs(sd a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
static inline sd sd_max(sd a, sd b) { return _mm256_max_pd(a, b); }
static inline sd sd_min(sd a, sd b) { return _mm256_min_pd(a, b); }
static inline sm sd_gt(sd a, sd b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
static inline sm sd_lt(sd a, sd b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
static inline sm sd_eq(sd a, sd b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
static inline sd sd_sel(sm m, sd a, sd b) { return _mm256_blendv_pd(b, a, m); }
/* Small non-negative integers through 2^52's exponent: exact both ways. */
static inline sd sd_of_si(si i)
{
    const sd big = _mm256_set1_pd(0x1p52);
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(i, _mm256_castpd_si256(big))), big);
}
static inline si si_of_sd(sd x)
{
    const sd big = _mm256_set1_pd(0x1p52);
    return _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(_mm256_floor_pd(x), big)),
                            _mm256_castpd_si256(big));
}
static inline si si_set1(int64_t x) { return _mm256_set1_epi64x(x); }
static inline si si_add(si a, si b) { return _mm256_add_epi64(a, b); }
static inline si si_sub(si a, si b) { return _mm256_sub_epi64(a, b); }
static inline sm si_gt(si a, si b) { return _mm256_castsi256_pd(_mm256_cmpgt_epi64(a, b)); }
static inline sm si_eq(si a, si b) { return _mm256_castsi256_pd(_mm256_cmpeq_epi64(a, b)); }
static inline si si_sel(sm m, si a, si b)
{
    return _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(b), _mm256_castsi256_pd(a), m));
}
static inline si si_min(si a, si b) { return si_sel(si_gt(a, b), b, a); }
static inline si si_max(si a, si b) { return si_sel(si_gt(a, b), a, b); }
static inline int64_t si_hmax(si a)
{
    const __m128i lo = _mm256_castsi256_si128(a), hi = _mm256_extracti128_si256(a, 1);
    const __m128i m = _mm_blendv_epi8(hi, lo, _mm_cmpgt_epi64(lo, hi));
    const int64_t x = _mm_cvtsi128_si64(m), y = _mm_extract_epi64(m, 1);
    return x > y ? x : y;
}
static inline void si_store(int64_t *p, si a) { _mm256_storeu_si256((__m256i *)p, a); }
static inline si si_load(const int64_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
static inline sm sm_and(sm a, sm b) { return _mm256_and_pd(a, b); }
static inline sm sm_or(sm a, sm b) { return _mm256_or_pd(a, b); }
static inline sm sm_andnot(sm a, sm b) { return _mm256_andnot_pd(a, b); }
static inline sm sm_xor(sm a, sm b) { return _mm256_xor_pd(a, b); }
static inline int sm_any(sm a) { return _mm256_movemask_pd(a) != 0; }
static inline int sm_lane(sm a, int l) { return (_mm256_movemask_pd(a) >> l) & 1; }
static inline sd sd_gather_f(const float *base, si i) { return _mm256_cvtps_pd(_mm256_i64gather_ps(base, i, 4)); }
static inline sd sd_gather_d(const double *base, si i) { return _mm256_i64gather_pd(base, i, 8); }
static inline si si_gather_i(const int32_t *base, si i)
{
    return _mm256_cvtepi32_epi64(_mm256_i64gather_epi32((const int *)base, i, 4));
}
static inline void si_gather_pair(const int32_t *base, si i, si *lo, si *hi)
{
    const si v = _mm256_i64gather_epi64((const long long *)base, i, 4);
    *lo = _mm256_and_si256(v, _mm256_set1_epi64x(0xffffffff));
    *hi = _mm256_srli_epi64(v, 32);
}

#else
#include <math.h>

#define SV 1
typedef double sd;
typedef int64_t si;
typedef int sm;

static inline sd sd_set1(double x) { return x; }
static inline sd sd_loadf(const float *p) { return (double)*p; }
static inline void sd_store(double *p, sd x) { *p = x; }
static inline sd sd_load(const double *p) { return *p; }
static inline sd sd_add(sd a, sd b) { return a + b; }
static inline sd sd_sub(sd a, sd b) { return a - b; }
static inline sd sd_mul(sd a, sd b) { return a * b; }
static inline sd sd_div(sd a, sd b) { return a / b; }
static inline sd sd_abs(sd a) { return fabs(a); }
static inline sd sd_max(sd a, sd b) { return a > b ? a : b; }
static inline sd sd_min(sd a, sd b) { return a < b ? a : b; }
static inline sm sd_gt(sd a, sd b) { return a > b; }
static inline sm sd_lt(sd a, sd b) { return a < b; }
static inline sm sd_eq(sd a, sd b) { return a == b; }
static inline sd sd_sel(sm m, sd a, sd b) { return m ? a : b; }
static inline sd sd_of_si(si i) { return (double)i; }
static inline si si_of_sd(sd x) { return (si)x; }
static inline si si_set1(int64_t x) { return x; }
static inline si si_add(si a, si b) { return a + b; }
static inline si si_sub(si a, si b) { return a - b; }
static inline si si_min(si a, si b) { return a < b ? a : b; }
static inline si si_max(si a, si b) { return a > b ? a : b; }
static inline sm si_gt(si a, si b) { return a > b; }
static inline sm si_eq(si a, si b) { return a == b; }
static inline si si_sel(sm m, si a, si b) { return m ? a : b; }
static inline int64_t si_hmax(si a) { return a; }
static inline void si_store(int64_t *p, si a) { *p = a; }
static inline si si_load(const int64_t *p) { return *p; }
static inline sm sm_and(sm a, sm b) { return a & b; }
static inline sm sm_or(sm a, sm b) { return a | b; }
static inline sm sm_andnot(sm a, sm b) { return (!a) & b; }
static inline sm sm_xor(sm a, sm b) { return a ^ b; }
static inline int sm_any(sm a) { return a != 0; }
static inline int sm_lane(sm a, int l) { return l == 0 && a; }
static inline sd sd_gather_f(const float *base, si i) { return (double)base[i]; }
static inline sd sd_gather_d(const double *base, si i) { return base[i]; }
static inline si si_gather_i(const int32_t *base, si i) { return base[i]; }
static inline void si_gather_pair(const int32_t *base, si i, si *lo, si *hi)
{
    *lo = base[i];
    *hi = base[i + 1];
}
#endif

/* 1 / m (1 / 0 is inf), the searches' guess (sorted_rank.h): a division
 * in every set, whose rounding SD_RCP_EPS bounds with room to spare. An
 * estimate (AVX-512's rcp14, 2^-14) needed an eps 2^34 times wider, whose
 * straddled buckets cost a second gather; the division made relu's sorted
 * sweep 2% faster on Zen 5 (bench/ab-sweep, min of 8, 874 -> 851 ms). */
static inline sd sd_rcp(sd m) { return sd_div(sd_set1(1), m); }
#define SD_RCP_EPS 0x1p-46

static inline sm sm_not(sm a) { return sm_xor(a, sd_eq(sd_set1(0), sd_set1(0))); }

/* a where m is set, else b */
static inline sm sm_sel(sm m, sm a, sm b) { return sm_or(sm_and(m, a), sm_andnot(m, b)); }

#endif
