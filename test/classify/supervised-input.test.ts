import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cppNumber } from '../../src/apps/classify/cpp-number.ts';
import { fastTextTokens, SupervisedInput, wordNgramBuckets, WORD_NGRAM_MULTIPLIER } from '../../src/vectors/fasttext-supervised-input.ts';
import { fastTextHashString } from '../../src/vectors/subwords.ts';
import { seededRandom } from '../../src/util/random.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { encodeExamples, encodeRecorded } from '../../src/train/supervised-examples.ts';
import { countSupervisedDictionary } from '../../src/train/supervised-dictionary.ts';

/** fastText's Dictionary::addWordNgrams in 64-bit unsigned integers, literally. */
function referenceBuckets(hashes: number[], n: number, bucket: number): number[] {
  const out: number[] = [];
  const u64 = (x: number) => BigInt.asUintN(64, BigInt(x)); // int32 → uint64 sign-extends
  for (let i = 0; i < hashes.length; i++) {
    let h = u64(hashes[i]);
    for (let j = i + 1; j < hashes.length && j < i + n; j++) {
      h = BigInt.asUintN(64, h * BigInt(WORD_NGRAM_MULTIPLIER) + u64(hashes[j]));
      out.push(Number(h % BigInt(bucket)));
    }
  }
  return out;
}

test('word n-gram buckets equal 64-bit arithmetic for random hashes, n-gram lengths and bucket counts', () => {
  const rnd = seededRandom(3);
  for (let trial = 0; trial < 300; trial++) {
    const len = 1 + Math.floor(rnd() * 12);
    const hashes = Array.from({ length: len }, () => (Math.floor(rnd() * 2 ** 32) | 0));
    const n = 2 + Math.floor(rnd() * 4);
    const bucket = [1, 7, 2_000_000, 99_999_989, 100_000_000][trial % 5];
    const ours: number[] = [];
    wordNgramBuckets(hashes, len, n, bucket, ours, 0);
    assert.deepEqual(ours, referenceBuckets(hashes, n, bucket), `hashes ${hashes} n ${n} bucket ${bucket}`);
  }
});

test('a line\'s rows: words, then word bigrams over every word (unknown ones and </s> too); labels apart', () => {
  const vocab = new Vocabulary(['</s>', 'the', 'cat'], [3, 2, 1]);
  const labels = new Vocabulary(['__label__a', '__label__b'], [2, 1]);
  const input = new SupervisedInput({ vocab, labels, labelPrefix: '__label__', wordNgrams: 2, bucket: 1000, minn: 0, maxn: 0, pruneIndex: null });
  const line = input.encode(fastTextTokens('the\t__label__b unseen cat __label__zz'), true);
  assert.deepEqual(line.labels, [1], 'unknown labels are dropped');
  assert.equal(line.tokens, 6);
  const hashes = ['the', 'unseen', 'cat', '</s>'].map((w) => fastTextHashString(w) | 0);
  assert.deepEqual(line.rows, [1, 2, 0, ...referenceBuckets(hashes, 2, 1000).map((b) => 3 + b)]);
  assert.deepEqual(input.encode([], false).rows, [], 'an empty line without its newline has no rows');
});

