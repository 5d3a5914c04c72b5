/* The training loop of one block of starting points, one per lane, written
 * once in vf_* operations (include after simd_*.h and act_impl.h). Each lane
 * performs exactly the scalar reference's operations, in the same order, so
 * every kernel set gives bit-identical trajectories.
 *
 * Written once for both precisions: the includer defines the element type
 * REAL (float or double, the type of vf's lanes), GS_BLOCK_T (gs_block or
 * gs_block64), GS_EVAL_T and EVAL_NAME(name) (this set's eval kernels),
 * STEP_XS/STEP_YS (the step's sample tables), and GS_UNIFORMS, GS_UNIFORM and
 * GS_DIST_SAMPLE (independent sampling: gs_uniform4 and gs_dist_sample, or
 * gs_uniform2d and gs_dist_sample64). Constants are written (REAL)0.1, the
 * very 0.1f of f32; every (REAL) cast of a double is the cast torch's float32
 * ops make and a no-op in f64, where torch's float64 ops take the doubles as
 * they are. kernels_tmpl.h includes it for f32, kernels64_tmpl.h for f64.
 * TRAIN_REST_INLINE(act), true where the set runs act's stages here and its
 * last stage inside the accumulation rather than through its eval kernel,
 * TRAIN_STAGE_ROWS (ACT_PRE_MAX where any does, else 1) and TRAIN_EVAL_MID
 * (eval_impl.h's middle stage for this precision) come from the includer
 * too. */
#ifndef GS_TRAIN_IMPL_H
#define GS_TRAIN_IMPL_H

#ifndef GS_HAVE_SIGN2
#define GS_HAVE_SIGN2 0
#endif

#include "gridsweep/dist.h"
#include "gridsweep/kernels.h"
#include "rng.h"

#define LANES (VW * NV)
#define SUB_BATCH GS_SUM_SUB_BATCH   /* positions per pass; SLEEF runs over whole sub-batches */

typedef struct acc {
    vf ga[NV], gb[NV], gc[NV], gd[NV], ls[NV];
} acc;

/* Where a block's z = a x + b lie for a step (block_side): on both sides of
 * 0, or all on one, where relu, elu, celu and selu are affine and the step
 * takes a shorter path to the same bits. */
enum { SIDE_BOTH, SIDE_BELOW, SIDE_ABOVE };

/* One sample on one vector of lanes: residual, loss, the four gradient sums.
 * g is dL/dyhat up to the loss's constant scale. sign2 (MAE only, sets with
 * vf_sign2): every sum doubled and negated, g = 2 sign(y - yhat) in one
 * operation instead of four (sign2_unscale, below, says when that is exact). */
GS_INLINE void accumulate(acc *s, int v, gs_act act, gs_loss loss, int sign2, int side, vf delta,
                          vf x, vf y, vf f, vf df, vm pos, vf c, vf d)
{
    vf r, g;
    (void)sign2;
#if GS_HAVE_SIGN2
    if (sign2) {
        r = vf_sub(y, vf_fma(c, f, d));
        g = vf_sign2(r);
        s->ls[v] = vf_fma(g, r, s->ls[v]);          /* 2 sign(r)*r = 2 |r| exactly */
    } else
#endif
    if (loss == GS_LOSS_MAE) {
        r = vf_sub(vf_fma(c, f, d), y);
        g = vf_sign(r);
        s->ls[v] = vf_fma(g, r, s->ls[v]);          /* sign(r)*r = |r| exactly */
    } else if (loss == GS_LOSS_MSE) {
        r = vf_sub(vf_fma(c, f, d), y);
        g = r;
        s->ls[v] = vf_fma(r, r, s->ls[v]);
    } else {                                         /* huber, as torch.nn.HuberLoss */
        r = vf_sub(vf_fma(c, f, d), y);
        vf a = vf_abs(r);
        vf quad = vf_mul(vf_mul(vf_set1((REAL)0.5), r), r);
        vf lin = vf_mul(delta, vf_sub(a, vf_mul(vf_set1((REAL)0.5), delta)));
        s->ls[v] = vf_add(s->ls[v], vf_sel(vf_lt(a, delta), quad, lin));
        g = vf_min(delta, vf_max(vf_sub(vf_set1((REAL)0), delta), r));
    }
    s->gd[v] = vf_add(s->gd[v], g);
    if (act_df_is_mask(act)) {   /* relu: the sum for c follows from these two */
        /* g f'(z): g where z > 0, else +0. Adding +0 leaves a running sum
         * as it was: a sum that starts at +0 is never -0. So a block below
         * 0 (block_side) leaves out the two additions, the same bits. */
        if (side == SIDE_BELOW)
            return;
        vf gz = side == SIDE_ABOVE ? g : vf_selz(pos, g);
        s->gb[v] = vf_add(s->gb[v], gz);
        s->ga[v] = vf_fma(gz, x, s->ga[v]);
    } else {
        vf gz = vf_mul(g, df);
        s->gc[v] = vf_fma(g, f, s->gc[v]);
        s->gb[v] = vf_add(s->gb[v], gz);
        s->ga[v] = vf_fma(gz, x, s->ga[v]);
    }
}

/* This set's own eval kernels (defined before this file in kernels_tmpl.h),
 * for independent sampling's target: every set evaluates it bit for bit alike. */
