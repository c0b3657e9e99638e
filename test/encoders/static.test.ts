import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateCommonComponent, guessTokenizer, NoKnownWordError, StaticEncoder, wordProbabilities } from '../../src/encoders/static.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';

const WORDS = ['the', 'cat', 'sat', 'mat', '猫', '坐'];
const DIM = 3;
const ROWS = [
  [1, 0, 0],
  [0, 2, 0],
  [0, 0, 3],
  [1, 1, 1],
  [0, 4, 0],
  [0, 0, 1],
];
const COUNTS = [600, 200, 100, 50, 30, 20];

function model(counts?: number[]): Embeddings {
  return new Embeddings(new Vocabulary(WORDS, counts), Float32Array.from(ROWS.flat()), DIM);
}

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function close(actual: ArrayLike<number>, want: number[], tol = 1e-6): void {
  assert.equal(actual.length, want.length);
  want.forEach((w, i) => assert.ok(Math.abs(actual[i] - w) <= tol, `[${i}] ${actual[i]} vs ${w}`));
}

test('mean pooling: unit length of the mean raw vector; case falls back to lowercase; punctuation dropped', async () => {
  const enc = new StaticEncoder(model());
  const r = await enc.encode(['The cat, sat.', 'mat']);
  close(r.vectors[0], unit([1, 2, 3]));
  close(r.vectors[1], unit([1, 1, 1]));
  assert.deepEqual(r.tokens, [3, 1]);
  assert.equal(enc.tokenizerName, 'unicode');
});

test('unknown words are counted, not pooled', async () => {
  const r = await new StaticEncoder(model()).encode(['cat dog', 'sat']);
  close(r.vectors[0], [0, 1, 0]);
  close(r.vectors[1], [0, 0, 1]);
  assert.deepEqual(r.tokens, [2, 1]);
});

test('a text with no known word is refused, naming its index (never a zero vector)', async () => {
  const enc = new StaticEncoder(model());
  for (const texts of [['cat', 'dog bird'], ['cat', '!!!']]) {
    await assert.rejects(enc.encode(texts), (err: unknown) => {
      assert.ok(err instanceof NoKnownWordError, String(err));
      assert.equal(err.index, 1);
      assert.match(err.message, /input 1 .*no word/);
      return true;
    });
  }
});

test('the SIF common component is estimated from the sample texts that have known words', () => {
  const enc = new StaticEncoder(model());
  const c = estimateCommonComponent(enc, ['cat', 'dog bird', 'cat cat']);
  close(c, [0, 1, 0]);
});

test('SIF weights a/(a+p(w)) from the vocabulary counts', async () => {
  const a = 1e-3;
  const enc = new StaticEncoder(model(COUNTS), { pooling: 'sif' });
  const total = COUNTS.reduce((x, y) => x + y, 0);
  const w = (i: number) => a / (a + COUNTS[i] / total);
  const r = await enc.encode(['the cat']);
  close(r.vectors[0], unit([w(0) * 1, w(1) * 2, 0]));
  // Frequent words weigh less than under mean pooling.
  const mean = await new StaticEncoder(model(COUNTS)).encode(['the cat']);
  assert.ok(r.vectors[0][0] < mean.vectors[0][0]);
});

test('SIF without counts estimates p(w) from the row order (Zipf)', () => {
  const p = wordProbabilities(model());
  const h = WORDS.reduce((s, _, i) => s + 1 / (i + 1), 0);
  close(p, WORDS.map((_, i) => 1 / ((i + 1) * h)), 1e-12);
  close(wordProbabilities(model(COUNTS)), COUNTS.map((c) => c / 1000), 1e-12);
});

test('common-component removal leaves text vectors orthogonal to the component', async () => {
  const base = new StaticEncoder(model(COUNTS), { pooling: 'sif' });
  const component = estimateCommonComponent(base, ['the cat', 'the mat', 'cat sat', 'sat mat the']);
  assert.ok(Math.abs(Math.hypot(...component) - 1) < 1e-5);
  const enc = new StaticEncoder(model(COUNTS), { pooling: 'sif', commonComponent: component });
  const r = await enc.encode(['the cat sat', 'mat']);
  for (const v of r.vectors) {
    const d = v.reduce((s, x, i) => s + x * component[i], 0);
    assert.ok(Math.abs(d) < 1e-5, `projection ${d}`);
  }
});

test('subword vectors stand in for unknown words when the model has them', async () => {
  const emb = model();
  emb.oov = { vectorFor: (w) => (w.startsWith('ca') ? Float32Array.from([0, 0, 5]) : null) };
  const r = await new StaticEncoder(emb).encode(['cats mat', 'cat']);
  close(r.vectors[0], unit([1, 1, 6]));
  close(r.vectors[1], [0, 1, 0]);
  // A word that neither the vocabulary nor its subwords give a vector for still has none.
  await assert.rejects(new StaticEncoder(emb).encode(['cats', 'xyz']), (err: unknown) => err instanceof NoKnownWordError && err.index === 1);
});

test('token ids index the vocabulary; ids outside it are refused', async () => {
  const enc = new StaticEncoder(model());
  const r = await enc.encodeTokenIds([[1, 2], [3]]);
  close(r.vectors[0], unit([0, 2, 3]));
  close(r.vectors[1], unit([1, 1, 1]));
  assert.deepEqual(r.tokens, [2, 1]);
  await assert.rejects(enc.encodeTokenIds([[6]]), /outside the vocabulary/);
  await assert.rejects(enc.encodeTokenIds([[-1]]), /outside the vocabulary/);
});

test('auto tokenizer: jieba for a Chinese vocabulary, which segments unspaced text', async () => {
  const zh = new Embeddings(new Vocabulary(['我', '爱', '北京', '天安门', '上']), Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1]), 3);
  assert.equal(guessTokenizer(zh), 'jieba');
  assert.equal(guessTokenizer(model()), 'unicode');
  const enc = new StaticEncoder(zh);
  assert.deepEqual(enc.tokens('我爱北京天安门'), ['我', '爱', '北京', '天安门']);
  const r = await enc.encode(['我爱北京天安门']);
  close(r.vectors[0], unit([2, 2, 1]));
});

test('options are checked', () => {
  assert.throws(() => new StaticEncoder(model(), { pooling: 'max' as never }), /pooling/);
  assert.throws(() => new StaticEncoder(model(), { sifA: 0 }), /SIF/);
  assert.throws(() => new StaticEncoder(model(), { commonComponent: new Float32Array(2) }), /dimensions/);
});
