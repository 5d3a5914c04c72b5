/* The avx512 kernel set. */
#include "simd_avx512.h"
#include "kernels_tmpl.h"
