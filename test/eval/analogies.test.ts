import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateAnalogies, type AnalogyResult } from '../../src/eval/index.ts';
import { EmbedkitError, FormatError, InvalidArgumentError } from '../../src/errors.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { gensimReference, type AnalogyRequest, type GensimAnalogies } from './helpers/gensim-reference.ts';
import { SAMPLE_QUESTIONS, sharedFile, tempDir } from './helpers/paths.ts';
import { needs, whyMissing } from '../helpers/oracles.ts';
import { readWord2vecText, structuredModel, toEmbeddings, writeWord2vecText } from './helpers/structured-model.ts';

const hasGensim = whyMissing('gensim') === undefined;
const tmp = tempDir();
after(tmp.cleanup);

function assertSameAsGensim(ours: AnalogyResult, ref: GensimAnalogies, label: string): void {
  assert.deepEqual(
    ours.sections.map((s) => [s.section, s.correct, s.incorrect]),
    ref.sections.map((s) => [s.section, s.correct, s.incorrect]),
    `${label}: per-section counts`,
  );
  assert.ok(Math.abs(ours.score - ref.score) < 1e-12, `${label}: score ${ours.score} vs gensim ${ref.score}`);
  assert.ok(ref.oovPercent !== null && Math.abs(ours.oovRatio * 100 - ref.oovPercent) < 1e-9, `${label}: OOV ${ours.oovRatio} vs gensim ${ref.oovPercent}%`);
}

type Config = Omit<AnalogyRequest, 'path'>;

function configs(size: number): Config[] {
  const cut = Math.floor(size * 0.85);
  const c = (method: Config['method'], restrictVocab: number, caseInsensitive: boolean, dummy4unknown: boolean): Config => ({ method, restrictVocab, caseInsensitive, dummy4unknown });
  return [
    c('3cosadd', size, true, false),
    c('3cosadd', cut, true, true),
    c('3cosadd', size, false, false),
    c('3cosadd', cut, false, true),
    c('3cosmul', size, true, false),
    c('3cosmul', cut, true, true),
    c('3cosmul', size, false, false),
  ];
}

// Start gensim on every reference job now; it runs while the tests compute their own results.
const SAMPLE_SIZE = 2000;
const sampleModel = structuredModel({ seed: 11, dim: 32, size: SAMPLE_SIZE, questionsPath: SAMPLE_QUESTIONS, noise: 1.1 });
const sampleVectors = join(tmp.dir, 'sample.txt');
writeWord2vecText(sampleVectors, sampleModel);
const sampleConfigs = configs(SAMPLE_SIZE);
const sampleRef = hasGensim ? gensimReference(sampleVectors, sampleConfigs.map((c) => ({ ...c, path: SAMPLE_QUESTIONS }))) : null;

const fullQuestions = sharedFile('eval/questions-words.txt');
const FULL_SIZE = 2500;
// One configuration: gensim needs about 1.5 s per pass over the 19,544 questions (the sample covers the rest).
const fullConfigs: Config[] = [{ method: '3cosadd', restrictVocab: Math.floor(FULL_SIZE * 0.9), caseInsensitive: true, dummy4unknown: true }];
const fullModel = fullQuestions ? structuredModel({ seed: 12, dim: 24, size: FULL_SIZE, questionsPath: fullQuestions, noise: 1.0 }) : null;
const fullVectors = join(tmp.dir, 'full.txt');
if (fullModel) writeWord2vecText(fullVectors, fullModel);
const fullRef = hasGensim && fullQuestions ? gensimReference(fullVectors, fullConfigs.map((c) => ({ ...c, path: fullQuestions }))) : null;

const leeVectors = sharedFile('fixtures/w2v-c-lee.txt');
const leeQuestions = fullQuestions ?? SAMPLE_QUESTIONS;
const leeConfigs: Config[] = [
  { method: '3cosadd', restrictVocab: 300000, caseInsensitive: true, dummy4unknown: false },
  { method: '3cosmul', restrictVocab: 300000, caseInsensitive: true, dummy4unknown: true },
  { method: '3cosadd', restrictVocab: 1000, caseInsensitive: false, dummy4unknown: false },
];
const leeRef = hasGensim && leeVectors ? gensimReference(leeVectors, leeConfigs.map((c) => ({ ...c, path: leeQuestions }))) : null;
for (const p of [sampleRef, fullRef, leeRef]) p?.catch(() => {}); // a failure is reported by the test that awaits it

