/* checkkernels, train family: the f32 training step, --method sorted
 * included (checkkernels_train_tmpl.h). */
#include "kernel_inputs.h"

#define CKT_REAL float
#define CKT_BLOCK gs_block
#define CKT_BLOCK_INIT gs_block_init
#define CKT_SET_RATES gs_block_set_rates
#define CKT_TRAIN_FN gs_train_fn
#define CKT_TRAIN train
#define CKT_LANES lanes
#define CKT_XS xs
#define CKT_YS ys
#define CKT_UNIFORM rng_uniform
#define CKT_SPECIALS special_inputs
#define CKT_MAX_SPECIAL MAX_SPECIAL
#define CKT_SAME_BITS same_bits
#define CKT_BITS_FMT "%08x"
#define CKT_BITS(x) f2u(x)
#define CKT_SORTED 1
#define CKT_CHECK ck_check_train
#define CKT_BENCH ck_bench_train

#include "checkkernels_train_tmpl.h"
