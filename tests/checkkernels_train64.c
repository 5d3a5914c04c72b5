/* checkkernels, train64 family: the f64 training step (--precision f64),
 * checked as the f32 one (checkkernels_train_tmpl.h); the sorted method is
 * f32 only. */
#include <inttypes.h>

#include "kernel_inputs.h"
#include "kernel_inputs64.h"

#define CKT_REAL double
#define CKT_BLOCK gs_block64
#define CKT_BLOCK_INIT gs_block64_init
#define CKT_SET_RATES gs_block64_set_rates
#define CKT_TRAIN_FN gs_train64_fn
#define CKT_TRAIN train64
#define CKT_LANES lanes64
#define CKT_XS xs64
#define CKT_YS ys64
#define CKT_UNIFORM rng_uniform64
#define CKT_SPECIALS special_inputs64
#define CKT_MAX_SPECIAL MAX_SPECIAL64
#define CKT_SAME_BITS same_bits64
#define CKT_BITS_FMT "%016" PRIx64
#define CKT_BITS(x) d2u(x)
#define CKT_SORTED 0
#define CKT_CHECK ck_check_train64
#define CKT_BENCH ck_bench_train64

#include "checkkernels_train_tmpl.h"
