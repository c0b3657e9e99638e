import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classTfidf, countByClass } from '../../../src/apps/topics/ctfidf.ts';
import { centroidKeywords, classDocumentFrequency, flooredKeywords, mmrKeywords } from '../../../src/apps/topics/keyword-choice.ts';
import { seededRandom } from '../../../src/util/random.ts';

function collection() {
  const r = seededRandom(11);
  const lexicon = Array.from({ length: 30 }, (_, i) => `w${i}`);
  const classOf = Array.from({ length: 50 }, (_, i) => i % 3);
  // Skewed draws: a few words in most documents of a class, many in one or two.
  const docs = classOf.map((c) => Array.from({ length: 4 + Math.floor(r() * 12) }, () => lexicon[Math.min(29, Math.floor(r() ** 2 * 12) + c * 9)]));
  return { docs, classOf };
}

test('classDocumentFrequency counts each class’s documents holding a term, once per document', () => {
  const { docs, classOf } = collection();
  const counts = countByClass(docs, classOf, 3);
  const { df, sizes } = classDocumentFrequency(docs, classOf, counts);
  assert.deepEqual(sizes, [0, 1, 2].map((c) => classOf.filter((x) => x === c).length));
  counts.terms.forEach((term, t) => {
    for (let c = 0; c < 3; c++) {
      const want = docs.filter((d, i) => classOf[i] === c && d.includes(term)).length;
      assert.equal(df[c].get(t) ?? 0, want, `${term} in class ${c}`);
    }
  });
});

test('flooredKeywords: the terms in at least the share of documents first by weight, then the rest by weight', () => {
  const { docs, classOf } = collection();
  const counts = countByClass(docs, classOf, 3);
  const weights = classTfidf(counts.counts);
  const { df, sizes } = classDocumentFrequency(docs, classOf, counts);
  for (const share of [0, 0.2, 0.5, 0.95]) {
    for (let c = 0; c < 3; c++) {
      // The definition, the slow way: every term of the class with its weight and document share.
      const rows = [...weights[c]].map(([t, w]) => ({ word: counts.terms[t], w, share: docs.filter((d, i) => classOf[i] === c && d.includes(counts.terms[t])).length / sizes[c] }));
      const byWeight = (a: (typeof rows)[0], b: (typeof rows)[0]) => b.w - a.w || (a.word < b.word ? -1 : 1);
      const passing = rows.filter((x) => x.share >= share && x.share > 0).sort(byWeight);
      const rest = rows.filter((x) => !passing.includes(x)).sort(byWeight);
      const want = [...passing, ...rest].slice(0, 8).map((x) => x.word);
      assert.deepEqual(flooredKeywords(weights[c], counts.terms, df[c], sizes[c], share, 8).map((k) => k.word), want, `share ${share}, class ${c}`);
    }
  }
  // With a floor, a word many documents use comes before a heavier word one document repeats.
  const terms = ['spread', 'repeated'];
  const w = new Map([
    [0, 0.1],
    [1, 0.9],
  ]);
  const d = new Map([
    [0, 6],
    [1, 1],
  ]);
  assert.deepEqual(flooredKeywords(w, terms, d, 10, 0, 2).map((k) => k.word), ['repeated', 'spread']);
  assert.deepEqual(flooredKeywords(w, terms, d, 10, 0.5, 2).map((k) => k.word), ['spread', 'repeated']);
});

test('centroidKeywords reorders the c-TF-IDF candidates by cosine to the centroid; mmrKeywords trades it against redundancy', () => {
  const terms = ['a', 'b', 'c', 'd'];
  const weights = new Map([
    [0, 0.4],
    [1, 0.3],
    [2, 0.2],
    [3, 0.1],
  ]);
  const vectors: Record<string, number[]> = { a: [-1, 0.2], b: [1, 0.1], c: [1, 0.12], d: [0.7, 0.7] };
  const centroid = [1, 0];
  const cos = (v: number[]) => v[0] / Math.hypot(...v);
  const got = centroidKeywords(weights, terms, centroid, (w) => vectors[w] ?? null, 3, 4);
  assert.deepEqual(got.map((k) => k.word), ['b', 'c', 'd']);
  got.forEach((k) => assert.ok(Math.abs(k.weight - cos(vectors[k.word])) < 1e-12));
  // Only the 2 heaviest are candidates: c and d never come in.
  assert.deepEqual(centroidKeywords(weights, terms, centroid, (w) => vectors[w] ?? null, 2, 2).map((k) => k.word), ['b', 'a']);
  // MMR: b first (most relevant). Without diversity, relevance alone: c, b's near copy, next. With diversity 0.7
  // (worked by hand): a scores 0.3·(−0.981) − 0.7·(−0.956) = 0.375 against c's −0.402 and d's −0.330, then d.
  assert.deepEqual(mmrKeywords(weights, terms, centroid, (w) => vectors[w] ?? null, 3, 0, 4).map((k) => k.word), ['b', 'c', 'd']);
  assert.deepEqual(mmrKeywords(weights, terms, centroid, (w) => vectors[w] ?? null, 3, 0.7, 4).map((k) => k.word), ['b', 'a', 'd']);
  // A word without a vector is left out.
  assert.deepEqual(centroidKeywords(weights, terms, centroid, (w) => (w === 'b' ? null : vectors[w]), 2, 4).map((k) => k.word), ['c', 'd']);
});