#define GS_OWN_EVAL_(ID, name) [GS_ACT_##ID] = EVAL_NAME(name),
static const GS_EVAL_T own_eval[GS_ACT_COUNT] = {GS_ACTIVATIONS(GS_OWN_EVAL_)};
#undef GS_OWN_EVAL_

/* Independent sampling: each lane's own stream, laid out [position][lane]
 * for the positions p0 .. p0+ns-1 of the sum order; x by the distribution's
 * quantile transform, y = target(x) by its eval kernel (scratch takes the
 * derivative, unused). The positions are visited by sample (gen), so each
 * draw of 4 uniforms is made once. */
static inline void fill_independent(const gs_step_data *step, const GS_BLOCK_T *blk, int t,
                                    int p0, int ns, REAL *xl, REAL *yl, REAL *scratch)
{
    const gs_sum_order *o = step->sum;
    const REAL lo = (REAL)step->data_lo, width = (REAL)step->data_hi - lo;
    for (int l = 0; l < LANES; l++) {
        int drawn = -1;
        REAL u[GS_UNIFORMS];
        for (int j = 0; j < ns; j++) {
            const int p = o->gen[p0 + j], s = o->order[p];
            if (s / GS_UNIFORMS != drawn) {
                drawn = s / GS_UNIFORMS;
                GS_UNIFORM(step->seed, blk->point[l], (uint32_t)t, (uint32_t)drawn, u);
            }
            xl[(p - p0) * LANES + l] = GS_DIST_SAMPLE(&step->dist, lo, width, u[s % GS_UNIFORMS]);
        }
    }
    own_eval[step->target](xl, yl, scratch, (size_t)ns * LANES);
}

/* d += s, field by field (relu's mask path keeps no sum for c). */
GS_INLINE void acc_add(acc *d, const acc *s, gs_act act)
{
    for (int v = 0; v < NV; v++) {
        d->ga[v] = vf_add(d->ga[v], s->ga[v]);
        d->gb[v] = vf_add(d->gb[v], s->gb[v]);
        if (!act_df_is_mask(act))
            d->gc[v] = vf_add(d->gc[v], s->gc[v]);
        d->gd[v] = vf_add(d->gd[v], s->gd[v]);
        d->ls[v] = vf_add(d->ls[v], s->ls[v]);
    }
}

GS_INLINE void acc_zero(acc *s)
{
    for (int v = 0; v < NV; v++)
        s->ga[v] = s->gb[v] = s->gc[v] = s->gd[v] = s->ls[v] = vf_set1((REAL)0);
}

/* d = s, field by field: GCC copies a whole acc (320 bytes on AVX2) with
 * rep movsq, whose start-up cost was 15% of relu's step there (18 copies a
 * step in combine_partials at batch 256); vector moves cost a few cycles. */
GS_INLINE void acc_copy(acc *d, const acc *s, gs_act act)
{
    for (int v = 0; v < NV; v++) {
        d->ga[v] = s->ga[v];
        d->gb[v] = s->gb[v];
        if (!act_df_is_mask(act))
            d->gc[v] = s->gc[v];
        d->gd[v] = s->gd[v];
        d->ls[v] = s->ls[v];
    }
}

/* d = s, field by field, then s = 0: the running sum stored as a partial. */
GS_INLINE void acc_move(acc *d, acc *s, gs_act act)
{
    acc_copy(d, s, act);
    acc_zero(s);
}

/* The cascade's actions (batches of 512 and more): the running sum s pushed
 * up the levels, or the levels folded back into it. */
static __attribute__((noinline)) void segment_cascade(const gs_sum_seg *g, acc *s, acc *level, gs_act act)
{
    for (int j = 1; j <= g->push; j++) {
        acc *below = j == 1 ? s : &level[j - 2];
        acc_add(&level[j - 1], below, act);
        acc_zero(below);
    }
    if (g->fold)
        for (int j = 0; j < GS_SUM_LEVELS; j++) {
            acc_add(s, &level[j], act);
            acc_zero(&level[j]);
        }
}

/* The partials combined as the order lists them, each sum carried in
 * registers while its destination stays the same. */
GS_INLINE void combine_partials(const gs_sum_order *o, acc *part, gs_act act, acc *out)
{
    int cur = o->ncombine ? o->combine[0][0] : o->result;
    acc sum;
    acc_copy(&sum, &part[cur], act);
    for (int j = 0; j < o->ncombine; j++) {
        if (o->combine[j][0] != cur) {
            acc_copy(&part[cur], &sum, act);
            cur = o->combine[j][0];
            acc_copy(&sum, &part[cur], act);
        }
        acc_add(&sum, &part[o->combine[j][1]], act);
    }
    acc_copy(&part[cur], &sum, act);
    acc_copy(out, &part[o->result], act);
}

/* Positions k0 .. k0+n-1 of the sub-batch starting at position p0 into the
 * running sum s: the sample's x and y (one broadcast for shared and grid
 * sampling, a lane's own for independent), then the activation (inline for
 * the cheap ones, from the sub-batch's eval for the rest) and accumulate. */
