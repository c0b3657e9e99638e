import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateWordPairs, pearson, spearman, type WordPairsResult } from '../../src/eval/index.ts';
import { EmbedkitError, FormatError } from '../../src/errors.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { gensimReference, type GensimPairs, type PairsRequest } from './helpers/gensim-reference.ts';
import { SAMPLE_PAIRS, sharedFile, tempDir } from './helpers/paths.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';
import { readWord2vecText, structuredModel, toEmbeddings, writeWord2vecText } from './helpers/structured-model.ts';

const hasGensim = whyMissing('gensim') === undefined;
const tmp = tempDir();
after(tmp.cleanup);

/** Equal to gensim to well past the 4th decimal (model cosines differ from gensim's float32 ones by ~1e-7). */
function assertSameAsGensim(ours: WordPairsResult, ref: GensimPairs, label: string): void {
  const near = (a: number, b: number | null, tolerance: number, what: string) => {
    if (b === null) assert.ok(Number.isNaN(a), `${label} ${what}: ${a} vs NaN`);
    else assert.ok(Math.abs(a - b) <= tolerance, `${label} ${what}: ${a} vs gensim ${b}`);
  };
  near(ours.pearson.r, ref.pearson[0], 1e-6, 'pearson r');
  near(ours.spearman.rho, ref.spearman[0], 1e-6, 'spearman rho');
  // p-values: relative, since they can be tiny.
  near(ours.pearson.pValue, ref.pearson[1], 1e-4 * Math.abs(ref.pearson[1] ?? 0), 'pearson p');
  near(ours.spearman.pValue, ref.spearman[1], 1e-4 * Math.abs(ref.spearman[1] ?? 0), 'spearman p');
  // gensim returns a percentage; ours is a fraction, as in analogy results.
  near(ours.oovRatio * 100, ref.oovRatio, 1e-9, 'OOV %');
}

type Config = Omit<PairsRequest, 'path'>;

function configs(size: number): Config[] {
  const cut = Math.floor(size * 0.7);
  return [
    { restrictVocab: size, caseInsensitive: true, dummy4unknown: false },
    { restrictVocab: cut, caseInsensitive: true, dummy4unknown: false },
    { restrictVocab: cut, caseInsensitive: true, dummy4unknown: true },
    { restrictVocab: size, caseInsensitive: false, dummy4unknown: false },
    { restrictVocab: size, caseInsensitive: false, dummy4unknown: true },
  ];
}

const SIZE = 800;
const sampleModel = structuredModel({ seed: 31, dim: 24, size: SIZE, pairsPath: SAMPLE_PAIRS });
const sampleVectors = join(tmp.dir, 'sample.txt');
writeWord2vecText(sampleVectors, sampleModel);
const sampleConfigs = configs(SIZE);
const sampleRef = hasGensim ? gensimReference(sampleVectors, [], sampleConfigs.map((c) => ({ ...c, path: SAMPLE_PAIRS }))) : null;

const fullPairs = sharedFile('eval/wordsim353.tsv');
const fullModel = fullPairs ? structuredModel({ seed: 32, dim: 24, size: 1500, pairsPath: fullPairs }) : null;
const fullVectors = join(tmp.dir, 'full.txt');
if (fullModel) writeWord2vecText(fullVectors, fullModel);
const fullConfigs = configs(1500);
const fullRef = hasGensim && fullModel ? gensimReference(fullVectors, [], fullConfigs.map((c) => ({ ...c, path: fullPairs! }))) : null;

const leeVectors = sharedFile('fixtures/w2v-c-lee.txt');
const leePairs = fullPairs ?? SAMPLE_PAIRS;
const leeConfigs: Config[] = [
  { restrictVocab: 300000, caseInsensitive: true, dummy4unknown: false },
  { restrictVocab: 300000, caseInsensitive: true, dummy4unknown: true },
];
const leeRef = hasGensim && leeVectors ? gensimReference(leeVectors, [], leeConfigs.map((c) => ({ ...c, path: leePairs }))) : null;
for (const p of [sampleRef, fullRef, leeRef]) p?.catch(() => {}); // a failure is reported by the test that awaits it

test('equals gensim on the shipped sample: restrict_vocab, case, dummy4unknown', async (t) => {
  if (!needs(t, 'gensim')) return;
  const emb = toEmbeddings(sampleModel);
  const ours = await Promise.all(sampleConfigs.map((c) => evaluateWordPairs(emb, SAMPLE_PAIRS, c)));
  const ref = await sampleRef!;
  sampleConfigs.forEach((c, i) => assertSameAsGensim(ours[i], ref.pairs[i], JSON.stringify(c)));
  assert.equal(ours[0].pairs, 50);
  assert.ok(ours[0].spearman.rho > 0.3, 'the structured vectors follow the human scores');
  assert.ok(ours[1].oov > 0 && ours[2].pairs === 50 && ours[3].oov > 0, 'restrictVocab and case sensitivity create OOV pairs');
});

