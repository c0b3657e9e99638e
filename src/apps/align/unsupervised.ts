import { Embeddings } from '../../vectors/embeddings.ts';
import { Vocabulary } from '../../vocab/vocabulary.ts';
import { matchBothWays, matchBothWaysReference } from './best-match.ts';
import type { InducedDictionary } from './induce.ts';
import { normalizeRows, type NormalizeStep } from './normalize.ts';
import { svd } from './svd.ts';

/**
 * VecMap's unsupervised initialisation (Artetxe et al. 2018): words of two languages that translate each other
 * have similar similarity distributions. For the first n words of each space, the rows of sqrt(X·Xᵀ) are sorted
 * (which makes them independent of word order, hence comparable across languages), normalised, and matched by
 * CSLS in both directions (matchBothWays: on the search kernel once it is compiled; `reference` for the plain
 * loops); the union of the matches is the initial dictionary.
 */
export function similarityDistributionSeed(x: Float32Array, z: Float32Array, dim: number, n: number, steps: readonly NormalizeStep[], k: number, reference = false): InducedDictionary {
  const xs = normalizeRows(sortedRows(sqrtSimilarity(x.subarray(0, n * dim), n, dim), n), n, steps);
  const zs = normalizeRows(sortedRows(sqrtSimilarity(z.subarray(0, n * dim), n, dim), n), n, steps);
  const names = new Vocabulary(Array.from({ length: n }, (_, i) => String(i)));
  // VecMap's CSLS on the sorted rows, sim − fwd/2 − bwd/2, has the argmax of 2·sim − r (matchBothWays's CSLS).
  const match = reference ? matchBothWaysReference : matchBothWays;
  const { forward, backward } = match({ space: new Embeddings(names, xs, n), rows: n }, { space: new Embeddings(names, zs, n), rows: n }, { csls: true, k });
  const src = new Int32Array(2 * n);
  const tgt = new Int32Array(2 * n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    src[i] = i;
    tgt[i] = forward.best[i];
    sum += forward.bestCosine[i];
  }
  for (let j = 0; j < n; j++) {
    src[n + j] = backward.best[j];
    tgt[n + j] = j;
    sum += backward.bestCosine[j];
  }
  return { srcRows: src, tgtRows: tgt, objective: sum / (2 * n) };
}

/**
 * sqrt(X·Xᵀ) for X (n×dim): with X = U·Σ·Vᵀ it is U·Σ·Uᵀ = X·V·Σ⁻¹·Vᵀ·Xᵀ, computed from the dim×dim Gram matrix
 * XᵀX = V·Σ²·Vᵀ so that no n×n decomposition is needed.
 */
function sqrtSimilarity(x: Float32Array, n: number, dim: number): Float32Array {
  const g = new Float64Array(dim * dim);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    for (let a = 0; a < dim; a++) {
      const xa = x[o + a];
      for (let b = a; b < dim; b++) g[a * dim + b] += xa * x[o + b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) g[a * dim + b] = g[b * dim + a];
  const { v, s } = svd(g, dim, dim);
  const cutoff = s[0] * 1e-12;
  // P = V·diag(s^-½)·Vᵀ (s = σ²), then Y = X·P and the result Y·Xᵀ.
  const p = new Float64Array(dim * dim);
  for (let t = 0; t < dim; t++) {
    if (!(s[t] > cutoff)) continue;
    const w = 1 / Math.sqrt(s[t]);
    for (let a = 0; a < dim; a++) {
      const va = v[a * dim + t] * w;
      for (let b = 0; b < dim; b++) p[a * dim + b] += va * v[b * dim + t];
    }
  }
  const y = new Float64Array(n * dim);
  for (let r = 0; r < n; r++) {
    for (let b = 0; b < dim; b++) {
      let acc = 0;
      for (let a = 0; a < dim; a++) acc += x[r * dim + a] * p[a * dim + b];
      y[r * dim + b] = acc;
    }
  }
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let acc = 0;
      for (let a = 0; a < dim; a++) acc += y[i * dim + a] * x[j * dim + a];
      out[i * n + j] = acc;
      out[j * n + i] = acc;
    }
  }
  return out;
}

/** Each row sorted ascending, in place. */
function sortedRows(m: Float32Array, n: number): Float32Array {
  for (let i = 0; i < n; i++) m.subarray(i * n, (i + 1) * n).sort();
  return m;
}
