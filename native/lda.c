/*
 * The E-step of online LDA over a range of documents, as src/apps/topics/lda-estep.ts runs it (gensim's
 * LdaModel.inference): each document's γ is iterated against the fixed topics until its mean absolute change falls
 * below the threshold, and, on request, its sufficient statistics are added to the chunk's. Same formulas and the
 * same order of operations as the TypeScript E-step, in double precision; the products may fuse into FMAs, so
 * results agree to rounding, not bit for bit. The TypeScript E-step stays the reference and the fallback.
 */
#include <math.h>
#include <string.h>
#include "lda.h"

/* float32's machine epsilon: gensim adds it to every φ normalizer (its model is float32). */
#define EPSILON 1.1920928955078125e-7

/* Σ_{i=0..6} 1/(x + i) = Q′(x)/Q(x), Q(x) = x(x+1)…(x+6), by Horner's rule on both (lda-math.ts's shiftBy7). */
static double shiftBy7(double x) {
  double q = x * (720 + x * (1764 + x * (1624 + x * (735 + x * (175 + x * (21 + x))))));
  double dq = 720 + x * (3528 + x * (4872 + x * (2940 + x * (875 + x * (126 + x * 7)))));
  return dq / q;
}

/* ψ(y) − log y by its asymptotic series, for y ≥ 7. */
static double asymptoticTail(double y) {
  double f = 1 / (y * y);
  return -0.5 / y - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132 - f * (691.0 / 32760 - f / 12))))));
}

static double digamma(double x) {
  double shift = x < 7 ? -shiftBy7(x) : 0;
  double y = x < 7 ? x + 7 : x;
  return shift + log(y) + asymptoticTail(y);
}

/* exp(ψ(x) − c) as y · exp(shift + tail − c). */
static double expDigammaMinus(double x, double c) {
  double shift = x < 7 ? -shiftBy7(x) : 0;
  double y = x < 7 ? x + 7 : x;
  return y * exp(shift + asymptoticTail(y) - c);
}

static void expTheta(const double *gamma, double *out, int32_t K) {
  double sum = 0;
  for (int32_t k = 0; k < K; k++) sum += gamma[k];
  double psiSum = digamma(sum);
  for (int32_t k = 0; k < K; k++) out[k] = expDigammaMinus(gamma[k], psiSum);
}

int64_t embedkit_lda_estep(const int32_t *ids, const double *cts, const int32_t *start, int32_t first, int32_t last, const float *expElogbeta, int32_t K,
                           const double *alpha, double *gamma, double *expElogtheta, int32_t iterations, double threshold, double *sstats, double *work) {
  int64_t total = 0;
  double *lastGamma = work;
  double *acc = work + K;
  double *rows = work + 2 * K;
  for (int32_t d = first; d < last; d++) {
    double *g = gamma + (int64_t)(d - first) * K;
    double *th = expElogtheta + (int64_t)(d - first) * K;
    int32_t s = start[d];
    int32_t n = start[d + 1] - s;
    // The document's rows of exp(E[log β]), gathered once: every iteration reads them again.
    for (int32_t i = 0; i < n; i++) {
      const float *from = expElogbeta + (int64_t)ids[s + i] * K;
      double *to = rows + (int64_t)i * K;
      for (int32_t k = 0; k < K; k++) to[k] = from[k];
    }
    int32_t it = 0;
    double change = INFINITY;
    for (;;) {
      expTheta(g, th, K);
      if (it == iterations || change / K < threshold) break;
      it++;
      memset(acc, 0, sizeof(double) * K);
      for (int32_t i = 0; i < n; i++) {
        const double *row = rows + (int64_t)i * K;
        double phinorm = EPSILON;
        for (int32_t k = 0; k < K; k++) phinorm += th[k] * row[k];
        double r = cts[s + i] / phinorm;
        for (int32_t k = 0; k < K; k++) acc[k] += r * row[k];
      }
      change = 0;
      for (int32_t k = 0; k < K; k++) {
        lastGamma[k] = g[k];
        double next = alpha[k] + th[k] * acc[k];
        g[k] = next;
        change += fabs(next - lastGamma[k]);
      }
    }
    total += it;
    if (!sstats) continue;
    // The sufficient statistics from the final θ: exp(E[log θ_k]) · c_w/φnorm_w · exp(E[log β_kw]).
    for (int32_t i = 0; i < n; i++) {
      const double *row = rows + (int64_t)i * K;
      double phinorm = EPSILON;
      for (int32_t k = 0; k < K; k++) phinorm += th[k] * row[k];
      double r = cts[s + i] / phinorm;
      double *out = sstats + (int64_t)ids[s + i] * K;
      for (int32_t k = 0; k < K; k++) out[k] += th[k] * r * row[k];
    }
  }
  return total;
}
