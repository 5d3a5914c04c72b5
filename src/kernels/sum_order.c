/* torch 1.13's summation order (gridsweep/sum_order.h), as a list of
 * segments for the kernels to walk. The builder follows ATen's
 * vectorized_inner_sum / row_sum / multi_row_sum for float on AVX2 (8-float
 * vectors, 4 interleaved, a cascade of 4 levels), and its row_sum on scalars
 * for batches under one vector. */
#include "gridsweep/sum_order.h"

#include <stdlib.h>
#include <string.h>

#define VEC 8   /* floats per ATen AVX2 vector */
#define ILP 4   /* vectors summed side by side */

typedef struct builder {
    gs_sum_order *o;
    int pos;        /* next position */
    int cap_seg, cap_comb;
    int failed;
} builder;

static gs_sum_seg *new_seg(builder *b)
{
    gs_sum_order *o = b->o;
    if (o->nseg == b->cap_seg) {
        int cap = b->cap_seg ? 2 * b->cap_seg : 64;
        gs_sum_seg *s = realloc(o->seg, (size_t)cap * sizeof *s);
        if (!s) {
            b->failed = 1;
            return NULL;
        }
        o->seg = s;
        b->cap_seg = cap;
    }
    gs_sum_seg *s = &o->seg[o->nseg++];
    *s = (gs_sum_seg){.first = b->pos, .count = 0, .push = 0, .fold = 0, .store = -1};
    return s;
}

/* The open segment: the last one if it has no action yet and does not end on
 * a sub-batch boundary, else a new one. */
static gs_sum_seg *open_seg(builder *b)
{
    gs_sum_order *o = b->o;
    if (o->nseg) {
        gs_sum_seg *s = &o->seg[o->nseg - 1];
        if (!s->push && !s->fold && s->store < 0 && b->pos % GS_SUM_SUB_BATCH != 0)
            return s;
    }
    return new_seg(b);
}

/* Sample k is summed next. */
static void add(builder *b, int k)
{
    gs_sum_seg *s = open_seg(b);
    if (!s)
        return;
    b->o->order[b->pos++] = k;
    s->count++;
}

/* An action on the running sum after what was added so far. */
static gs_sum_seg *act(builder *b)
{
    gs_sum_order *o = b->o;
    if (o->nseg) {
        gs_sum_seg *s = &o->seg[o->nseg - 1];
        if (s->store < 0 && (s->first + s->count == b->pos))
            return s;   /* actions apply in push, fold, store order */
    }
    return new_seg(b);
}

static void push(builder *b, int levels)
{
    gs_sum_seg *s = act(b);
    if (s && (s->push || s->fold))
        s = new_seg(b);
    if (s)
        s->push = (int8_t)levels;
}

static void fold(builder *b)
{
    gs_sum_seg *s = act(b);
    if (s && s->fold)
        s = new_seg(b);
    if (s)
        s->fold = 1;
}

static void store(builder *b, int partial)
{
    gs_sum_seg *s = act(b);
    if (s)
        s->store = (int16_t)partial;
}

static void combine(builder *b, int dst, int src)
{
    gs_sum_order *o = b->o;
    if (o->ncombine == b->cap_comb) {
        int cap = b->cap_comb ? 2 * b->cap_comb : 64;
        int16_t(*c)[2] = realloc(o->combine, (size_t)cap * sizeof *c);
        if (!c) {
            b->failed = 1;
            return;
        }
        o->combine = c;
        b->cap_comb = cap;
    }
    o->combine[o->ncombine][0] = (int16_t)dst;
    o->combine[o->ncombine][1] = (int16_t)src;
    o->ncombine++;
}

/* ATen's utils::CeilLog2 (1 for x <= 2). */
static int ceil_log2(int64_t x)
{
    int r = 0;
    if (x <= 2)
        return 1;
    while (((int64_t)1 << r) < x)
        r++;
    return r;
}

/* multi_row_sum over `rows` rows for interleaved sum `lane` (0 .. width-1):
 * row i holds sample i * width + lane + offset. Blocks of level_step rows
 * go into the running sum, which is then pushed up the levels the way ATen
 * decides it; the rows past the last whole block follow, and the levels are
 * folded back if any push happened. */
