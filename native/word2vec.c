/*
 * Word2Vec training kernel in C: the update rule of src/kernels/wasm/word2vec.wat, statement for statement,
 * over the same memory (a worker's shared WebAssembly.Memory) and the same configuration block
 * (src/kernels/word2vec-layout.ts, CTX). Every random draw happens in the same order, so a chunk makes the same
 * subsampling, window and negative-sampling decisions as the WebAssembly kernel; only the floating-point sums
 * differ (8 lanes and fused multiply-adds where the compiler has them, against the WebAssembly kernel's 4 lanes and
 * separate multiplies and adds).
 *
 * Why it exists: at dim 300 the arithmetic dominates a skip-gram run, and WebAssembly SIMD does a quarter of the
 * work per instruction that AVX2 with FMA does. The WebAssembly kernel stays the fallback wherever this one is not
 * built (scripts/build-native.mjs).
 */
#include <stdint.h>
#include <string.h>
#include "rows.h"
#include "kernels.h"

#define MAX_EXP 6.0f
#define EXP_TABLE_SIZE 1000

/* Offsets inside a slot's configuration block (CTX in src/kernels/word2vec-layout.ts). */
enum {
  C_ROW_BYTES = 0, C_VOCAB = 4, C_NEGATIVE = 8, C_HS = 12, C_CBOW = 16, C_CBOW_MEAN = 20, C_WINDOW = 24,
  C_SYN0 = 28, C_SYN1NEG = 32, C_SYN1 = 36, C_EXP = 40, C_LOG = 44, C_ALIAS_P = 48, C_ALIAS_I = 52, C_KEEP = 56,
  C_CODES = 60, C_POINTS = 64, C_LENGTHS = 68, C_OFFSETS = 72, C_IDS = 76, C_ENDS = 80, C_WORK = 84, C_NEU1 = 88,
  C_NEU1E = 92, C_NEGS = 96, C_RNG = 100, C_LOSS_SUM = 104, C_LOSS_COUNT = 112, C_PATH = 136, C_HOT_START = 140,
  C_HOT = 144, C_HOT_COUNT = 148, C_ROWS = 152, C_VARIANT = 156
};

typedef struct {
  uint8_t *mem;
  uint32_t rowBytes, nf; /* bytes and floats of one row (nf is a multiple of 4) */
  int32_t negative, hs, cbow, cbowMean, window, vocabSize;
  float *syn0, *syn1neg, *syn1, *expTable, *logTable, *aliasProbability, *keep, *neu1, *neu1e, *pathG, *hot;
  int32_t *aliasIndex, *points, *offsets, *ids, *ends, *work;
  uint8_t *codes, *lengths;
  /* Slot scratch holding 32-bit memory offsets (the WebAssembly kernel's addresses): negatives, input rows. */
  uint32_t *negs, *rows;
  uint32_t negBlockInts;
  int32_t sharedNegatives, nsSkip, hotEveryChunk, hotStart, hotCount;
  uint32_t rng;
  double lossSum, lossCount;
} Kernel;

/* The float row at a memory offset (the scratch areas hold offsets, as the WebAssembly kernel's addresses). */
static inline float *fptr(const Kernel *k, uint32_t off) { return (float *)(k->mem + off); }

