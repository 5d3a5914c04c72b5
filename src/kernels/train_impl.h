/* The training loop of one block of starting points, one per lane, written
 * once in vf_* operations (include after simd_*.h and act_impl.h). Each lane
 * performs exactly the scalar reference's operations, in the same order, so
 * every kernel set gives bit-identical trajectories. */
#ifndef GS_TRAIN_IMPL_H
#define GS_TRAIN_IMPL_H

#include "gridsweep/dist.h"
#include "gridsweep/kernels.h"
#include "rng.h"

#define LANES (VW * NV)
#define SUB_BATCH 64   /* samples per pass; SLEEF runs over whole sub-batches */

typedef struct acc {
    vf ga[NV], gb[NV], gc[NV], gd[NV], ls[NV];
} acc;

/* One sample on one vector of lanes: residual, loss, the four gradient sums.
 * g is dL/dyhat up to the loss's constant scale. */
GS_INLINE void accumulate(acc *s, int v, gs_act act, gs_loss loss, vf delta, vf x, vf y, vf f,
                          vf df, vm pos, vf c, vf d)
{
    vf r = vf_sub(vf_fma(c, f, d), y);
    vf g;
    if (loss == GS_LOSS_MAE) {
        g = vf_sign(r);
        s->ls[v] = vf_fma(g, r, s->ls[v]);          /* sign(r)*r = |r| exactly */
    } else if (loss == GS_LOSS_MSE) {
        g = r;
        s->ls[v] = vf_fma(r, r, s->ls[v]);
    } else {                                         /* huber, as torch.nn.HuberLoss */
        vf a = vf_abs(r);
        vf quad = vf_mul(vf_mul(vf_set1(0.5f), r), r);
        vf lin = vf_mul(delta, vf_sub(a, vf_mul(vf_set1(0.5f), delta)));
        s->ls[v] = vf_add(s->ls[v], vf_sel(vf_lt(a, delta), quad, lin));
        g = vf_min(delta, vf_max(vf_sub(vf_set1(0.0f), delta), r));
    }
    s->gd[v] = vf_add(s->gd[v], g);
    if (act_df_is_mask(act)) {   /* relu: the sum for c follows from these two */
        s->gb[v] = vf_mask_add(s->gb[v], pos, g);
        s->ga[v] = vf_mask_fma(g, x, s->ga[v], pos);
    } else {
        vf gz = vf_mul(g, df);
        s->gc[v] = vf_fma(g, f, s->gc[v]);
        s->gb[v] = vf_add(s->gb[v], gz);
        s->ga[v] = vf_fma(gz, x, s->ga[v]);
    }
}

/* This set's own eval kernels (defined before this file in kernels_tmpl.h),
 * for independent sampling's target: every set evaluates it bit for bit alike. */
#define GS_OWN_EVAL_(ID, name) [GS_ACT_##ID] = GS_CAT(eval_##name, GS_KSUFFIX),
static const gs_eval_fn own_eval[GS_ACT_COUNT] = {GS_ACTIVATIONS(GS_OWN_EVAL_)};
#undef GS_OWN_EVAL_

/* Independent sampling: each lane's own stream, laid out [sample][lane]; x by
 * the distribution's quantile transform, y = target(x) by its eval kernel
 * (scratch takes the derivative, unused). */
static inline void fill_independent(const gs_step_data *step, const gs_block *blk, int t,
                                    int s0, int ns, float *xl, float *yl, float *scratch)
{
    const float lo = step->data_lo, width = step->data_hi - step->data_lo;
    for (int l = 0; l < LANES; l++) {
        for (int s = s0 & ~3; s < s0 + ns; s += 4) {
            float u[4];
            gs_uniform4(step->seed, blk->point[l], (uint32_t)t, (uint32_t)(s / 4), u);
            for (int i = 0; i < 4; i++) {
                int k = s + i - s0;
                if (k < 0 || k >= ns)
                    continue;
                xl[k * LANES + l] = gs_dist_sample(&step->dist, lo, width, u[i]);
            }
        }
    }
    own_eval[step->target](xl, yl, scratch, (size_t)ns * LANES);
}

