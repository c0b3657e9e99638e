import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neighbourhoodMeans, neighbourhoodMeansReference } from '../../../src/apps/align/csls.ts';
import { induceDictionary } from '../../../src/apps/align/induce.ts';
import { loadSimilarityKernel } from '../../../src/kernels/fast-similarity.ts';
import { evaluateBilingual, translate } from '../../../src/apps/align/translate.ts';
import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';
import { gaussian } from './numpy-reference.ts';

// CSLS written out from its definition (Conneau et al. 2018, MUSE), in float64 with plain loops:
// CSLS(x, y) = 2·cos(x, y) − r_T(x) − r_S(y), r_T(x) the mean cosine of x to its k nearest targets, r_S(y) the mean
// cosine of y to its k nearest sources.

function space(prefix: string, n: number, d: number, normal: () => number): Embeddings {
  return new Embeddings(new Vocabulary(Array.from({ length: n }, (_, i) => `${prefix}${i}`)), Float32Array.from({ length: n * d }, normal), d);
}

function cos(a: Embeddings, i: number, b: Embeddings, j: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let t = 0; t < a.dim; t++) {
    const x = a.vectors[i * a.dim + t];
    const y = b.vectors[j * b.dim + t];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

function meanTopK(q: Embeddings, i: number, base: Embeddings, rows: number, k: number): number {
  const s = Array.from({ length: rows }, (_, j) => cos(q, i, base, j)).sort((a, b) => b - a);
  return s.slice(0, k).reduce((a, b) => a + b, 0) / k;
}

function bruteCsls(src: Embeddings, tgt: Embeddings, i: number, k: number, rows = Infinity): number[] {
  const sRows = Math.min(rows, src.size);
  const tRows = Math.min(rows, tgt.size);
  const rT = meanTopK(src, i, tgt, tRows, k);
  return Array.from({ length: tRows }, (_, j) => 2 * cos(src, i, tgt, j) - rT - meanTopK(tgt, j, src, sRows, k));
}

function ranked(scores: number[], n: number): number[] {
  return scores.map((s, j) => [s, j]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, n).map(([, j]) => j);
}

const normal = gaussian(42);
const src = space('s', 40, 6, normal);
const tgt = space('t', 55, 6, normal);

test('translate with csls ranks and scores as the brute-force definition (k = 3, and restricted to 30 rows)', () => {
  for (const restrictVocab of [undefined, 30]) {
    const words = ['s0', 's7', 's21', 's39'];
    const got = translate(src, tgt, words, { csls: true, k: 3, topn: 5, restrictVocab });
    words.forEach((w, q) => {
      const i = src.vocab.indexOf(w);
      const want = bruteCsls(src, tgt, i, 3, restrictVocab ?? Infinity);
      const best = ranked(want, 5);
      assert.deepEqual(got[q].translations!.map((n) => n.word), best.map((j) => `t${j}`), `${w}, restrictVocab ${restrictVocab}`);
      got[q].translations!.forEach((n, r) => assert.ok(Math.abs(n.score - want[best[r]]) < 1e-5, `${w}: score ${n.score} vs ${want[best[r]]}`));
    });
  }
});

test('translate without csls is cosine nearest neighbour', () => {
  const got = translate(src, tgt, ['s3'], { topn: 4 })[0].translations!;
  const want = ranked(Array.from({ length: tgt.size }, (_, j) => cos(src, 3, tgt, j)), 4);
  assert.deepEqual(got.map((n) => n.word), want.map((j) => `t${j}`));
});

test('evaluateBilingual counts a word as found at k when any listed translation is in its top k (MUSE)', () => {
  // Each source word's gold list: its 3rd-best CSLS target and one word the target space lacks.
  const pairs: [string, string][] = [];
  const third = new Map<number, number>();
  for (let i = 0; i < 10; i++) {
    const j = ranked(bruteCsls(src, tgt, i, 10), 3)[2];
    third.set(i, j);
    pairs.push([`s${i}`, `t${j}`], [`s${i}`, 'absent']);
  }
  pairs.push(['nowhere', 't1']);
  const r = evaluateBilingual(src, tgt, pairs, { csls: true });
  assert.deepEqual(r.precision, { 1: 0, 5: 1, 10: 1 });
  assert.equal(r.queries, 10);
  assert.equal(r.missingPairs, 11);
  assert.deepEqual(r.missingTarget, ['absent']);
  assert.deepEqual(r.missingSource, ['nowhere']);
  // With the 3rd-best listed next to the best for half the words, P@1 is one half.
  const half = pairs.concat(Array.from({ length: 5 }, (_, i): [string, string] => [`s${i}`, `t${ranked(bruteCsls(src, tgt, i, 10), 1)[0]}`]));
  assert.equal(evaluateBilingual(src, tgt, half, { csls: true, at: [1] }).precision[1], 0.5);
});

test('induceDictionary (mutual, csls) keeps exactly the pairs that are each other\'s CSLS nearest neighbour', () => {
  const k = 4;
  const got = induceDictionary(src, tgt, { rows: 1000, csls: true, k, mode: 'mutual' });
  const fwd = Array.from({ length: src.size }, (_, i) => ranked(bruteCsls(src, tgt, i, k), 1)[0]);
  const bwd = Array.from({ length: tgt.size }, (_, j) => ranked(bruteCsls(tgt, src, j, k), 1)[0]);
  const want = fwd.map((j, i) => [i, j]).filter(([i, j]) => bwd[j] === i);
  assert.ok(want.length > 0);
  assert.deepEqual(Array.from(got.srcRows, (s, p) => [s, got.tgtRows[p]]), want);
});

test('neighbourhoodMeans on the search kernel: CSLS\'s r as the brute-force definition, ties, restricted rows and zero rows included', async () => {
  assert.ok(await loadSimilarityKernel(), 'WebAssembly SIMD is available on Node 20');
  const d = 12;
  const g = gaussian(7);
  const queries = space('q', 300, d, g);
  const base = space('b', 420, d, g);
  // A hub: 40 copies of one vector (ties at the k-th score, and queries near it whose candidates are many) and
  // a zero row, which is never a neighbour.
  for (let r = 1; r < 40; r++) base.vectors.copyWithin(r * d, 0, d);
  base.vectors.fill(0, 50 * d, 51 * d);
  for (let r = 0; r < 20; r++) for (let t = 0; t < d; t++) queries.vectors[r * d + t] = base.vectors[t] + 0.01 * g();
  queries.invalidate();
  base.invalidate();
  for (const [rows, baseRows, k] of [[300, 420, 10], [250, 400, 10], [30, 60, 3], [5, 8, 10]] as const) {
    const got = neighbourhoodMeans(queries, rows, base, baseRows, k);
    const kk = Math.min(k, baseRows);
    assert.equal(got.length, rows);
    for (let i = 0; i < rows; i++) {
      const cosines = Array.from({ length: baseRows }, (_, j) => cos(queries, i, base, j)).filter((c) => !Number.isNaN(c)).sort((a, b) => b - a);
      const want = cosines.slice(0, kk).reduce((a, b) => a + b, 0) / kk;
      assert.ok(Math.abs(got[i] - want) < 1e-5, `rows ${rows}/${baseRows}, k ${k}, query ${i}: ${got[i]} vs ${want}`);
    }
    // The reference path (each query through the base space's own search) gives the same means.
    const ref = neighbourhoodMeansReference(queries, rows, base, baseRows, k);
    for (let i = 0; i < rows; i++) assert.ok(Math.abs(got[i] - ref[i]) < 1e-6, `query ${i}: kernel ${got[i]}, reference ${ref[i]}`);
  }
});
