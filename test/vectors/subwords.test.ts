import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { charNgrams, fastTextHash, fastTextHashString, FastTextSubwords, ngramBuckets } from '../../src/vectors/subwords.ts';
import { DenseMatrix } from '../../src/vectors/fasttext-matrix.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import { assertMatchesPrinted, fixture, parsePrinted } from '../formats/fasttext-bin-helpers.ts';

test('hash: values fastText gives, including bytes ≥ 0x80 sign-extended', () => {
  assert.equal(fastTextHashString('北海道'), 4096045468);
  assert.equal(fastTextHashString('mysterious'), 1903186891);
  // For ASCII the hash is plain 32-bit FNV-1a (published test vectors).
  assert.equal(fastTextHashString(''), 0x811c9dc5);
  assert.equal(fastTextHashString('a'), 0xe40c292c);
  assert.equal(fastTextHashString('foobar'), 0xbf9cf968);
  // Byte 0xFF xors 0xFFFFFFFF into the state (standard FNV-1a would xor 0xFF): (0x811c9dc5 ^ 0xffffffff) · 16777619 mod 2^32.
  const expected = Number((BigInt(~0x811c9dc5 >>> 0) * 16777619n) & 0xffffffffn);
  assert.equal(fastTextHash(new Uint8Array([0xff])), expected);
});

test('n-grams: by start character then length, the whole <word> when short enough, no bare < or >', () => {
  assert.deepEqual(charNgrams('where', { minn: 3, maxn: 6 }), [
    '<wh', '<whe', '<wher', '<where', 'whe', 'wher', 'where', 'where>', 'her', 'here', 'here>', 'ere', 'ere>', 're>',
  ]);
  assert.deepEqual(charNgrams('ab', { minn: 2, maxn: 2 }), ['<a', 'ab', 'b>']);
  assert.deepEqual(charNgrams('a', { minn: 3, maxn: 6 }), ['<a>']);
  assert.deepEqual(charNgrams('word', { minn: 3, maxn: 0 }), []);
});

test('n-grams count UTF-8 characters, not bytes (Cyrillic, CJK)', () => {
  assert.deepEqual(charNgrams('道', { minn: 1, maxn: 3 }), ['<道', '<道>', '道', '道>']);
  assert.deepEqual(charNgrams('мир', { minn: 3, maxn: 3 }), ['<ми', 'мир', 'ир>']);
  assert.deepEqual(charNgrams('北海道', { minn: 4, maxn: 5 }), ['<北海道', '<北海道>', '北海道>']);
  // Legacy (pre-version-11) files also counted the edge characters alone.
  assert.deepEqual(charNgrams('道', { minn: 1, maxn: 3, legacy: true }), ['<', '<道', '<道>', '道', '道>', '>']);
});

test('buckets are hash mod bucket; none without buckets', () => {
  const grams = charNgrams('мир', { minn: 3, maxn: 3 });
  assert.deepEqual(ngramBuckets('мир', { minn: 3, maxn: 3, bucket: 1000 }), grams.map((g) => fastTextHashString(g) % 1000));
  assert.deepEqual(ngramBuckets('мир', { minn: 3, maxn: 3, bucket: 0 }), []);
});

/** A matrix whose row r is [r, r·10]: the mean of some rows shows which rows were averaged. */
function indexMatrix(rows: number): DenseMatrix {
  const m = new DenseMatrix(rows, 2);
  for (let r = 0; r < rows; r++) m.row(r).set([r, r * 10]);
  return m;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

test('known words average their own row with their n-gram rows; unknown words their n-gram rows', () => {
  const vocab = new Vocabulary(['ab', '</s>']);
  const bucket = 50;
  const subwords = new FastTextSubwords({ vocab, scheme: { minn: 2, maxn: 2, bucket }, pruneIndex: null, input: indexMatrix(2 + bucket) });
  const row = (g: string) => 2 + (fastTextHashString(g) % bucket);
  assert.deepEqual(subwords.rowsFor('ab'), [0, row('<a'), row('ab'), row('b>')]);
  assert.deepEqual(subwords.rowsFor('xb'), [row('<x'), row('xb'), row('b>')]);
  // `</s>` is a word with no n-grams.
  assert.deepEqual(subwords.rowsFor('</s>'), [1]);
  const v = subwords.vectorFor('xb')!;
  const expected = mean([row('<x'), row('xb'), row('b>')]);
  assert.ok(Math.abs(v[0] - expected) < 1e-4 && Math.abs(v[1] - expected * 10) < 1e-3);
  const composed = subwords.composeVocabulary();
  assert.ok(Math.abs(composed[0] - mean([0, row('<a'), row('ab'), row('b>')])) < 1e-4);
  assert.equal(composed[2], 1); // `</s>`: its own row only
});

test('no n-grams: unknown words have no vector (null), print-style lookup gives zeros', () => {
  const vocab = new Vocabulary(['ab']);
  const subwords = new FastTextSubwords({ vocab, scheme: { minn: 0, maxn: 0, bucket: 0 }, pruneIndex: null, input: indexMatrix(1) });
  assert.equal(subwords.vectorFor('zz'), null);
  assert.deepEqual([...subwords.wordVector('zz')], [0, 0]);
  assert.deepEqual(subwords.rowsFor('ab'), [0]);
});

test('pruned models use only kept buckets, at their mapped rows; an empty prune index keeps none', () => {
  const vocab = new Vocabulary(['ab']);
  const bucket = 50;
  const kept = fastTextHashString('<x') % bucket;
  const pruned = new FastTextSubwords({ vocab, scheme: { minn: 2, maxn: 2, bucket }, pruneIndex: new Map([[kept, 0]]), input: indexMatrix(2) });
  // Only n-grams falling into the kept bucket remain, all at row nwords + 0.
  const expected = ['<x', 'xq', 'q>'].filter((g) => fastTextHashString(g) % bucket === kept).map(() => 1);
  assert.deepEqual(pruned.rowsFor('xq'), expected);
  assert.deepEqual(pruned.rowsFor('ab'), [0, ...['<a', 'ab', 'b>'].filter((g) => fastTextHashString(g) % bucket === kept).map(() => 1)]);
  const none = new FastTextSubwords({ vocab, scheme: { minn: 2, maxn: 2, bucket }, pruneIndex: new Map(), input: indexMatrix(1) });
  assert.deepEqual(none.rowsFor('ab'), [0]);
  assert.equal(none.vectorFor('xq'), null);
});

test('n-gram lists and rows equal `fasttext print-ngrams` output', async () => {
  const model = await readFastTextBin(fixture('tiny-skipgram.bin'));
  const text = readFileSync(fixture('tiny-skipgram.ngrams.txt'), 'utf8');
  const blocks = text.split(/^== /m).filter((b) => b.trim() !== '');
  assert.equal(blocks.length, 4);
  const input = model.input as DenseMatrix;
  const scheme = model.subwords.scheme;
  for (const block of blocks) {
    const [word, ...rest] = block.split('\n');
    let lines = parsePrinted(rest.join('\n'));
    if (model.vocab.has(word)) {
      // Known words come first with their own input row.
      assert.equal(lines[0][0], word);
      assertMatchesPrinted(input.row(model.vocab.indexOf(word)), lines[0][1], `${word} own row`);
      lines = lines.slice(1);
    }
    assert.deepEqual(lines.map((l) => l[0]), charNgrams(word, scheme), `n-grams of ${word}`);
    for (const [gram, printed] of lines) {
      const row = model.subwords.bucketRow(fastTextHashString(gram) % scheme.bucket);
      assertMatchesPrinted(input.row(row), printed, `row of ${gram}`);
    }
  }
});