/* The forward and backward pass of one step over the whole batch. */
GS_INLINE void batch_pass(const gs_step_data *step, const gs_block *blk, int t, gs_act act,
                          gs_eval_fn eval, gs_loss loss, int independent, acc *s)
{
    _Alignas(GS_ALIGN) float zb[SUB_BATCH * LANES], fb[SUB_BATCH * LANES],
        dfb[SUB_BATCH * LANES];
    /* Independent sampling's own samples, [sample][lane]; the other modes
     * never touch them, and untouched stack costs nothing. */
    _Alignas(GS_ALIGN) float xl[SUB_BATCH * LANES], yl[SUB_BATCH * LANES];
    const int batch = step->batch;
    const float *xs = independent ? NULL : step->xs + (size_t)t * step->x_stride;
    const float *ys = independent ? NULL : step->ys + (size_t)t * step->x_stride;
    const vf delta = vf_set1(step->huber_delta);
    vf a[NV], b[NV], c[NV], d[NV];
    for (int v = 0; v < NV; v++) {
        a[v] = vf_load(&blk->p[0][v * VW]);
        b[v] = vf_load(&blk->p[1][v * VW]);
        c[v] = vf_load(&blk->p[2][v * VW]);
        d[v] = vf_load(&blk->p[3][v * VW]);
        s->ga[v] = s->gb[v] = s->gc[v] = s->gd[v] = s->ls[v] = vf_set1(0.0f);
    }
#define X_AT(k, v) (independent ? vf_load(&xl[(k) * LANES + (v) * VW]) : vf_set1(xs[s0 + (k)]))
#define Y_AT(k, v) (independent ? vf_load(&yl[(k) * LANES + (v) * VW]) : vf_set1(ys[s0 + (k)]))
    for (int s0 = 0; s0 < batch; s0 += SUB_BATCH) {
        const int ns = batch - s0 < SUB_BATCH ? batch - s0 : SUB_BATCH;
        if (independent)
            fill_independent(step, blk, t, s0, ns, xl, yl, dfb);
        if (act_is_cheap(act)) {
#pragma GCC unroll 4
            for (int k = 0; k < ns; k++) {
                for (int v = 0; v < NV; v++) {
                    vf x = X_AT(k, v), z = vf_fma(a[v], x, b[v]), df = vf_set1(0.0f), f;
                    vm pos = vf_gt(z, vf_set1(0.0f));
                    if (act_df_is_mask(act))
                        f = vf_max(vf_set1(0.0f), z);   /* relu, as act_apply has it */
                    else
                        f = act_apply(act, z, &df);
                    accumulate(s, v, act, loss, delta, x, Y_AT(k, v), f, df, pos, c[v], d[v]);
                }
            }
            continue;
        }
        for (int k = 0; k < ns; k++)
            for (int v = 0; v < NV; v++)
                vf_store(&zb[k * LANES + v * VW], vf_fma(a[v], X_AT(k, v), b[v]));
        /* An out-of-line call: the accumulators are saved once around it,
         * not around every SLEEF call inside it. */
        eval(zb, fb, dfb, (size_t)ns * LANES);
        for (int k = 0; k < ns; k++) {
            for (int v = 0; v < NV; v++) {
                int i = k * LANES + v * VW;
                accumulate(s, v, act, loss, delta, X_AT(k, v), Y_AT(k, v), vf_load(&fb[i]),
                           vf_load(&dfb[i]), vf_gt(vf_load(&zb[i]), vf_set1(0.0f)), c[v], d[v]);
            }
        }
    }
#undef X_AT
#undef Y_AT
}

