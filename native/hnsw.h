#ifndef EMBEDKIT_HNSW_H
#define EMBEDKIT_HNSW_H
#include <stddef.h>
#include <stdint.h>

/* A graph file written by hnswlib, read into memory for searching (hnsw.c). */
typedef struct embedkit_hnsw embedkit_hnsw;

/* Reads the graph at `path` (vectors of `dim` floats); NULL with the reason in `err` when it cannot. */
embedkit_hnsw *embedkit_hnsw_open(const char *path, uint32_t dim, char *err, size_t errLen);
/* Writes the graph back in hnswlib's format (the bytes it was read from); 0 with the reason in `err` on failure. */
int embedkit_hnsw_save(const embedkit_hnsw *g, const char *path, char *err, size_t errLen);
void embedkit_hnsw_close(embedkit_hnsw *g);
uint32_t embedkit_hnsw_count(const embedkit_hnsw *g);
uint32_t embedkit_hnsw_dim(const embedkit_hnsw *g);
/*
 * The `take` live nodes nearest to `query` by cosine, exploring max(ef, take) candidates: their labels (slots) and
 * cosine similarities, best first, near-ties in float64 order. Returns how many (-1: out of memory).
 */
int32_t embedkit_hnsw_search(embedkit_hnsw *g, const float *query, uint32_t ef, uint32_t take, uint32_t *slots, float *scores);

#endif
