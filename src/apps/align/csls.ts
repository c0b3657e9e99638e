import { similarityKernelNow, SimilarityIndex } from '../../kernels/fast-similarity.ts';
import type { Embeddings } from '../../vectors/embeddings.ts';

/**
 * Cross-domain similarity local scaling (Conneau et al. 2018, MUSE): CSLS(x, y) = 2·cos(x, y) − r_T(x) − r_S(y),
 * where r_T(x) is the mean cosine of the mapped source vector x to its k nearest target vectors and r_S(y) the
 * mean cosine of target y to its k nearest mapped source vectors. Hubs (vectors near everything) are penalised.
 */

/** Queries per block of the reference path: each block's neighbour lists are dropped before the next. */
const BLOCK = 512;

/**
 * For each of the first `rows` rows of `queries`: the mean cosine to its `k` nearest rows among the first
 * `baseRows` rows of `base` (r_T or r_S above); NaN where fewer than k base rows can be neighbours (zero rows never
 * are). On the WebAssembly search kernel once it is compiled (await `Embeddings.prepare()` or
 * `loadSimilarityKernel()` first): an index of the base rows, scanned in int8 by 16 queries at a time with every
 * candidate rescored exactly, so the means are those of an exact scan. Before that, the plain TypeScript scan of
 * neighbourhoodMeansReference.
 */
export function neighbourhoodMeans(queries: Embeddings, rows: number, base: Embeddings, baseRows: number, k: number): Float32Array {
  const kk = Math.min(k, baseRows);
  const index = similarityKernelNow() ? SimilarityIndex.tryCreate(base.vectors.subarray(0, baseRows * base.dim), base.dim) : null;
  if (!index) return neighbourhoodMeansReference(queries, rows, base, baseRows, k);
  return index.meanTopK(queries.unitMatrix(), rows, kk, baseRows);
}

/** neighbourhoodMeans by the base space's own queries (its reference kernels until the search kernel is compiled). */
export function neighbourhoodMeansReference(queries: Embeddings, rows: number, base: Embeddings, baseRows: number, k: number): Float32Array {
  const out = new Float32Array(rows);
  const unit = queries.unitMatrix();
  const d = queries.dim;
  const kk = Math.min(k, baseRows);
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    const block: Float32Array[] = [];
    for (let i = start; i < end; i++) block.push(unit.subarray(i * d, (i + 1) * d));
    const lists = base.mostSimilarBatch(block, kk, baseRows);
    lists.forEach((list, b) => {
      let s = 0;
      for (const n of list) s += n.score;
      out[start + b] = list.length === kk && kk > 0 ? s / kk : NaN;
    });
  }
  return out;
}

/** Row i of the unit matrix of `emb`. */
export function unitRow(emb: Embeddings, i: number): Float32Array {
  return emb.unitMatrix().subarray(i * emb.dim, (i + 1) * emb.dim);
}

/**
 * The scores of one unit query against the first `rows` rows of `base`: cosines, or with `baseMeans` (r of each
 * base row) and `queryMean` (r of the query) CSLS scores 2·cos − queryMean − baseMeans[j].
 */
export function scoresAgainst(query: Float32Array, base: Embeddings, rows: number, csls?: { queryMean: number; baseMeans: Float32Array }): Float32Array {
  const s = base.scoreRows(query, 0, rows);
  if (csls) for (let j = 0; j < rows; j++) s[j] = 2 * s[j] - csls.queryMean - csls.baseMeans[j];
  return s;
}