test('equals gensim on the shipped sample: 3CosAdd and 3CosMul, restrict_vocab, case, dummy4unknown', async (t) => {
  if (!needs(t, 'gensim')) return;
  const emb = toEmbeddings(sampleModel);
  const ours = await Promise.all(sampleConfigs.map((c) => evaluateAnalogies(emb, SAMPLE_QUESTIONS, c)));
  const ref = await sampleRef!;
  sampleConfigs.forEach((c, i) => assertSameAsGensim(ours[i], ref.analogies[i], JSON.stringify(c)));
  // The comparison means something only if the answers are neither all right nor all wrong.
  assert.ok(ours[0].score > 0.2 && ours[0].score < 0.9, `sample accuracy ${ours[0].score}`);
  assert.ok(ours[1].oov > 0 && ours[2].oov > ours[0].oov, 'restrictVocab and case sensitivity create OOV questions');
});

test('equals gensim on the full questions-words set', async (t) => {
  if (!needs(t, 'gensim', 'shared:eval/questions-words.txt')) return;
  const emb = toEmbeddings(fullModel!);
  const ours = await Promise.all(fullConfigs.map((c) => evaluateAnalogies(emb, fullQuestions!, c)));
  const ref = await fullRef!;
  fullConfigs.forEach((c, i) => assertSameAsGensim(ours[i], ref.analogies[i], JSON.stringify(c)));
  assert.equal(ours[0].total, 19544);
  assert.equal(ours[0].sections.length, 15);
});

test('equals gensim on vectors written by word2vec C (w2v-c-lee)', async (t) => {
  if (!needs(t, 'gensim', 'shared:fixtures/w2v-c-lee.txt')) return;
  const emb = toEmbeddings(readWord2vecText(leeVectors!));
  const ours = await Promise.all(leeConfigs.map((c) => evaluateAnalogies(emb, leeQuestions, c)));
  const ref = await leeRef!;
  leeConfigs.forEach((c, i) => assertSameAsGensim(ours[i], ref.analogies[i], JSON.stringify(c)));
  assert.ok(ours[0].total - ours[0].oov > 0, 'some questions are in the vocabulary');
});

test('the batched solver agrees with one mostSimilar / mostSimilarCosmul query per question', async () => {
  const model = structuredModel({ seed: 21, dim: 20, size: 700, questionsPath: SAMPLE_QUESTIONS, noise: 1.2, tailFraction: 0 });
  // Case-sensitive and without case variants, the answer is simply the best row that is not a question row.
  const words = model.words.map((w, i) => `${w.toLowerCase()}_${i}`);
  const emb = new Embeddings(new Vocabulary(words), model.vectors, model.dim);
  const lines = [': one'];
  for (let q = 0; q < 150; q++) lines.push([0, 1, 2, 3].map((k) => words[(q * 37 + k * 101) % 650]).join(' '));
  const path = join(tmp.dir, 'solver.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  for (const method of ['3cosadd', '3cosmul'] as const) {
    const result = await evaluateAnalogies(emb, path, { method, caseInsensitive: false, restrictVocab: 600 });
    let expected = 0;
    let inVocab = 0;
    for (const line of lines.slice(1)) {
      const [a, b, c, d] = line.split(' ');
      if ([a, b, c, d].some((w) => emb.indexOf(w) >= 600)) continue;
      inVocab++;
      const query = { positive: [b, c], negative: [a], topn: 1, restrictVocab: 600 };
      const best = method === '3cosadd' ? emb.mostSimilar(query) : emb.mostSimilarCosmul(query);
      if (best[0].word === d) expected++;
    }
    assert.equal(result.total - result.oov, inVocab);
    assert.equal(result.sections[0].correct, expected, method);
  }
});

/** A handful of words with vectors chosen so that each answer is known. */
function caseModel(words: string[], vectors: number[][]): Embeddings {
  return new Embeddings(new Vocabulary(words), Float32Array.from(vectors.flat()), vectors[0].length);
}

