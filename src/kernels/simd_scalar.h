/* The scalar reference: one lane, plain C. Every vf_* operation here defines
 * the exact rounding that the SIMD sets reproduce lane by lane. */
#ifndef GS_SIMD_SCALAR_H
#define GS_SIMD_SCALAR_H

#include <math.h>
#include <sleef.h>

#define VW 1          /* lanes per vector */
#define NV 1          /* vectors interleaved per block */
#define GS_KSUFFIX scalar
#define GS_KISA GS_ISA_SCALAR

typedef float vf;
typedef int vm;

static inline vf vf_set1(float x) { return x; }
static inline vf vf_load(const float *p) { return *p; }
static inline void vf_store(float *p, vf x) { *p = x; }
static inline vf vf_loadu(const float *p) { return *p; }
static inline void vf_storeu(float *p, vf x) { *p = x; }
static inline vf vf_add(vf a, vf b) { return a + b; }
static inline vf vf_sub(vf a, vf b) { return a - b; }
static inline vf vf_mul(vf a, vf b) { return a * b; }
static inline vf vf_div(vf a, vf b) { return a / b; }
static inline vf vf_sqrt(vf a) { return sqrtf(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return fmaf(a, b, c); }   /* a*b+c, one rounding */
static inline vf vf_abs(vf a) { return fabsf(a); }
/* Not IEEE max/min: the x86 semantics (the second operand when unordered). */
static inline vf vf_max(vf a, vf b) { return a > b ? a : b; }
static inline vf vf_min(vf a, vf b) { return a < b ? a : b; }
/* Ordered comparisons: false when either side is NaN. */
static inline vm vf_gt(vf a, vf b) { return a > b; }
static inline vm vf_ge(vf a, vf b) { return a >= b; }
static inline vm vf_lt(vf a, vf b) { return a < b; }
static inline vm vf_le(vf a, vf b) { return a <= b; }
static inline vm vf_ne(vf a, vf b) { return a < b || a > b; }
static inline vf vf_sel(vm m, vf a, vf b) { return m ? a : b; }
static inline vf vf_selz(vm m, vf a) { return m ? a : 0.0f; }
/* Every lane of the mask set. */
static inline int vm_all(vm m) { return m; }
/* +1, -1, or +0 for zero and NaN. */
static inline vf vf_sign(vf r) { return r > 0.0f ? 1.0f : (r < 0.0f ? -1.0f : 0.0f); }

/* SLEEF's FMA-based scalar code: bit-identical to its AVX2/AVX-512/AdvSIMD code.
 * sleef.h declares these only under FP_FAST_FMA; they are always exported. On
 * x86-64 they need a CPU with FMA, which isa.c checks. */
float Sleef_expf1_u10purecfma(float);
float Sleef_logf1_u10purecfma(float);
float Sleef_tanhf1_u10purecfma(float);

static inline vf vf_exp(vf a) { return Sleef_expf1_u10purecfma(a); }
static inline vf vf_log(vf a) { return Sleef_logf1_u10purecfma(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhf1_u10purecfma(a); }

#endif