static void cascade(builder *b, int64_t rows, int width, int lane)
{
    const int power = ceil_log2(rows) / 4 > 4 ? ceil_log2(rows) / 4 : 4;
    const int64_t step = (int64_t)1 << power, mask = step - 1;
    int64_t i = 0;
    int pushed = 0;
    for (; i + step <= rows; i += step) {
        for (int64_t j = 0; j < step; j++)
            add(b, (int)((i + j) * width + lane));
        int levels = 0;
        for (int j = 1; j <= GS_SUM_LEVELS; j++) {
            levels = j;
            if (((i + step) & (mask << (j * power))) != 0)
                break;
        }
        push(b, levels);
        pushed = 1;
    }
    for (; i < rows; i++)
        add(b, (int)(i * width + lane));
    if (pushed)
        fold(b);
}

static void build(builder *b, int batch)
{
    if (batch < VEC) {
        /* row_sum on scalars: 4 interleaved sums, the rest into the first. */
        const int rows = batch / ILP;
        for (int k = 0; k < ILP; k++) {
            cascade(b, rows, ILP, k);
            if (k == 0)
                for (int i = rows * ILP; i < batch; i++)
                    add(b, i);
            store(b, k);
        }
        for (int k = 1; k < ILP; k++)
            combine(b, 0, k);
        b->o->npartials = ILP;
        b->o->result = 0;
        return;
    }
    const int nvec = batch / VEC, rows = nvec / ILP;
    const int width = VEC * ILP;   /* 32 interleaved sums: vector k % 4, lane k % 8 */
    for (int q = 0; q < width; q++) {
        cascade(b, rows, width, q);
        if (q < VEC)   /* the vectors past the last whole row go into vector 0 */
            for (int v = rows * ILP; v < nvec; v++)
                add(b, v * VEC + q);
        store(b, q);
    }
    const int tail = nvec * VEC < batch ? width : -1;
    if (tail >= 0) {
        for (int k = nvec * VEC; k < batch; k++)
            add(b, k);
        store(b, tail);
    }
    for (int l = 0; l < VEC; l++)
        for (int k = 1; k < ILP; k++)
            combine(b, l, k * VEC + l);
    /* final_acc = 0, then the tail, then the 8 lanes (0 + x skipped). */
    const int first = tail >= 0 ? tail : 0;
    for (int l = tail >= 0 ? 0 : 1; l < VEC; l++)
        combine(b, first, l);
    b->o->npartials = tail >= 0 ? width + 1 : width;
    b->o->result = first;
}

int gs_sum_order_build(gs_sum_order *o, int batch)
{
    memset(o, 0, sizeof *o);
    o->batch = batch;
    o->order = malloc((size_t)batch * sizeof *o->order);
    o->gen = malloc((size_t)batch * sizeof *o->gen);
    if (!o->order || !o->gen) {
        gs_sum_order_free(o);
        return -1;
    }
    builder b = {.o = o};
    build(&b, batch);
    if (b.failed) {
        gs_sum_order_free(o);
        return -1;
    }
    /* gen: each sub-batch's positions sorted by sample (insertion sort of
     * at most GS_SUM_SUB_BATCH entries). */
    for (int p0 = 0; p0 < batch; p0 += GS_SUM_SUB_BATCH) {
        const int n = batch - p0 < GS_SUM_SUB_BATCH ? batch - p0 : GS_SUM_SUB_BATCH;
        for (int i = 0; i < n; i++) {
            int p = p0 + i, j = i;
            while (j > 0 && o->order[o->gen[p0 + j - 1]] > o->order[p]) {
                o->gen[p0 + j] = o->gen[p0 + j - 1];
                j--;
            }
            o->gen[p0 + j] = p;
        }
    }
    return 0;
}

void gs_sum_order_free(gs_sum_order *o)
{
    free(o->order);
    free(o->gen);
    free(o->seg);
    free(o->combine);
    memset(o, 0, sizeof *o);
}

float gs_sum_order_apply(const gs_sum_order *o, const float *v)
{
    float part[GS_SUM_MAX_PARTIALS] = {0}, level[GS_SUM_LEVELS + 1] = {0};
    for (int i = 0; i < o->nseg; i++) {
        const gs_sum_seg *s = &o->seg[i];
        for (int p = s->first; p < s->first + s->count; p++)
            level[0] += v[o->order[p]];
        for (int j = 1; j <= s->push; j++) {
            level[j] += level[j - 1];
            level[j - 1] = 0.0f;
        }
        if (s->fold)
            for (int j = 1; j <= GS_SUM_LEVELS; j++) {
                level[0] += level[j];
                level[j] = 0.0f;
            }
        if (s->store >= 0) {
            part[s->store] = level[0];
            level[0] = 0.0f;
        }
    }
    for (int c = 0; c < o->ncombine; c++)
        part[o->combine[c][0]] += part[o->combine[c][1]];
    return part[o->result];
}
