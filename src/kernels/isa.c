/* Kernel-set names and run-time CPU detection (cpuid plus the OS's saved
 * register state: a CPU with AVX-512 is useless if the OS does not save zmm).
 *
 * The CPU is asked once, on first use, and the answer cached; a mask set
 * once at start-up (gs_isa_set_mask) restricts the sets handed out, so
 * --isa, GRIDSWEEP_ISA, tests and tools can force any set the CPU runs.
 * Neither changes once a kernel table has been handed out. */
#include <stdatomic.h>
#include <string.h>

#include "gridsweep/isa.h"
#include "gridsweep/kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <stdint.h>

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static bool cpu_has(gs_isa isa)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    const bool fma = c & (1u << 12), osxsave = c & (1u << 27);
    if (isa == GS_ISA_SCALAR)
        return fma;
    if (!osxsave || !__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    const uint64_t xcr0 = xgetbv0();
    const bool ymm_saved = (xcr0 & 0x6) == 0x6, zmm_saved = (xcr0 & 0xe6) == 0xe6;
    const bool avx2 = b & (1u << 5), avx512f = b & (1u << 16);
    switch (isa) {
    case GS_ISA_AVX2: return avx2 && fma && ymm_saved;
    case GS_ISA_AVX512: return avx512f && avx2 && fma && zmm_saved;
    default: return false;
    }
}
#else
static bool cpu_has(gs_isa isa) { return isa == GS_ISA_SCALAR; }
#endif

/* The names, once, in gs_isa's order: the table and the list of messages. */
#define ISA_NAMES(X, S) X(scalar) S X(avx2) S X(avx512) S X(neon)
#define ISA_NAME_(name) #name,
#define ISA_WORD_(name) #name
static const char *const names[] = {ISA_NAMES(ISA_NAME_, )};
_Static_assert(sizeof names / sizeof *names == GS_ISA_COUNT, "one name per kernel set");

const char *gs_isa_name(gs_isa isa) { return isa < GS_ISA_COUNT ? names[isa] : "?"; }

const char *gs_isa_names(void) { return ISA_NAMES(ISA_WORD_, ", "); }

int gs_isa_parse(const char *name, gs_isa *out)
{
    for (int i = 0; i < GS_ISA_COUNT; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (gs_isa)i;
            return 0;
        }
    }
    return -1;
}

extern const gs_kernels gs_kernels_scalar;
#ifdef GS_HAVE_AVX2
extern const gs_kernels gs_kernels_avx2;
#endif
#ifdef GS_HAVE_AVX512
extern const gs_kernels gs_kernels_avx512;
#endif
#ifdef GS_HAVE_NEON
extern const gs_kernels gs_kernels_neon;
#endif

static const gs_kernels *compiled(gs_isa isa)
{
    switch (isa) {
    case GS_ISA_SCALAR: return &gs_kernels_scalar;
#ifdef GS_HAVE_AVX2
    case GS_ISA_AVX2: return &gs_kernels_avx2;
#endif
#ifdef GS_HAVE_AVX512
    case GS_ISA_AVX512: return &gs_kernels_avx512;
#endif
#ifdef GS_HAVE_NEON
    case GS_ISA_NEON: return &gs_kernels_neon;   /* AdvSIMD is mandatory on AArch64 */
#endif
    default: return NULL;
    }
}

static unsigned detect(void)
{
    unsigned sets = 0;
    for (int i = 0; i < GS_ISA_COUNT; i++)
        if (compiled((gs_isa)i) && (i == GS_ISA_NEON || cpu_has((gs_isa)i)))
            sets |= GS_ISA_BIT((gs_isa)i);
    return sets;
}

/* Bit 31 marks "detected": a race of two first calls only computes the same
 * answer twice (cpuid is slow under virtualisation, hence the cache). */
#define DETECTED (1u << 31)
static atomic_uint detected_sets;
static atomic_uint mask = GS_ISA_ALL;
static atomic_bool mask_set, handed_out;

unsigned gs_isa_cpu_sets(void)
{
    unsigned sets = atomic_load_explicit(&detected_sets, memory_order_acquire);
    if (!(sets & DETECTED)) {
        sets = detect() | DETECTED;
        atomic_store_explicit(&detected_sets, sets, memory_order_release);
    }
    return sets & ~DETECTED;
}

int gs_isa_set_mask(unsigned sets)
{
    if (atomic_load(&handed_out) || atomic_exchange(&mask_set, true))
        return -1;
    atomic_store(&mask, sets | GS_ISA_BIT(GS_ISA_SCALAR));
    return 0;
}

bool gs_isa_supported(gs_isa isa)
{
    return isa < GS_ISA_COUNT && (gs_isa_cpu_sets() & GS_ISA_BIT(isa));
}

static bool usable(gs_isa isa)
{
    return gs_isa_supported(isa) && (atomic_load(&mask) & GS_ISA_BIT(isa));
}

gs_isa gs_isa_best(void)
{
    static const gs_isa ladder[] = {GS_ISA_AVX512, GS_ISA_AVX2, GS_ISA_NEON};
    for (size_t i = 0; i < sizeof ladder / sizeof *ladder; i++)
        if (usable(ladder[i]))
            return ladder[i];
    return GS_ISA_SCALAR;
}

const gs_kernels *gs_kernels_get(gs_isa isa)
{
    if (!usable(isa))
        return NULL;
    atomic_store(&handed_out, true);
    return compiled(isa);
}

const gs_kernels *gs_kernels_reference(void) { return &gs_kernels_scalar; }
