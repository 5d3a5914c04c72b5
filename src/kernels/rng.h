/* Counter-based random numbers (Philox4x32-10, Salmon et al. 2011): any
 * (seed, stream, step, sample) is computed on its own, on any thread. */
#ifndef GS_RNG_H
#define GS_RNG_H

#include <stdint.h>

/* The stream of shared sampling; independent streams are point indices. */
#define GS_SHARED_STREAM UINT64_MAX

static inline void gs_philox4x32(uint32_t c[4], uint32_t k0, uint32_t k1)
{
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c[0];
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c[2];
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1;
        c[1] = (uint32_t)p1;
        c[3] = (uint32_t)p0;
        c[0] = n0;
        c[2] = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

/* Four uniform floats in [0, 1) (24-bit) for samples 4q..4q+3 of a step. */
static inline void gs_uniform4(uint64_t seed, uint64_t stream, uint32_t step, uint32_t q,
                               float u[4])
{
    uint32_t c[4] = {q, step, (uint32_t)stream, (uint32_t)(stream >> 32)};
    gs_philox4x32(c, (uint32_t)seed, (uint32_t)(seed >> 32));
    for (int i = 0; i < 4; i++)
        u[i] = (float)(c[i] >> 8) * 0x1p-24f;
}

/* Two uniform doubles in [0, 1) (53-bit) for samples 2q and 2q+1 of a step
 * (--precision f64): the very Philox block that gs_uniform4 turns into four
 * floats, u[0] from words 0 and 1, u[1] from words 2 and 3 (the high word's
 * 32 bits, then the low word's top 21). Sample s of a step is element s % 2
 * of block q = s / 2. */
static inline void gs_uniform2d(uint64_t seed, uint64_t stream, uint32_t step, uint32_t q,
                                double u[2])
{
    uint32_t c[4] = {q, step, (uint32_t)stream, (uint32_t)(stream >> 32)};
    gs_philox4x32(c, (uint32_t)seed, (uint32_t)(seed >> 32));
    for (int i = 0; i < 2; i++)
        u[i] = (double)((((uint64_t)c[2 * i] << 32) | c[2 * i + 1]) >> 11) * 0x1p-53;
}

/* A sample of x from a uniform: gs_dist_sample (dist.h), gs_dist_sample64 in f64. The target y is
 * the target activation's eval kernel at x (gs_step_data.target). */

#endif
