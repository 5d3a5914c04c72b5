/* The kernel layer's vocabulary: the losses, optimizers and sampling modes a
 * training step knows. The trainer and the front ends name and parse them
 * (train.h); the kernels only switch on them.
 * Each is one X-macro row list, X(ID, name), whose order fixes the enum; the
 * name table, the parser and the "valid: ..." list of error messages are all
 * generated from it (src/train/config.c), so each name is written once. */
#ifndef GRIDSWEEP_STEP_VOCAB_H
#define GRIDSWEEP_STEP_VOCAB_H

#define GS_LOSSES(X) X(MAE, mae) X(MSE, mse) X(HUBER, huber)
#define GS_OPTIMIZERS(X) X(ADAM, adam) X(SGD, sgd) X(MOMENTUM, momentum) X(RMSPROP, rmsprop)
/* shared: one fresh batch per step, the same for every point;
 * independent: each point draws its own stream;
 * grid: fixed midpoint grid, the same every step. */
#define GS_SAMPLINGS(X) X(SHARED, shared) X(INDEPENDENT, independent) X(GRID, grid)
/* How a step's batch sums are computed: direct, sample by sample; sorted,
 * from the step's samples sorted once per run and their prefix sums
 * (piecewise-linear activations and targets, shared or grid sampling). */
#define GS_METHODS(X) X(DIRECT, direct) X(SORTED, sorted)

#define GS_LOSS_ENUM_(ID, name) GS_LOSS_##ID,
#define GS_OPT_ENUM_(ID, name) GS_OPT_##ID,
#define GS_SAMPLING_ENUM_(ID, name) GS_SAMPLING_##ID,
#define GS_METHOD_ENUM_(ID, name) GS_METHOD_##ID,
typedef enum gs_loss { GS_LOSSES(GS_LOSS_ENUM_) GS_LOSS_COUNT } gs_loss;
typedef enum gs_opt { GS_OPTIMIZERS(GS_OPT_ENUM_) GS_OPT_COUNT } gs_opt;
typedef enum gs_sampling { GS_SAMPLINGS(GS_SAMPLING_ENUM_) GS_SAMPLING_COUNT } gs_sampling;
typedef enum gs_method { GS_METHODS(GS_METHOD_ENUM_) GS_METHOD_COUNT } gs_method;
#undef GS_LOSS_ENUM_
#undef GS_OPT_ENUM_
#undef GS_SAMPLING_ENUM_
#undef GS_METHOD_ENUM_

#endif
