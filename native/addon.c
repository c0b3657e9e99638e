/*
 * Node-API binding of the native kernels. `word2vecTrain(memory, ctx, nSentences, alpha)` and
 * `fasttextTrain(memory, ctx, nSentences, alphaStart, alphaEnd)` take a Uint8Array over the model's shared
 * WebAssembly.Memory (its base is the address 0 of every offset in the configuration block). `simd` names the instruction set the kernels were compiled for; loading refuses a build whose
 * instructions this processor lacks, so the caller falls back to the WebAssembly kernel instead of crashing.
 * `hnswOpen(path, dim)` reads an hnswlib graph file on a libuv thread into a handle (a promise of it) that
 * `hnswSearch`, `hnswSave`, `hnswCount` and `hnswClose` take (hnsw.c); a handle the program drops is freed when it
 * is collected. `ldaEStep(...)` runs LDA's E-step over a range of documents (lda.c), every index checked first.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include "hnsw.h"
#include "kernels.h"
#include "lda.h"

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

/*
 * A typed array of the given type: its data in *data (NULL when it is empty), its length in *length, its byte offset
 * into its buffer in *offset. 0 after throwing.
 */
static int typedArg(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length, size_t *offset, const char *usage) {
  bool isTyped = false;
  napi_typedarray_type type;
  napi_value buffer;
  *data = NULL;
  napi_is_typedarray(env, value, &isTyped);
  if (!isTyped || napi_get_typedarray_info(env, value, &type, length, data, &buffer, offset) != napi_ok || type != want || (!*data && *length)) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/* The base address of a Uint8Array over the whole memory (its length in *length), or NULL after throwing. */
static uint8_t *memoryBase(napi_env env, napi_value view, size_t *length, const char *fn) {
  size_t offset;
  void *data;
  if (!typedArg(env, view, napi_uint8_array, &data, length, &offset, fn)) return NULL;
  if (!data || offset != 0) {
    napi_throw_type_error(env, NULL, fn);
    return NULL;
  }
  return data;
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

/* A graph handle: closed (g NULL) by hnswClose or when collected. */
typedef struct {
  embedkit_hnsw *g;
} GraphHandle;

static void finalizeGraph(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  GraphHandle *h = data;
  embedkit_hnsw_close(h->g);
  free(h);
}

/* Reads exactly `want` arguments, the first a graph handle (NULL after throwing when it is not one). */
static GraphHandle *handleArgs(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  size_t argc = want;
  napi_valuetype type;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want || napi_typeof(env, argv[0], &type) != napi_ok ||
      type != napi_external || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return data;
}

/* handleArgs, then the handle's open graph (NULL after throwing when it is closed). */
static embedkit_hnsw *graphArgs(napi_env env, napi_callback_info info, size_t want, napi_value *argv, const char *usage) {
  GraphHandle *h = handleArgs(env, info, want, argv, usage);
  if (!h) return NULL;
  if (!h->g) napi_throw_error(env, NULL, "the graph was closed");
  return h->g;
}

/* A string argument in a fixed buffer; 0 after throwing. */
static int pathArg(napi_env env, napi_value value, char *path, size_t size, const char *usage) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, path, size, &length) != napi_ok || length + 1 >= size) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/* A handle over a graph just opened (the graph is closed when it cannot be made). */
static napi_value wrapGraph(napi_env env, embedkit_hnsw *g) {
  napi_value result;
  GraphHandle *h = malloc(sizeof *h);
  if (!h) {
    embedkit_hnsw_close(g);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  h->g = g;
  if (napi_create_external(env, h, finalizeGraph, NULL, &result) != napi_ok) {
    finalizeGraph(env, h, NULL);
    return NULL;
  }
  return result;
}

/* hnswOpen's arguments; 0 after throwing. */
static int openArgs(napi_env env, napi_callback_info info, char *path, size_t size, uint32_t *dim, const char *usage) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  if (!pathArg(env, argv[0], path, size, usage)) return 0;
  if (napi_get_value_uint32(env, argv[1], dim) != napi_ok || *dim == 0) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/* hnswOpen: the file is read on a libuv thread, so the event loop goes on meanwhile. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  char path[4096], err[1024];
  uint32_t dim;
  embedkit_hnsw *g;
} OpenJob;

static void openExecute(napi_env env, void *data) {
  (void)env;
  OpenJob *job = data;
  job->g = embedkit_hnsw_open(job->path, job->dim, job->err, sizeof job->err);
}

static void openComplete(napi_env env, napi_status status, void *data) {
  OpenJob *job = data;
  napi_value value = NULL, message;
  if (status == napi_ok && job->g) value = wrapGraph(env, job->g);
  if (value) {
    napi_resolve_deferred(env, job->deferred, value);
  } else {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) napi_get_and_clear_last_exception(env, &value);
    else {
      napi_create_string_utf8(env, job->g || status != napi_ok ? "the graph could not be opened" : job->err, NAPI_AUTO_LENGTH, &message);
      napi_create_error(env, NULL, message, &value);
    }
    napi_reject_deferred(env, job->deferred, value);
  }
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value hnswOpen(napi_env env, napi_callback_info info) {
  OpenJob *job = calloc(1, sizeof *job);
  napi_value promise, name;
  if (!job) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  if (!openArgs(env, info, job->path, sizeof job->path, &job->dim, "hnswOpen(path: string, dim: number)")) {
    free(job);
    return NULL;
  }
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "embedkit.hnswOpen", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, openExecute, openComplete, job, &job->work) != napi_ok || napi_queue_async_work(env, job->work) != napi_ok) {
    free(job);
    napi_throw_error(env, NULL, "could not start reading the graph");
    return NULL;
  }
  return promise;
}

static napi_value hnswSearch(napi_env env, napi_callback_info info) {
  const char *usage = "hnswSearch(graph, query: Float32Array of the graph's dim, ef, take, slots: Uint32Array, scores: Float32Array, both of take or more)";
  napi_value argv[6], result;
  embedkit_hnsw *g = graphArgs(env, info, 6, argv, usage);
  if (!g) return NULL;
  size_t nQuery, nSlots, nScores, offset;
  uint32_t ef, take;
  void *query, *slots, *scores;
  if (!typedArg(env, argv[1], napi_float32_array, &query, &nQuery, &offset, usage) || !typedArg(env, argv[4], napi_uint32_array, &slots, &nSlots, &offset, usage) ||
      !typedArg(env, argv[5], napi_float32_array, &scores, &nScores, &offset, usage))
    return NULL;
  if (napi_get_value_uint32(env, argv[2], &ef) != napi_ok || napi_get_value_uint32(env, argv[3], &take) != napi_ok || nSlots < take || nScores < take ||
      nQuery != embedkit_hnsw_dim(g)) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  int32_t found = embedkit_hnsw_search(g, query, ef, take, slots, scores);
  if (found < 0) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_create_int32(env, found, &result);
  return result;
}

static napi_value hnswSave(napi_env env, napi_callback_info info) {
  const char *usage = "hnswSave(graph, path: string)";
  napi_value argv[2];
  char path[4096], err[1024];
  embedkit_hnsw *g = graphArgs(env, info, 2, argv, usage);
  if (!g || !pathArg(env, argv[1], path, sizeof path, usage)) return NULL;
  if (!embedkit_hnsw_save(g, path, err, sizeof err)) napi_throw_error(env, NULL, err);
  return NULL;
}

static napi_value hnswCount(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  embedkit_hnsw *g = graphArgs(env, info, 1, argv, "hnswCount(graph)");
  if (!g) return NULL;
  napi_create_uint32(env, embedkit_hnsw_count(g), &result);
  return result;
}

static napi_value hnswClose(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  GraphHandle *h = handleArgs(env, info, 1, argv, "hnswClose(graph)");
  if (!h) return NULL;
  embedkit_hnsw_close(h->g);
  h->g = NULL;
  return NULL;
}

static int getInt32(napi_env env, napi_value v, int32_t *out, const char *usage) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

/*
 * ldaEStep(ids, counts, start, first, last, expElogbeta, alpha, gamma, expElogtheta, iterations, threshold, sstats,
 * work): lda.c's E-step over documents first..last−1. Every length and word id is checked before any work: a
 * mismatch throws a RangeError rather than reading or writing outside an array. `sstats` may be null.
 */
static napi_value ldaEStep(napi_env env, napi_callback_info info) {
  const char *usage = "ldaEStep(ids: Int32Array, counts: Float64Array, start: Int32Array, first, last, expElogbeta: Float32Array, alpha: Float64Array, "
                      "gamma: Float64Array, expElogtheta: Float64Array, iterations, threshold, sstats: Float64Array | null, work: Float64Array)";
  size_t argc = 13;
  napi_value argv[13];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 13) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  void *ids, *cts, *start, *beta, *alpha, *gamma, *theta, *sstats = NULL, *work;
  size_t nIds, nCts, nStart, nBeta, nAlpha, nGamma, nTheta, nStats = 0, nWork, offset;
  int32_t first, last, iterations;
  double threshold;
  napi_valuetype statsType;
  napi_typeof(env, argv[11], &statsType);
  if (!typedArg(env, argv[0], napi_int32_array, &ids, &nIds, &offset, usage) || !typedArg(env, argv[1], napi_float64_array, &cts, &nCts, &offset, usage) ||
      !typedArg(env, argv[2], napi_int32_array, &start, &nStart, &offset, usage) || !getInt32(env, argv[3], &first, usage) ||
      !getInt32(env, argv[4], &last, usage) || !typedArg(env, argv[5], napi_float32_array, &beta, &nBeta, &offset, usage) ||
      !typedArg(env, argv[6], napi_float64_array, &alpha, &nAlpha, &offset, usage) ||
      !typedArg(env, argv[7], napi_float64_array, &gamma, &nGamma, &offset, usage) ||
      !typedArg(env, argv[8], napi_float64_array, &theta, &nTheta, &offset, usage) || !getInt32(env, argv[9], &iterations, usage) ||
      (statsType != napi_null && !typedArg(env, argv[11], napi_float64_array, &sstats, &nStats, &offset, usage)) ||
      !typedArg(env, argv[12], napi_float64_array, &work, &nWork, &offset, usage))
    return NULL;
  if (napi_get_value_double(env, argv[10], &threshold) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  const int32_t *st = start;
  const int32_t *id = ids;
  size_t K = nAlpha;
  const char *bad = NULL;
  if (K == 0 || nBeta % K != 0) bad = "ldaEStep: expElogbeta's length is not a multiple of K (alpha's length)";
  else if (first < 0 || last < first || (size_t)last + 1 > nStart) bad = "ldaEStep: first..last is outside start";
  else if (nCts != nIds) bad = "ldaEStep: counts and ids differ in length";
  else if (iterations < 0) bad = "ldaEStep: iterations < 0";
  else if (nGamma < (size_t)(last - first) * K || nTheta < (size_t)(last - first) * K) bad = "ldaEStep: gamma or expElogtheta is shorter than K per document";
  else if (sstats && nStats != nBeta) bad = "ldaEStep: sstats differs from expElogbeta in length";
  if (!bad) {
    size_t V = nBeta / K;
    size_t longest = 0;
    for (int32_t d = first; d < last && !bad; d++) {
      if (st[d] < 0 || st[d + 1] < st[d] || (size_t)st[d + 1] > nIds) bad = "ldaEStep: a document's range is outside ids";
      else {
        if ((size_t)(st[d + 1] - st[d]) > longest) longest = (size_t)(st[d + 1] - st[d]);
        for (int32_t i = st[d]; i < st[d + 1]; i++)
          if (id[i] < 0 || (size_t)id[i] >= V) {
            bad = "ldaEStep: a word id is outside expElogbeta";
            break;
          }
      }
    }
    if (!bad && nWork < 2 * K + K * longest) bad = "ldaEStep: work is shorter than 2K + K x the longest document";
  }
  if (bad) {
    napi_throw_range_error(env, NULL, bad);
    return NULL;
  }
  int64_t total = embedkit_lda_estep(ids, cts, start, first, last, beta, (int32_t)K, alpha, gamma, theta, iterations, threshold, sstats, work);
  napi_value result;
  napi_create_double(env, (double)total, &result);
  return result;
}

static void exportFunction(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  if (!cpuHasSimd()) {
    napi_throw_error(env, NULL, "this native kernel was built for " SIMD_NAME ", which this processor lacks");
    return NULL;
  }
  napi_value simd;
  exportFunction(env, exports, "word2vecTrain", word2vecTrain);
  exportFunction(env, exports, "fasttextTrain", fasttextTrain);
  exportFunction(env, exports, "hnswOpen", hnswOpen);
  exportFunction(env, exports, "hnswSearch", hnswSearch);
  exportFunction(env, exports, "hnswSave", hnswSave);
  exportFunction(env, exports, "hnswCount", hnswCount);
  exportFunction(env, exports, "hnswClose", hnswClose);
  exportFunction(env, exports, "ldaEStep", ldaEStep);
  napi_create_string_utf8(env, SIMD_NAME, NAPI_AUTO_LENGTH, &simd);
  napi_set_named_property(env, exports, "simd", simd);
  return exports;
}
