import { ENGLISH_STOP_WORDS } from './stop-words.ts';

/**
 * Class-based TF-IDF (c-TF-IDF, Grootendorst's BERTopic): all documents of a class are one document, and a term's
 * weight in class c is tf(t, c) × ln(1 + A / f(t)), tf the term's count in c over c's word count, f(t) the term's
 * count over all classes and A the average word count per class, truncated to an integer as BERTopic's
 * ClassTfidfTransformer does. Words are split as scikit-learn's CountVectorizer splits them (lower case, runs of
 * two or more word characters).
 */

/** Which words keywords are drawn from: English stop words left out, or every word. */
export type StopWords = 'english' | 'none';

const WORD = /[\p{L}\p{M}\p{N}_]{2,}/gu;

/** The words of `text` as c-TF-IDF counts them (lower case, two or more word characters, stop words left out). */
export function keywordTokens(text: string, stopWords: StopWords = 'english'): string[] {
  const words = text.toLowerCase().match(WORD) ?? [];
  return stopWords === 'english' ? words.filter((w) => !ENGLISH_STOP_WORDS.has(w)) : words;
}

/** Term counts per class over one vocabulary: `terms[id]` is the word, `counts[c]` maps term id → count in class c. */
export interface ClassCounts {
  terms: string[];
  counts: Map<number, number>[];
}

/** Counts each class's terms: `docs[i]` (already split) belongs to class `classOf[i]` (0..classes−1; others are left out). */
export function countByClass(docs: readonly (readonly string[])[], classOf: ArrayLike<number>, classes: number): ClassCounts {
  const ids = new Map<string, number>();
  const terms: string[] = [];
  const counts = Array.from({ length: classes }, () => new Map<number, number>());
  docs.forEach((words, i) => {
    const c = classOf[i];
    if (!(c >= 0 && c < classes)) return;
    const into = counts[c];
    for (const w of words) {
      let id = ids.get(w);
      if (id === undefined) {
        id = terms.length;
        ids.set(w, id);
        terms.push(w);
      }
      into.set(id, (into.get(id) ?? 0) + 1);
    }
  });
  return { terms, counts };
}

/** Classes merged: the counts of every class in `groups[k]` summed into class k. */
export function mergeCounts(counts: readonly Map<number, number>[], groups: readonly (readonly number[])[]): Map<number, number>[] {
  return groups.map((group) => {
    const sum = new Map<number, number>();
    for (const c of group) for (const [t, n] of counts[c]) sum.set(t, (sum.get(t) ?? 0) + n);
    return sum;
  });
}

/** BERTopic's ClassTfidfTransformer variants: BM25's idf, and the square root of tf to damp frequent words. */
export interface ClassTfidfOptions {
  /** idf = ln(1 + (A − f(t) + 0.5) / (f(t) + 0.5)) instead of ln(1 + A / f(t)) (BERTopic's bm25_weighting). */
  bm25?: boolean;
  /** tf = √(count / class words) (BERTopic's reduce_frequent_words). */
  reduceFrequentWords?: boolean;
}

/** The c-TF-IDF weight of every term of every class (sparse: terms absent from a class weigh 0 there). */
export function classTfidf(counts: readonly Map<number, number>[], options: ClassTfidfOptions = {}): Map<number, number>[] {
  const total = new Map<number, number>();
  const words = counts.map((m) => {
    let s = 0;
    for (const [t, n] of m) {
      s += n;
      total.set(t, (total.get(t) ?? 0) + n);
    }
    return s;
  });
  const average = counts.length === 0 ? 0 : Math.trunc(words.reduce((a, b) => a + b, 0) / counts.length);
  return counts.map((m, c) => {
    const w = new Map<number, number>();
    for (const [t, n] of m) {
      const f = total.get(t)!;
      const tf = n / words[c];
      w.set(t, (options.reduceFrequentWords ? Math.sqrt(tf) : tf) * (options.bm25 ? Math.log(1 + (average - f + 0.5) / (f + 0.5)) : Math.log(1 + average / f)));
    }
    return w;
  });
}

/** The `k` heaviest terms of one class, heaviest first (equal weights in alphabetical order). */
export function topTerms(weights: Map<number, number>, terms: readonly string[], k: number): { word: string; weight: number }[] {
  return [...weights]
    .sort((a, b) => b[1] - a[1] || (terms[a[0]] < terms[b[0]] ? -1 : 1))
    .slice(0, k)
    .map(([t, weight]) => ({ word: terms[t], weight }));
}

/** Cosine similarity of two sparse weight vectors (0 when either is empty). */
export function sparseCosine(a: Map<number, number>, b: Map<number, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, v] of a) {
    na += v * v;
    const u = b.get(t);
    if (u !== undefined) dot += v * u;
  }
  for (const v of b.values()) nb += v * v;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
