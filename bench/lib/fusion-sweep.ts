/**
 * Chooses the hybrid fusion rule on the retrieval benchmark's dev queries only (bench/lib/query-split.ts): each dev
 * query's vector candidates (exact cosine, SIF over en-mix word2vec) and BM25 candidates (the in-memory reference)
 * are found once, to the deepest depth swept, and every rule × alpha × depth is scored on those lists. Prints
 * recall@1, recall@10 and MRR@10 of the best alphas of each rule next to BM25 alone. The test queries are never read.
 *
 *   node --import tsx bench/lib/fusion-sweep.ts [word2vec|fasttext|glove] [sif|mean]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pooling } from '../../src/encoders/static.ts';
import { loadSimilarityKernel, SimilarityIndex } from '../../src/kernels/fast-similarity.ts';
import { bibleVerses } from './bible.ts';
import { Bm25 } from './bm25.ts';
import { loadEnMixVectors, type VectorKind } from './en-mix-vectors.ts';
import { splitIndices } from './query-split.ts';
import { retrievalEncoder } from './retrieval-encoder.ts';
import { scoreRankings } from './retrieval-metrics.ts';

interface Scored {
  ids: number[];
  scores: number[];
}

type Rule = (vector: Scored, keyword: Scored, alpha: number) => number[];

function ranked(fused: Map<number, number>): number[] {
  return [...fused]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([id]) => id);
}

function rrf(k: number): Rule {
  return (v, w, alpha) => {
    const s = new Map<number, number>();
    v.ids.forEach((id, i) => s.set(id, (s.get(id) ?? 0) + alpha / (k + i + 1)));
    w.ids.forEach((id, i) => s.set(id, (s.get(id) ?? 0) + (1 - alpha) / (k + i + 1)));
    return ranked(s);
  };
}

/** A score-normalising rule: `norm` maps a list's scores to a common scale; a key missing from a list gets `missing` of it. */
function scoreRule(norm: (scores: number[]) => { mapped: number[]; missing: number }): Rule {
  return (v, w, alpha) => {
    const s = new Map<number, number>();
    const nv = norm(v.scores);
    const nw = norm(w.scores);
    const keys = new Set([...v.ids, ...w.ids]);
    const vAt = new Map(v.ids.map((id, i) => [id, nv.mapped[i]]));
    const wAt = new Map(w.ids.map((id, i) => [id, nw.mapped[i]]));
    for (const id of keys) s.set(id, alpha * (vAt.get(id) ?? nv.missing) + (1 - alpha) * (wAt.get(id) ?? nw.missing));
    return ranked(s);
  };
}

const minMax = scoreRule((x) => {
  if (x.length === 0) return { mapped: [], missing: 0 };
  const hi = Math.max(...x);
  const lo = Math.min(...x);
  const span = hi - lo;
  return { mapped: x.map((s) => (span > 0 ? (s - lo) / span : 1)), missing: 0 };
});

const zScore = scoreRule((x) => {
  if (x.length === 0) return { mapped: [], missing: 0 };
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length) || 1;
  const mapped = x.map((s) => (s - mean) / sd);
  return { mapped, missing: Math.min(...mapped) };
});

/** Scores over the list's best one (BM25's and cosine's floor taken as 0): Bruch et al.'s theoretical min-max. */
const overMax = scoreRule((x) => {
  if (x.length === 0) return { mapped: [], missing: 0 };
  const hi = Math.max(...x);
  return { mapped: x.map((s) => (hi > 0 ? Math.max(0, s) / hi : 0)), missing: 0 };
});

