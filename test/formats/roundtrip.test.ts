import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { detectFormat, loadEmbeddings, saveEmbeddings, type SaveOptions } from '../../src/formats/index.ts';
import { needs } from '../helpers/oracles.ts';
import { expectLoaded, gensimRead, sampleEmbeddings, withTempDir } from './vectors-helpers.ts';

const WORDS = ['</s>', 'the', 'König', 'naïve', 'привет', '東京', 'x', '<unk>', '1', 'a-b_c'];
const DIM = 7;

const CASES: { name: string; file: string; options: SaveOptions; gensim: { binary: boolean; no_header?: boolean } }[] = [
  { name: 'word2vec text', file: 'v.txt', options: { format: 'word2vec-text' }, gensim: { binary: false } },
  { name: 'word2vec binary', file: 'v.bin', options: { format: 'word2vec-binary' }, gensim: { binary: true } },
  { name: 'GloVe text', file: 'glove.txt', options: { format: 'glove-text' }, gensim: { binary: false, no_header: true } },
  { name: 'GloVe text with header', file: 'glove-h.txt', options: { format: 'glove-text', header: true }, gensim: { binary: false } },
  { name: 'fastText .vec', file: 'v.vec', options: { format: 'fasttext-vec' }, gensim: { binary: false } },
];