static void configure(Kernel *k, uint8_t *mem, uint32_t ctxOffset) {
  const uint8_t *c = mem + ctxOffset;
  k->mem = mem;
  k->rowBytes = (uint32_t)ctx_i32(c, C_ROW_BYTES);
  k->nf = k->rowBytes / 4;
  k->vocabSize = ctx_i32(c, C_VOCAB);
  k->negative = ctx_i32(c, C_NEGATIVE);
  k->hs = ctx_i32(c, C_HS);
  k->cbow = ctx_i32(c, C_CBOW);
  k->cbowMean = ctx_i32(c, C_CBOW_MEAN);
  k->window = ctx_i32(c, C_WINDOW);
  k->syn0 = ctx_ptr(mem, c, C_SYN0);
  k->syn1neg = ctx_ptr(mem, c, C_SYN1NEG);
  k->syn1 = ctx_ptr(mem, c, C_SYN1);
  k->expTable = ctx_ptr(mem, c, C_EXP);
  k->logTable = ctx_ptr(mem, c, C_LOG);
  k->aliasProbability = ctx_ptr(mem, c, C_ALIAS_P);
  k->aliasIndex = ctx_ptr(mem, c, C_ALIAS_I);
  /* keep's address is 0 when subsampling is off */
  k->keep = ctx_i32(c, C_KEEP) ? ctx_ptr(mem, c, C_KEEP) : 0;
  k->codes = ctx_ptr(mem, c, C_CODES);
  k->points = ctx_ptr(mem, c, C_POINTS);
  k->lengths = ctx_ptr(mem, c, C_LENGTHS);
  k->offsets = ctx_ptr(mem, c, C_OFFSETS);
  k->ids = ctx_ptr(mem, c, C_IDS);
  k->ends = ctx_ptr(mem, c, C_ENDS);
  k->work = ctx_ptr(mem, c, C_WORK);
  k->neu1 = ctx_ptr(mem, c, C_NEU1);
  k->neu1e = ctx_ptr(mem, c, C_NEU1E);
  k->negs = ctx_ptr(mem, c, C_NEGS);
  k->negBlockInts = (uint32_t)k->negative + 1;
  int32_t variant = ctx_i32(c, C_VARIANT);
  k->sharedNegatives = variant & 1;
  k->nsSkip = (variant >> 1) & 1;
  k->hotEveryChunk = (variant >> 2) & 1;
  k->pathG = (float *)((uint8_t *)ctx_ptr(mem, c, C_PATH) + 1024);
  k->hotStart = ctx_i32(c, C_HOT_START);
  k->hotCount = ctx_i32(c, C_HOT_COUNT);
  k->hot = ctx_ptr(mem, c, C_HOT);
  k->rows = ctx_ptr(mem, c, C_ROWS);
  k->rng = (uint32_t)ctx_i32(c, C_RNG);
  k->lossSum = 0;
  k->lossCount = 0;
}

/* Table index of a clamped f: (f + MAX_EXP) · (EXP_TABLE_SIZE / MAX_EXP / 2), at most 999. */
static inline int32_t tableIndex(float f) {
  float c = f < MAX_EXP ? f : MAX_EXP;
  c = c > -MAX_EXP ? c : -MAX_EXP;
  int32_t idx = (int32_t)((c + MAX_EXP) * 83.33333333f);
  return idx > EXP_TABLE_SIZE - 1 ? EXP_TABLE_SIZE - 1 : idx;
}

/* −log σ(f) for label 1, −log σ(−f) for label 0, from the log table. */
static inline void addLoss(Kernel *k, int label1, int32_t idx) {
  k->lossSum -= (double)k->logTable[label1 ? idx : EXP_TABLE_SIZE - 1 - idx];
}

/* One prediction of row `out` from input row `in`; `skip` leaves predictions with |f| >= MAX_EXP alone. */
static inline void predict(Kernel *k, const float *in, float *out, int label1, int skip, float alpha) {
  float f = row_dot(in, out, k->nf);
  if (skip && (f <= -MAX_EXP || f >= MAX_EXP)) return;
  int32_t idx = tableIndex(f);
  float sig = f > MAX_EXP ? 1.0f : f < -MAX_EXP ? 0.0f : k->expTable[idx];
  float g = ((label1 ? 1.0f : 0.0f) - sig) * alpha;
  addLoss(k, label1, idx);
  k->lossCount += 1;
  row_update(k->neu1e, out, in, g, k->nf);
}

/* Row of inner node `node`: this thread's private copy for the hot nodes, the shared row otherwise. */
static inline float *nodeRow(const Kernel *k, int32_t node) {
  return node >= k->hotStart ? k->hot + (size_t)(node - k->hotStart) * k->nf : k->syn1 + (size_t)node * k->nf;
}

/*
 * Hierarchical softmax along word w's Huffman path from input row `in`. The path's nodes are distinct and `in`
 * stays constant, so every dot product is taken before any node is updated (as the WebAssembly kernel does);
 * nodes with |f| >= MAX_EXP are left alone, as word2vec does.
 */
