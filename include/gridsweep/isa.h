/* Kernel sets ("ISAs"): which SIMD implementation runs the kernels. */
#ifndef GRIDSWEEP_ISA_H
#define GRIDSWEEP_ISA_H

#include <stdbool.h>

typedef enum gs_isa {
    GS_ISA_SCALAR,
    GS_ISA_AVX2,
    GS_ISA_AVX512,
    GS_ISA_NEON,
    GS_ISA_COUNT
} gs_isa;

const char *gs_isa_name(gs_isa isa);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int gs_isa_parse(const char *name, gs_isa *out);
/* Compiled into this binary and runnable on this CPU (cpuid + OS state). */
bool gs_isa_supported(gs_isa isa);
/* The fastest supported set; detected once. */
gs_isa gs_isa_best(void);
/* Comma-separated list of all known names, for error messages. */
const char *gs_isa_names(void);

#endif
