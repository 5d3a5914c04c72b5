/* The neon kernel set; its f64 kernels: kernels_neon_f64.c. */
#define LANES64 4   /* simd_neon_f64.h: VW x NV = 2 x 2 (kernels64_tmpl.h checks it) */
#include "simd_neon.h"
#include "kernels_tmpl.h"
