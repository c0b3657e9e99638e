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

test('doesntMatch, rank and closerThan', () => {
  const e = small();
  const fruit = new Embeddings(new Vocabulary(['a', 'b', 'c', 'd']), new Float32Array([1, 0, 0.9, 0.1, 0.95, -0.05, 0, 1]), 2);
  assert.equal(fruit.doesntMatch(['a', 'b', 'c', 'd']), 'd');
  assert.equal(e.rank('king', e.mostSimilar({ positive: 'king', topn: 1 })[0].word), 1);
  assert.equal(e.closerThan('king', 'apple').length, e.rank('king', 'apple') - 1);
});
