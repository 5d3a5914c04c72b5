/* The avx512 kernel set; its f64 kernels: kernels_avx512_f64.c. */
#define LANES64 16   /* simd_avx512_f64.h: VW x NV = 8 x 2 (kernels64_tmpl.h checks it) */
#include "simd_avx512.h"
#include "kernels_tmpl.h"
