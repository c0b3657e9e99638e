/*
 * Node-API binding of the native kernels. `word2vecTrain(memory, ctx, nSentences, alpha)` and
 * `fasttextTrain(memory, ctx, nSentences, alphaStart, alphaEnd)` take a Uint8Array over the model's shared
 * WebAssembly.Memory (its base is the address 0 of every offset in the configuration block). `simd` names the instruction set the kernels were compiled for; loading refuses a build whose
 * instructions this processor lacks, so the caller falls back to the WebAssembly kernel instead of crashing.
 */
#include <node_api.h>
#include <stdint.h>
#include "kernels.h"

#if defined(__AVX2__) && defined(__FMA__)
#define SIMD_NAME "avx2+fma"
static int cpuHasSimd(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
#define SIMD_NAME "generic"
static int cpuHasSimd(void) { return 1; }
#endif

/* The base address of a Uint8Array over the whole memory (its length in *length), or NULL after throwing. */
static uint8_t *memoryBase(napi_env env, napi_value view, size_t *length, const char *fn) {
  bool isTyped = false;
  napi_typedarray_type type;
  size_t byteOffset;
  void *data = NULL;
  napi_value buffer;
  napi_is_typedarray(env, view, &isTyped);
  if (!isTyped || napi_get_typedarray_info(env, view, &type, length, &data, &buffer, &byteOffset) != napi_ok || data == NULL ||
      type != napi_uint8_array || byteOffset != 0) {
    napi_throw_type_error(env, NULL, fn);
    return NULL;
  }
  return (uint8_t *)data;
}

/* memory, ctx, nSentences, then `nAlphas` learning rates; NULL after throwing. */
static uint8_t *chunkArgs(napi_env env, napi_callback_info info, size_t nAlphas, uint32_t *ctx, int32_t *nSentences, double *alphas, const char *usage) {
  size_t argc = 5;
  napi_value argv[5];
  size_t length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3 + nAlphas) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  uint8_t *mem = memoryBase(env, argv[0], &length, usage);
  if (!mem) return NULL;
  bool ok = napi_get_value_uint32(env, argv[1], ctx) == napi_ok && napi_get_value_int32(env, argv[2], nSentences) == napi_ok;
  for (size_t i = 0; i < nAlphas; i++) ok = ok && napi_get_value_double(env, argv[3 + i], &alphas[i]) == napi_ok;
  /* 160 bytes: the configuration block of either kernel */
  if (!ok || (size_t)*ctx + 160 > length) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return mem;
}

static napi_value word2vecTrain(napi_env env, napi_callback_info info) {
  uint32_t ctx;
  int32_t n;
  double alpha[1];
  uint8_t *mem = chunkArgs(env, info, 1, &ctx, &n, alpha, "word2vecTrain(memory: Uint8Array over the whole memory, ctx, nSentences, alpha)");
  if (!mem) return NULL;
  napi_value result;
  napi_create_int32(env, embedkit_word2vec_train(mem, ctx, n, (float)alpha[0]), &result);
  return result;
}

static napi_value fasttextTrain(napi_env env, napi_callback_info info) {
  uint32_t ctx;
  int32_t n;
  double alpha[2];
  uint8_t *mem = chunkArgs(env, info, 2, &ctx, &n, alpha, "fasttextTrain(memory: Uint8Array over the whole memory, ctx, nSentences, alphaStart, alphaEnd)");
  if (!mem) return NULL;
  napi_value result;
  napi_create_int32(env, embedkit_fasttext_train(mem, ctx, n, alpha[0], alpha[1]), &result);
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  if (!cpuHasSimd()) {
    napi_throw_error(env, NULL, "this native kernel was built for " SIMD_NAME ", which this processor lacks");
    return NULL;
  }
  napi_value fn, simd;
  napi_create_function(env, "word2vecTrain", NAPI_AUTO_LENGTH, word2vecTrain, NULL, &fn);
  napi_set_named_property(env, exports, "word2vecTrain", fn);
  napi_create_function(env, "fasttextTrain", NAPI_AUTO_LENGTH, fasttextTrain, NULL, &fn);
  napi_set_named_property(env, exports, "fasttextTrain", fn);
  napi_create_string_utf8(env, SIMD_NAME, NAPI_AUTO_LENGTH, &simd);
  napi_set_named_property(env, exports, "simd", simd);
  return exports;
}
