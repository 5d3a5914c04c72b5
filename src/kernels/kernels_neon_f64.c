/* The neon kernel set's f64 kernels (its table: kernels_neon.c). */
#define LANES64 4
#include "simd_neon_f64.h"
#include "kernels64_tmpl.h"
