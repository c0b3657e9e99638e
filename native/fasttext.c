/*
 * fastText training kernel in C: the update rule of src/kernels/wasm/fasttext.wat, statement for statement, over the
 * same memory and configuration block (src/kernels/fasttext-layout.ts, FT_CTX): skip-gram and CBOW over subword
 * rows, and the supervised classifier's examples; negative sampling, hierarchical softmax, the full softmax and
 * one-vs-all. The random draws come in the same order as the WebAssembly kernel's; the sums differ in rounding
 * (8 lanes, fused multiply-adds where built for them). Beyond the WebAssembly kernel it starts the cache misses of
 * a supervised example's input rows before it reads them (WebAssembly has no prefetch).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "rows.h"
#include "kernels.h"

#define MAX_SIGMOID 8.0f
#define SIGMOID_TABLE_SIZE 512

/* Offsets inside a slot's configuration block (FT_CTX in src/kernels/fasttext-layout.ts). */
enum {
  F_ROW_BYTES = 0, F_NWORDS = 4, F_NEG = 8, F_LOSS = 12, F_CBOW = 16, F_WS = 20, F_INPUT = 24, F_OUTPUT = 28,
  F_EXP = 32, F_LOG = 36, F_ALIAS_P = 40, F_ALIAS_I = 44, F_KEEP = 48, F_CODES = 52, F_POINTS = 56, F_LENGTHS = 60,
  F_OFFSETS = 64, F_SUBWORD_OFFSETS = 68, F_SUBWORD_ROWS = 72, F_IDS = 76, F_ENDS = 80, F_WORK = 84, F_HIDDEN = 88,
  F_GRAD = 92, F_LR_UPDATE_RATE = 96, F_RNG = 100, F_LOSS_SUM = 104, F_LOSS_COUNT = 112, F_HIDDEN_START = 136,
  F_SCORES = 140, F_OSZ = 144, F_SUPERVISED = 148
};

/* LOSS_CODES in src/kernels/fasttext-layout.ts */
enum { LOSS_NS = 0, LOSS_HS = 1, LOSS_SOFTMAX = 2, LOSS_OVA = 3 };

typedef struct {
  uint32_t rowBytes, nf;
  int32_t nwords, osz, supervised, neg, loss, cbow, ws, lrUpdateRate;
  float *input, *output, *expTable, *logTable, *aliasProbability, *keep, *hidden, *grad, *hiddenStart, *scores;
  int32_t *aliasIndex, *points, *offsets, *subwordOffsets, *subwordRows, *ids, *ends, *work;
  uint8_t *codes, *lengths;
  uint32_t rng;
  float lr;
  double lossSum, lossCount;
} Kernel;

static void configure(Kernel *k, uint8_t *mem, uint32_t ctxOffset) {
  const uint8_t *c = mem + ctxOffset;
  k->rowBytes = (uint32_t)ctx_i32(c, F_ROW_BYTES);
  k->nf = k->rowBytes / 4;
  k->nwords = ctx_i32(c, F_NWORDS);
  k->neg = ctx_i32(c, F_NEG);
  k->loss = ctx_i32(c, F_LOSS);
  k->cbow = ctx_i32(c, F_CBOW);
  k->ws = ctx_i32(c, F_WS);
  k->input = ctx_ptr(mem, c, F_INPUT);
  k->output = ctx_ptr(mem, c, F_OUTPUT);
  k->expTable = ctx_ptr(mem, c, F_EXP);
  k->logTable = ctx_ptr(mem, c, F_LOG);
  k->aliasProbability = ctx_ptr(mem, c, F_ALIAS_P);
  k->aliasIndex = ctx_ptr(mem, c, F_ALIAS_I);
  k->keep = ctx_ptr(mem, c, F_KEEP);
  k->codes = ctx_ptr(mem, c, F_CODES);
  k->points = ctx_ptr(mem, c, F_POINTS);
  k->lengths = ctx_ptr(mem, c, F_LENGTHS);
  k->offsets = ctx_ptr(mem, c, F_OFFSETS);
  k->subwordOffsets = ctx_ptr(mem, c, F_SUBWORD_OFFSETS);
  k->subwordRows = ctx_ptr(mem, c, F_SUBWORD_ROWS);
  k->ids = ctx_ptr(mem, c, F_IDS);
  k->ends = ctx_ptr(mem, c, F_ENDS);
  k->work = ctx_ptr(mem, c, F_WORK);
  k->hidden = ctx_ptr(mem, c, F_HIDDEN);
  k->grad = ctx_ptr(mem, c, F_GRAD);
  k->hiddenStart = ctx_ptr(mem, c, F_HIDDEN_START);
  k->scores = ctx_ptr(mem, c, F_SCORES);
  k->lrUpdateRate = ctx_i32(c, F_LR_UPDATE_RATE);
  k->osz = ctx_i32(c, F_OSZ);
  k->supervised = ctx_i32(c, F_SUPERVISED);
  k->rng = (uint32_t)ctx_i32(c, F_RNG);
  k->lossSum = 0;
  k->lossCount = 0;
}

