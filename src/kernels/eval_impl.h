/* One activation over an array, f and f' of every z: written once for both
 * precisions. Include after act_impl.h (or act_impl64.h) and a simd header,
 * with EVAL_REAL (float or double) and EVAL_IMPL (the function's name)
 * defined; it undefines both, so one translation unit may include it again.
 *
 * Whole vectors straight from the arrays; the tail through a padded buffer,
 * so it runs the very same vector code. Where the activation has a first
 * stage (act_pre_count: t = exp(-|z|), and for some more), that stage for a
 * block of 2 KiB per value first, then a middle stage where it has one
 * (act_mid_count), then the rest: the exp's temporaries and the rest's do
 * not share registers, and a short loop's chains overlap from one iteration
 * to the next. elu, celu and selu skip their exp where a whole vector is
 * positive, found for a block first. */
#define EVAL_T_BLOCK (2048 / sizeof(EVAL_REAL))
#define EVAL_CAT2(a, b) a##b
#define EVAL_CAT(a, b) EVAL_CAT2(a, b)

/* The middle stage (act_mid) over n elements of stage rows stride elements
 * apart: named EVAL_IMPL_mid, for the training loop's own stages too
 * (train_impl.h, TRAIN_REST_INLINE). */
GS_INLINE void EVAL_CAT(EVAL_IMPL, _mid)(gs_act act, EVAL_REAL *pb, size_t stride, size_t n)
{
    const int np = act_pre_count(act), nm = act_mid_count(act);
    for (size_t j = 0; nm && j < n; j += VW) {
        vf pre[ACT_PRE_MAX];
        for (int q = 0; q < np; q++)
            pre[q] = vf_load(&pb[q * stride + j]);
        act_mid(act, pre);
        for (int q = np; q < np + nm; q++)
            vf_store(&pb[q * stride + j], pre[q]);
    }
}

GS_INLINE void EVAL_IMPL(gs_act act, const EVAL_REAL *z, EVAL_REAL *f, EVAL_REAL *df, size_t n)
{
    size_t i = 0;
    const int np = act_pre_count(act), nm = act_mid_count(act);
    if (np) {
        _Alignas(GS_ALIGN) EVAL_REAL pb[ACT_PRE_MAX][EVAL_T_BLOCK];
        for (; i + VW <= n; i += EVAL_T_BLOCK) {
            const size_t m = (n - i) / VW * VW < EVAL_T_BLOCK ? (n - i) / VW * VW : EVAL_T_BLOCK;
            for (size_t j = 0; j < m; j += VW) {
                vf pre[ACT_PRE_MAX];
                act_pre(act, vf_loadu(&z[i + j]), pre);
                for (int q = 0; q < np; q++)
                    vf_store(&pb[q][j], pre[q]);
            }
            EVAL_CAT(EVAL_IMPL, _mid)(act, &pb[0][0], EVAL_T_BLOCK, m);
            for (size_t j = 0; j < m; j += VW) {
                vf pre[ACT_PRE_MAX], d;
                for (int q = 0; q < np + nm; q++)
                    pre[q] = vf_load(&pb[q][j]);
                vf_storeu(&f[i + j], act_eval(act, vf_loadu(&z[i + j]), pre, &d));
                vf_storeu(&df[i + j], d);
            }
            if (m < EVAL_T_BLOCK) {
                i += m;
                break;
            }
        }
    }
    if (act_has_positive_branch(act)) {
        /* The affine side for a block, and the list of its vectors with a
         * lane at z <= 0 (or NaN), built without a branch; then act_apply
         * on those alone. A branch per vector mispredicts wherever the signs
         * of a x + b change from sample to sample (elu's sweep ran 5% faster
         * on AVX-512 with no skipping at all, selu's 7% slower). */
        for (; i + VW <= n; i += EVAL_T_BLOCK) {
            const size_t m = (n - i) / VW * VW < EVAL_T_BLOCK ? (n - i) / VW * VW : EVAL_T_BLOCK;
            uint16_t mixed[EVAL_T_BLOCK / VW];
            size_t nmixed = 0;
            for (size_t j = 0; j < m; j += VW) {
                vf zj = vf_loadu(&z[i + j]), fj, dj;
                act_positive_affine(act, zj, &fj, &dj);
                vf_storeu(&f[i + j], fj);
                vf_storeu(&df[i + j], dj);
                mixed[nmixed] = (uint16_t)j;
                nmixed += !vm_all(vf_gt(zj, vf_set1((EVAL_REAL)0)));
            }
            for (size_t q = 0; q < nmixed; q++) {
                const size_t j = i + mixed[q];
                vf d, fj = act_apply(act, vf_loadu(&z[j]), &d);
                vf_storeu(&f[j], fj);
                vf_storeu(&df[j], d);
            }
            if (m < EVAL_T_BLOCK) {
                i += m;
                break;
            }
        }
    }
    for (; i + VW <= n; i += VW) {
        vf zi = vf_loadu(&z[i]), d;
        vf fi = act_apply(act, zi, &d);
        vf_storeu(&f[i], fi);
        vf_storeu(&df[i], d);
    }
    if (i < n) {
        _Alignas(GS_ALIGN) EVAL_REAL zt[VW] = {0}, ft[VW], dft[VW];
        memcpy(zt, &z[i], (n - i) * sizeof *z);
        vf d;
        vf_store(ft, act_apply(act, vf_load(zt), &d));
        vf_store(dft, d);
        memcpy(&f[i], ft, (n - i) * sizeof *f);
        memcpy(&df[i], dft, (n - i) * sizeof *df);
    }
}

#undef EVAL_T_BLOCK
#undef EVAL_CAT
#undef EVAL_CAT2
#undef EVAL_REAL
#undef EVAL_IMPL