GS_INLINE void accumulate_run(acc *s, gs_act act, gs_loss loss, int sign2, int side,
                              int independent, int cheap, int staged, int k0, int n, int p0,
                              const int32_t *order,
                              const REAL *xs, const REAL *ys, const REAL *xl, const REAL *yl,
                              const REAL *zb, const REAL *fb, const REAL *dfb, const REAL *pb,
                              const vf *a, const vf *b, const vf *c, const vf *d, vf delta)
{
    for (int k = k0; k < k0 + n; k++) {
        if (GS_HAVE_SIGN2 && sign2 && cheap && act_is_cheap(act)) {
            /* The parameters from memory at each use (fma's memory operand),
             * not kept in registers: there GCC kept two of them in ymm
             * registers and one running sum on the stack instead. Only for
             * the cheap activations: elu's sweep was 4% slower with it (in
             * its staged loop), and no faster on its affine side. */
            __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
        }
        vf xv = vf_set1((REAL)0), yv = xv;
        if (!independent) {
            xv = vf_set1(xs[order[p0 + k]]);
            yv = vf_set1(ys[order[p0 + k]]);
        }
        for (int v = 0; v < NV; v++) {
            const vf x = independent ? vf_load(&xl[k * LANES + v * VW]) : xv;
            const vf y = independent ? vf_load(&yl[k * LANES + v * VW]) : yv;
            if (cheap && side == SIDE_BELOW) {
                /* relu with every z < 0: f = +0 as max(0, z) gives it */
                const vf zero = vf_set1((REAL)0);
                accumulate(s, v, act, loss, sign2, side, delta, x, y, zero, zero,
                           vf_gt(zero, zero), c[v], d[v]);
            } else if (cheap) {
                vf z = vf_fma(a[v], x, b[v]), df = vf_set1((REAL)0), f;
                vm pos = vf_gt(z, vf_set1((REAL)0));
                if (act_df_is_mask(act))   /* relu, as act_apply has it */
                    f = side == SIDE_ABOVE ? z : vf_max(vf_set1((REAL)0), z);
                else if (side == SIDE_ABOVE)
                    act_positive_affine(act, z, &f, &df);
                else
                    f = act_apply(act, z, &df);
                accumulate(s, v, act, loss, sign2, side, delta, x, y, f, df, pos, c[v], d[v]);
            } else if (staged) {
                /* the rest of the activation here, from its stages */
                const int i = k * LANES + v * VW;
                vf pre[ACT_PRE_MAX], df;
                for (int q = 0; q < act_pre_count(act) + act_mid_count(act); q++)
                    pre[q] = vf_load(&pb[q * SUB_BATCH * LANES + i]);
                vf z = vf_fma(a[v], x, b[v]);
                vf f = act_eval(act, z, pre, &df);
                accumulate(s, v, act, loss, sign2, SIDE_BOTH, delta, x, y, f, df,
                           vf_gt(z, vf_set1((REAL)0)), c[v], d[v]);
            } else {
                const int i = k * LANES + v * VW;
                accumulate(s, v, act, loss, sign2, SIDE_BOTH, delta, x, y, vf_load(&fb[i]),
                           vf_load(&dfb[i]), vf_gt(vf_load(&zb[i]), vf_set1((REAL)0)), c[v],
                           d[v]);
            }
        }
    }
}

/* What follows a segment: the running sum s pushed up the cascade or the
 * levels folded into it, then stored as a partial. */
GS_INLINE void segment_end(const gs_sum_seg *end, acc *s, acc *level, acc *part, gs_act act)
{
    if (__builtin_expect(end->push | end->fold, 0)) {
        /* through a copy: s itself never escapes, so it stays in
         * registers from one segment to the next */
        acc moved;
        acc_copy(&moved, s, act);
        segment_cascade(end, &moved, level, act);
        acc_copy(s, &moved, act);
    }
    if (end->store >= 0)
        acc_move(&part[end->store], s, act);
}

/* The cheap activations over shared or grid samples need no sub-batch
 * buffers: the segments back to back, without the sub-batch loop's tests at
 * each segment's end. So too the blocks where block_side finds relu, elu,
 * celu or selu on one affine piece (side). */
GS_INLINE void cheap_pass(const gs_sum_order *o, acc *s, acc *level, acc *part, gs_act act,
                          gs_loss loss, int sign2, int side, const REAL *xs, const REAL *ys,
                          const vf *a, const vf *b, const vf *c, const vf *d, vf delta)
{
    for (int g = 0; g < o->nseg; g++) {
        const int k0 = o->seg[g].first, n = o->seg[g].count;
        if (n == 8)   /* fixed trip counts, as batch_pass's */
            accumulate_run(s, act, loss, sign2, side, 0, 1, 0, k0, 8, 0, o->order, xs, ys, NULL,
                           NULL, NULL, NULL, NULL, NULL, a, b, c, d, delta);
        else if (n == 16)
            accumulate_run(s, act, loss, sign2, side, 0, 1, 0, k0, 16, 0, o->order, xs, ys, NULL,
                           NULL, NULL, NULL, NULL, NULL, a, b, c, d, delta);
        else
            accumulate_run(s, act, loss, sign2, side, 0, 1, 0, k0, n, 0, o->order, xs, ys, NULL,
                           NULL, NULL, NULL, NULL, NULL, a, b, c, d, delta);
        segment_end(&o->seg[g], s, level, part, act);
    }
}

/* Where every z = a x + b of a block's step lies: below 0 in every lane
 * (relu's f = +0 and f'(z) = 0 throughout: the sums for a and b stay +0),
 * above 0 (relu the identity; elu, celu and selu affine,
 * act_positive_affine), or neither (SIDE_BOTH, also wherever the tables
 * are not all finite). From the tables' least and greatest x: fma(a, x, b)
 * is monotone in x (a correctly rounded function of a x + b), so the z of
 * those two bound every z the step forms. So it is with an infinite a too,
 * but for x = 0, where a x is NaN: a 0 among the x is a bound (its z NaN)
 * or lies between bounds of both signs (one z +inf, one -inf), and either
 * fails both tests, as a NaN a or b does. */