test('case-insensitive: the first case variant answers for a word, and variants of question words are never the answer', async () => {
  // king − man + woman = (1, 0, 1, 0): "KING" is the closest row, "queen" the next.
  const emb = caseModel(
    ['king', 'man', 'woman', 'queen', 'KING', 'Queen', 'apple'],
    [
      [1, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [1, 0, 1, 0.3],
      [1, 0.1, 1, 0], // closer to king − man + woman than "queen" is, but a variant of the question word "king"
      [0, 0, 0, 1], // a later variant: "QUEEN" means row 3
      [0, 0.2, 0, 0.3],
    ],
  );
  const { dir } = tmp;
  const path = join(dir, 'case.txt');
  writeFileSync(path, ': family\nman king woman queen\nMan King Woman QUEEN\n');
  const r = await evaluateAnalogies(emb, path);
  assert.deepEqual([r.sections[0].correct, r.sections[0].incorrect], [2, 0]);
  // Case-sensitive: "KING" is a word of its own and wins; the capitalized question is out of vocabulary.
  const cs = await evaluateAnalogies(emb, path, { caseInsensitive: false });
  assert.deepEqual([cs.sections[0].correct, cs.sections[0].incorrect, cs.oov], [0, 1, 1]);
  assert.equal(cs.oovRatio, 0.5);
  assert.equal(cs.total, 2);
});

test('restrictVocab: candidates and question words come only from the first N rows', async () => {
  const emb = caseModel(
    ['king', 'man', 'woman', 'apple', 'queen'],
    [
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.5, -0.5, 0.4],
      [1, 0, 1],
    ],
  );
  const path = join(tmp.dir, 'restrict.txt');
  writeFileSync(path, ': a\nman king woman apple\n: b\nman king woman queen\n');
  const all = await evaluateAnalogies(emb, path);
  assert.deepEqual(all.sections.map((s) => [s.section, s.correct, s.incorrect]), [['a', 0, 1], ['b', 1, 0], ['Total accuracy', 1, 1]]);
  const four = await evaluateAnalogies(emb, path, { restrictVocab: 4 });
  // "queen" is row 5: question b is out of vocabulary, and "apple" is now the best candidate for a.
  assert.deepEqual(four.sections.map((s) => [s.correct, s.incorrect]), [[1, 0], [0, 0], [1, 0]]);
  assert.equal(four.oov, 1);
  const dummy = await evaluateAnalogies(emb, path, { restrictVocab: 4, dummy4unknown: true });
  assert.deepEqual(dummy.sections.map((s) => [s.correct, s.incorrect]), [[1, 0], [0, 1], [1, 1]]);
  assert.equal(dummy.score, 0.5);
  assert.equal(dummy.sections[1].accuracy, 0);
});

test('malformed question files fail with the file and line', async () => {
  const emb = caseModel(['a', 'b'], [[1, 0], [0, 1]]);
  const write = (name: string, body: string | Buffer) => {
    const p = join(tmp.dir, name);
    writeFileSync(p, body);
    return p;
  };
  const noSection = write('no-section.txt', '\na b a b\n');
  await assert.rejects(() => evaluateAnalogies(emb, noSection), (e: unknown) => e instanceof FormatError && e.location.line === 2 && e.location.file === noSection && /section/.test(e.message));
  const three = write('three.txt', ': s\na b a b\r\na b a\n');
  await assert.rejects(() => evaluateAnalogies(emb, three), (e: unknown) => e instanceof FormatError && e.location.line === 3 && /4 words/.test(e.message) && /3 fields/.test(e.message));
  const skipped = await evaluateAnalogies(emb, three, { skipInvalid: true });
  assert.deepEqual([skipped.total, skipped.skipped], [1, 1]);
  const badUtf8 = write('utf8.txt', Buffer.concat([Buffer.from(': s\na b a b\nab '), Buffer.from([0xc3, 0x28]), Buffer.from(' a b\n')]));
  await assert.rejects(() => evaluateAnalogies(emb, badUtf8), (e: unknown) => e instanceof FormatError && e.location.line === 3 && e.location.byte === 15);
  await assert.rejects(() => evaluateAnalogies(emb, join(tmp.dir, 'missing.txt')), /ENOENT/);
  await assert.rejects(() => evaluateAnalogies(emb, three, { method: 'cosine' as never }), InvalidArgumentError);
  await assert.rejects(() => evaluateAnalogies(emb, three, { restrictVocab: 0 }), EmbedkitError);
});

test('sections without answered questions score 0 and are kept', async () => {
  const emb = caseModel(['a', 'b', 'c', 'd'], [[1, 0], [0, 1], [1, 1], [1, -1]]);
  const path = join(tmp.dir, 'empty-section.txt');
  writeFileSync(path, ': empty\n:  spaced name \nx y z w\n');
  const r = await evaluateAnalogies(emb, path);
  assert.deepEqual(r.sections.map((s) => [s.section, s.correct, s.incorrect, s.accuracy]), [['empty', 0, 0, 0], ['spaced name', 0, 0, 0], ['Total accuracy', 0, 0, 0]]);
  assert.deepEqual([r.score, r.oov, r.total, r.oovRatio], [0, 1, 1, 1]);
});
