/**
 * Okapi BM25 (k1 1.2, b 0.75, Lucene's idf ln(1 + (N − n + 0.5) / (n + 0.5))) over lower-cased, accent-folded
 * words: a plain in-memory reference the retrieval benchmark prints beside the search library's full-text
 * ranking, as a cross-check that the library's BM25 ranks as the formula does.
 */
export class Bm25 {
  private readonly postings = new Map<string, { docs: Int32Array; tf: Float32Array }>();
  private readonly lengths: Float32Array;
  private readonly avgLength: number;
  /** Score accumulator, all zeros between searches. */
  private scratch?: Float64Array;

  constructor(
    texts: readonly string[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.lengths = new Float32Array(texts.length);
    const build = new Map<string, { docs: number[]; tf: number[] }>();
    texts.forEach((text, d) => {
      const words = bm25Words(text);
      this.lengths[d] = words.length;
      const counts = new Map<string, number>();
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      for (const [w, c] of counts) {
        let p = build.get(w);
        if (!p) build.set(w, (p = { docs: [], tf: [] }));
        p.docs.push(d);
        p.tf.push(c);
      }
    });
    for (const [w, p] of build) this.postings.set(w, { docs: Int32Array.from(p.docs), tf: Float32Array.from(p.tf) });
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, texts.length);
  }

  /** Indices of the k best documents for `query`, best first (only documents sharing a word with it). */
  search(query: string, k: number): number[] {
    return this.scored(query, k).map((h) => h.doc);
  }

  /** The k best documents for `query` with their BM25 scores, best first. */
  scored(query: string, k: number): { doc: number; score: number }[] {
    const n = this.lengths.length;
    const scores = (this.scratch ??= new Float64Array(n));
    const touched: number[] = [];
    for (const w of new Set(bm25Words(query))) {
      const p = this.postings.get(w);
      if (!p) continue;
      const idf = Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5));
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i];
        const tf = p.tf[i];
        if (scores[d] === 0) touched.push(d);
        scores[d] += (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * this.lengths[d]) / this.avgLength));
      }
    }
    // The k best by one pass keeping a small sorted list (touched lists run to tens of thousands; k is 10 to 40).
    const best: number[] = [];
    const better = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
    for (const d of touched) {
      if (best.length === k && !better(d, best[k - 1])) continue;
      let at = best.length === k ? k - 1 : best.length;
      while (at > 0 && better(d, best[at - 1])) {
        if (at < k) best[at] = best[at - 1];
        at--;
      }
      best[at] = d;
      if (best.length > k) best.length = k;
    }
    const ranked = best.map((doc) => ({ doc, score: scores[doc] }));
    for (const d of touched) scores[d] = 0;
    return ranked;
  }
}

export function bm25Words(text: string): string[] {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
