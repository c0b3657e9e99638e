import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectFormat, loadEmbeddings, type LoadOptions, type VectorFormat } from '../../src/formats/index.ts';
import { dataFile, needs } from '../helpers/oracles.ts';
import { expectLoaded, gensimRead, LOCAL_FIXTURES, type GensimSpec } from './vectors-helpers.ts';

interface Fixture {
  file: string;
  format: VectorFormat;
  gensim: Omit<GensimSpec, 'path'>;
  /** Extra load options, relative paths resolved against the fixture folder. */
  vocabFile?: string;
}

/** Files written by word2vec C, GloVe C, fastText and gensim (copies of ../shared/data/fixtures), and how gensim reads them. */
const SHARED: Fixture[] = [
  { file: 'w2v-c-lee.txt', format: 'word2vec-text', gensim: { binary: false } },
  { file: 'w2v-c-lee.bin', format: 'word2vec-binary', gensim: { binary: true }, vocabFile: 'w2v-c-lee.vocab' },
  { file: 'glove-c-lee.txt', format: 'glove-text', gensim: { binary: false, no_header: true } },
  { file: 'test_glove.txt', format: 'glove-text', gensim: { binary: false, no_header: true } },
  { file: 'word2vec_pre_kv_c', format: 'word2vec-text', gensim: { binary: false } },
  { file: 'euclidean_vectors.bin', format: 'word2vec-binary', gensim: { binary: true } },
  { file: 'lee_fasttext.vec', format: 'fasttext-vec', gensim: { binary: false } },
  { file: 'crime-and-punishment.vec', format: 'fasttext-vec', gensim: { binary: false } },
];

const LOCAL: Fixture[] = [
  { file: 'w2v-c-small.txt', format: 'word2vec-text', gensim: { binary: false } },
  { file: 'w2v-c-small.bin', format: 'word2vec-binary', gensim: { binary: true } },
  { file: 'gensim-small.bin', format: 'word2vec-binary', gensim: { binary: true } },
  { file: 'gensim-text-small.txt', format: 'word2vec-text', gensim: { binary: false } },
  { file: 'glove-c-small.txt', format: 'glove-text', gensim: { binary: false, no_header: true } },
  { file: 'cyrillic-small.vec', format: 'fasttext-vec', gensim: { binary: false } },
];

/** A fixture of ../shared/data/fixtures, from the copy the repository ships (test/fixtures/reference). */
const shared = (file: string) => dataFile(`fixtures/${file}`)!;
const local = (file: string) => join(LOCAL_FIXTURES, file);

async function compareWithGensim(pathOf: (file: string) => string, fixtures: Fixture[], limit?: number): Promise<void> {
  const paths = fixtures.map((f) => pathOf(f.file));
  const reference = gensimRead(fixtures.map((f, k) => ({ path: paths[k], ...f.gensim, limit })));
  for (let k = 0; k < fixtures.length; k++) {
    const g = expectLoaded(reference[k]);
    assert.equal(await detectFormat(paths[k]), fixtures[k].format, `${fixtures[k].file}: detected format`);
    const options: LoadOptions = { limit, onWarning: (m) => assert.fail(`${fixtures[k].file}: unexpected warning ${m}`) };
    const vocabFile = fixtures[k].vocabFile;
    if (vocabFile) options.vocabFile = pathOf(vocabFile);
    const ours = await loadEmbeddings(paths[k], options);
    assert.equal(ours.size, g.words.length, `${fixtures[k].file}: rows`);
    assert.equal(ours.dim, g.dim, `${fixtures[k].file}: dim`);
    assert.deepEqual(ours.vocab.words, g.words, `${fixtures[k].file}: words`);
    for (let i = 0; i < g.vectors.length; i++) {
      if (ours.vectors[i] !== g.vectors[i]) assert.fail(`${fixtures[k].file}: value ${i} is ${ours.vectors[i]}, gensim read ${g.vectors[i]}`);
    }
  }
}

test('the small fixtures load exactly as gensim reads them', async (t) => {
  if (!needs(t, 'gensim')) return;
  await compareWithGensim(local, LOCAL);
});

test('the small fixtures keep their tools\' special rows: </s> first (word2vec C), <unk> last (GloVe)', async () => {
  const w2v = await loadEmbeddings(join(LOCAL_FIXTURES, 'w2v-c-small.txt'));
  assert.equal(w2v.vocab.word(0), '</s>');
  const glove = await loadEmbeddings(join(LOCAL_FIXTURES, 'glove-c-small.txt'));
  assert.equal(glove.vocab.word(glove.size - 1), '<unk>');
  assert.equal(glove.size, 31);
});

test('shared fixtures written by word2vec C, GloVe, fastText and gensim load as gensim reads them', async (t) => {
  if (!needs(t, 'gensim')) return;
  await compareWithGensim(shared, SHARED);
});

test('limit reads the same first rows as gensim', async (t) => {
  if (!needs(t, 'gensim')) return;
  await compareWithGensim(shared, SHARED, 25);
});

test('a word2vec C -save-vocab file gives the words their counts', async () => {
  const vocabPath = shared('w2v-c-lee.vocab');
  const expected = new Map(
    readFileSync(vocabPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [w, c] = l.split(' ');
        return [w, Number(c)] as const;
      }),
  );
  const warnings: string[] = [];
  const emb = await loadEmbeddings(shared('w2v-c-lee.bin'), { vocabFile: vocabPath, onWarning: (m) => warnings.push(m) });
  assert.deepEqual(warnings, []);
  for (let i = 0; i < emb.size; i++) assert.equal(emb.vocab.count(i), expected.get(emb.vocab.word(i)), emb.vocab.word(i));
  const without = await loadEmbeddings(shared('w2v-c-lee.bin'));
  assert.equal(without.vocab.totalCount(), 0);
});

test('word2vec C text and binary files from one corpus agree: same words; the untrained </s> row within the text\'s 6 decimals', async () => {
  const text = await loadEmbeddings(join(LOCAL_FIXTURES, 'w2v-c-small.txt'));
  const bin = await loadEmbeddings(join(LOCAL_FIXTURES, 'w2v-c-small.bin'));
  assert.deepEqual(text.vocab.words, bin.vocab.words);
  assert.equal(text.dim, bin.dim);
  // The C tool never updates the </s> row, so both runs keep its seeded initial vector.
  const a = text.get('</s>');
  const b = bin.get('</s>');
  for (let i = 0; i < text.dim; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-6, `value ${i}: text ${a[i]}, binary ${b[i]}`);
});
