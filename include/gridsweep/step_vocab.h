/* The kernel layer's vocabulary: the losses, optimizers and sampling modes a
 * training step knows. The trainer and the front ends name and parse them
 * (train.h); the kernels only switch on them. */
#ifndef GRIDSWEEP_STEP_VOCAB_H
#define GRIDSWEEP_STEP_VOCAB_H

typedef enum gs_loss { GS_LOSS_MAE, GS_LOSS_MSE, GS_LOSS_HUBER, GS_LOSS_COUNT } gs_loss;
typedef enum gs_opt { GS_OPT_ADAM, GS_OPT_SGD, GS_OPT_MOMENTUM, GS_OPT_RMSPROP, GS_OPT_COUNT } gs_opt;
typedef enum gs_sampling {
    GS_SAMPLING_SHARED,      /* one fresh batch per step, the same for every point */
    GS_SAMPLING_INDEPENDENT, /* each point draws its own stream */
    GS_SAMPLING_GRID,        /* fixed midpoint grid, the same every step */
    GS_SAMPLING_COUNT
} gs_sampling;

#endif
