/* The avx2 kernel set. */
#include "simd_avx2.h"
#include "kernels_tmpl.h"
