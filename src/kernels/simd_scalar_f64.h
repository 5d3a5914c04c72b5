/* The scalar reference in double (--precision f64): simd_scalar.h's
 * operations over one double. Every vf_* here defines the rounding that the
 * f64 SIMD sets reproduce lane by lane. */
#ifndef GS_SIMD_SCALAR_F64_H
#define GS_SIMD_SCALAR_F64_H

#include <math.h>
#include <sleef.h>
#include <stdint.h>
#include <string.h>

#include "lut16x2.h"

#define VW 1
#define NV 1
#define GS_KSUFFIX scalar
#define GS_KISA GS_ISA_SCALAR

typedef double vf;
typedef int vm;

static inline vf vf_set1(double x) { return x; }
static inline vf vf_load(const double *p) { return *p; }
static inline void vf_store(double *p, vf x) { *p = x; }
static inline vf vf_loadu(const double *p) { return *p; }
static inline void vf_storeu(double *p, vf x) { *p = x; }
static inline vf vf_add(vf a, vf b) { return a + b; }
static inline vf vf_sub(vf a, vf b) { return a - b; }
static inline vf vf_mul(vf a, vf b) { return a * b; }
static inline vf vf_div(vf a, vf b) { return a / b; }
static inline vf vf_sqrt(vf a) { return sqrt(a); }
static inline vf vf_fma(vf a, vf b, vf c) { return fma(a, b, c); }
static inline vf vf_abs(vf a) { return fabs(a); }
/* c - a b rounded once, and -|a|: the negations of vf_sub(0, x) folded in
 * (every set's one instruction, NEON's vfmsq too, rounds alike). */
static inline vf vf_fnma(vf a, vf b, vf c) { return fma(-a, b, c); }
static inline vf vf_negabs(vf a) { return -fabs(a); }
/* The x86 semantics, as in simd_scalar.h. */
static inline vf vf_max(vf a, vf b) { return a > b ? a : b; }
static inline vf vf_min(vf a, vf b) { return a < b ? a : b; }
static inline vm vf_gt(vf a, vf b) { return a > b; }
static inline vm vf_ge(vf a, vf b) { return a >= b; }
static inline vm vf_lt(vf a, vf b) { return a < b; }
static inline vm vf_le(vf a, vf b) { return a <= b; }
static inline vm vf_ne(vf a, vf b) { return a < b || a > b; }
static inline vf vf_sel(vm m, vf a, vf b) { return m ? a : b; }
static inline vf vf_selz(vm m, vf a) { return m ? a : 0.0; }
static inline int vm_all(vm m) { return m; }
static inline vf vf_sign(vf r) { return r > 0.0 ? 1.0 : (r < 0.0 ? -1.0 : 0.0); }

/* For vmath64.h: 2^n for an integer-valued n in [-1022, 1023], built in the
 * exponent bits (exact; a NaN n gives some power of 2). */
static inline vf vf_pow2i(vf n)
{
    uint64_t bits = (uint64_t)((n == n ? (int64_t)n : 0) + 1023) << 52;
    double p;
    memcpy(&p, &bits, sizeof p);
    return p;
}
/* a 2^n rounded once (IEEE scalbn), for an integer-valued n in [-1122, 923]
 * and 1/2 <= |a| < 2 or a NaN: a 2^(n+100) is exact and normal, the product
 * with 2^-100 rounds once (subnormal results). AVX-512's vscalefpd rounds
 * alike. */
static inline vf vf_ldexp(vf a, vf n) { return a * vf_pow2i(n + 100.0) * 0x1p-100; }
/* a 2^floor(y), vf_ldexp's contract, where y = k/16 and key =
 * VM64_SHIFT16 + y holds the integer k in its low bits (vmath64.h's exp
 * reduction): the sets read floor(y) = k >> 4 from whichever is cheaper,
 * AVX2 and NEON from key, this reference and AVX-512's vscalefpd from y. */
static inline vf vf_ldexp_key16(vf a, vf key, vf y)
{
    (void)key;
    return vf_ldexp(a, floor(y));
}
/* Entry (bits of key & 15): vmath64.h's exp keeps its table index in the
 * low bits of a double's significand. */
static inline void vf_lut16x2(const gs_lut16x2 *t, vf key, vf *hi, vf *lo)
{
    uint64_t bits;
    memcpy(&bits, &key, sizeof bits);
    *hi = t->hi[bits & 15];
    *lo = t->lo[bits & 15];
}

/* SLEEF's FMA-based scalar double code, bit-identical to its AVX2, AVX-512
 * and AdvSIMD code (declared here as simd_scalar.h does for the floats). */
double Sleef_expd1_u10purecfma(double);
double Sleef_expm1d1_u10purecfma(double);
double Sleef_log1pd1_u10purecfma(double);
double Sleef_tanhd1_u10purecfma(double);

static inline vf vf_exp(vf a) { return Sleef_expd1_u10purecfma(a); }
static inline vf vf_expm1(vf a) { return Sleef_expm1d1_u10purecfma(a); }
static inline vf vf_log1p(vf a) { return Sleef_log1pd1_u10purecfma(a); }
static inline vf vf_tanh(vf a) { return Sleef_tanhd1_u10purecfma(a); }

#endif
