/**
 * Maximal marginal relevance (Carbonell & Goldstein, 1998): picks results one at a time, each maximizing
 * λ·relevance − (1 − λ)·(its highest cosine similarity to a result already picked), so near-duplicates of an earlier
 * result give way to passages that say something else. λ = 1 keeps the relevance order; λ = 0 maximizes diversity.
 *
 * @param relevance each candidate's relevance (higher is better), on a scale comparable with cosine similarity
 * @param vectors each candidate's unit vector
 * @returns indices into the candidates, in the order picked
 */
export function mmrOrder(relevance: readonly number[], vectors: readonly Float32Array[], lambda: number, k: number): number[] {
  const n = relevance.length;
  const picked: number[] = [];
  const maxSim = new Float64Array(n).fill(-Infinity);
  const used = new Uint8Array(n);
  while (picked.length < Math.min(k, n)) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const penalty = picked.length === 0 ? 0 : maxSim[i];
      const value = lambda * relevance[i] - (1 - lambda) * penalty;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    used[best] = 1;
    picked.push(best);
    const b = vectors[best];
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const v = vectors[i];
      let s = 0;
      for (let j = 0; j < v.length; j++) s += v[j] * b[j];
      if (s > maxSim[i]) maxSim[i] = s;
    }
  }
  return picked;
}