GS_INLINE int block_side(const gs_step_data *step, const GS_BLOCK_T *blk)
{
    if (!step->xs_finite)
        return SIDE_BOTH;
    const vf xlo = vf_set1((REAL)step->xs_lo), xhi = vf_set1((REAL)step->xs_hi);
    const vf zero = vf_set1((REAL)0);
    int below = 1, above = 1;
    for (int v = 0; v < NV; v++) {
        const vf a = vf_load(&blk->p[0][v * VW]), b = vf_load(&blk->p[1][v * VW]);
        const vf z1 = vf_fma(a, xlo, b), z2 = vf_fma(a, xhi, b);
        below &= vm_all(vf_lt(z1, zero)) & vm_all(vf_lt(z2, zero));
        above &= vm_all(vf_gt(z1, zero)) & vm_all(vf_gt(z2, zero));
    }
    return below ? SIDE_BELOW : above ? SIDE_ABOVE : SIDE_BOTH;
}

/* The forward and backward pass of one step over the whole batch, its sums
 * formed in torch's order: the batch is walked by position of the sum order
 * (sample order[p]), a sub-batch of GS_SUM_SUB_BATCH positions at a time
 * (the cheap activations over shared or grid samples, which need no
 * sub-batch buffers: segment by segment). sign2: accumulate's doubled and
 * negated sums (sign2_unscale). */
GS_INLINE void batch_pass(const gs_step_data *step, const GS_BLOCK_T *blk, int t, gs_act act,
                          GS_EVAL_T eval, gs_loss loss, int sign2, int independent, acc *out)
{
    _Alignas(GS_ALIGN) REAL zb[SUB_BATCH * LANES], fb[SUB_BATCH * LANES],
        dfb[SUB_BATCH * LANES];
    /* Independent sampling's own samples, [position][lane]; the other modes
     * never touch them, and untouched stack costs nothing. */
    _Alignas(GS_ALIGN) REAL xl[SUB_BATCH * LANES], yl[SUB_BATCH * LANES];
    /* TRAIN_REST_INLINE's stages, [stage][position][lane] */
    _Alignas(GS_ALIGN) REAL pb[TRAIN_STAGE_ROWS][SUB_BATCH * LANES];
    const gs_sum_order *o = step->sum;
    const int batch = step->batch;
    const int32_t *order = o->order;
    const REAL *xs = independent ? NULL : STEP_XS(step) + (size_t)t * step->x_stride;
    const REAL *ys = independent ? NULL : STEP_YS(step) + (size_t)t * step->x_stride;
    const vf delta = vf_set1((REAL)step->huber_delta);
    vf a[NV], b[NV], c[NV], d[NV];
    for (int v = 0; v < NV; v++) {
        a[v] = vf_load(&blk->p[0][v * VW]);
        b[v] = vf_load(&blk->p[1][v * VW]);
        c[v] = vf_load(&blk->p[2][v * VW]);
        d[v] = vf_load(&blk->p[3][v * VW]);
    }
    acc s, level[GS_SUM_LEVELS], part[GS_SUM_MAX_PARTIALS];
    acc_zero(&s);
    for (int j = 0; j < GS_SUM_LEVELS; j++)
        acc_zero(&level[j]);
    const int side = !independent && (act_df_is_mask(act) || act_has_positive_branch(act))
                         ? block_side(step, blk)
                         : SIDE_BOTH;
    if (side == SIDE_ABOVE) {
        cheap_pass(o, &s, level, part, act, loss, sign2, SIDE_ABOVE, xs, ys, a, b, c, d, delta);
        combine_partials(o, part, act, out);
        return;
    }
    if (act_is_cheap(act) && !independent) {
        if (act_df_is_mask(act) && side == SIDE_BELOW)
            cheap_pass(o, &s, level, part, act, loss, sign2, SIDE_BELOW, xs, ys, a, b, c, d,
                       delta);
        else
            cheap_pass(o, &s, level, part, act, loss, sign2, SIDE_BOTH, xs, ys, a, b, c, d,
                       delta);
        combine_partials(o, part, act, out);
        return;
    }
    int g = 0;
    for (int p0 = 0; p0 < batch; p0 += SUB_BATCH) {
        const int ns = batch - p0 < SUB_BATCH ? batch - p0 : SUB_BATCH;
        if (independent)
            fill_independent(step, blk, t, p0, ns, xl, yl, dfb);
        const int cheap = act_is_cheap(act);
        const int staged = !cheap && act_pre_count(act) > 0 && TRAIN_REST_INLINE(act);
        if (staged) {
            /* TRAIN_REST_INLINE: the activation's stages here, as eval_impl.h
             * runs them, z = a x + b formed where it is used and never
             * stored; its last stage in accumulate_run, beside the sums.
             * The same operations as through eval, so the same bits. */
            const int np = act_pre_count(act);
            for (int k = 0; k < ns; k++) {
                /* x read once a position: read in the v loop, it was read
                 * again after each store (the buffers might alias xs) */
                const vf xk = independent ? vf_set1((REAL)0) : vf_set1(xs[order[p0 + k]]);
                for (int v = 0; v < NV; v++) {
                    const vf x = independent ? vf_load(&xl[k * LANES + v * VW]) : xk;
                    vf pre[ACT_PRE_MAX];
                    act_pre(act, vf_fma(a[v], x, b[v]), pre);
                    for (int q = 0; q < np; q++)
                        vf_store(&pb[q][k * LANES + v * VW], pre[q]);
                }
            }
            TRAIN_EVAL_MID(act, &pb[0][0], SUB_BATCH * LANES, (size_t)ns * LANES);
        } else if (!cheap) {
            for (int k = 0; k < ns; k++) {
                /* x read once a position, as above */
                const vf xk = independent ? vf_set1((REAL)0) : vf_set1(xs[order[p0 + k]]);
                for (int v = 0; v < NV; v++) {
                    const vf x = independent ? vf_load(&xl[k * LANES + v * VW]) : xk;
                    vf_store(&zb[k * LANES + v * VW], vf_fma(a[v], x, b[v]));
                }
            }
            /* An out-of-line call: the accumulators are saved once around
             * it, not around every SLEEF call inside it. */
            eval(zb, fb, dfb, (size_t)ns * LANES);
        }
        /* the segments that start in this sub-batch; the last one takes
         * the actions left at the end of the batch too */
        const int last = p0 + ns == batch;
        for (; g < o->nseg && (o->seg[g].first < p0 + ns || last); g++) {
            const int k0 = o->seg[g].first - p0, n = o->seg[g].count;
            /* Runs of 8 and 16 positions (batches of 256, and every
             * cascade block) get loops of a fixed trip count. GCC keeps
             * them rolled (their bodies pass its limits for unrolling in
             * full); forcing it with #pragma GCC unroll 16 was no faster
             * (Zen 3, relu f32, min of 10 alternated runs: 914 -> 1004 ms). */
            if (n == 8)
                accumulate_run(&s, act, loss, sign2, SIDE_BOTH, independent, cheap, staged, k0, 8,
                               p0, order, xs, ys, xl, yl, zb, fb, dfb, &pb[0][0], a, b, c, d,
                               delta);
            else if (n == 16)
                accumulate_run(&s, act, loss, sign2, SIDE_BOTH, independent, cheap, staged, k0, 16,
                               p0, order, xs, ys, xl, yl, zb, fb, dfb, &pb[0][0], a, b, c, d,
                               delta);
            else
                accumulate_run(&s, act, loss, sign2, SIDE_BOTH, independent, cheap, staged, k0, n,
                               p0, order, xs, ys, xl, yl, zb, fb, dfb, &pb[0][0], a, b, c, d,
                               delta);
            segment_end(&o->seg[g], &s, level, part, act);
        }
    }
    combine_partials(o, part, act, out);
}

