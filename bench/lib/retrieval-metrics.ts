/** recall@1, recall@10 and MRR@10 of ranked lists against one relevant document per query. */
export interface RetrievalScores {
  recall1: number;
  recall10: number;
  mrr10: number;
}

export function scoreRankings(rankings: readonly (readonly string[])[], relevant: readonly string[]): RetrievalScores {
  let r1 = 0;
  let r10 = 0;
  let mrr = 0;
  rankings.forEach((ranked, q) => {
    const at = ranked.slice(0, 10).indexOf(relevant[q]);
    if (at === 0) r1++;
    if (at >= 0) {
      r10++;
      mrr += 1 / (at + 1);
    }
  });
  const n = Math.max(1, rankings.length);
  return { recall1: r1 / n, recall10: r10 / n, mrr10: mrr / n };
}