const RULES: Record<string, Rule> = {
  'rrf k60': rrf(60),
  'rrf k10': rrf(10),
  'rrf k2': rrf(2),
  'convex min-max': minMax,
  'convex z-score': zScore,
  'convex over-max': overMax,
};
const DEPTHS = [40, 100];
const ALPHAS = Array.from({ length: 21 }, (_, i) => i / 20);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const kind = (process.argv[2] ?? 'word2vec') as VectorKind;
  const pooling = (process.argv[3] ?? 'sif') as Pooling;
  const { kjv, web } = bibleVerses();
  const dev = splitIndices(kjv.length, 'dev');
  const relevant = dev.map((i) => String(i));
  const texts = web.map((v) => v.text);
  const encoder = retrievalEncoder(await loadEnMixVectors(kind), kind, pooling, texts);
  await loadSimilarityKernel();
  const matrix = new Float32Array(web.length * encoder.dim);
  texts.forEach((t, i) => {
    const pooled = encoder.pool(t).vector;
    if (pooled) matrix.set(pooled, i * encoder.dim);
  });
  const index = SimilarityIndex.tryCreate(matrix, encoder.dim)!;
  const bm25 = new Bm25(texts);
  const deepest = Math.max(...DEPTHS);
  const lists = dev.map((q) => {
    const v = encoder.pool(kjv[q].text).vector;
    const vh = v ? index.topK(v, deepest, index.size, []) : [];
    const kh = bm25.scored(kjv[q].text, deepest);
    return { vector: { ids: vh.map((h) => h.index), scores: vh.map((h) => h.score) }, keyword: { ids: kh.map((h) => h.doc), scores: kh.map((h) => h.score) } };
  });
  const score = (rankings: number[][]) => scoreRankings(rankings.map((r) => r.map(String)), relevant);
  const fmt = (s: ReturnType<typeof score>) => `R@1 ${s.recall1.toFixed(4)}  R@10 ${s.recall10.toFixed(4)}  MRR@10 ${s.mrr10.toFixed(4)}`;
  console.log(`${dev.length} dev queries, ${kind} ${pooling}`);
  console.log(`BM25 alone          ${fmt(score(lists.map((l) => l.keyword.ids.slice(0, 10))))}`);
  console.log(`vector alone        ${fmt(score(lists.map((l) => l.vector.ids.slice(0, 10))))}`);
  // Why fusion loses rank-1s BM25 had: for each rule at a fixed alpha, the queries BM25 ranked right first and the
  // fused ranking did not (lost) and the reverse (won), with where the vector ranking put the relevant verse and how
  // far BM25's first score was ahead of its second in the lost ones.
  for (const [name, alpha] of [['rrf k60', 0.5], ['convex min-max', 0.5], ['convex min-max', 0.3]] as const) {
    const depth = Math.max(...DEPTHS);
    let won = 0;
    const lost: { q: number; vectorRank: number; lead: number }[] = [];
    lists.forEach((l, i) => {
      const fused = RULES[name](l.vector, l.keyword, alpha);
      const bm25Right = l.keyword.ids[0] === dev[i];
      const fusedRight = fused[0] === dev[i];
      if (bm25Right && !fusedRight) lost.push({ q: i, vectorRank: l.vector.ids.indexOf(dev[i]) + 1, lead: l.keyword.scores[0] / (l.keyword.scores[1] ?? 1) });
      if (!bm25Right && fusedRight) won++;
    });
    const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)] ?? NaN;
    console.log(`${name} alpha ${alpha} depth ${depth}: rank-1s lost against BM25 ${lost.length}, won ${won}; in the lost ones the vector ranking put the right verse at median rank ${median(lost.map((x) => x.vectorRank || depth + 1))} (0: not in its ${depth}), BM25's first score was ${median(lost.map((x) => x.lead)).toFixed(2)}× its second`);
    for (const x of lost.slice(0, 3)) {
      const q = dev[x.q];
      const top = lists[x.q].vector.ids[0];
      console.log(`    query ${kjv[q].id} "${kjv[q].text.slice(0, 90)}": vector first ${web[top].id} "${web[top].text.slice(0, 90)}"`);
    }
  }
  for (const [name, rule] of Object.entries(RULES)) {
    for (const depth of DEPTHS) {
      const cut = (s: Scored) => ({ ids: s.ids.slice(0, depth), scores: s.scores.slice(0, depth) });
      const results = ALPHAS.map((alpha) => ({ alpha, s: score(lists.map((l) => rule(cut(l.vector), cut(l.keyword), alpha))) }));
      const best = results.reduce((a, b) => (b.s.mrr10 > a.s.mrr10 ? b : a));
      console.log(`${name.padEnd(16)} depth ${String(depth).padStart(3)}  best alpha ${best.alpha.toFixed(2)}: ${fmt(best.s)}`);
      console.log(`    by alpha (MRR@10): ${results.map((r) => `${r.alpha.toFixed(2)}:${r.s.mrr10.toFixed(4)}`).join(' ')}`);
    }
  }
}
