/* The avx2 kernel set; its f64 kernels: kernels_avx2_f64.c. */
#define LANES64 8   /* simd_avx2_f64.h: VW x NV = 4 x 2 (kernels64_tmpl.h checks it) */
#include "simd_avx2.h"
#include "kernels_tmpl.h"
