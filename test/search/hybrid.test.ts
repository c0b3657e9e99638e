import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StaticEncoder } from '../../src/encoders/static.ts';
import { convexScoreFusion, reciprocalRankFusion } from '../../src/search/fusion.ts';
import { openCollection } from '../../src/search/index.ts';
import { resolveSearchOptions } from '../../src/search/search-options.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { cleanup, cosine, tempDir } from './helpers.ts';

// Hybrid search on a case small enough to compute by hand: four words with fixed vectors, five documents. The
// keyword side must give Okapi BM25 (k1 = 1.2, b = 0.75, idf = ln(1 + (N − n + 0.5) / (n + 0.5))) over the
// lower-cased words, the vector side the cosine of mean-pooled vectors, and the fused score
// alpha / (60 + vector rank) + (1 − alpha) / (60 + keyword rank) with rrf, alpha × min-max normalised cosine +
// (1 − alpha) × min-max normalised BM25 with convex fusion (the default).

after(cleanup);

const WORDS = ['apple', 'banana', 'cherry', 'date'];
const VECTORS = [
  [1, 0.2, 0, 0],
  [0.1, 1, 0, 0.3],
  [0, 0.3, 1, 0],
  [0.2, 0, 0.4, 1],
];
const encoder = new StaticEncoder(new Embeddings(new Vocabulary(WORDS, [40, 30, 20, 10]), Float32Array.from(VECTORS.flat()), 4), { pooling: 'mean', id: 'static:fruit' });
const DOCS = [
  { id: 'd1', text: 'Apple banana' },
  { id: 'd2', text: 'apple apple cherry' },
  { id: 'd3', text: 'banana cherry cherry date' },
  { id: 'd4', text: 'date' },
  { id: 'd5', text: 'cherry date date date date' },
];

function bm25(query: string, docs: { id: string; text: string }[]): Map<string, number> {
  const tokens = docs.map((d) => d.text.toLowerCase().split(/\s+/));
  const avgdl = tokens.reduce((a, t) => a + t.length, 0) / docs.length;
  const scores = new Map<string, number>();
  for (const term of new Set(query.toLowerCase().split(/\s+/))) {
    const n = tokens.filter((t) => t.includes(term)).length;
    if (n === 0) continue;
    const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
    tokens.forEach((t, i) => {
      const tf = t.filter((w) => w === term).length;
      if (tf === 0) return;
      const s = (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * t.length) / avgdl));
      scores.set(docs[i].id, (scores.get(docs[i].id) ?? 0) + s);
    });
  }
  return scores;
}

async function reference(query: string, alpha: number) {
  const q = (await encoder.encode([query])).vectors[0];
  const docVectors = (await encoder.encode(DOCS.map((d) => d.text))).vectors;
  const cos = new Map(DOCS.map((d, i) => [d.id, cosine(q, docVectors[i])]));
  const kw = bm25(query, DOCS);
  const vectorOrder = [...cos].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const keywordOrder = [...kw].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const fused = DOCS.map((d) => {
    const rv = vectorOrder.indexOf(d.id);
    const rk = keywordOrder.indexOf(d.id);
    return { id: d.id, rv, score: alpha / (61 + rv) + (rk < 0 ? 0 : (1 - alpha) / (61 + rk)) };
  });
  // Equal fused scores (ranks 1 and 3 against 3 and 1) keep the vector ranking's order.
  return { cos, kw, fused: fused.filter((f) => f.score > 0).sort((a, b) => b.score - a.score || a.rv - b.rv) };
}

