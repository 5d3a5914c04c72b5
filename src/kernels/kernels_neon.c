/* The neon kernel set. */
#include "simd_neon.h"
#include "kernels_tmpl.h"
