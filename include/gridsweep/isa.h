/* Kernel sets ("ISAs"): which SIMD implementation runs the kernels.
 *
 * What the CPU runs is detected once, on first use, and cached. A mask, set
 * at most once at start-up before any kernel table is requested, restricts
 * the sets gs_kernels_get hands out and gs_isa_best picks from (in the
 * spirit of dav1d_set_cpu_flags_mask): --isa and GRIDSWEEP_ISA go through
 * it, and tests and tools use it to force any set this CPU runs. The scalar
 * reference is never masked out. */
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

/* A set of kernel sets: bit GS_ISA_BIT(isa) per set. */
#define GS_ISA_BIT(isa) (1u << (isa))
#define GS_ISA_ALL ((1u << GS_ISA_COUNT) - 1)

const char *gs_isa_name(gs_isa isa);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int gs_isa_parse(const char *name, gs_isa *out);
/* Compiled into this binary and runnable on this CPU (cpuid + OS state),
 * whatever the mask. */
bool gs_isa_supported(gs_isa isa);
/* Every supported set, as GS_ISA_BIT()s; detected once. */
unsigned gs_isa_cpu_sets(void);
/* Restricts the usable sets to those in sets (scalar always stays). Call it
 * once, at start-up, before the first gs_kernels_get: -1 (and no change) if
 * a mask was set already or a kernel table was handed out, else 0. */
int gs_isa_set_mask(unsigned sets);
/* The fastest supported set the mask allows. */
gs_isa gs_isa_best(void);
/* Comma-separated list of all known names, for error messages. */
const char *gs_isa_names(void);

#endif