test('fastText\'s tokens: its separators only', () => {
  assert.deepEqual(fastTextTokens('  a\tb\u000bc\fd\re\u0000f  '), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(fastTextTokens('non\u00a0breaking'), ['non\u00a0breaking']);
});

test('numbers print as C++ streams print them (printf %g)', () => {
  const cases: [number, number, string][] = [
    [0.704, 3, '0.704'], [1, 3, '1'], [0.8, 3, '0.8'], [0.70449, 3, '0.704'], [0.9999, 3, '1'], [0.333408, 6, '0.333408'],
    [0.0510267, 6, '0.0510267'], [1.00001, 6, '1.00001'], [1e-5, 6, '1e-05'], [0.0001234, 6, '0.0001234'], [123456789, 6, '1.23457e+08'],
    [100000, 6, '100000'], [1000000, 6, '1e+06'], [0, 6, '0'], [NaN, 3, '-nan'],
  ];
  for (const [x, p, s] of cases) assert.equal(cppNumber(x, p), s, `${x} with precision ${p}`);
});

test('encoding the examples marks exactly the input rows they use (the rows the end-of-training check reads)', async () => {
  const vocab = new Vocabulary(['</s>', 'the', 'cat', 'dog', 'unused'], [5, 4, 3, 2, 1]);
  const labels = new Vocabulary(['__label__a', '__label__b'], [2, 1]);
  const bucket = 1000;
  const input = new SupervisedInput({ vocab, labels, labelPrefix: '__label__', wordNgrams: 2, bucket, minn: 0, maxn: 0, pruneIndex: null });
  const lines = ['__label__a the cat', 'the dog __label__b', 'no label here', '__label__a cat cat dog', ...Array.from({ length: 50 }, (_, i) => `__label__b the w${i} dog`)];
  const used = new Uint8Array(vocab.size + bucket);
  const expected = new Set<number>();
  // Small chunks: rows of every chunk are marked, not only the first one's.
  for await (const chunk of encodeExamples(corpusFromLines(lines), input, 8, used)) for (const id of chunk.ids) if (id >= 0) expected.add(id);
  const marked = [...used.keys()].filter((r) => used[r] === 1);
  assert.deepEqual(marked, [...expected].sort((a, b) => a - b));
  assert.equal(used[vocab.indexOf('unused')], 0);
  assert.ok(marked.some((r) => r >= vocab.size), 'bigram buckets are marked too');
});

test('the first pass encoded from the dictionary pass\'s kept tokens gives the very chunks of reading the file again', async () => {
  const rnd = seededRandom(11);
  const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const n = Math.floor(rnd() * 12);
    // Zipf-like words (the rare ones fall under minCount), labels of which one stays under minCountLabel, some
    // lines without a label, some empty, separators of every kind fastText splits at.
    const tokens = Array.from({ length: n }, () => words[Math.floor(words.length * rnd() ** 3)]);
    const label = rnd() < 0.1 ? [] : [`__label__${['a', 'b', 'c', 'rare'][i === 7 ? 3 : Math.floor(rnd() * 3)]}`];
    lines.push([...label, ...tokens].join(rnd() < 0.5 ? ' ' : '\t'));
  }
  lines.push('', '   ', '__label__a');
  const options = { minCount: 3, minCountLabel: 3, labelPrefix: '__label__', wordNgrams: 3, minn: 2, maxn: 3 };
  const plain = await countSupervisedDictionary(corpusFromLines(lines), options);
  const kept = await countSupervisedDictionary(corpusFromLines(lines), { ...options, recordTokens: 1 << 20 });
  assert.equal(plain.recorded, undefined);
  assert.ok(kept.recorded, 'the tokens are kept below the limit');
  assert.deepEqual(kept.vocab.words, plain.vocab.words);
  assert.deepEqual(kept.labels.words, plain.labels.words);
  assert.deepEqual([...plain.labels.words].sort(), ['__label__a', '__label__b', '__label__c'], 'the label under minCountLabel is dropped');
  assert.equal((await countSupervisedDictionary(corpusFromLines(lines), { ...options, recordTokens: 100 })).recorded, undefined, 'none kept over the limit');
  assert.ok(plain.vocab.size < words.length + 1, 'some words fall under minCount');
  const bucket = 5000;
  for (const pruneIndex of [null, new Map(Array.from({ length: bucket / 2 }, (_, i) => [i * 2, i] as [number, number]))]) {
    const input = new SupervisedInput({ vocab: plain.vocab, labels: plain.labels, labelPrefix: '__label__', wordNgrams: 3, bucket, minn: 2, maxn: 3, pruneIndex });
    const usedA = new Uint8Array(plain.vocab.size + bucket);
    const usedB = new Uint8Array(plain.vocab.size + bucket);
    const fromFile = [];
    for await (const chunk of encodeExamples(corpusFromLines(lines), input, 64, usedA)) fromFile.push(chunk);
    const fromKept = [];
    for await (const chunk of encodeRecorded(kept.recorded, input, 64, usedB)) fromKept.push(chunk);
    assert.ok(fromFile.length > 5, 'several chunks');
    assert.deepEqual(fromKept, fromFile);
    assert.deepEqual(usedB, usedA);
  }
});