static void predictPath(Kernel *k, int32_t w, const float *in, float alpha) {
  int32_t o = k->offsets[w];
  int32_t len = k->lengths[w];
  const uint32_t nf = k->nf;
  float *rows[256];
  for (int32_t d = 0; d < len; d++) {
    rows[d] = nodeRow(k, k->points[o + d]);
    row_prefetch(rows[d], k->rowBytes);
  }
  /* 1. dot products, four nodes per turn (each lane of `in` loaded once for four rows) */
  int32_t d = 0;
  for (; d + 4 <= len; d += 4) {
    const float *r0 = rows[d], *r1 = rows[d + 1], *r2 = rows[d + 2], *r3 = rows[d + 3];
    v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    uint32_t i = 0;
    for (; i + 8 <= nf; i += 8) {
      v8 x = *(const v8 *)(in + i);
      a0 += x * *(const v8 *)(r0 + i);
      a1 += x * *(const v8 *)(r1 + i);
      a2 += x * *(const v8 *)(r2 + i);
      a3 += x * *(const v8 *)(r3 + i);
    }
    v4 b0 = fold8(a0), b1 = fold8(a1), b2 = fold8(a2), b3 = fold8(a3);
    if (i < nf) {
      v4 x = *(const v4 *)(in + i);
      b0 += x * *(const v4 *)(r0 + i);
      b1 += x * *(const v4 *)(r1 + i);
      b2 += x * *(const v4 *)(r2 + i);
      b3 += x * *(const v4 *)(r3 + i);
    }
    k->pathG[d] = hsum4(b0);
    k->pathG[d + 1] = hsum4(b1);
    k->pathG[d + 2] = hsum4(b2);
    k->pathG[d + 3] = hsum4(b3);
  }
  for (; d < len; d++) k->pathG[d] = row_dot(in, rows[d], nf);
  /* 2. gradients; nodes outside ±MAX_EXP are dropped, the others packed to the front */
  int32_t m = 0;
  for (d = 0; d < len; d++) {
    float f = k->pathG[d];
    if (!(f > -MAX_EXP && f < MAX_EXP)) continue;
    int32_t idx = tableIndex(f);
    int label1 = k->codes[o + d] == 0;
    float g = ((label1 ? 1.0f : 0.0f) - k->expTable[idx]) * alpha;
    addLoss(k, label1, idx);
    rows[m] = rows[d];
    k->pathG[m] = g;
    m++;
  }
  k->lossCount += m;
  /* 3. updates, four kept nodes per turn: neu1e += g·out in path order, out += g·in */
  float *e = k->neu1e;
  for (d = 0; d + 4 <= m; d += 4) {
    float *r0 = rows[d], *r1 = rows[d + 1], *r2 = rows[d + 2], *r3 = rows[d + 3];
    float g0 = k->pathG[d], g1 = k->pathG[d + 1], g2 = k->pathG[d + 2], g3 = k->pathG[d + 3];
    uint32_t i = 0;
    for (; i + 8 <= nf; i += 8) {
      v8 x = *(const v8 *)(in + i), acc = *(v8 *)(e + i), q;
      q = *(v8 *)(r0 + i); acc += g0 * q; *(v8 *)(r0 + i) = q + g0 * x;
      q = *(v8 *)(r1 + i); acc += g1 * q; *(v8 *)(r1 + i) = q + g1 * x;
      q = *(v8 *)(r2 + i); acc += g2 * q; *(v8 *)(r2 + i) = q + g2 * x;
      q = *(v8 *)(r3 + i); acc += g3 * q; *(v8 *)(r3 + i) = q + g3 * x;
      *(v8 *)(e + i) = acc;
    }
    if (i < nf) {
      v4 x = *(const v4 *)(in + i), acc = *(v4 *)(e + i), q;
      q = *(v4 *)(r0 + i); acc += g0 * q; *(v4 *)(r0 + i) = q + g0 * x;
      q = *(v4 *)(r1 + i); acc += g1 * q; *(v4 *)(r1 + i) = q + g1 * x;
      q = *(v4 *)(r2 + i); acc += g2 * q; *(v4 *)(r2 + i) = q + g2 * x;
      q = *(v4 *)(r3 + i); acc += g3 * q; *(v4 *)(r3 + i) = q + g3 * x;
      *(v4 *)(e + i) = acc;
    }
  }
  for (; d < m; d++) row_update(e, rows[d], in, k->pathG[d], nf);
}

/* Copies n shared rows into this thread's private copy and into a snapshot right after it. */
static void hotPull(Kernel *k) {
  size_t bytes = (size_t)k->hotCount * k->rowBytes;
  const uint8_t *shared = (const uint8_t *)k->syn1 + (size_t)k->hotStart * k->rowBytes;
  memcpy(k->hot, shared, bytes);
  memcpy((uint8_t *)k->hot + bytes, shared, bytes);
}

/* Adds what this thread changed in its private rows (private − snapshot) to the shared rows. */
static void hotPush(Kernel *k) {
  size_t n = (size_t)k->hotCount * k->nf;
  float *shared = k->syn1 + (size_t)k->hotStart * k->nf;
  const float *snap = k->hot + n;
  for (size_t i = 0; i < n; i++) shared[i] += k->hot[i] - snap[i];
}

