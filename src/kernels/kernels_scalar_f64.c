/* The scalar kernel set's f64 kernels (its table: kernels_scalar.c). */
#define LANES64 1
#include "simd_scalar_f64.h"
#include "kernels64_tmpl.h"
