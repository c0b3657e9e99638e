import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isFastTextBinHead } from '../../src/formats/fasttext-bin-layout.ts';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import { writeFastTextBin, writeFastTextBinStream } from '../../src/formats/fasttext-bin-write.ts';
import { DenseMatrix, QuantizedMatrix } from '../../src/vectors/fasttext-matrix.ts';
import { fastTextModelFromEmbeddings } from '../../src/vectors/fasttext-model.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { InvalidArgumentError, UnknownWordError } from '../../src/errors.ts';
import { assertMatchesPrinted, fixture, readPrinted } from './fasttext-bin-helpers.ts';

const WORDS = readFileSync(fixture('words.txt'), 'utf8').trim().split('\n');
const NON_ASCII = /[^\p{ASCII}]/u;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'embedkit-ftbin-'));
}

test('dense skip-gram model: args and dictionary as written by `fasttext skipgram`', async () => {
  const m = await readFastTextBin(fixture('tiny-skipgram.bin'));
  // The options make-fixtures.sh passed to fastText.
  assert.equal(m.version, 12);
  assert.deepEqual(
    { dim: m.args.dim, epoch: m.args.epoch, minCount: m.args.minCount, bucket: m.args.bucket, minn: m.args.minn, maxn: m.args.maxn, model: m.args.model, loss: m.args.loss },
    { dim: 8, epoch: 5, minCount: 2, bucket: 400, minn: 2, maxn: 4, model: 'skipgram', loss: 'ns' },
  );
  const vec = readPrinted(fixture('tiny-skipgram.vec')).slice(1); // first line: "count dim"
  assert.equal(m.vocab.size, vec.length);
  assert.equal(m.labels.size, 0);
  assert.equal(m.pruneIndex, null);
  assert.ok(m.input instanceof DenseMatrix && m.input.rows === m.vocab.size + 400);
  assert.ok(m.output instanceof DenseMatrix && m.output.rows === m.vocab.size);
  assert.equal(m.embeddings.dim, 8);
  // Vocabulary vectors equal fastText's .vec (own row averaged with n-gram rows), in the same order.
  vec.forEach(([word, printed], i) => {
    assert.equal(m.vocab.word(i), word);
    assertMatchesPrinted(m.embeddings.row(i), printed, word);
  });
});

test('dense model: known and unknown words (ASCII, Cyrillic, CJK) as `fasttext print-word-vectors`', async () => {
  const m = await readFastTextBin(fixture('tiny-skipgram.bin'));
  const printed = readPrinted(fixture('tiny-skipgram.words.txt'));
  assert.deepEqual(printed.map((p) => p[0]), WORDS);
  const unknown = WORDS.filter((w) => !m.vocab.has(w));
  assert.ok(unknown.some((w) => NON_ASCII.test(w)) && unknown.some((w) => !NON_ASCII.test(w)), 'fixture has ASCII and non-ASCII unknown words');
  assert.ok(WORDS.some((w) => m.vocab.has(w) && NON_ASCII.test(w)));
  for (const [word, vector] of printed) {
    assertMatchesPrinted(m.subwords.wordVector(word), vector, word);
    // Embeddings answer the same for every word, known or not.
    assertMatchesPrinted(m.embeddings.get(word), vector, `embeddings.get(${word})`);
  }
});

test('quantized .ftz with pruned dictionary, quantized norms and labels', async () => {
  const m = await readFastTextBin(fixture('tiny-supervised.ftz'));
  assert.equal(m.args.model, 'supervised');
  assert.deepEqual(m.labels.words.slice().sort(), ['__label__cjk', '__label__cyrillic', '__label__latin']);
  assert.ok(m.input instanceof QuantizedMatrix);
  assert.ok(m.input.norms !== null, 'quantized with -qnorm');
  assert.equal(m.input.pq.dsub, 4);
  assert.equal(m.input.pq.lastdsub, 2); // dim 10 = 4 + 4 + 2
  assert.ok(m.pruneIndex !== null && m.pruneIndex.size > 0);
  assert.equal(m.input.rows, m.vocab.size + m.pruneIndex.size);
  const printed = readPrinted(fixture('tiny-supervised.words.txt'));
  assert.deepEqual(printed.map((p) => p[0]), WORDS);
  for (const [word, vector] of printed) assertMatchesPrinted(m.subwords.wordVector(word), vector, word);
  // A word whose n-grams were all pruned has no vector: zeros in fastText, UnknownWordError in queries.
  const empty = printed.find(([w, v]) => !m.vocab.has(w) && v.every((x) => x === 0));
  assert.ok(empty, 'fixture has an unknown word with all n-grams pruned');
  assert.throws(() => m.embeddings.get(empty[0]), UnknownWordError);
});

