// loadEmbeddings on a fastText .bin honours the load options every other format honours: `limit` keeps the first N
// words (a smaller fastText model, subwords intact), `unicodeErrors` decides what an invalid UTF-8 word does, and an
// option that cannot apply (`vocabFile`: the model carries its own counts) is refused by name, never ignored.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbeddings, loadFastTextModel, saveEmbeddings } from '../../src/formats/index.ts';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import { writeFastTextBin } from '../../src/formats/fasttext-bin-write.ts';
import { FormatError, InvalidArgumentError } from '../../src/errors.ts';
import { fixture } from './fasttext-bin-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-ftbin-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const MODEL = fixture('tiny-skipgram.bin');
const LIMIT = 7;

test('limit: the first N words with the vectors of the whole model, and unknown words still built from subwords', async () => {
  const full = await readFastTextBin(MODEL);
  assert.ok(full.vocab.size > LIMIT * 2);
  const emb = await loadEmbeddings(MODEL, { limit: LIMIT });
  assert.equal(emb.size, LIMIT);
  assert.deepEqual(emb.vocab.words, full.vocab.words.slice(0, LIMIT));
  for (let i = 0; i < LIMIT; i++) assert.deepEqual(emb.row(i), full.embeddings.row(i), full.vocab.word(i));
  // A word in no vocabulary is its n-grams alone, in the limited model as in the full one.
  assert.deepEqual(emb.get('zzqxunseen'), full.embeddings.get('zzqxunseen'));
  // Counts come along with the words.
  assert.deepEqual([...emb.vocab.counts], [...full.vocab.counts.slice(0, LIMIT)]);
});

test('limit: saving the limited model as .bin writes a fastText model of N words (not the whole model)', async () => {
  const out = join(dir, 'limited.bin');
  const limited = await loadFastTextModel(MODEL, { limit: LIMIT });
  await saveEmbeddings(limited.embeddings, out, { format: 'fasttext-bin', fastTextModel: limited });
  const back = await readFastTextBin(out);
  const full = await readFastTextBin(MODEL);
  assert.equal(back.vocab.size, LIMIT);
  assert.equal(back.args.bucket, full.args.bucket, 'the n-gram buckets are kept');
  for (let i = 0; i < LIMIT; i++) assert.deepEqual(back.embeddings.row(i), full.embeddings.row(i));
  assert.deepEqual(back.embeddings.get('zzqxunseen'), full.embeddings.get('zzqxunseen'));
});

test('limit on a quantized supervised .ftz: the first N words, the label rows untouched', async () => {
  const path = fixture('tiny-supervised.ftz');
  const full = await readFastTextBin(path);
  const limited = await readFastTextBin(path, { limit: 3 });
  assert.equal(limited.vocab.size, 3);
  assert.equal(limited.input.rows, full.input.rows - (full.vocab.size - 3));
  assert.equal(limited.labels.size, full.labels.size);
  assert.equal(limited.output?.rows, full.output?.rows);
  for (let i = 0; i < 3; i++) assert.deepEqual(limited.embeddings.row(i), full.embeddings.row(i), full.vocab.word(i));
  assert.deepEqual(limited.embeddings.get('zzqxunseen'), full.embeddings.get('zzqxunseen'));
});

test('limit larger than the vocabulary reads every word', async () => {
  const full = await readFastTextBin(MODEL);
  assert.equal((await loadEmbeddings(MODEL, { limit: full.vocab.size + 100 })).size, full.vocab.size);
});

test('unicodeErrors: replace (fastText treats words as bytes) by default, strict fails with the byte offset, ignore is refused by name', async () => {
  // A copy of the fixture whose entry 3 holds a byte that is not UTF-8.
  const model = await readFastTextBin(MODEL);
  const word = model.vocab.word(3);
  const bad = Uint8Array.from([...Buffer.from(word), 0xff]);
  const path = join(dir, 'invalid-utf8.bin');
  await writeFastTextBin({ ...model, rawWords: new Map([[3, bad]]) }, path);

  const lenient = await loadEmbeddings(path);
  assert.equal(lenient.vocab.word(3), `${word}\uFFFD`);
  assert.equal(lenient.size, model.vocab.size);
  assert.equal((await loadEmbeddings(path, { unicodeErrors: 'replace' })).vocab.word(3), `${word}\uFFFD`);

  await assert.rejects(loadEmbeddings(path, { unicodeErrors: 'strict' }), (err: Error) => {
    assert.ok(err instanceof FormatError, String(err));
    assert.match(err.message, /invalid UTF-8/);
    assert.match(err.message, /byte \d+/);
    assert.ok(err.message.includes(path));
    return true;
  });
  await assert.rejects(loadEmbeddings(path, { unicodeErrors: 'ignore' }), (err: Error) => {
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.match(err.message, /unicodeErrors/);
    return true;
  });
  // A valid model loads under strict.
  assert.equal((await loadEmbeddings(MODEL, { unicodeErrors: 'strict' })).size, model.vocab.size);
});

test('vocabFile is refused by name: a fastText model carries its own word counts', async () => {
  await assert.rejects(loadEmbeddings(MODEL, { vocabFile: join(dir, 'vocab.txt') }), (err: Error) => {
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.match(err.message, /vocabFile/);
    return true;
  });
});
