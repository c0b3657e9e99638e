/**
 * Okapi BM25 (k1 1.2, b 0.75, Lucene's idf ln(1 + (N − n + 0.5) / (n + 0.5))) over lower-cased, accent-folded
 * words: a plain in-memory reference the retrieval benchmark prints beside the search library's full-text
 * ranking, as a cross-check that the library's BM25 ranks as the formula does.
 */
export class Bm25 {
  private readonly postings = new Map<string, { docs: Int32Array; tf: Float32Array }>();
  private readonly lengths: Float32Array;
  private readonly avgLength: number;

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
    const n = this.lengths.length;
    const scores = new Map<number, number>();
    for (const w of new Set(bm25Words(query))) {
      const p = this.postings.get(w);
      if (!p) continue;
      const idf = Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5));
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i];
        const tf = p.tf[i];
        const s = (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * this.lengths[d]) / this.avgLength));
        scores.set(d, (scores.get(d) ?? 0) + s);
      }
    }
    return [...scores].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k).map(([d]) => d);
  }
}

export function bm25Words(text: string): string[] {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