/* The constants of one step, cast as torch 1.13's single-tensor optimizers
 * cast them: torch holds every hyper-parameter as a Python float (a double)
 * and each ATen op casts its scalar argument to float at the op, so
 * "1 - beta1" is computed in double and then rounded (0.1f, not
 * 1.0f - 0.9f), and the bias corrections and lr / bc1 are double until the
 * op that uses them. */
typedef struct opt_consts {
    vf beta1, one_m_beta1, beta2, one_m_beta2, eps, momentum, alpha, one_m_alpha;
    vf bc2_sqrt;   /* Adam: (float)sqrt(1 - beta2^t) */
} opt_consts;

/* Adam's 1 - beta1^(t+1) (k = 0) and sqrt(1 - beta2^(t+1)) (k = 1):
 * torch's step = state_steps[i].item() (t + 1 here), beta ** step is
 * Python's float power, i.e. C pow in double; from the run's table where
 * it has them (step.h). */
static inline double adam_bias(const gs_step_data *step, int t, int k)
{
    if (step->bias) {
        if (t < step->bias_steps)
            return step->bias[2 * t + k];
        if (step->bias_ones)
            return 1.0;
    }
    const double n = (double)(t + 1);
    return k ? sqrt(1.0 - pow(step->beta2, n)) : 1.0 - pow(step->beta1, n);
}

static inline opt_consts opt_consts_at(const gs_step_data *step, int t)
{
    const int adam = step->opt == GS_OPT_ADAM;
    return (opt_consts){
        .beta1 = vf_set1((REAL)step->beta1),
        .one_m_beta1 = vf_set1((REAL)(1.0 - step->beta1)),
        .beta2 = vf_set1((REAL)step->beta2),
        .one_m_beta2 = vf_set1((REAL)(1.0 - step->beta2)),
        .eps = vf_set1((REAL)step->eps),
        .momentum = vf_set1((REAL)step->momentum),
        .alpha = vf_set1((REAL)step->alpha),
        .one_m_alpha = vf_set1((REAL)(1.0 - step->alpha)),
        .bc2_sqrt = vf_set1((REAL)(adam ? adam_bias(step, t, 1) : 1.0)),   /* Adam's only */
    };
}

