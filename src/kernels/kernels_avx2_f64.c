/* The avx2 kernel set's f64 kernels (its table: kernels_avx2.c). */
#define LANES64 8
#include "simd_avx2_f64.h"
#include "kernels64_tmpl.h"
