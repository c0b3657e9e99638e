/**
 * Partial selection: the k best scores of an array without sorting all of it.
 * A size-k min-heap keeps the cost at O(n log k), which for k ≪ n is nearly one pass.
 */
export interface Scored {
  index: number;
  score: number;
}

/**
 * Indices of the `k` largest entries of `scores[start:end)`, best first. Ties keep the lower index first,
 * matching a stable descending sort.
 * `skip` lists indices that must never be returned (query words).
 */
export function topK(scores: ArrayLike<number>, k: number, start = 0, end = scores.length, skip?: ReadonlySet<number>): Scored[] {
  if (k <= 0 || end <= start) return [];
  const heapIdx = new Int32Array(k);
  const heapVal = new Float64Array(k);
  let size = 0;
  // "worse" means lower score, or equal score with a higher index (so lower indices win ties).
  const worse = (va: number, ia: number, vb: number, ib: number) => va < vb || (va === vb && ia > ib);
  for (let i = start; i < end; i++) {
    const v = scores[i];
    if (v !== v) continue; // NaN (zero vector) is never a neighbour
    if (skip && skip.has(i)) continue;
    if (size < k) {
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(v, i, heapVal[p], heapIdx[p])) break;
        heapVal[c] = heapVal[p];
        heapIdx[c] = heapIdx[p];
        c = p;
      }
      heapVal[c] = v;
      heapIdx[c] = i;
    } else if (worse(heapVal[0], heapIdx[0], v, i)) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && worse(heapVal[r], heapIdx[r], heapVal[l], heapIdx[l]) ? r : l;
        if (!worse(heapVal[m], heapIdx[m], v, i)) break;
        heapVal[c] = heapVal[m];
        heapIdx[c] = heapIdx[m];
        c = m;
      }
      heapVal[c] = v;
      heapIdx[c] = i;
    }
  }
  const out: Scored[] = [];
  for (let j = 0; j < size; j++) out.push({ index: heapIdx[j], score: heapVal[j] });
  out.sort((a, b) => b.score - a.score || a.index - b.index);
  return out;
}