static inline float *outRow(const Kernel *k, int32_t t) { return k->output + (size_t)t * k->nf; }
static inline float *inRow(const Kernel *k, int32_t id) { return k->input + (size_t)id * k->nf; }

/* Scores output row `out` against hidden with `label`: grad += g·out, out += g·hidden. Returns its loss. */
static inline double binaryLogistic(Kernel *k, float *out, float label) {
  float f = row_dot(k->hidden, out, k->nf);
  float cl = f < MAX_SIGMOID ? f : MAX_SIGMOID;
  cl = cl > -MAX_SIGMOID ? cl : -MAX_SIGMOID;
  /* fastText's table cell of the clamped f, 0..512 */
  int32_t idx = (int32_t)((cl + MAX_SIGMOID) * 32.0f);
  float sig = f > MAX_SIGMOID ? 1.0f : f < -MAX_SIGMOID ? 0.0f : k->expTable[idx];
  row_update(k->grad, out, k->hidden, (label - sig) * k->lr, k->nf);
  return -(double)k->logTable[label == 1.0f ? idx : SIGMOID_TABLE_SIZE - idx];
}

/* The full softmax over the output rows, float32 throughout as fastText's SoftmaxLoss. Returns −log p_target. */
static double softmax(Kernel *k, int32_t target) {
  float max = -INFINITY, z = 0, pt = 0;
  for (int32_t o = 0; o < k->osz; o++) {
    k->scores[o] = row_dot(k->hidden, outRow(k, o), k->nf);
    max = fmaxf(max, k->scores[o]);
  }
  for (int32_t o = 0; o < k->osz; o++) {
    k->scores[o] = (float)exp((double)(k->scores[o] - max));
    z += k->scores[o];
  }
  for (int32_t o = 0; o < k->osz; o++) {
    float p = k->scores[o] / z;
    if (o == target) pt = p;
    row_update(k->grad, outRow(k, o), k->hidden, ((o == target ? 1.0f : 0.0f) - p) * k->lr, k->nf);
  }
  double q = (double)pt;
  return -log(q > 1e-10 ? q : 1e-10);
}

/* A negative for `target`: alias draw, redrawn while it equals the target (at most 64 draws). */
static inline int32_t negative(Kernel *k, int32_t target) {
  int32_t t = target;
  for (int tries = 0; tries < 64 && t == target; tries++) {
    t = (int32_t)rng_below(&k->rng, (uint32_t)k->osz);
    if (!(rng_unit(&k->rng) < k->aliasProbability[t])) t = k->aliasIndex[t];
  }
  return t;
}

/* One target: its Huffman path (hs), itself and `neg` negatives (ns), or every output row (softmax). */
static void predict(Kernel *k, int32_t target) {
  double loss = 0;
  if (k->loss == LOSS_SOFTMAX) {
    loss = softmax(k, target);
  } else if (k->loss == LOSS_HS) {
    int32_t o = k->offsets[target];
    int32_t len = k->lengths[target];
    for (int32_t d = 0; d < len; d++) loss += binaryLogistic(k, outRow(k, k->points[o + d]), (float)k->codes[o + d]);
  } else {
    loss = binaryLogistic(k, outRow(k, target), 1.0f);
    for (int32_t j = 0; j < k->neg; j++) {
      int32_t t = negative(k, target);
      if (t != target) loss += binaryLogistic(k, outRow(k, t), 0.0f);
    }
  }
  k->lossSum += loss;
  k->lossCount += 1;
}

/* hidden += every input row of word w; returns how many. */
static inline int32_t addRows(Kernel *k, int32_t w) {
  int32_t from = k->subwordOffsets[w], to = k->subwordOffsets[w + 1];
  for (int32_t r = from; r < to; r++) row_add(k->hidden, inRow(k, k->subwordRows[r]), k->nf);
  return to - from;
}

/* Every input row of word w += grad. */
static inline void scatter(Kernel *k, int32_t w) {
  int32_t from = k->subwordOffsets[w], to = k->subwordOffsets[w + 1];
  for (int32_t r = from; r < to; r++) row_add(inRow(k, k->subwordRows[r]), k->grad, k->nf);
}

/*
 * One supervised example, ids [from, to): ids >= 0 are input rows, ids < 0 labels (−1 − label). hidden is the mean
 * of the rows; the target is a label of the example drawn uniformly (softmax, ns, hs), or every label is scored
 * one-vs-all; grad / rows goes to every row. Returns the rows, 0 when skipped.
 */
