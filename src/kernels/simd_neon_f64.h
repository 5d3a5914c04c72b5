/* AArch64 AdvSIMD in double: 2 lanes, two vectors interleaved. Mirrors
 * simd_scalar_f64.h; max/min/compare keep the x86 NaN and signed-zero rules
 * as simd_neon.h does. */
#ifndef GS_SIMD_NEON_F64_H
#define GS_SIMD_NEON_F64_H

#include <arm_neon.h>
#include <sleef.h>

#include "lut16x2.h"

#define VW 2
#define NV 2
#define GS_KSUFFIX neon
#define GS_KISA GS_ISA_NEON

typedef float64x2_t vf;
typedef uint64x2_t vm;

static inline vf vf_set1(double x) { return vdupq_n_f64(x); }
static inline vf vf_load(const double *p) { return vld1q_f64(p); }
static inline void vf_store(double *p, vf x) { vst1q_f64(p, x); }
static inline vf vf_loadu(const double *p) { return vld1q_f64(p); }
static inline void vf_storeu(double *p, vf x) { vst1q_f64(p, x); }
static inline vf vf_add(vf a, vf b) { return vaddq_f64(a, b); }
static inline vf vf_sub(vf a, vf b) { return vsubq_f64(a, b); }
static inline vf vf_mul(vf a, vf b) { return vmulq_f64(a, b); }
static inline vf vf_div(vf a, vf b) { return vdivq_f64(a, b); }
static inline vf vf_sqrt(vf a) { return vsqrtq_f64(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return vfmaq_f64(c, a, b); }
static inline vf vf_abs(vf a) { return vabsq_f64(a); }
static inline vf vf_fnma(vf a, vf b, vf c) { return vfmsq_f64(c, a, b); }
static inline vf vf_negabs(vf a)
{
    return vreinterpretq_f64_u64(
        vorrq_u64(vreinterpretq_u64_f64(a), vdupq_n_u64(0x8000000000000000ull)));
}
static inline vm vf_gt(vf a, vf b) { return vcgtq_f64(a, b); }
static inline vm vf_ge(vf a, vf b) { return vcgeq_f64(a, b); }
static inline vm vf_lt(vf a, vf b) { return vcltq_f64(a, b); }
static inline vm vf_le(vf a, vf b) { return vcleq_f64(a, b); }
static inline vm vf_ne(vf a, vf b) { return vorrq_u64(vcltq_f64(a, b), vcgtq_f64(a, b)); }
static inline vf vf_max(vf a, vf b) { return vbslq_f64(vcgtq_f64(a, b), a, b); }
static inline vf vf_min(vf a, vf b) { return vbslq_f64(vcltq_f64(a, b), a, b); }
static inline vf vf_sel(vm m, vf a, vf b) { return vbslq_f64(m, a, b); }
static inline vf vf_selz(vm m, vf a)
{
    return vreinterpretq_f64_u64(vandq_u64(m, vreinterpretq_u64_f64(a)));
}
static inline int vm_all(vm m) { return (vgetq_lane_u64(m, 0) & vgetq_lane_u64(m, 1)) != 0; }
static inline vf vf_sign(vf r)
{
    uint64x2_t bits = vandq_u64(vreinterpretq_u64_f64(r), vdupq_n_u64(0x8000000000000000ull));
    uint64x2_t unit = vorrq_u64(bits, vdupq_n_u64(0x3ff0000000000000ull));
    return vreinterpretq_f64_u64(vandq_u64(vf_ne(r, vdupq_n_f64(0.0)), unit));
}

/* vmath64.h's 2^n and a 2^n (simd_scalar_f64.h). */
static inline vf vi_pow2i_biased(vf n, int64_t bias)
{
    int64x2_t k = vaddq_s64(vcvtnq_s64_f64(n), vdupq_n_s64(bias));
    return vreinterpretq_f64_s64(vshlq_n_s64(k, 52));
}
static inline vf vf_pow2i(vf n) { return vi_pow2i_biased(n, 1023); }
static inline vf vf_ldexp(vf a, vf n)
{
    vf big = vmulq_f64(a, vi_pow2i_biased(n, 1023 + 100));   /* a 2^(n+100), exact */
    return vmulq_f64(big, vdupq_n_f64(0x1p-100));
}
/* a 2^floor(y) for an a that carries the pair table's 2^-100, from key's
 * bits, as simd_avx2_f64.h. */
static inline vf vf_ldexp_key16(vf a, vf key, vf y)
{
    (void)y;
    uint64x2_t e = vaddq_u64(vreinterpretq_u64_f64(key), vdupq_n_u64(16 * (1023 + 100)));
    e = vandq_u64(vshlq_n_u64(e, 48), vdupq_n_u64(0xfff0000000000000ull));
    return vmulq_f64(a, vreinterpretq_f64_u64(e));
}
/* One 16-byte load of (hi, lo) per lane and two zips (AdvSIMD has no
 * gather); scaled by GS_LUT16X2_PAIR_SCALE, as simd_avx2_f64.h. */
static inline void vf_lut16x2(const gs_lut16x2 *t, vf key, vf *hi, vf *lo)
{
    uint64x2_t idx = vandq_u64(vreinterpretq_u64_f64(key), vdupq_n_u64(15));
    vf a = vld1q_f64(&t->pair[2 * vgetq_lane_u64(idx, 0)]);
    vf b = vld1q_f64(&t->pair[2 * vgetq_lane_u64(idx, 1)]);
    *hi = vzip1q_f64(a, b);
    *lo = vzip2q_f64(a, b);
}

static inline vf vf_exp(vf a) { return Sleef_expd2_u10advsimd(a); }
static inline vf vf_expm1(vf a) { return Sleef_expm1d2_u10advsimd(a); }
static inline vf vf_log1p(vf a) { return Sleef_log1pd2_u10advsimd(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhd2_u10advsimd(a); }

#endif
