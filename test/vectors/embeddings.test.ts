import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { UnknownWordError } from '../../src/errors.ts';

function small(): Embeddings {
  const words = ['king', 'queen', 'man', 'woman', 'apple'];
  const v = new Float32Array([
    1, 1, 0, 0.1,
    1, -1, 0, 0.1,
    0, 1, 0.2, 0,
    0, -1, 0.2, 0,
    0, 0, 1, 1,
  ]);
  return new Embeddings(new Vocabulary(words), v, 4);
}

test('analogy by vector arithmetic finds queen', () => {
  const e = small();
  const r = e.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 1 });
  assert.equal(r[0].word, 'queen');
  const c = e.mostSimilarCosmul({ positive: ['king', 'woman'], negative: ['man'], topn: 1 });
  assert.equal(c[0].word, 'queen');
});

test('query words are excluded and scores are cosines', () => {
  const e = small();
  const r = e.mostSimilar('king');
  assert.ok(r.every((n) => n.word !== 'king'));
  assert.equal(r.length, 4);
  assert.ok(Math.abs(r.find((n) => n.word === 'queen')!.score - e.similarity('king', 'queen')) < 1e-6);
});

test('unknown words throw UnknownWordError', () => {
  const e = small();
  assert.throws(() => e.get('pear'), UnknownWordError);
  assert.throws(() => e.mostSimilar('pear'), UnknownWordError);
});

test('doesntMatch', () => {
  const fruit = new Embeddings(new Vocabulary(['a', 'b', 'c', 'd']), new Float32Array([1, 0, 0.9, 0.1, 0.95, -0.05, 0, 1]), 2);
  assert.equal(fruit.doesntMatch(['a', 'b', 'c', 'd']), 'd');
});

/** Cosine of two raw rows in float64, the definition rank and closerThan are measured against. */
function cosine(v: Float32Array, dim: number, i: number, j: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < dim; k++) {
    ab += v[i * dim + k] * v[j * dim + k];
    aa += v[i * dim + k] ** 2;
    bb += v[j * dim + k] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

test('closerThan and rank follow gensim\'s definition, checked by brute force over every pair of words', () => {
  // Random rows, plus a row that repeats another: a tie, which is not closer.
  const dim = 6;
  const words = Array.from({ length: 13 }, (_, i) => `w${i}`);
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  const v = new Float32Array(words.length * dim).map(next);
  v.copyWithin(12 * dim, 3 * dim, 4 * dim);
  const e = new Embeddings(new Vocabulary(words), v, dim);
  for (let a = 0; a < words.length; a++) {
    for (let b = 0; b < words.length; b++) {
      if (a === b) continue;
      const threshold = cosine(v, dim, a, b);
      const closer = words.filter((_, c) => c !== a && cosine(v, dim, a, c) > threshold);
      assert.deepEqual(e.closerThan(words[a], words[b]), closer, `closerThan(${words[a]}, ${words[b]})`);
      assert.equal(e.rank(words[a], words[b]), closer.length + 1, `rank(${words[a]}, ${words[b]})`);
    }
  }
});
