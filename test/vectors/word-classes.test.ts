import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatWordClasses, wordClasses } from '../../src/vectors/word-classes.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';
import { seededRandom } from '../../src/util/random.ts';

/**
 * word2vec C's -classes: k-means over the word vectors, 10 rounds from a round-robin start. The reference below is
 * a line-by-line transcription of word2vec.c's loop on plain arrays (no shared code with the library).
 */
function referenceClasses(rows: number[][], k: number, iterations = 10): number[] {
  const dim = rows[0].length;
  const cl = rows.map((_, i) => i % k);
  for (let it = 0; it < iterations; it++) {
    const cent = Array.from({ length: k }, () => new Array<number>(dim).fill(0));
    const centcn = new Array<number>(k).fill(1);
    rows.forEach((v, c) => {
      for (let d = 0; d < dim; d++) cent[cl[c]][d] += v[d];
      centcn[cl[c]]++;
    });
    for (let b = 0; b < k; b++) {
      let closev = 0;
      for (let c = 0; c < dim; c++) {
        cent[b][c] /= centcn[b];
        closev += cent[b][c] * cent[b][c];
      }
      closev = Math.sqrt(closev);
      for (let c = 0; c < dim; c++) cent[b][c] /= closev;
    }
    rows.forEach((v, c) => {
      let closev = -10;
      let closeid = 0;
      for (let d = 0; d < k; d++) {
        let x = 0;
        for (let b = 0; b < dim; b++) x += cent[d][b] * v[b];
        if (x > closev) {
          closev = x;
          closeid = d;
        }
      }
      cl[c] = closeid;
    });
  }
  return cl;
}

function randomModel(words: number, dim: number, seed: number): Embeddings {
  const next = seededRandom(seed);
  // Three loose groups, so that the classes have something to find.
  const centres = Array.from({ length: 3 }, () => Array.from({ length: dim }, () => next() - 0.5));
  const rows = Array.from({ length: words }, (_, i) => centres[i % 3].map((c) => c + 0.6 * (next() - 0.5)));
  const names = rows.map((_, i) => `w${i}`);
  return new Embeddings(new Vocabulary(names, names.map((_, i) => 1000 - i)), Float32Array.from(rows.flat()), dim);
}

test('wordClasses equals a transcription of word2vec C, is deterministic, and every word sits in its nearest class', () => {
  for (const [words, dim, k] of [[200, 16, 5], [57, 7, 3], [30, 4, 1]]) {
    const emb = randomModel(words, dim, words);
    const rows = Array.from({ length: emb.size }, (_, i) => Array.from(emb.row(i)));
    const classes = wordClasses(emb, k);
    assert.deepEqual(Array.from(classes), referenceClasses(rows, k), `${words} words, k ${k}`);
    assert.deepEqual(wordClasses(emb, k), classes, 'the same vectors give the same classes');
    // Nearest centroid: the centroids of the 9th round's classes put every word where the 10th round left it.
    const before = referenceClasses(rows, k, 9);
    const cent = Array.from({ length: k }, (_, c) => {
      const members = rows.filter((_, i) => before[i] === c);
      const sum = new Array<number>(dim).fill(0).map((_, d) => members.reduce((s, r) => s + r[d], 0) / (members.length + 1));
      const n = Math.hypot(...sum);
      return sum.map((x) => x / n);
    });
    rows.forEach((v, i) => {
      const scores = cent.map((c) => c.reduce((s, x, d) => s + x * v[d], 0));
      assert.equal(classes[i], scores.indexOf(Math.max(...scores)));
    });
  }
});

test('train word2vec -classes writes word2vec C\'s classes file: "word class" lines by class, every word once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-classes-'));
  try {
    const next = seededRandom(3);
    const vocab = Array.from({ length: 30 }, (_, i) => `word${i}`);
    const corpus = Array.from({ length: 400 }, () => Array.from({ length: 10 }, () => vocab[Math.floor(next() * vocab.length)]).join(' ')).join('\n');
    writeFileSync(join(dir, 'corpus.txt'), corpus + '\n');
    const out = join(dir, 'classes.txt');
    const args = ['--import', 'tsx', 'src/cli/main.ts', 'train', 'word2vec', '-train', join(dir, 'corpus.txt'), '-output', out, '-size', '10', '-iter', '1', '-threads', '1', '-min-count', '1', '-classes', '4', '-debug', '0'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', '-debug 0 is quiet');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const parsed = lines.map((l) => /^(\S+) (\d+)$/.exec(l));
    assert.ok(parsed.every(Boolean), 'every line is "word class"');
    const classes = parsed.map((m) => Number(m![2]));
    assert.deepEqual([...classes].sort((a, b) => a - b), classes, 'sorted by class');
    assert.ok(classes.every((c) => c >= 0 && c < 4));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CLI\'s classes are the library\'s on the same training (one thread, same seed)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-classes-'));
  try {
    const next = seededRandom(4);
    const vocab = Array.from({ length: 25 }, (_, i) => `w${i}`);
    writeFileSync(join(dir, 'c.txt'), Array.from({ length: 300 }, () => Array.from({ length: 8 }, () => vocab[Math.floor(next() * vocab.length)]).join(' ')).join('\n') + '\n');
    const out = join(dir, 'classes.txt');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', 'word2vec', '--input', join(dir, 'c.txt'), '--output', out, '--dim', '8', '--epochs', '1', '--threads', '1', '--min-count', '1', '--classes', '3', '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { embeddings } = await trainWord2Vec({ input: join(dir, 'c.txt'), dim: 8, epochs: 1, threads: 1, minCount: 1 });
    assert.equal(readFileSync(out, 'utf8'), formatWordClasses(embeddings, wordClasses(embeddings, 3)));
    assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, embeddings.size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
