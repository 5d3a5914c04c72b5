/* The scalar kernel set; its f64 kernels: kernels_scalar_f64.c. */
#define LANES64 1   /* simd_scalar_f64.h: VW x NV = 1 x 1 (kernels64_tmpl.h checks it) */
#include "simd_scalar.h"
#include "kernels_tmpl.h"