/* Every prediction of centre word w from input row `in`: its Huffman path, then itself and the negatives. */
static inline void predictAll(Kernel *k, int32_t w, float *wOut, const uint32_t *block, const float *in, float alpha) {
  if (k->hs) predictPath(k, w, in, alpha);
  if (k->negative) {
    uint32_t nNeg = block[0];
    predict(k, in, wOut, 1, k->nsSkip, alpha);
    for (uint32_t j = 0; j < nNeg; j++) predict(k, in, fptr(k, block[1 + j]), 0, k->nsSkip, alpha);
  }
}

int32_t embedkit_word2vec_train(uint8_t *mem, uint32_t ctxOffset, int32_t nSentences, float alpha) {
  Kernel kernel;
  Kernel *k = &kernel;
  configure(k, mem, ctxOffset);
  hotPull(k);
  int32_t start = 0, kept = 0;
  for (int32_t s = 0; s < nSentences; s++) {
    int32_t end = k->ends[s];
    /* 1. subsampling into the work buffer */
    int32_t n = 0;
    for (int32_t p = start; p < end; p++) {
      int32_t w = k->ids[p];
      if (k->keep) {
        float kw = k->keep[w];
        if (!(kw >= 1.0f) && kw < rng_unit(&k->rng)) continue;
      }
      k->work[n] = w;
      k->rows[n] = (uint32_t)((uint8_t *)(k->syn0 + (size_t)w * k->nf) - mem);
      n++;
    }
    start = end;
    kept += n;

    /* 2. every position of the sentence */
    for (int32_t i = 0; i < n; i++) {
      int32_t w = k->work[i];
      int32_t win = k->window - (int32_t)rng_below(&k->rng, (uint32_t)k->window);
      int32_t lo = i - win < 0 ? 0 : i - win;
      int32_t hi = i + win >= n ? n - 1 : i + win;
      /* one block of negatives per prediction: per context word for skip-gram, one for CBOW */
      int32_t sets = (k->cbow || k->sharedNegatives) ? 1 : hi - lo;
      for (int32_t b = 0; b < sets; b++) {
        uint32_t *block = k->negs + (size_t)b * k->negBlockInts;
        uint32_t nNeg = 0;
        for (int32_t j = 0; j < k->negative; j++) {
          /* alias method: a uniform word, kept with its probability, else its alias */
          int32_t t = (int32_t)rng_below(&k->rng, (uint32_t)k->vocabSize);
          if (!(rng_unit(&k->rng) < k->aliasProbability[t])) t = k->aliasIndex[t];
          if (t != w) {
            float *row = k->syn1neg + (size_t)t * k->nf;
            block[1 + nNeg++] = (uint32_t)((uint8_t *)row - mem);
            row_prefetch(row, k->rowBytes);
          }
        }
        block[0] = nNeg;
      }
      float *wOut = k->syn1neg + (size_t)w * k->nf;
      if (k->negative) row_prefetch(wOut, k->rowBytes);
      for (int32_t j = lo; j <= hi; j++) row_prefetch(fptr(k, k->rows[j]), k->rowBytes);

      if (!k->cbow) {
        /* skip-gram: each context word's input row predicts the centre word */
        const uint32_t *block = k->negs;
        for (int32_t j = lo; j <= hi; j++) {
          if (j == i) continue;
          float *in = fptr(k, k->rows[j]);
          row_zero(k->neu1e, k->nf);
          predictAll(k, w, wOut, block, in, alpha);
          row_add(in, k->neu1e, k->nf);
          if (!k->sharedNegatives) block += k->negBlockInts;
        }
      } else {
        /* CBOW: the window's (mean or summed) input rows predict the centre word */
        int32_t cw = hi - lo;
        if (cw) {
          row_zero(k->neu1, k->nf);
          for (int32_t j = lo; j <= hi; j++)
            if (j != i) row_add(k->neu1, fptr(k, k->rows[j]), k->nf);
          float inv = 1.0f / (float)cw;
          if (k->cbowMean) row_scale(k->neu1, inv, k->nf);
          row_zero(k->neu1e, k->nf);
          predictAll(k, w, wOut, k->negs, k->neu1, alpha);
          if (!k->cbowMean) row_scale(k->neu1e, inv, k->nf);
          for (int32_t j = lo; j <= hi; j++)
            if (j != i) row_add(fptr(k, k->rows[j]), k->neu1e, k->nf);
        }
      }
    }
    if (!k->hotEveryChunk) {
      hotPush(k);
      hotPull(k);
    }
  }
  hotPush(k);
  uint8_t *c = mem + ctxOffset;
  memcpy(c + C_RNG, &k->rng, 4);
  memcpy(c + C_LOSS_SUM, &k->lossSum, 8);
  memcpy(c + C_LOSS_COUNT, &k->lossCount, 8);
  return kept;
}