test('hybrid search: BM25 keyword scores, cosine vector scores and their reciprocal rank fusion match the hand computation', async () => {
  const c = await openCollection(join(tempDir(), 'fruit'), { encoder });
  await c.add(DOCS);
  for (const [query, alpha] of [['apple', 0.5], ['banana date', 0.5], ['cherry date', 0.8], ['apple cherry', 0.3]] as const) {
    const want = await reference(query, alpha);
    const hits = await c.search(query, { hybrid: true, alpha, k: 5, fusion: 'rrf' });
    const wantIds = want.fused.map((f) => f.id);
    assert.deepEqual(hits.map((h) => h.docId), wantIds, `${query} α=${alpha}`);
    for (const h of hits) {
      assert.ok(Math.abs(h.score - want.fused.find((f) => f.id === h.docId)!.score) < 1e-12, `${query}: fused score of ${h.docId}`);
      assert.ok(Math.abs(h.vectorScore! - want.cos.get(h.docId)!) < 1e-6, `${query}: cosine of ${h.docId}`);
      const kw = want.kw.get(h.docId);
      if (kw === undefined) assert.equal(h.keywordScore, undefined);
      else assert.ok(Math.abs(h.keywordScore! - kw) < 1e-4, `${query}: BM25 of ${h.docId}: ${h.keywordScore} vs ${kw}`);
    }
  }
  // alpha 0 ranks by keywords alone; documents without a query word drop out.
  const kwOnly = await c.search('banana', { hybrid: true, alpha: 0, fusion: 'rrf' });
  assert.deepEqual(kwOnly.map((h) => h.docId), [...bm25('banana', DOCS)].sort((a, b) => b[1] - a[1]).map(([id]) => id));
  // A filter applies to both sides.
  await c.add([{ id: 'd6', text: 'banana banana', metadata: { colour: 'yellow' } }]);
  const filtered = await c.search('banana', { hybrid: true, filter: "colour = 'yellow'", fusion: 'rrf' });
  assert.deepEqual(filtered.map((h) => h.docId), ['d6']);
  // Rows added after the full-text index was built are found by keywords too.
  assert.ok((await c.search('banana', { hybrid: true, alpha: 0, fusion: 'rrf' })).some((h) => h.docId === 'd6'));
  await c.close();
});

test('reciprocal rank fusion weighs each list by its weight and 1 / (60 + rank)', () => {
  const fused = reciprocalRankFusion([
    { ids: ['a', 'b', 'c'], weight: 0.7 },
    { ids: ['c', 'a'], weight: 0.3 },
  ]);
  const want = { a: 0.7 / 61 + 0.3 / 62, b: 0.7 / 62, c: 0.7 / 63 + 0.3 / 61 };
  assert.deepEqual(fused.map((f) => f.id), ['a', 'c', 'b']);
  for (const f of fused) assert.ok(Math.abs(f.score - want[f.id as keyof typeof want]) < 1e-15);
});

/** Convex fusion by hand: alpha × min-max normalised cosine + (1 − alpha) × min-max normalised BM25, best first. */
async function convexReference(query: string, alpha: number) {
  const normalise = (m: Map<string, number>) => {
    const values = [...m.values()];
    const hi = Math.max(...values);
    const lo = Math.min(...values);
    return new Map([...m].map(([id, s]) => [id, hi > lo ? (s - lo) / (hi - lo) : 1]));
  };
  const { cos, kw } = await reference(query, alpha);
  const nc = normalise(cos);
  const nk = normalise(kw);
  return DOCS.map((d) => ({ id: d.id, score: alpha * nc.get(d.id)! + (1 - alpha) * (nk.get(d.id) ?? 0) })).sort((a, b) => b.score - a.score);
}

test('convex fusion: alpha × min-max normalised cosine + (1 − alpha) × min-max normalised BM25, by hand', async () => {
  const c = await openCollection(join(tempDir(), 'fruit-convex'), { encoder });
  await c.add(DOCS);
  for (const [query, alpha] of [['apple', 0.5], ['banana date', 0.3], ['cherry date', 0.8], ['apple cherry', 0.3]] as const) {
    const want = await convexReference(query, alpha);
    const hits = await c.search(query, { hybrid: true, alpha, k: 5, fusion: 'convex' });
    assert.deepEqual(hits.map((h) => h.docId), want.map((w) => w.id), `${query} α=${alpha}`);
    for (const h of hits) assert.ok(Math.abs(h.score - want.find((w) => w.id === h.docId)!.score) < 1e-5, `${query}: fused score of ${h.docId}: ${h.score}`);
  }
  // alpha 0: the keyword ranking alone, every document with a query word kept (the weakest at 0).
  const kwOnly = await c.search('banana', { hybrid: true, alpha: 0, fusion: 'convex' });
  assert.deepEqual(kwOnly.map((h) => h.docId), [...bm25('banana', DOCS)].sort((a, b) => b[1] - a[1]).map(([id]) => id));
  await c.close();
});

