/*
 * Row arithmetic shared by the native kernels. Rows are a whole number of 4-float groups (the layouts pad them) and
 * 16-byte aligned; the loops take 8 floats at a time (one AVX register where the build has AVX2) and one group of 4
 * at the end. Written with the compiler's vector extensions, so a build without AVX2 still vectorises.
 */
#ifndef EMBEDKIT_ROWS_H
#define EMBEDKIT_ROWS_H
#include <stdint.h>
#include <string.h>

/* Unaligned vectors: a 32-byte load from a 16-byte aligned row may straddle. */
typedef float v8 __attribute__((vector_size(32), aligned(4)));
typedef float v4 __attribute__((vector_size(16), aligned(4)));

static inline float hsum4(v4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }
static inline v4 fold8(v8 v) { return (v4){v[0], v[1], v[2], v[3]} + (v4){v[4], v[5], v[6], v[7]}; }

/* a · b over nf floats, four independent sums so the additions' latency overlaps */
static inline float row_dot(const float *a, const float *b, uint32_t nf) {
  v8 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
  uint32_t i = 0;
  for (; i + 32 <= nf; i += 32) {
    s0 += *(const v8 *)(a + i) * *(const v8 *)(b + i);
    s1 += *(const v8 *)(a + i + 8) * *(const v8 *)(b + i + 8);
    s2 += *(const v8 *)(a + i + 16) * *(const v8 *)(b + i + 16);
    s3 += *(const v8 *)(a + i + 24) * *(const v8 *)(b + i + 24);
  }
  for (; i + 8 <= nf; i += 8) s0 += *(const v8 *)(a + i) * *(const v8 *)(b + i);
  v4 t = fold8((s0 + s1) + (s2 + s3));
  if (i < nf) t += *(const v4 *)(a + i) * *(const v4 *)(b + i);
  return hsum4(t);
}

/* dst += src */
static inline void row_add(float *dst, const float *src, uint32_t nf) {
  uint32_t i = 0;
  for (; i + 8 <= nf; i += 8) *(v8 *)(dst + i) += *(const v8 *)(src + i);
  if (i < nf) *(v4 *)(dst + i) += *(const v4 *)(src + i);
}

/* dst *= s */
static inline void row_scale(float *dst, float s, uint32_t nf) {
  for (uint32_t i = 0; i < nf; i++) dst[i] *= s;
}

static inline void row_zero(float *dst, uint32_t nf) { memset(dst, 0, (size_t)nf * 4); }

/* e += g·out; out += g·in (out read before written): one prediction's update of its output row and gradient. */
static inline void row_update(float *e, float *out, const float *in, float g, uint32_t nf) {
  uint32_t i = 0;
  for (; i + 8 <= nf; i += 8) {
    v8 o = *(v8 *)(out + i);
    *(v8 *)(e + i) += g * o;
    *(v8 *)(out + i) = o + g * *(const v8 *)(in + i);
  }
  if (i < nf) {
    v4 o = *(v4 *)(out + i);
    *(v4 *)(e + i) += g * o;
    *(v4 *)(out + i) = o + g * *(const v4 *)(in + i);
  }
}

/* Starts the cache misses of a row of `bytes`, so the misses of the rows a step uses overlap. */
static inline void row_prefetch(const float *row, uint32_t bytes) {
  const char *p = (const char *)row;
  for (uint32_t off = 0; off < bytes; off += 64) __builtin_prefetch(p + off, 1, 3);
}

/* xorshift32, the draw being the state times an odd constant (src/kernels/xorshift.ts). */
static inline uint32_t rng_next(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x * 0x9e3779bbu;
}

/* A uniform integer in 0..n-1: floor(x·n / 2^32). */
static inline uint32_t rng_below(uint32_t *state, uint32_t n) { return (uint32_t)(((uint64_t)rng_next(state) * n) >> 32); }

/* A uniform float in [0, 1) from the top 24 bits of a draw. */
static inline float rng_unit(uint32_t *state) { return (float)(rng_next(state) >> 8) * 0x1p-24f; }

/* An i32 field of a configuration block, and the memory address one of them holds (fields are memory offsets). */
static inline int32_t ctx_i32(const uint8_t *ctx, int off) { int32_t v; memcpy(&v, ctx + off, 4); return v; }
static inline void *ctx_ptr(uint8_t *mem, const uint8_t *ctx, int off) { return mem + ctx_i32(ctx, off); }

#endif
