import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classTfidf, countByClass, keywordTokens, mergeCounts, sparseCosine, topTerms } from '../../../src/apps/topics/ctfidf.ts';
import { seededRandom } from '../../../src/util/random.ts';

/** c-TF-IDF the slow way: a dense class × term count matrix from the joined documents of each class. */
function bruteForce(docs: string[][], classOf: number[], classes: number) {
  const vocab = [...new Set(docs.flat())].sort();
  const m = Array.from({ length: classes }, () => vocab.map(() => 0));
  docs.forEach((d, i) => {
    if (classOf[i] < 0) return;
    const joined = d.join(' ').split(' ').filter(Boolean);
    for (const w of joined) m[classOf[i]][vocab.indexOf(w)]++;
  });
  const words = m.map((row) => row.reduce((a, b) => a + b, 0));
  const A = Math.floor(words.reduce((a, b) => a + b, 0) / classes);
  const f = vocab.map((_, t) => m.reduce((s, row) => s + row[t], 0));
  return { vocab, w: m.map((row, c) => row.map((n, t) => (f[t] === 0 ? 0 : (n / words[c]) * Math.log(1 + A / f[t])))) };
}

test('c-TF-IDF equals a brute-force computation of tf(t, c) × ln(1 + A / f(t))', () => {
  const r = seededRandom(5);
  const lexicon = Array.from({ length: 40 }, (_, i) => `w${i}`);
  const classes = 4;
  const classOf = Array.from({ length: 60 }, (_, i) => (i % 7 === 6 ? -1 : i % classes));
  const docs = classOf.map((c) => Array.from({ length: 5 + Math.floor(r() * 20) }, () => lexicon[Math.min(39, Math.floor(r() * 10) + Math.max(0, c) * 8)]));
  const counts = countByClass(docs, classOf, classes);
  const got = classTfidf(counts.counts);
  const want = bruteForce(docs, classOf, classes);
  for (let c = 0; c < classes; c++) {
    want.vocab.forEach((word, t) => {
      const id = counts.terms.indexOf(word);
      const value = id < 0 ? 0 : (got[c].get(id) ?? 0);
      assert.ok(Math.abs(value - want.w[c][t]) < 1e-12, `class ${c} term ${word}: ${value} vs ${want.w[c][t]}`);
    });
  }
  // The top terms are the heaviest, in order.
  const top = topTerms(got[1], counts.terms, 5);
  const order = want.vocab.map((w, t) => ({ w, v: want.w[1][t] })).sort((a, b) => b.v - a.v || (a.w < b.w ? -1 : 1));
  assert.deepEqual(top.map((t) => t.word), order.slice(0, 5).map((x) => x.w));
});

test('merged classes sum their counts; cosine of sparse weights', () => {
  const counts = countByClass([['a', 'b'], ['b', 'c'], ['c', 'c']], [0, 1, 2], 3);
  const merged = mergeCounts(counts.counts, [[0, 2], [1]]);
  const get = (m: Map<number, number>, w: string) => m.get(counts.terms.indexOf(w)) ?? 0;
  assert.deepEqual(['a', 'b', 'c'].map((w) => get(merged[0], w)), [1, 1, 2]);
  const a = new Map([[0, 1], [1, 2]]);
  const b = new Map([[1, 2], [2, 1]]);
  assert.ok(Math.abs(sparseCosine(a, b) - 4 / 5) < 1e-12);
  assert.equal(sparseCosine(a, new Map()), 0);
});

test('keyword tokens: lower case, two or more word characters, English stop words left out', () => {
  assert.deepEqual(keywordTokens('The Cat sat on a mat, and I saw 42 cats!'), ['cat', 'sat', 'mat', 'saw', '42', 'cats']);
  assert.deepEqual(keywordTokens('The cat', 'none'), ['the', 'cat']);
});

test("BERTopic's variants: BM25 idf and the square root of tf, against the same brute-force counts", () => {
  const docs = [['a', 'a', 'b'], ['b', 'c'], ['c', 'c', 'c', 'd'], ['a', 'd']];
  const classOf = [0, 1, 2, 0];
  const counts = countByClass(docs, classOf, 3);
  // Class words: 5, 2, 4 → A = trunc(11 / 3) = 3; f: a 3, b 2, c 4, d 2.
  const f: Record<string, number> = { a: 3, b: 2, c: 4, d: 2 };
  const words = [5, 2, 4];
  const tf = (c: number, w: string) => (counts.counts[c].get(counts.terms.indexOf(w)) ?? 0) / words[c];
  const bm25 = classTfidf(counts.counts, { bm25: true });
  const both = classTfidf(counts.counts, { bm25: true, reduceFrequentWords: true });
  const sqrt = classTfidf(counts.counts, { reduceFrequentWords: true });
  for (let c = 0; c < 3; c++) {
    for (const w of counts.terms) {
      if (tf(c, w) === 0) continue;
      const id = counts.terms.indexOf(w);
      const idfBm25 = Math.log(1 + (3 - f[w] + 0.5) / (f[w] + 0.5));
      assert.ok(Math.abs(bm25[c].get(id)! - tf(c, w) * idfBm25) < 1e-12, `bm25 ${c} ${w}`);
      assert.ok(Math.abs(both[c].get(id)! - Math.sqrt(tf(c, w)) * idfBm25) < 1e-12, `bm25 + sqrt ${c} ${w}`);
      assert.ok(Math.abs(sqrt[c].get(id)! - Math.sqrt(tf(c, w)) * Math.log(1 + 3 / f[w])) < 1e-12, `sqrt ${c} ${w}`);
    }
  }
});
