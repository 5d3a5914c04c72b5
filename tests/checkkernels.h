/* checkkernels: every kernel of every set this CPU runs against the scalar
 * reference, bit for bit (in the spirit of dav1d's checkasm). The driver
 * (checkkernels.c) picks the functions; one file per family checks and
 * times them (checkkernels_eval.c, checkkernels_train.c, and their double
 * versions for --precision f64, checkkernels_eval64.c and
 * checkkernels_train64.c; both train files instantiate
 * checkkernels_train_tmpl.h). */
#ifndef GS_TESTS_CHECKKERNELS_H
#define GS_TESTS_CHECKKERNELS_H

#include <stdbool.h>
#include <stdint.h>

#include "gridsweep/kernels.h"

typedef enum ck_family { CK_EVAL, CK_TRAIN, CK_EVAL64, CK_TRAIN64 } ck_family;

/* One kernel function, whatever the set: eval_<act>, train_<act>_<loss>,
 * eval64_<act> or train64_<act>_<loss>. */
typedef struct ck_fn {
    ck_family family;
    gs_act act;
    gs_loss loss;   /* CK_TRAIN and CK_TRAIN64 only */
    int index;      /* place in the driver's list (--part) */
} ck_fn;

/* One function checked on the selected sets. sets[i] is the table of set i
 * when it is selected and runnable, else NULL; ref is the scalar set. The
 * checks add to fails[i] through ck_fail. */
typedef struct ck_run {
    ck_fn fn;
    const gs_kernels *ref;
    const gs_kernels *sets[GS_ISA_COUNT];
    int fails[GS_ISA_COUNT];
    uint64_t seed;
} ck_run;

/* "eval_selu_avx512", "train_gelu_huber_avx2", "train64_gelu_huber_avx2". */
void ck_name(const ck_fn *fn, gs_isa isa, char *buf, size_t size);
/* Counts a mismatch of run's function on set isa; prints the first few. */
void ck_fail(ck_run *run, gs_isa isa, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void ck_check_eval(ck_run *run);
void ck_check_train(ck_run *run);
void ck_check_eval64(ck_run *run);
void ck_check_train64(ck_run *run);

/* Median ns per element (eval) or per lane-sample-step (train) of k's
 * kernel. */
double ck_bench_eval(const gs_kernels *k, gs_act act);
double ck_bench_train(const gs_kernels *k, gs_act act, gs_loss loss);
double ck_bench_eval64(const gs_kernels *k, gs_act act);
double ck_bench_train64(const gs_kernels *k, gs_act act, gs_loss loss);

double ck_now_ns(void);
/* Median of n timings (sorts t). */
double ck_median(double *t, int n);

#endif