function assertSameVectors(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

test('every format round-trips exactly (text keeps the shortest float32 decimal), also gzip-compressed', async () => {
  const emb = sampleEmbeddings(WORDS, DIM);
  await withTempDir(async (dir) => {
    for (const c of CASES) {
      const path = join(dir, c.file);
      await saveEmbeddings(emb, path, c.options);
      const expectedFormat = c.options.format === 'glove-text' && c.options.header ? 'word2vec-text' : c.options.format;
      for (const p of [path, `${path}.gz`]) {
        if (p.endsWith('.gz')) writeFileSync(p, gzipSync(readFileSync(path)));
        assert.equal(await detectFormat(p), expectedFormat, `${c.name}: detected format of ${p}`);
        const back = await loadEmbeddings(p, { format: c.options.format });
        assert.deepEqual(back.vocab.words, WORDS, `${c.name}: words`);
        assert.equal(back.dim, DIM);
        assertSameVectors(back.vectors, emb.vectors, `${c.name} (${p})`);
        const auto = await loadEmbeddings(p);
        assertSameVectors(auto.vectors, emb.vectors, `${c.name} auto-detected (${p})`);
      }
    }
  });
});

test('files we write load in gensim with identical words and vectors', async (t) => {
  if (!needs(t, 'gensim')) return;
  const emb = sampleEmbeddings(WORDS, DIM, 7);
  await withTempDir(async (dir) => {
    const paths = CASES.map((c) => join(dir, c.file));
    for (let k = 0; k < CASES.length; k++) await saveEmbeddings(emb, paths[k], CASES[k].options);
    const results = gensimRead(CASES.map((c, k) => ({ path: paths[k], ...c.gensim })));
    results.forEach((r, k) => {
      const g = expectLoaded(r);
      assert.deepEqual(g.words, WORDS, `${CASES[k].name}: words in gensim`);
      assert.equal(g.dim, DIM);
      assertSameVectors(g.vectors, emb.vectors, `${CASES[k].name} in gensim`);
    });
  });
});

test('the binary writer uses the C tool layout: header, "word " + float32 LE + newline', async () => {
  const emb = sampleEmbeddings(['ab', 'ц'], 2, 3);
  await withTempDir(async (dir) => {
    const path = join(dir, 'v.bin');
    await saveEmbeddings(emb, path, { format: 'word2vec-binary' });
    const bytes = readFileSync(path);
    const expected = Buffer.concat([
      Buffer.from('2 2\nab '),
      Buffer.from(emb.vectors.buffer, 0, 8),
      Buffer.from('\nц '),
      Buffer.from(emb.vectors.buffer, 8, 8),
      Buffer.from('\n'),
    ]);
    assert.deepEqual(bytes, expected);
  });
});

test('text writers: GloVe has no header unless asked; word2vec text starts with "rows dim"', async () => {
  const emb = sampleEmbeddings(['a', 'b'], 3);
  await withTempDir(async (dir) => {
    await saveEmbeddings(emb, join(dir, 'g.txt'), { format: 'glove-text' });
    await saveEmbeddings(emb, join(dir, 'w.txt'), { format: 'word2vec-text' });
    const glove = readFileSync(join(dir, 'g.txt'), 'utf8').split('\n');
    const w2v = readFileSync(join(dir, 'w.txt'), 'utf8').split('\n');
    assert.match(glove[0], /^a( -?[\d.e+-]+){3}$/);
    assert.equal(w2v[0], '2 3');
    assert.equal(w2v[1], glove[0]);
  });
});

test('rows that straddle read windows: streamed reads (gzip, limit) give the same rows as a whole-file read', async () => {
  // Odd sizes so rows and words fall across the reader's window boundaries at every offset.
  const words = Array.from({ length: 6_001 }, (_, i) => `w${'x'.repeat(i % 13)}${i}`);
  const emb = sampleEmbeddings(words, 97, 5);
  await withTempDir(async (dir) => {
    for (const format of ['word2vec-binary', 'word2vec-text', 'glove-text'] as const) {
      const path = join(dir, `v-${format}`);
      await saveEmbeddings(emb, path, { format });
      writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
      for (const [p, limit] of [
        [path, undefined],
        [`${path}.gz`, undefined],
        [path, 5_999],
        [`${path}.gz`, 5_999],
      ] as const) {
        const back = await loadEmbeddings(p, { format, limit });
        const n = limit ?? words.length;
        assert.deepEqual(back.vocab.words, words.slice(0, n), `${format} ${p} limit ${limit}: words`);
        assertSameVectors(back.vectors, emb.vectors.subarray(0, n * 97), `${format} ${p} limit ${limit}`);
      }
    }
  });
});

test('word2vec binary: a read window ending at any point of a row (word, space, vector, newline) loses nothing', async () => {
  // The reader's first read is 256 KiB; padding the first word moves that boundary to each chosen point of a row.
  const FIRST_WINDOW = 1 << 18;
  const dim = 97;
  const rows = 700;
  const words = Array.from({ length: rows }, (_, i) => `w${String(i).padStart(6, '0')}`);
  const emb = sampleEmbeddings(words, dim, 11);
  await withTempDir(async (dir) => {
    for (const newline of [true, false]) {
      const rowLength = 7 + 1 + dim * 4 + (newline ? 1 : 0);
      const header = `${rows} ${dim}\n`;
      for (const into of [0, 3, 7, 8, 9, 8 + dim * 4 - 1, 8 + dim * 4, rowLength - 1]) {
        const pad = (((FIRST_WINDOW - header.length - into) % rowLength) + rowLength) % rowLength;
        const first = `${words[0]}${'p'.repeat(pad)}`;
        const parts: Buffer[] = [Buffer.from(header)];
        words.forEach((w, i) => {
          parts.push(Buffer.from(`${i === 0 ? first : w} `), Buffer.from(emb.vectors.buffer, i * dim * 4, dim * 4));
          if (newline) parts.push(Buffer.from('\n'));
        });
        const path = join(dir, `b-${newline}-${into}.bin`);
        writeFileSync(path, Buffer.concat(parts));
        writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
        const expectedWords = [first, ...words.slice(1)];
        for (const [p, limit] of [
          [path, undefined],
          [path, rows - 1],
          [`${path}.gz`, undefined],
        ] as const) {
          const back = await loadEmbeddings(p, { format: 'word2vec-binary', limit });
          const n = limit ?? rows;
          const what = `newline ${newline}, window ends ${into} bytes into a row, ${p}, limit ${limit}`;
          assert.deepEqual(back.vocab.words, expectedWords.slice(0, n), `${what}: words`);
          assertSameVectors(back.vectors, emb.vectors.subarray(0, n * dim), what);
        }
      }
    }
  });
});