/* One optimizer update of one parameter vector, as torch.optim does it. */
GS_INLINE void opt_update(const gs_step_data *step, gs_opt opt, float *pp, float *mp,
                          float *vp, vf g, vf lr, vf step_size, vf bc2_sqrt)
{
    vf p = vf_load(pp);
    vf m = vf_load(mp);
    switch (opt) {
    case GS_OPT_ADAM: {
        vf v = vf_load(vp);
        m = vf_add(m, vf_mul(vf_set1(1.0f - step->beta1), vf_sub(g, m)));
        v = vf_add(vf_mul(v, vf_set1(step->beta2)),
                   vf_mul(vf_mul(vf_set1(1.0f - step->beta2), g), g));
        vf denom = vf_add(vf_div(vf_sqrt(v), bc2_sqrt), vf_set1(step->eps));
        p = vf_sub(p, vf_mul(step_size, vf_div(m, denom)));
        vf_store(vp, v);
        break;
    }
    case GS_OPT_SGD:
        p = vf_sub(p, vf_mul(lr, g));
        break;
    case GS_OPT_MOMENTUM:
        m = vf_add(vf_mul(m, vf_set1(step->momentum)), g);
        p = vf_sub(p, vf_mul(lr, m));
        break;
    case GS_OPT_RMSPROP: {
        vf v = vf_load(vp);
        v = vf_add(vf_mul(v, vf_set1(step->alpha)),
                   vf_mul(vf_mul(vf_set1(1.0f - step->alpha), g), g));
        p = vf_sub(p, vf_mul(lr, vf_div(g, vf_add(vf_sqrt(v), vf_set1(step->eps)))));
        vf_store(vp, v);
        break;
    }
    case GS_OPT_COUNT:
        break;
    }
    vf_store(mp, m);
    vf_store(pp, p);
}

GS_INLINE void train_block_impl(const gs_step_data *step, gs_block *blk, int t_end, gs_act act,
                                gs_eval_fn eval, gs_loss loss)
{
    const int independent = step->sampling == GS_SAMPLING_INDEPENDENT;
    /* dL/dyhat = scale * g: the mean's 1/N, and MSE's factor 2. */
    const vf scale = vf_set1(loss == GS_LOSS_MSE ? 2.0f * step->inv_batch : step->inv_batch);
    const vf inv_n = vf_set1(step->inv_batch), tol = vf_set1(step->tol);
    for (int t = blk->t; t < t_end; t++) {
        acc s;
        if (independent)
            batch_pass(step, blk, t, act, eval, loss, 1, &s);
        else
            batch_pass(step, blk, t, act, eval, loss, 0, &s);
        blk->b1t *= step->beta1;
        blk->b2t *= step->beta2;
        const float bc1 = (float)(1.0 - blk->b1t);
        const vf bc2_sqrt = vf_set1((float)sqrt(1.0 - blk->b2t));
        for (int v = 0; v < NV; v++) {
            const int o = v * VW;
            vf c = vf_load(&blk->p[2][o]);
            /* Per-layer rates: a and b take lr_in, c and d lr_out. */
            const vf lr_in = vf_load(&blk->lr_in[o]), lr_out = vf_load(&blk->lr_out[o]);
            const vf step_in = vf_div(lr_in, vf_set1(bc1)), step_out = vf_div(lr_out, vf_set1(bc1));
            /* relu: f = a x + b where active, so sum g f = a sum g x + b sum g,
             * from the two masked sums the loop keeps anyway. */
            vf gc = act_df_is_mask(act)
                        ? vf_fma(vf_load(&blk->p[0][o]), s.ga[v], vf_mul(vf_load(&blk->p[1][o]), s.gb[v]))
                        : s.gc[v];
            vf grad[4] = {
                vf_mul(scale, vf_mul(c, s.ga[v])),
                vf_mul(scale, vf_mul(c, s.gb[v])),
                vf_mul(scale, gc),
                vf_mul(scale, s.gd[v]),
            };
            for (int k = 0; k < 4; k++)
                opt_update(step, step->opt, &blk->p[k][o], &blk->m[k][o], &blk->v[k][o], grad[k],
                           k < 2 ? lr_in : lr_out, k < 2 ? step_in : step_out, bc2_sqrt);
            /* Loss bookkeeping: the loss is that of the parameters before the update. */
            vf l = vf_mul(s.ls[v], inv_n);
            vf ema = t == 0 ? l : vf_load(&blk->ema[o]);
            ema = vf_add(ema, vf_mul(vf_set1(0.1f), vf_sub(l, ema)));
            vf_store(&blk->loss[o], l);
            vf_store(&blk->ema[o], ema);
            vf_store(&blk->tconv[o],
                     vf_sel(vf_lt(ema, tol), vf_load(&blk->tconv[o]), vf_set1((float)(t + 2))));
            if (t >= step->window_start)
                vf_store(&blk->wsum[o], vf_add(vf_load(&blk->wsum[o]), l));
        }
    }
    blk->t = t_end;
}

#endif