test('equals gensim on the full WordSim-353', async (t) => {
  if (!needs(t, 'gensim', 'shared:eval/wordsim353.tsv')) return;
  const emb = toEmbeddings(fullModel!);
  const ours = await Promise.all(fullConfigs.map((c) => evaluateWordPairs(emb, fullPairs!, c)));
  const ref = await fullRef!;
  fullConfigs.forEach((c, i) => assertSameAsGensim(ours[i], ref.pairs[i], JSON.stringify(c)));
  assert.equal(ours[0].pairs + ours[0].oov, 353);
});

test('equals gensim on vectors written by word2vec C (w2v-c-lee)', async (t) => {
  if (!needs(t, 'gensim', 'shared:fixtures/w2v-c-lee.txt')) return;
  const emb = toEmbeddings(readWord2vecText(leeVectors!));
  const ours = await Promise.all(leeConfigs.map((c) => evaluateWordPairs(emb, leePairs, c)));
  const ref = await leeRef!;
  leeConfigs.forEach((c, i) => assertSameAsGensim(ours[i], ref.pairs[i], JSON.stringify(c)));
  assert.ok(ours[0].pairs > 10 && ours[0].oov > 0);
});

function tiny(): Embeddings {
  const words = ['cat', 'tiger', 'car', 'Train', 'TIGER', 'plane'];
  const v = [
    [1, 0, 0],
    [0.9, 0.3, 0],
    [0, 1, 0],
    [0.1, 1, 0.2],
    [0, 0, 1], // a later variant of "tiger": never used when case-insensitive
    [0.3, 0.7, 0.5],
  ];
  return new Embeddings(new Vocabulary(words), Float32Array.from(v.flat()), 3);
}

test('pairs are the model cosines correlated with the human scores; comments, blank lines and CRLF are fine', async () => {
  const emb = tiny();
  const path = join(tmp.dir, 'tiny.tsv');
  writeFileSync(path, '# header\r\ntiger\tcat\t8\r\n\r\ncar\ttrain\t6.5\r\nTiger\tcar\t1_0e-1\r\nplane\tcar\t 4 \r\nzebra\tcat\t7\r\n');
  const r = await evaluateWordPairs(emb, path);
  const model = [emb.similarity('tiger', 'cat'), emb.similarity('car', 'Train'), emb.similarity('tiger', 'car'), emb.similarity('plane', 'car')];
  const gold = [8, 6.5, 1, 4];
  assert.equal(r.pairs, 4);
  assert.equal(r.oov, 1);
  assert.equal(r.oovRatio, 0.2); // a fraction, as analogy results give it (gensim logs 20%)
  assert.ok(Math.abs(r.pearson.r - pearson(gold, model).r) < 1e-7);
  assert.ok(Math.abs(r.spearman.rho - spearman(gold, model).rho) < 1e-12);
  const dummy = await evaluateWordPairs(emb, path, { dummy4unknown: true });
  assert.equal(dummy.pairs, 5);
  assert.equal(dummy.oovRatio, 0.2); // oov / kept pairs, as gensim
  assert.ok(Math.abs(dummy.spearman.rho - spearman([...gold, 7], [...model, 0]).rho) < 1e-12);
  const sensitive = await evaluateWordPairs(emb, path, { caseInsensitive: false });
  assert.deepEqual([sensitive.pairs, sensitive.oov], [2, 3]);
});

test('delimiter: another separator, or null for any whitespace', async () => {
  const emb = tiny();
  const path = join(tmp.dir, 'spaces.txt');
  writeFileSync(path, 'tiger  cat 8\ncar\ttrain   6.5\nplane car 4\n');
  const r = await evaluateWordPairs(emb, path, { delimiter: null });
  assert.equal(r.pairs, 3);
  const comma = join(tmp.dir, 'comma.csv');
  writeFileSync(comma, 'tiger,cat,8\ncar,train,6.5\nplane,car,4\n');
  assert.equal((await evaluateWordPairs(emb, comma, { delimiter: ',' })).pairs, 3);
});

test('malformed pair files fail with the file and line; skipInvalid skips as gensim does', async () => {
  const emb = tiny();
  const path = join(tmp.dir, 'bad.tsv');
  writeFileSync(path, '# c\ntiger\tcat\t8\ncar\ttrain\tsix\nplane\tcar\t4\ncar\tcat\n');
  await assert.rejects(() => evaluateWordPairs(emb, path), (e: unknown) => e instanceof FormatError && e.location.file === path && e.location.line === 3 && /"six"/.test(e.message));
  const skipped = await evaluateWordPairs(emb, path, { skipInvalid: true });
  assert.deepEqual([skipped.pairs, skipped.skipped], [2, 2]);
  const two = join(tmp.dir, 'two.tsv');
  writeFileSync(two, 'tiger\tcat\t8\ncar cat 3\n');
  await assert.rejects(() => evaluateWordPairs(emb, two), (e: unknown) => e instanceof FormatError && e.location.line === 2 && /1 field/.test(e.message));
  const unknown = join(tmp.dir, 'unknown.tsv');
  writeFileSync(unknown, 'zebra\tgnu\t8\n');
  await assert.rejects(() => evaluateWordPairs(emb, unknown), (e: unknown) => e instanceof EmbedkitError && e.code === 'no_pairs' && /outside the vocabulary/.test(e.message));
});
