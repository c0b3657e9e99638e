import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { whitespaceTokenizer } from '../../src/text/tokenize.ts';
import { buildVocabulary } from '../../src/vocab/build.ts';
import { countCooccurrences, planMemory } from '../../src/glove/cooccur-count.ts';
import { RecordReader, recordBlock } from '../../src/glove/cooccur-file.ts';
import { createTempDir } from '../../src/glove/temp-dir.ts';
import { seededRandom } from '../../src/util/random.ts';

/** Zipf-ish random text: many distinct pairs, lines of varying length, some words below min-count. */
function randomLines(count: number, words: number, seed: number): string[] {
  const rnd = seededRandom(seed);
  const lines: string[] = [];
  for (let l = 0; l < count; l++) {
    const len = 1 + Math.floor(rnd() * 25);
    const toks: string[] = [];
    for (let t = 0; t < len; t++) toks.push(`w${Math.floor(words * rnd() ** 2.5)}`);
    lines.push(toks.join(' '));
  }
  return lines;
}

/** The definition, written out plainly: every pair within `window` on one line, unknown words removed first. */
function bruteForce(lines: string[], index: (w: string) => number, window: number, symmetric: boolean, weighting: boolean): Map<string, number> {
  const m = new Map<string, number>();
  const bump = (i: number, j: number, x: number) => m.set(`${i},${j}`, (m.get(`${i},${j}`) ?? 0) + x);
  for (const line of lines) {
    const ids = line.split(/\s+/).filter(Boolean).map(index).filter((i) => i >= 0);
    for (let p = 0; p < ids.length; p++) {
      for (let q = Math.max(0, p - window); q < p; q++) {
        const x = weighting ? 1 / (p - q) : 1;
        bump(ids[q], ids[p], x);
        if (symmetric) bump(ids[p], ids[q], x);
      }
    }
  }
  return m;
}

function readAll(path: string, vocabSize: number): { keys: [number, number][]; values: number[] } {
  const r = new RecordReader(path, vocabSize);
  const block = recordBlock(1000);
  const keys: [number, number][] = [];
  const values: number[] = [];
  for (let n = r.read(block); n > 0; n = r.read(block)) {
    for (let k = 0; k < n; k++) {
      keys.push([block.ints[4 * k] - 1, block.ints[4 * k + 1] - 1]);
      values.push(block.values[2 * k + 1]);
    }
  }
  r.close();
  return { keys, values };
}

for (const { name, memoryBytes, symmetric, weighting, window } of [
  { name: 'tiny budget: spills many runs and merges them', memoryBytes: 24_000, symmetric: true, weighting: true, window: 5 },
  { name: 'asymmetric, unweighted, tiny budget', memoryBytes: 24_000, symmetric: false, weighting: false, window: 3 },
  { name: 'ample budget: no spill', memoryBytes: 64 << 20, symmetric: true, weighting: true, window: 4 },
]) {
  test(`co-occurrence counts equal a brute-force count (${name})`, async () => {
    const lines = randomLines(1500, 600, 3);
    lines.push('w1', '', 'unknownword w2 unknownword w3'); // one-word line, empty line, unknown words between known ones
    const corpus = corpusFromLines(lines);
    const { vocab } = await buildVocabulary(corpus, { minCount: 2, tokenizer: whitespaceTokenizer });
    const dir = mkdtempSync(join(tmpdir(), 'glove-count-test-'));
    const temp = createTempDir(dir);
    try {
      const out = join(dir, 'cooccur.bin');
      const res = await countCooccurrences(corpus, vocab, out, { window, symmetric, distanceWeighting: weighting, memoryBytes, tokenizer: whitespaceTokenizer, tempDir: temp });
      const expected = bruteForce(lines, (w) => vocab.indexOf(w), window, symmetric, weighting);
      if (memoryBytes < 100_000) {
        // The budget really is too small for the matrix: the test is about the spill path.
        assert.ok(expected.size > planMemory(memoryBytes, vocab.size).tableSlots, `matrix of ${expected.size} pairs must not fit`);
        assert.ok(res.spills >= 3, `expected several spilled runs, got ${res.spills}`);
      } else {
        assert.equal(res.spills, 0);
      }
      const got = readAll(out, vocab.size);
      assert.equal(res.nonZeros, expected.size);
      assert.equal(got.keys.length, expected.size);
      for (let k = 1; k < got.keys.length; k++) {
        const [a, b] = got.keys[k - 1];
        const [c, d] = got.keys[k];
        assert.ok(a < c || (a === c && b < d), `records sorted by (word1, word2) and unique at ${k}`);
      }
      got.keys.forEach(([i, j], k) => {
        const want = expected.get(`${i},${j}`);
        assert.ok(want !== undefined, `unexpected pair ${i},${j}`);
        assert.ok(Math.abs(got.values[k] - want) < 1e-9 * Math.max(1, want), `pair ${i},${j}: ${got.values[k]} vs ${want}`);
      });
    } finally {
      temp.remove();
      assert.equal(existsSync(temp.path), false);
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('embedkit-glove-')), []);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