static int32_t supervisedExample(Kernel *k, int32_t from, int32_t to) {
  int32_t rows = 0;
  for (int32_t p = from; p < to; p++) {
    int32_t id = k->ids[p];
    if (id >= 0) {
      rows++;
      row_prefetch(inRow(k, id), k->rowBytes);
    }
  }
  int32_t labels = to - from - rows;
  if (rows == 0 || labels == 0) return 0;
  row_zero(k->hidden, k->nf);
  row_zero(k->grad, k->nf);
  for (int32_t p = from; p < to; p++)
    if (k->ids[p] >= 0) row_add(k->hidden, inRow(k, k->ids[p]), k->nf);
  row_scale(k->hidden, 1.0f / (float)rows, k->nf);
  if (k->loss == LOSS_OVA) {
    double loss = 0;
    for (int32_t o = 0; o < k->osz; o++) {
      float match = 0;
      for (int32_t p = from; p < to; p++)
        if (k->ids[p] == -1 - o) match = 1;
      loss += binaryLogistic(k, outRow(k, o), match);
    }
    k->lossSum += loss;
    k->lossCount += 1;
  } else {
    int32_t nth = (int32_t)rng_below(&k->rng, (uint32_t)labels);
    int32_t target = 0;
    for (int32_t p = from; p < to; p++) {
      int32_t id = k->ids[p];
      if (id >= 0) continue;
      if (nth == 0) {
        target = -1 - id;
        break;
      }
      nth--;
    }
    predict(k, target);
  }
  row_scale(k->grad, 1.0f / (float)rows, k->nf);
  for (int32_t p = from; p < to; p++)
    if (k->ids[p] >= 0) row_add(inRow(k, k->ids[p]), k->grad, k->nf);
  return rows;
}

/* The learning rate at token `start` of the chunk's `total`, moving linearly from alphaStart to alphaEnd. */
static inline float rateAt(double alphaStart, double alphaEnd, int32_t start, int32_t total) {
  return (float)(alphaStart + (alphaEnd - alphaStart) * ((double)start / (double)(total > 1 ? total : 1)));
}

int32_t embedkit_fasttext_train(uint8_t *mem, uint32_t ctxOffset, int32_t nSentences, double alphaStart, double alphaEnd) {
  Kernel kernel;
  Kernel *k = &kernel;
  configure(k, mem, ctxOffset);
  k->lr = (float)alphaStart;
  int32_t total = nSentences > 0 ? k->ends[nSentences - 1] : 0;
  int32_t start = 0, kept = 0, since = 0;
  for (int32_t s = 0; s < nSentences; s++) {
    int32_t end = k->ends[s];
    /* the learning rate, every lrUpdateRate tokens */
    since += end - start;
    if (since >= k->lrUpdateRate) {
      since = 0;
      k->lr = rateAt(alphaStart, alphaEnd, start, total);
    }
    if (k->supervised) {
      /* the sentence is one example */
      kept += supervisedExample(k, start, end);
      start = end;
      continue;
    }
    /* 1. subsampling into the work buffer */
    int32_t n = 0;
    for (int32_t p = start; p < end; p++) {
      int32_t w = k->ids[p];
      float kw = k->keep[w];
      if (kw < 1.0f && kw < rng_unit(&k->rng)) continue;
      k->work[n++] = w;
    }
    start = end;
    kept += n;
    /* 2. every position of the sentence */
    for (int32_t i = 0; i < n; i++) {
      int32_t w = k->work[i];
      int32_t b = 1 + (int32_t)rng_below(&k->rng, (uint32_t)k->ws);
      int32_t lo = i - b < 0 ? 0 : i - b;
      int32_t hi = i + b >= n ? n - 1 : i + b;
      if (hi == lo) continue;
      row_zero(k->hidden, k->nf);
      row_zero(k->grad, k->nf);
      if (!k->cbow) {
        /*
         * skip-gram: the centre word's subwords predict each context word. After each context word hidden moves by
         * the gradient so far, as if that word's gradient had already been scattered; the rows themselves get the
         * window's gradient in one scatter at its end.
         */
        int32_t rows = addRows(k, w);
        row_scale(k->hidden, 1.0f / (float)rows, k->nf);
        memcpy(k->hiddenStart, k->hidden, k->rowBytes);
        for (int32_t j = lo; j <= hi; j++) {
          if (j == i) continue;
          predict(k, k->work[j]);
          for (uint32_t d = 0; d < k->nf; d++) k->hidden[d] = k->hiddenStart[d] + k->grad[d];
        }
        scatter(k, w);
      } else {
        /* CBOW: the mean of every subword row of the window predicts the centre word */
        int32_t rows = 0;
        for (int32_t j = lo; j <= hi; j++)
          if (j != i) rows += addRows(k, k->work[j]);
        row_scale(k->hidden, 1.0f / (float)rows, k->nf);
        predict(k, w);
        for (int32_t j = lo; j <= hi; j++)
          if (j != i) scatter(k, k->work[j]);
      }
    }
  }
  uint8_t *c = mem + ctxOffset;
  memcpy(c + F_RNG, &k->rng, 4);
  memcpy(c + F_LOSS_SUM, &k->lossSum, 8);
  memcpy(c + F_LOSS_COUNT, &k->lossCount, 8);
  return kept;
}
