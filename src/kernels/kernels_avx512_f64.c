/* The avx512 kernel set's f64 kernels (its table: kernels_avx512.c). */
#define LANES64 16
#include "simd_avx512_f64.h"
#include "kernels64_tmpl.h"