test('writing a model read from fastText reproduces the file byte for byte (.bin and .ftz)', async () => {
  const dir = tempDir();
  try {
    for (const name of ['tiny-skipgram.bin', 'tiny-supervised.ftz']) {
      const m = await readFastTextBin(fixture(name));
      const out = join(dir, name);
      await writeFastTextBin(m, out);
      assert.ok(readFileSync(out).equals(readFileSync(fixture(name))), `${name} round trip`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('queries work for unknown words', async () => {
  const m = await readFastTextBin(fixture('tiny-skipgram.bin'));
  const e = m.embeddings;
  assert.ok(!e.vocab.has('mysteriously') && e.has('mysteriously'));
  const near = e.mostSimilar({ positive: ['mysteriously'], topn: 3 });
  assert.equal(near.length, 3);
  // Scores are cosines with the subword vector of the unknown word.
  for (const n of near) assert.ok(Math.abs(n.score - e.similarity('mysteriously', n.word)) < 1e-5);
  const a = m.subwords.wordVector('раскольниковщина');
  const b = e.get('раскольников');
  const cos = a.reduce((s, x, k) => s + x * b[k], 0) / Math.hypot(...a) / Math.hypot(...b);
  assert.ok(Math.abs(e.similarity('раскольниковщина', 'раскольников') - cos) < 1e-5);
});

test('Embeddings without subwords become a fastText model of their rows', async () => {
  const emb = new Embeddings(new Vocabulary(['alpha', 'бета', '北']), new Float32Array([1, 2, 3, 4, 5, 6]), 2);
  const dir = tempDir();
  try {
    const path = join(dir, 'plain.bin');
    await writeFastTextBin(emb, path);
    const back = await readFastTextBin(path);
    assert.deepEqual(back.vocab.words, ['alpha', 'бета', '北']);
    assert.deepEqual([...back.embeddings.vectors], [1, 2, 3, 4, 5, 6]);
    assert.equal(back.embeddings.oov!.vectorFor('gamma'), null);
    // A model without n-grams read back writes the same bytes again.
    const again = join(dir, 'again.bin');
    await writeFastTextBin(back.embeddings, again);
    assert.ok(readFileSync(again).equals(readFileSync(path)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the writer refuses models fastText would reject', async () => {
  const m = await readFastTextBin(fixture('tiny-skipgram.bin'));
  const dir = tempDir();
  try {
    const out = join(dir, 'x.bin');
    await assert.rejects(writeFastTextBin({ ...m, pruneIndex: new Map([[1, 0]]) }, out), InvalidArgumentError);
    await assert.rejects(writeFastTextBin({ ...m, args: { ...m.args, bucket: 10 } }, out), /input matrix has 552 rows/);
    await assert.rejects(writeFastTextBin({ ...m, output: null }, out), /no output matrix/);
    const bad = fastTextModelFromEmbeddings(new Embeddings(new Vocabulary(['a\0b']), new Float32Array([1]), 1));
    await assert.rejects(writeFastTextBin(bad, out), /NUL/);
    const noOutput = await readFastTextBin(fixture('tiny-skipgram.bin'), { output: false });
    assert.equal(noOutput.output, null);
    assert.deepEqual(noOutput.embeddings.vectors, m.embeddings.vectors);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the stream writer gives the same bytes', async () => {
  const m = await readFastTextBin(fixture('tiny-supervised.ftz'));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeFastTextBinStream(m, out);
  out.end();
  assert.ok(Buffer.concat(chunks).equals(readFileSync(fixture('tiny-supervised.ftz'))));
});

test('format detection: fastText heads, not word2vec binary ones', () => {
  assert.ok(isFastTextBinHead(readFileSync(fixture('tiny-skipgram.bin')).subarray(0, 8)));
  assert.ok(isFastTextBinHead(readFileSync(fixture('tiny-supervised.ftz')).subarray(0, 8)));
  // Header-less first-release layout: int32 dim 10, int32 ws 5.
  assert.ok(isFastTextBinHead(new Uint8Array([10, 0, 0, 0, 5, 0, 0, 0])));
  assert.ok(!isFastTextBinHead(Buffer.from('1750 10\nthe ')));
  assert.ok(!isFastTextBinHead(Buffer.from('3 2\nab')));
  assert.ok(!isFastTextBinHead(new Uint8Array([0xba, 0x16, 0x4f])));
});