/* One optimizer update of one parameter vector, op by op as torch 1.13's
 * single-tensor Adam, SGD and RMSprop. How ATen's CPU kernels round (Debian's
 * torch 1.13.1, CPU capability AVX2; checked on crafted values where the
 * fused and unfused forms differ, for 0-dim, 4-element and 32-element
 * tensors alike: tensors under 16 floats take the scalar lambda of the AVX2
 * build, which GCC contracts exactly as the vector path's fmadd):
 *   x.add_(y, alpha=s)           fma((float)s, y, x), one rounding;
 *   x.addcmul_(y, z, value=s)    fma((float)s * y, z, x);
 *   x.addcdiv_(y, z, value=s)    x + ((float)s * y) / z, three roundings;
 *   x.mul_(s), x / s, x.add_(s)  one float op with (float)s.
 * neg_step is Adam's (float)(-lr / bc1), SGD's and RMSprop's (float)(-lr).
 * In float64 ATen's double kernels do the same operations (the same
 * fmadd in add_ and addcmul_), with every cast above a no-op. */
GS_INLINE void opt_update(const opt_consts *k, gs_opt opt, int t, REAL *pp, REAL *mp,
                          REAL *vp, vf g, vf neg_step)
{
    vf p = vf_load(pp);
    vf m = vf_load(mp);
    switch (opt) {
    case GS_OPT_ADAM: {
        vf v = vf_load(vp);
        m = vf_fma(k->one_m_beta1, g, vf_mul(m, k->beta1));   /* exp_avg.mul_(b1).add_(g, alpha=1-b1) */
        v = vf_fma(vf_mul(k->one_m_beta2, g), g, vf_mul(v, k->beta2));  /* .addcmul_(g, g, value=1-b2) */
        vf denom = vf_add(vf_div(vf_sqrt(v), k->bc2_sqrt), k->eps);
        p = vf_add(p, vf_div(vf_mul(neg_step, m), denom));   /* addcdiv_(m, denom, value=-step_size) */
        vf_store(vp, v);
        break;
    }
    case GS_OPT_SGD:
        p = vf_fma(neg_step, g, p);   /* param.add_(g, alpha=-lr) */
        break;
    case GS_OPT_MOMENTUM:
        /* buf = clone(g) at the first step, then buf.mul_(mu).add_(g) (alpha 1: exact) */
        m = t == 0 ? g : vf_add(vf_mul(m, k->momentum), g);
        p = vf_fma(neg_step, m, p);
        break;
    case GS_OPT_RMSPROP: {
        vf v = vf_load(vp);
        v = vf_fma(vf_mul(k->one_m_alpha, g), g, vf_mul(v, k->alpha));
        vf avg = vf_add(vf_sqrt(v), k->eps);
        p = vf_add(p, vf_div(vf_mul(neg_step, g), avg));   /* addcdiv_(g, avg, value=-lr) */
        vf_store(vp, v);
        break;
    }
    case GS_OPT_COUNT:
        break;
    }
    vf_store(mp, m);
    vf_store(pp, p);
}

/* x * 0 is 0 for a finite x and NaN for an infinite or NaN one. */
GS_INLINE vf nonfinite_probe(vf x) { return vf_mul(x, vf_set1((REAL)0)); }

/* The per-step bookkeeping of one vector of lanes, from the loss l of the
 * parameters after t updates (those the step started from) and the
 * parameters after t + 1 updates (p_new). Every time field is a candidate
 * kept with a select and a min, so the first step that meets its condition
 * stays: the cost is a few vector operations per step, none per sample. */
GS_INLINE void bookkeep(const gs_step_data *step, GS_BLOCK_T *blk, int o, int t, vf l,
                        const vf p_new[4])
{
    const vf one = vf_set1((REAL)1), tv = vf_set1((REAL)t);
    vf ema = t == 0 ? l : vf_load(&blk->ema[o]);
    ema = vf_add(ema, vf_mul(vf_set1((REAL)0.1), vf_sub(l, ema)));
    vf_store(&blk->loss[o], l);
    vf_store(&blk->ema[o], ema);
    vf tesc = vf_load(&blk->t_escape[o]), tent = vf_load(&blk->t_enter[o]);
    vf_store(&blk->t_escape[o], vf_sel(vf_lt(ema, vf_set1((REAL)step->escape)), vf_min(tesc, tv), tesc));
    vf_store(&blk->t_enter[o], vf_sel(vf_lt(ema, vf_set1((REAL)step->tol)), vf_min(tent, tv), tent));
    /* t_diverge: the loss of the parameters after t updates, or the
     * parameters after t + 1 updates, not finite. */
    vf pz = nonfinite_probe(p_new[0]);
    for (int k = 1; k < 4; k++)
        pz = vf_add(pz, nonfinite_probe(p_new[k]));
    vf tdiv = vf_load(&blk->t_diverge[o]);
    tdiv = vf_sel(vf_lt(nonfinite_probe(l), one), tdiv, vf_min(tdiv, tv));
    tdiv = vf_sel(vf_lt(pz, one), tdiv, vf_min(tdiv, vf_set1((REAL)(t + 1))));
    vf_store(&blk->t_diverge[o], tdiv);
    /* score: the sum over steps of min(1, l / l0) (1 where not finite). */
    if (t == 0)
        vf_store(&blk->inv_loss0[o], vf_selz(vf_gt(l, vf_set1((REAL)0)), vf_div(one, l)));
    vf r = vf_mul(l, vf_load(&blk->inv_loss0[o]));
    vf_store(&blk->rsum[o], vf_add(vf_load(&blk->rsum[o]), vf_sel(vf_lt(r, one), r, one)));
    if (t >= step->window_start)
        vf_store(&blk->wsum[o], vf_add(vf_load(&blk->wsum[o]), l));
    else if (t >= step->prev_start)
        vf_store(&blk->wprev[o], vf_add(vf_load(&blk->wprev[o]), l));
}

