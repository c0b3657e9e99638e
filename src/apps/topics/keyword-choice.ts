import { topTerms, type ClassCounts } from './ctfidf.ts';

/**
 * Ways to choose a topic's keywords among its c-TF-IDF terms, as BERTopic's users and representation models do:
 * a floor on the share of the topic's documents a keyword must occur in, KeyBERT-style reranking of the c-TF-IDF
 * candidates by their similarity to the topic's centroid (BERTopic's KeyBERTInspired), and maximal marginal
 * relevance (BERTopic's MaximalMarginalRelevance, Carbonell & Goldstein) over the same candidates.
 */

/** A keyword and its weight (c-TF-IDF, or the similarity a reranking scored it by). */
export interface Keyword {
  word: string;
  weight: number;
}

/** In how many documents of each class each term occurs (`docs[i]` in class `classOf[i]`; terms as `counts.terms`). */
export function classDocumentFrequency(docs: readonly (readonly string[])[], classOf: ArrayLike<number>, counts: ClassCounts): { df: Map<number, number>[]; sizes: number[] } {
  const ids = new Map(counts.terms.map((t, i) => [t, i]));
  const df = counts.counts.map(() => new Map<number, number>());
  const sizes = counts.counts.map(() => 0);
  docs.forEach((words, i) => {
    const c = classOf[i];
    if (!(c >= 0 && c < df.length)) return;
    sizes[c]++;
    for (const w of new Set(words)) {
      const id = ids.get(w);
      if (id !== undefined) df[c].set(id, (df[c].get(id) ?? 0) + 1);
    }
  });
  return { df, sizes };
}

/**
 * A class's `k` keywords with a floor on document share: first, by c-TF-IDF weight, the terms that occur in at least
 * `share` of the class's documents (and at least one), so keywords are words the topic's documents use rather than
 * words one long document repeats; then, when fewer than `k` pass, the other terms by weight.
 */
export function flooredKeywords(weights: Map<number, number>, terms: readonly string[], df: Map<number, number>, size: number, share: number, k: number): Keyword[] {
  const floor = Math.max(1, share * size);
  const passing = new Map([...weights].filter(([t]) => (df.get(t) ?? 0) >= floor));
  const first = topTerms(passing, terms, k);
  if (first.length === k) return first;
  const rest = new Map([...weights].filter(([t]) => !passing.has(t)));
  return [...first, ...topTerms(rest, terms, k - first.length)];
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k] * b[k];
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
};

/**
 * KeyBERT-style keywords (BERTopic's KeyBERTInspired): the `candidates` heaviest c-TF-IDF terms, reordered by the
 * cosine of each word's vector to the topic's centroid, the `k` most similar kept with that cosine as weight.
 * Words without a vector are left out.
 */
export function centroidKeywords(weights: Map<number, number>, terms: readonly string[], centroid: ArrayLike<number>, wordVector: (word: string) => ArrayLike<number> | null, k: number, candidates = 30): Keyword[] {
  return topTerms(weights, terms, Math.max(k, candidates))
    .flatMap(({ word }) => {
      const v = wordVector(word);
      return v ? [{ word, weight: cosine(v, centroid) }] : [];
    })
    .sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : 1))
    .slice(0, k);
}

/**
 * Maximal marginal relevance over the `candidates` heaviest c-TF-IDF terms (BERTopic's MaximalMarginalRelevance):
 * the word most similar to the centroid first, then each next word maximising (1 − diversity) · sim(word, centroid)
 * − diversity · max sim(word, chosen word).
 */
export function mmrKeywords(weights: Map<number, number>, terms: readonly string[], centroid: ArrayLike<number>, wordVector: (word: string) => ArrayLike<number> | null, k: number, diversity: number, candidates = 30): Keyword[] {
  const pool = topTerms(weights, terms, Math.max(k, candidates)).flatMap(({ word }) => {
    const v = wordVector(word);
    return v ? [{ word, v, relevance: cosine(v, centroid) }] : [];
  });
  const chosen: typeof pool = [];
  while (chosen.length < k && pool.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    pool.forEach((c, i) => {
      const redundancy = chosen.length === 0 ? 0 : Math.max(...chosen.map((s) => cosine(c.v, s.v)));
      const score = (1 - diversity) * c.relevance - diversity * redundancy;
      if (score > bestScore) [bestScore, best] = [score, i];
    });
    chosen.push(pool.splice(best, 1)[0]);
  }
  return chosen.map((c) => ({ word: c.word, weight: c.relevance }));
}
