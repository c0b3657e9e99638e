/**
 * How hybrid search fuses its two rankings (the vector results by cosine, the keyword results by BM25), each
 * weighed by `alpha` (vector) and 1 − alpha (keywords):
 *
 * - `rrf`, reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): each list gives a document weight / (k + rank),
 *   rank 1-based, k = 60. Ranks, not scores, are fused: nothing to scale, but how far ahead a list's first result
 *   was is lost (1/61 against 1/62 whatever the margin).
 * - `convex`, a convex combination of min-max normalised scores (Bruch, Gai & Ingber, 2023, "An Analysis of Fusion
 *   Functions for Hybrid Retrieval"): each list's scores are mapped to [0, 1] over its own candidates (best 1,
 *   worst 0; a document missing from a list gets 0 from it) and summed with the weights, so a clear lead in one list
 *   survives the fusion.
 */
export type Fusion = 'rrf' | 'convex';

export const RRF_K = 60;

/**
 * Candidates hybrid search takes from each ranking before fusing them (at least; 4 × k when that is more). A
 * passage one ranking puts 60th can still be the other's first; a deeper list also steadies min-max normalisation,
 * whose floor is the list's last score. On the verse-retrieval benchmark's dev queries, 100 against 40 moved
 * convex fusion's MRR@10 (alpha 0.3) from 0.9757 to 0.9760 and recall@10 from 0.9977 to 0.9981, and rrf's (alpha
 * 0.5) from 0.9432 to 0.9422: within a few queries either way, deeper where it helps the fusion that needs it
 * (bench/lib/fusion-sweep.ts).
 */
export const HYBRID_DEPTH = 100;

export interface RankedList {
  /** Document keys, best first. */
  ids: readonly string[];
  weight: number;
}

export interface ScoredList {
  /** Document keys, best first. */
  ids: readonly string[];
  /** The list's score of each key, higher better (any scale: cosine, BM25). */
  scores: readonly number[];
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

/**
 * Convex combination of min-max normalised scores: Σ weight × (score − min) / (max − min) over the lists a key is
 * in (a list whose scores are all equal gives each of its keys 1). Every key of a list of positive weight is
 * returned (its worst one too, at 0 from that list); a list of weight 0 adds nothing. Best first; ties keep the
 * order keys were first seen in.
 */
export function convexScoreFusion(lists: readonly ScoredList[]): { id: string; score: number }[] {
  const fused = new Map<string, number>();
  for (const { ids, scores, weight } of lists) {
    if (ids.length === 0 || !(weight > 0)) continue;
    let hi = -Infinity;
    let lo = Infinity;
    for (const s of scores) {
      if (s > hi) hi = s;
      if (s < lo) lo = s;
    }
    const span = hi - lo;
    ids.forEach((id, i) => fused.set(id, (fused.get(id) ?? 0) + weight * (span > 0 ? (scores[i] - lo) / span : 1)));
  }
  return [...fused].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
