/* The names of a set's f64 kernels, declared once for both of the set's
 * translation units: kernels64_tmpl.h defines them (over simd_<set>_f64.h),
 * kernels_tmpl.h puts them in the set's table (over simd_<set>.h). Include
 * after GS_KSUFFIX and GS_CAT are defined. */
#ifndef GS_KERNELS64_DECL_H
#define GS_KERNELS64_DECL_H

#include "gridsweep/kernels.h"

#define GS_EVAL64_NAME(name) GS_CAT(gs_eval64_##name, GS_KSUFFIX)
#define GS_TRAIN64_NAME(name, lname) GS_CAT(gs_train64_##name##_##lname, GS_KSUFFIX)

#define GS_EVAL64_DECL(ID, name)                                                          \
    void GS_EVAL64_NAME(name)(const double *z, double *f, double *df, size_t n);
#define GS_TRAIN64_DECL(ID, name)                                                         \
    void GS_TRAIN64_NAME(name, mae)(const gs_step_data *step, gs_block64 *blk, int t_end); \
    void GS_TRAIN64_NAME(name, mse)(const gs_step_data *step, gs_block64 *blk, int t_end); \
    void GS_TRAIN64_NAME(name, huber)(const gs_step_data *step, gs_block64 *blk, int t_end);
GS_ACTIVATIONS(GS_EVAL64_DECL)
GS_ACTIVATIONS(GS_TRAIN64_DECL)

#endif
