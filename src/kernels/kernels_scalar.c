/* The scalar kernel set. */
#include "simd_scalar.h"
#include "kernels_tmpl.h"