/* out[l] = (REAL)(-(lr[l] / bc1)) for every lane, each division in double;
 * none once bc1 is 1 (Adam's from its ~350th step at beta1 0.9, every step
 * of the other optimizers), where w / 1 is w, NaN payloads too.
 * Four lanes at a time in GCC's generic vectors where the lanes come in
 * fours (vdivpd on AVX2 and AVX-512, pairs of divisions on NEON): the same
 * IEEE division and roundings per lane as one lane at a time, in a quarter
 * of the divider's slots: relu's sweep 2.4% faster on AVX2 (993 -> 969 ms,
 * `bench/ab-sweep`, min of 6, `--res 128 --steps 1000`), no difference
 * measurable on AVX-512 (2026-12-03, Zen 5). */
#if LANES % 4 == 0
typedef double gs_v4d __attribute__((vector_size(4 * sizeof(double))));
typedef REAL gs_v4r __attribute__((vector_size(4 * sizeof(REAL))));
GS_INLINE void neg_step_sizes(const REAL *lr, double bc1, REAL *out)
{
    for (int l = 0; l < LANES; l += 4) {
        gs_v4r r;
        memcpy(&r, &lr[l], sizeof r);
        const gs_v4d w = __builtin_convertvector(r, gs_v4d);
        const gs_v4d q = bc1 == 1.0 ? -w : -(w / bc1);
        r = __builtin_convertvector(q, gs_v4r);
        memcpy(&out[l], &r, sizeof r);
    }
}
#else
GS_INLINE void neg_step_sizes(const REAL *lr, double bc1, REAL *out)
{
    for (int l = 0; l < LANES; l++)
        out[l] = bc1 == 1.0 ? (REAL)(-(double)lr[l]) : (REAL)(-((double)lr[l] / bc1));
}
#endif

/* Everything a step does once its batch sums are in s: the gradients, the
 * optimizer update of every lane and the bookkeeping. Shared by every way of
 * computing the sums, so a method changes the sums and nothing else. */
GS_INLINE void apply_step(const gs_step_data *step, GS_BLOCK_T *blk, int t, gs_act act,
                          gs_loss loss, const acc *s)
{
    /* dL/dyhat = scale * g: the mean's 1/N, and MSE's factor 2. */
    const REAL inv_batch = (REAL)step->inv_batch;
    const vf scale = vf_set1(loss == GS_LOSS_MSE ? (REAL)2 * inv_batch : inv_batch);
    const vf inv_n = vf_set1(inv_batch);
    const opt_consts k = opt_consts_at(step, t);
    /* Each lane's step sizes, per layer (a and b take lr_in, c and d
     * lr_out, as torch's parameter groups): a rate is the float32 of the
     * map row, held as that double; Adam divides it by bc1 = 1 - beta1^t
     * in double, and the op casts -step_size to float. A few vector
     * divisions per step (neg_step_sizes), none per sample. */
    _Alignas(GS_ALIGN) REAL neg_in[LANES], neg_out[LANES];
    const double bc1 = step->opt == GS_OPT_ADAM ? adam_bias(step, t, 0) : 1.0;
    neg_step_sizes(blk->lr_in, bc1, neg_in);
    neg_step_sizes(blk->lr_out, bc1, neg_out);
    for (int v = 0; v < NV; v++) {
        const int o = v * VW;
        vf c = vf_load(&blk->p[2][o]);
        /* relu: f = a x + b where active, so sum g f = a sum g x + b sum g,
         * from the two masked sums the loop keeps anyway. */
        vf gc = act_df_is_mask(act)
                    ? vf_fma(vf_load(&blk->p[0][o]), s->ga[v], vf_mul(vf_load(&blk->p[1][o]), s->gb[v]))
                    : s->gc[v];
        vf grad[4] = {
            vf_mul(scale, vf_mul(c, s->ga[v])),
            vf_mul(scale, vf_mul(c, s->gb[v])),
            vf_mul(scale, gc),
            vf_mul(scale, s->gd[v]),
        };
        const vf ns_in = vf_load(&neg_in[o]), ns_out = vf_load(&neg_out[o]);
        vf p_new[4];
        for (int q = 0; q < 4; q++) {
            opt_update(&k, step->opt, t, &blk->p[q][o], &blk->m[q][o], &blk->v[q][o], grad[q],
                       q < 2 ? ns_in : ns_out);
            p_new[q] = vf_load(&blk->p[q][o]);
        }
        /* The loss is that of the parameters before the update. */
        bookkeep(step, blk, o, t, vf_mul(s->ls[v], inv_n), p_new);
    }
}

/* The sums of accumulate's sign2 path, -2 times the exact ones, made exact:
 * s = -s'/2 (as 0 - s'/2, so that +0 stays +0), the loss s'/2. Returns 0,
 * and the caller forms the sums again the exact way, when a lane's sums are
 * not all finite; otherwise they are the exact sums bit for bit. Why, for
 * the activations whose f'(z) is only ever 0 or 1 (sign2_kind 1): the
 * only rounded operations of their sums are additions of terms that are, on
 * the sign2 path, exactly -2 times the exact path's (x, f, 1 and |r| times
 * +-2 or 0), and scaling by 2 commutes with rounding (a sum in the subnormal
 * range is exact) unless something overflows, which leaves an infinity or
 * NaN in the sum. A NaN r, where vf_sign2 gives +-2 and the exact sign 0,
 * makes the loss sum NaN. r = y - yhat is -0 only at y = -0 and yhat = +0:
 * the caller takes this path only with ys_no_neg_zero. Any other f'(z)
 * makes g f'(z) x a product that can round in the subnormal range, where
 * scaling by 2 changes the rounding, unless f'(z) is large enough for the
 * x of the tables (gs_step_scan_tables): for the exp-based f'(z) of elu,
 * celu, selu, softplus and sigmoid, the caller checks that every lane's z
 * lies in the band of sign2_zmin for the step (sign2_in_band). */
