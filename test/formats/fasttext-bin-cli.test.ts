import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import { writeFastTextBin } from '../../src/formats/fasttext-bin-write.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { fastTextModelFromEmbeddings } from '../../src/vectors/fasttext-model.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { needs } from '../helpers/oracles.ts';
import { assertMatchesPrinted, fixture, printWordVectors, readPrinted, sharedFixture } from './fasttext-bin-helpers.ts';

/**
 * Interop with the fastText CLI itself: models it trains load with the vectors it prints, and models we
 * write are read by it with the vectors we compute. Each test checks `needs(t, 'fasttext')` before it runs the CLI.
 */

const QUERIES = readFileSync(fixture('words.txt'), 'utf8').trim().split('\n');

function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-ftcli-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** A small corpus with repeated Latin, Cyrillic and CJK words (deterministic). */
function corpus(): string {
  const stems = ['walk', 'talk', 'read', 'город', 'дорог', 'книг', '東京', '大学', '山川'];
  const endings = ['', 'ed', 'ing', 'а', 'ами', 'ов', '人', '道'];
  const lines: string[] = [];
  let s = 7;
  const next = (n: number) => {
    s = (Math.imul(s, 48271) + 11) >>> 0;
    return s % n;
  };
  for (let l = 0; l < 200; l++) {
    const words: string[] = [];
    for (let k = 0; k < 12; k++) words.push(stems[next(stems.length)] + endings[next(endings.length)]);
    lines.push(words.join(' '));
  }
  return lines.join('\n') + '\n';
}

/** Every vocabulary word plus the shared queries and some unknown forms of the corpus's stems. */
function queriesFor(vocab: Vocabulary): string[] {
  return [...vocab.words, ...QUERIES, 'walkers', 'городами', 'книжка', '東京人々', 'z'];
}

test('a model trained by `fasttext skipgram` loads with the vectors fastText prints, and fastText reads our copy', async (t) => {
  if (!needs(t, 'fasttext')) return;
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'corpus.txt'), corpus());
    execFileSync('fasttext', ['skipgram', '-input', join(dir, 'corpus.txt'), '-output', join(dir, 'model'), '-dim', '10', '-epoch', '1', '-minCount', '1', '-bucket', '2000', '-thread', '1', '-verbose', '0']);
    const model = await readFastTextBin(join(dir, 'model.bin'));
    const words = queriesFor(model.vocab);
    assert.ok(words.some((w) => !model.vocab.has(w) && /[^\p{ASCII}]/u.test(w)));
    const printed = printWordVectors(join(dir, 'model.bin'), words);
    assert.equal(printed.length, words.length);
    for (const [word, vector] of printed) assertMatchesPrinted(model.embeddings.has(word) ? model.embeddings.get(word) : model.subwords.wordVector(word), vector, word);

    // Our writer → fastText reads it and prints our vectors.
    const ours = join(dir, 'ours.bin');
    await writeFastTextBin(model, ours);
    for (const [word, vector] of printWordVectors(ours, words)) assertMatchesPrinted(model.subwords.wordVector(word), vector, `ours: ${word}`);
  });
});

for (const loss of ['softmax', 'hs'] as const) {
  test(`both ways for ${loss}: fastText's ${loss} model loads as it prints, and fastText reads our ${loss} model and prints our vectors`, async (t) => {
    if (!needs(t, 'fasttext')) return;
    await withTempDir(async (dir) => {
      const text = join(dir, 'corpus.txt');
      writeFileSync(text, corpus());
      execFileSync('fasttext', ['skipgram', '-input', text, '-output', join(dir, 'theirs'), '-loss', loss, '-dim', '8', '-epoch', '1', '-minCount', '1', '-bucket', '2000', '-thread', '1', '-verbose', '0']);
      const theirs = await readFastTextBin(join(dir, 'theirs.bin'));
      assert.equal(theirs.args.loss, loss);
      const words = queriesFor(theirs.vocab);
      for (const [word, vector] of printWordVectors(join(dir, 'theirs.bin'), words)) assertMatchesPrinted(theirs.subwords.wordVector(word), vector, `theirs: ${word}`);

      const { model: ours } = await trainFastText({ input: text, output: join(dir, 'ours.bin'), loss, dim: 8, epochs: 1, minCount: 1, bucket: 2000, threads: 1 });
      assert.equal((await readFastTextBin(join(dir, 'ours.bin'))).args.loss, loss);
      for (const [word, vector] of printWordVectors(join(dir, 'ours.bin'), words)) assertMatchesPrinted(ours.subwords.wordVector(word), vector, `ours: ${word}`);
    });
  });
}

