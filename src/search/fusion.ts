/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): each list gives a document 1 / (k + rank), rank
 * 1-based, and the fused score weighs the vector list by `alpha` and the keyword list by 1 − alpha. Ranks, not
 * scores, are fused, because cosine similarities and BM25 scores have no common scale.
 */
export const RRF_K = 60;

export interface RankedList {
  /** Document keys, best first. */
  ids: readonly string[];
  weight: number;
}

/** Fused scores of every key in any list, best first (ties keep the order keys were first seen in). */
export function reciprocalRankFusion(lists: readonly RankedList[], k = RRF_K): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const { ids, weight } of lists) {
    ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