static inline int sign2_kind(gs_act act)
{
    switch (act) {
    case GS_ACT_RELU:
    case GS_ACT_IDENTITY:
    case GS_ACT_HARDTANH:
        return 1;   /* f'(z) 0 or 1: always */
    case GS_ACT_ELU:
    case GS_ACT_CELU:
    case GS_ACT_SELU:
    case GS_ACT_SOFTPLUS:
        return 2;   /* f'(z) falls with z: z >= sign2_zmin */
    case GS_ACT_SIGMOID:
        return 3;   /* and with |z|: |z| <= -sign2_zmin */
    default:
        return 0;
    }
}

/* Every z = a x + b of the step within sign2_kind's band. fma(a, x, b) is
 * monotone in x (a correctly rounded function of a x + b), so the z of the
 * least and the greatest x of the tables bound every z the step forms. A
 * NaN z fails; so does a table with no band (sign2_zmin HUGE_VAL). */
GS_INLINE int sign2_in_band(const gs_step_data *step, const GS_BLOCK_T *blk, gs_act act)
{
    const int kind = sign2_kind(act);
    if (kind == 1)
        return 1;
    if (!(step->sign2_zmin < HUGE_VAL))
        return 0;
    const vf xlo = vf_set1((REAL)step->xs_lo), xhi = vf_set1((REAL)step->xs_hi);
    const vf zmin = vf_set1((REAL)step->sign2_zmin), zmax = vf_set1((REAL)-step->sign2_zmin);
    for (int v = 0; v < NV; v++) {
        const vf a = vf_load(&blk->p[0][v * VW]), b = vf_load(&blk->p[1][v * VW]);
        const vf z1 = vf_fma(a, xlo, b), z2 = vf_fma(a, xhi, b);
        if (!vm_all(vf_ge(z1, zmin)) || !vm_all(vf_ge(z2, zmin)))
            return 0;
        if (kind == 3 && (!vm_all(vf_le(z1, zmax)) || !vm_all(vf_le(z2, zmax))))
            return 0;
    }
    return 1;
}

#if GS_HAVE_SIGN2
GS_INLINE int sign2_unscale(acc *s, gs_act act)
{
    const vf zero = vf_set1((REAL)0), half = vf_set1((REAL)0.5), one = vf_set1((REAL)1);
    for (int v = 0; v < NV; v++) {
        vf probe = vf_add(vf_mul(s->ls[v], zero), vf_mul(s->gd[v], zero));
        probe = vf_add(probe, vf_add(vf_mul(s->ga[v], zero), vf_mul(s->gb[v], zero)));
        if (!act_df_is_mask(act))
            probe = vf_add(probe, vf_mul(s->gc[v], zero));
        if (!vm_all(vf_lt(probe, one)))
            return 0;
    }
    for (int v = 0; v < NV; v++) {
        s->ga[v] = vf_sub(zero, vf_mul(half, s->ga[v]));
        s->gb[v] = vf_sub(zero, vf_mul(half, s->gb[v]));
        if (!act_df_is_mask(act))
            s->gc[v] = vf_sub(zero, vf_mul(half, s->gc[v]));
        s->gd[v] = vf_sub(zero, vf_mul(half, s->gd[v]));
        s->ls[v] = vf_mul(half, s->ls[v]);
    }
    return 1;
}
#endif

GS_INLINE void train_block_impl(const gs_step_data *step, GS_BLOCK_T *blk, int t_end, gs_act act,
                                GS_EVAL_T eval, gs_loss loss)
{
    const int independent = step->sampling == GS_SAMPLING_INDEPENDENT;
    /* MAE sums by sign2 where it is exact (sign2_unscale): AVX2 sweeps of
     * relu 10% faster, elu and selu 6%, softplus 3% (README, speed). Once
     * a step's sums fail the check (a lane diverged, and likely stays so),
     * the rest of the call forms them the exact way only. */
    int sign2 = GS_HAVE_SIGN2 && loss == GS_LOSS_MAE && sign2_kind(act) && !independent &&
                step->ys_no_neg_zero;
    (void)sign2;
    for (int t = blk->t; t < t_end; t++) {
        acc s;
        if (independent) {
            batch_pass(step, blk, t, act, eval, loss, 0, 1, &s);
        } else {
            int done = 0;
#if GS_HAVE_SIGN2
            if (sign2 && sign2_in_band(step, blk, act)) {
                batch_pass(step, blk, t, act, eval, loss, 1, 0, &s);
                done = sign2 = sign2_unscale(&s, act);
            }
#endif
            if (!done)
                batch_pass(step, blk, t, act, eval, loss, 0, 0, &s);
        }
        apply_step(step, blk, t, act, loss, &s);
    }
    blk->t = t_end;
}

#endif