test('hybrid search fuses by convex fusion at alpha 0.3 unless told otherwise; rrf weighs at 0.5 unless told otherwise', async () => {
  const c = await openCollection(join(tempDir(), 'fruit-defaults'), { encoder });
  await c.add(DOCS);
  for (const query of ['apple', 'banana date', 'cherry date', 'apple cherry']) {
    const want = await convexReference(query, 0.3);
    const hits = await c.search(query, { hybrid: true, k: 5 });
    assert.deepEqual(hits.map((h) => h.docId), want.map((w) => w.id), query);
    for (const h of hits) assert.ok(Math.abs(h.score - want.find((w) => w.id === h.docId)!.score) < 1e-5, `${query}: default fused score of ${h.docId}: ${h.score}`);
    const wantRrf = (await reference(query, 0.5)).fused;
    const rrf = await c.search(query, { hybrid: true, k: 5, fusion: 'rrf' });
    assert.deepEqual(rrf.map((h) => h.docId), wantRrf.map((f) => f.id), `${query} rrf`);
    for (const h of rrf) assert.ok(Math.abs(h.score - wantRrf.find((f) => f.id === h.docId)!.score) < 1e-12, `${query}: rrf score of ${h.docId}`);
  }
  await c.close();
  // The schema the CLI's flags (--fusion, --alpha) take their defaults from; an alpha given is kept with either rule.
  const resolved = (given: Record<string, unknown>) => {
    const { fusion, alpha } = resolveSearchOptions(given);
    return { fusion, alpha };
  };
  assert.deepEqual(resolved({ hybrid: true }), { fusion: 'convex', alpha: 0.3 });
  assert.deepEqual(resolved({ hybrid: true, fusion: 'rrf' }), { fusion: 'rrf', alpha: 0.5 });
  assert.deepEqual(resolved({ hybrid: true, alpha: 0.8 }), { fusion: 'convex', alpha: 0.8 });
  assert.deepEqual(resolved({ hybrid: true, fusion: 'rrf', alpha: 0.2 }), { fusion: 'rrf', alpha: 0.2 });
});

test('convex score fusion keeps a clear lead that rank fusion loses', () => {
  // The keyword list's best is far ahead, the vector list's best barely: rank fusion at equal weights ties them
  // (a wins on first-seen order); the scores give b.
  const lists = [
    { ids: ['a', 'b', 'c'], scores: [0.9, 0.89, 0.5], weight: 0.5 },
    { ids: ['b', 'a', 'c'], scores: [20, 2, 1], weight: 0.5 },
  ];
  const fused = convexScoreFusion(lists);
  const want = { a: 0.5 * 1 + 0.5 * (1 / 19), b: 0.5 * (0.39 / 0.4) + 0.5, c: 0 };
  assert.deepEqual(fused.map((f) => f.id), ['b', 'a', 'c']);
  for (const f of fused) assert.ok(Math.abs(f.score - want[f.id as keyof typeof want]) < 1e-12, `${f.id} ${f.score}`);
  assert.deepEqual(reciprocalRankFusion(lists).map((f) => f.id), ['a', 'b', 'c']);
  // A list of weight 0 adds nothing, not even its keys.
  assert.deepEqual(convexScoreFusion([lists[0], { ...lists[1], ids: ['d'], scores: [3], weight: 0 }]).map((f) => f.id), ['a', 'b', 'c']);
});
