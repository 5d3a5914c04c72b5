/* AArch64 AdvSIMD: 4 lanes, two vectors interleaved. Mirrors simd_scalar.h;
 * max/min/compare are spelled out to keep the x86 NaN and signed-zero rules. */
#ifndef GS_SIMD_NEON_H
#define GS_SIMD_NEON_H

#include <arm_neon.h>
#include <sleef.h>

#define VW 4
#define NV 2
#define GS_KSUFFIX neon
#define GS_KISA GS_ISA_NEON

typedef float32x4_t vf;
typedef uint32x4_t vm;

static inline vf vf_set1(float x) { return vdupq_n_f32(x); }
static inline vf vf_load(const float *p) { return vld1q_f32(p); }
static inline void vf_store(float *p, vf x) { vst1q_f32(p, x); }
static inline vf vf_loadu(const float *p) { return vld1q_f32(p); }
static inline void vf_storeu(float *p, vf x) { vst1q_f32(p, x); }
static inline vf vf_add(vf a, vf b) { return vaddq_f32(a, b); }
static inline vf vf_sub(vf a, vf b) { return vsubq_f32(a, b); }
static inline vf vf_mul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf vf_div(vf a, vf b) { return vdivq_f32(a, b); }
static inline vf vf_sqrt(vf a) { return vsqrtq_f32(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
static inline vf vf_abs(vf a) { return vabsq_f32(a); }
static inline vm vf_gt(vf a, vf b) { return vcgtq_f32(a, b); }
static inline vm vf_ge(vf a, vf b) { return vcgeq_f32(a, b); }
static inline vm vf_lt(vf a, vf b) { return vcltq_f32(a, b); }
static inline vm vf_le(vf a, vf b) { return vcleq_f32(a, b); }
static inline vm vf_ne(vf a, vf b) { return vorrq_u32(vcltq_f32(a, b), vcgtq_f32(a, b)); }
static inline vf vf_sel(vm m, vf a, vf b) { return vbslq_f32(m, a, b); }
static inline vf vf_selz(vm m, vf a)
{
    return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(a)));
}
static inline vf vf_max(vf a, vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
static inline vf vf_min(vf a, vf b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
static inline int vm_all(vm m) { return vminvq_u32(m) != 0; }
static inline vf vf_sign(vf r)
{
    uint32x4_t bits = vandq_u32(vreinterpretq_u32_f32(r), vdupq_n_u32(0x80000000u));
    uint32x4_t unit = vorrq_u32(bits, vdupq_n_u32(0x3f800000u));
    return vreinterpretq_f32_u32(vandq_u32(vf_ne(r, vdupq_n_f32(0.0f)), unit));
}

static inline vf vf_exp(vf a) { return Sleef_expf4_u10advsimd(a); }
static inline vf vf_log(vf a) { return Sleef_logf4_u10advsimd(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhf4_u10advsimd(a); }

#endif