test('vectors without subwords written as .bin print as their rows in fastText (zeros for unknown words)', async (t) => {
  if (!needs(t, 'fasttext')) return;
  await withTempDir(async (dir) => {
    const words = ['alpha', 'бета', '北海道', '</s>'];
    const vectors = Float32Array.from({ length: words.length * 3 }, (_, i) => Math.sin(i + 1) * 0.7);
    const emb = new Embeddings(new Vocabulary(words), vectors, 3);
    const path = join(dir, 'plain.bin');
    await writeFastTextBin(fastTextModelFromEmbeddings(emb), path);
    const printed = printWordVectors(path, [...words, 'gamma']);
    words.forEach((w, i) => assertMatchesPrinted(emb.row(i), printed[i][1], w));
    assert.deepEqual(printed[words.length][1], [0, 0, 0]);
  });
});

test('crime-and-punishment.bin (Cyrillic) loads as fastText prints it', async (t) => {
  const path = sharedFixture('crime-and-punishment.bin');
  const model = await readFastTextBin(path);
  const vec = readPrinted(sharedFixture('crime-and-punishment.vec')).slice(1);
  assert.equal(vec.length, model.vocab.size);
  for (const [word, vector] of vec) assertMatchesPrinted(model.embeddings.get(word), vector, word);
  if (!needs(t, 'fasttext')) return;
  const words = [...model.vocab.words.slice(0, 40), 'раскольниковщина', 'преступлениями', 'наказанием', 'петербургский', 'mysterious', '北海道'];
  const printed = printWordVectors(path, words);
  for (const [word, vector] of printed) assertMatchesPrinted(model.subwords.wordVector(word), vector, word);
  await withTempDir(async (dir) => {
    await writeFastTextBin(model, join(dir, 'ours.bin'));
    assert.ok(readFileSync(join(dir, 'ours.bin')).equals(readFileSync(path)), 'byte-identical copy');
  });
});

test('lee_fasttext.bin (header-less first-release layout) loads with its .vec, and saves as a version-12 file fastText reads', async (t) => {
  const model = await readFastTextBin(sharedFixture('lee_fasttext.bin'));
  assert.equal(model.version, 0);
  const vec = readPrinted(sharedFixture('lee_fasttext.vec')).slice(1);
  assert.equal(vec.length, model.vocab.size);
  // Includes `</s>`, which such files gave n-grams.
  assert.ok(model.vocab.has('</s>'));
  for (const [word, vector] of vec) assertMatchesPrinted(model.embeddings.get(word), vector, word);
  if (!needs(t, 'fasttext')) return;
  await withTempDir(async (dir) => {
    const ours = join(dir, 'lee12.bin');
    await writeFastTextBin(model, ours);
    const words = [...model.vocab.words.slice(0, 60), 'mysteriously', 'unprecedentedly', 'Москва', '北海道', 'q'];
    for (const [word, vector] of printWordVectors(ours, words)) assertMatchesPrinted(model.subwords.wordVector(word), vector, `lee v12: ${word}`);
  });
});

test('a quantized model with quantized output (-qout) loads, and our copy predicts as the original', async (t) => {
  if (!needs(t, 'fasttext')) return;
  await withTempDir(async (dir) => {
    // -qout quantizes the output matrix, which needs at least 256 rows: 260 labels.
    const lines: string[] = [];
    for (let l = 0; l < 1200; l++) lines.push(`__label__L${l % 260} ` + Array.from({ length: 8 }, (_, k) => `w${(l * 7 + k * 13) % 400}`).join(' '));
    const data = join(dir, 'labelled.txt');
    writeFileSync(data, lines.join('\n') + '\n');
    const base = join(dir, 'q');
    const opts = ['-dim', '10', '-epoch', '1', '-minCount', '1', '-bucket', '1000', '-minn', '2', '-maxn', '3', '-thread', '1', '-verbose', '0'];
    execFileSync('fasttext', ['supervised', '-input', data, '-output', base, ...opts]);
    execFileSync('fasttext', ['quantize', '-input', data, '-output', base, '-qout', '-qnorm', '-dsub', '3', '-cutoff', '500', '-verbose', '0']);
    const model = await readFastTextBin(`${base}.ftz`);
    assert.equal(model.output?.constructor.name, 'QuantizedMatrix');
    const words = ['w1', 'w399', 'w1x', 'zzz', 'ш'];
    for (const [word, vector] of printWordVectors(`${base}.ftz`, words)) assertMatchesPrinted(model.subwords.wordVector(word), vector, word);
    const ours = join(dir, 'ours.ftz');
    await writeFastTextBin(model, ours);
    assert.ok(readFileSync(ours).equals(readFileSync(`${base}.ftz`)));
    const predict = (file: string) => execFileSync('fasttext', ['predict-prob', file, '-', '3'], { input: 'w1 w2 w3\nw5 w9\n' }).toString();
    assert.equal(predict(ours), predict(`${base}.ftz`));
  });
});
