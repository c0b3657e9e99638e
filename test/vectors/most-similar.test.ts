import { lcgRandom as rng } from '../../src/util/random.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Embeddings, type Neighbour } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { dotRows, unit } from '../../src/kernels/similarity.ts';

function model(rows: number, dim: number, seed: number, zeroRows: number[] = []): Embeddings {
  const next = rng(seed);
  const v = new Float32Array(rows * dim);
  for (let i = 0; i < v.length; i++) v[i] = next() * 2 - 1;
  for (const r of zeroRows) v.fill(0, r * dim, (r + 1) * dim);
  return new Embeddings(new Vocabulary(Array.from({ length: rows }, (_, i) => `w${i}`)), v, dim);
}

/**
 * gensim's most_similar written the slow, obvious way: unit-normalize the words, weighted mean divided
 * by Σ|w|, normalize, score every row of [0, end) with the reference kernel, sort, drop the input words.
 */
function bruteForce(e: Embeddings, terms: [string, number][], topn: number, end = e.size): Neighbour[] {
  const mean = new Float64Array(e.dim);
  let total = 0;
  for (const [w, weight] of terms) {
    const u = unit(e.get(w));
    for (let j = 0; j < e.dim; j++) mean[j] += weight * u[j];
    total += Math.abs(weight);
  }
  const q = unit(mean.map((x) => x / total));
  const rows = new Float32Array(e.size * e.dim);
  for (let r = 0; r < e.size; r++) rows.set(unit(e.row(r)), r * e.dim);
  const scores = new Float32Array(end);
  dotRows(rows, e.dim, 0, end, q, scores);
  const input = new Set(terms.map(([w]) => e.indexOf(w)));
  return [...scores.keys()]
    .filter((i) => !input.has(i) && e.norms()[i] > 0)
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, topn)
    .map((i) => ({ word: e.vocab.word(i), score: scores[i] }));
}

function assertSame(got: Neighbour[], want: Neighbour[], what: string): void {
  assert.deepEqual(got.map((n) => n.word), want.map((n) => n.word), what);
  got.forEach((n, i) => assert.ok(Math.abs(n.score - want[i].score) < 1e-6, `${what}: ${n.word} ${n.score} vs ${want[i].score}`));
}

test('mostSimilar equals a brute-force reference on random data (fast kernel prepared)', async () => {
  const e = await model(6000, 48, 1, [7, 4000]).prepare();
  for (let t = 0; t < 25; t++) {
    const a = `w${(t * 211) % 6000}`;
    const b = `w${(t * 97 + 5) % 6000}`;
    const c = `w${(t * 13 + 1) % 6000}`;
    assertSame(e.mostSimilar(a), bruteForce(e, [[a, 1]], 10), `single ${a}`);
    assertSame(e.mostSimilar({ positive: [a, c], negative: [b], topn: 15 }), bruteForce(e, [[a, 1], [c, 1], [b, -1]], 15), `analogy ${t}`);
    assertSame(e.mostSimilar({ positive: [[a, 0.3], [b, 2]], topn: 5 }), bruteForce(e, [[a, 0.3], [b, 2]], 5), `weighted ${t}`);
    assertSame(e.mostSimilar({ positive: a, topn: 10, restrictVocab: 777 }), bruteForce(e, [[a, 1]], 10, 777), `restricted ${t}`);
  }
});

test('zero rows are never neighbours and score NaN', async () => {
  const e = await model(500, 8, 2, [3, 4]).prepare();
  const all = e.mostSimilar({ positive: 'w0', topn: 1000 });
  assert.equal(all.length, 500 - 3);
  assert.ok(!all.some((n) => n.word === 'w3' || n.word === 'w4' || n.word === 'w0'));
  const scores = e.scoreRows(e.getUnit('w0'));
  assert.ok(Number.isNaN(scores[3]) && Number.isNaN(scores[4]) && Math.abs(scores[0] - 1) < 1e-6);
});

test('mostSimilarBatch gives each query what mostSimilar gives it', async () => {
  const e = await model(3000, 30, 3, [11]).prepare();
  const next = rng(9);
  const vector = Float32Array.from({ length: 30 }, () => next() - 0.5);
  const queries = [...Array.from({ length: 40 }, (_, i) => `w${i * 71}`), vector, Array.from(vector)];
  for (const restrictVocab of [undefined, 1500]) {
    const batch = e.mostSimilarBatch(queries, 7, restrictVocab);
    queries.forEach((q, i) => assert.deepEqual(batch[i], e.mostSimilar({ positive: [q], topn: 7, restrictVocab }), `query ${i}`));
  }
  assert.deepEqual(e.mostSimilarBatch(['w1'], 0), [[]]);
});

test('results do not depend on whether the fast kernel is used', async () => {
  // Before prepare() the kernel may not be compiled yet; a fresh model built after it is, uses it.
  const slow = model(2000, 20, 4, [5]);
  const viaReference = ['w1', 'w2', 'w3'].map((w) => bruteForce(slow, [[w, 1]], 10));
  const fast = await model(2000, 20, 4, [5]).prepare();
  ['w1', 'w2', 'w3'].forEach((w, i) => assertSame(fast.mostSimilar(w), viaReference[i], w));
  assert.deepEqual(fast.unitMatrix(), (() => {
    const u = new Float32Array(2000 * 20);
    for (let r = 0; r < 2000; r++) u.set(unit(fast.row(r)), r * 20);
    return u;
  })());
});
