import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedkitError } from '../../src/errors.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { estimateMemory } from '../../src/train/estimate-memory.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { trainFastTextSupervised } from '../../src/train/fasttext-supervised.ts';
import { trainGlove } from '../../src/train/glove.ts';
import { WASM_MEMORY_LIMIT } from '../../src/train/memory.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-memory-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Lines over `words` distinct words, each seen several times. */
function corpus(words: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < words; i += 10) lines.push(Array.from({ length: 10 }, (_, k) => `w${(i + k) % words}`).join(' '));
  return [...lines, ...lines, ...lines];
}

/** Records the size of every WebAssembly memory allocated while `run` runs (the trainers' one shared memory). */
async function allocations(run: () => Promise<unknown>): Promise<number[]> {
  const Original = WebAssembly.Memory;
  const seen: number[] = [];
  class Recording extends Original {
    constructor(d: WebAssembly.MemoryDescriptor) {
      super(d);
      if (d.shared) seen.push(this.buffer.byteLength);
    }
  }
  (WebAssembly as { Memory: typeof WebAssembly.Memory }).Memory = Recording;
  try {
    await run();
  } finally {
    (WebAssembly as { Memory: typeof WebAssembly.Memory }).Memory = Original;
  }
  return seen;
}

// The estimate is the training memory's size before rounding up to whole 64 KiB WebAssembly pages: the memory
// allocated is the estimate, plus less than one page.
const PAGE = 65536;
const withinOnePage = (allocated: number, estimated: number, what: string) =>
  assert.ok(allocated >= estimated && allocated - estimated < PAGE, `${what}: allocated ${allocated} bytes, estimated ${estimated}`);

test('the estimate is the memory each trainer allocates, within one 64 KiB page', async () => {
  const lines = corpus(500);
  const w2vOptions = { dim: 30, minCount: 1, epochs: 1, threads: 2, hs: true, negative: 3 } as const;
  let vocab: Vocabulary | undefined;
  const [w2v] = await allocations(async () => ({ embeddings: { vocab } } = await trainWord2Vec({ ...w2vOptions, input: corpusFromLines(lines) })));
  withinOnePage(w2v, estimateMemory({ trainer: 'word2vec', ...w2vOptions }, vocab!).bytes, 'word2vec');

  const ftOptions = { dim: 12, minCount: 1, epochs: 1, threads: 1, bucket: 3000, loss: 'hs' } as const;
  let ftVocab: Vocabulary | undefined;
  const [ft] = await allocations(async () => ({ model: { vocab: ftVocab } } = await trainFastText({ ...ftOptions, input: corpusFromLines(lines) })));
  withinOnePage(ft, estimateMemory({ trainer: 'fasttext', ...ftOptions }, ftVocab!).bytes, 'fastText');

  const gloveOptions = { dim: 10, minCount: 1, epochs: 1, threads: 2, tmpDir: dir } as const;
  const [glove] = await allocations(async () => ({ embeddings: { vocab } } = await trainGlove({ ...gloveOptions, input: corpusFromLines(lines) })));
  withinOnePage(glove, estimateMemory({ trainer: 'glove', ...gloveOptions }, vocab!).bytes, 'GloVe');
});

test('a model beyond 4 GiB is refused before allocating, naming words, dim, bytes and what would fit', async () => {
  const lines = corpus(20_000);
  const options = { dim: 100_000, minCount: 1, epochs: 1, threads: 1 };
  const seen = await allocations(() =>
    assert.rejects(trainWord2Vec({ ...options, input: corpusFromLines(lines) }), (e: unknown) => {
      assert.ok(e instanceof EmbedkitError && e.code === 'memory_limit', String(e));
      assert.match(e.message, /word2vec needs [\d.]+ GiB \([\d,]+ bytes\) for 20,000 words × dim 100000/);
      assert.match(e.message, /at dim 100000 at most [\d,]+ words fit, and 20,000 words fit up to dim \d+/);
      return true;
    }),
  );
  assert.deepEqual(seen, [], 'nothing was allocated');

  const words = new Vocabulary(Array.from({ length: 20_000 }, (_, i) => `w${i}`), new Array<number>(20_000).fill(3));
  const e = estimateMemory({ trainer: 'word2vec', ...options }, words);
  assert.equal(e.fits, false);
  assert.ok(e.bytes > WASM_MEMORY_LIMIT);
  // The suggestions are the largest that fit: one more word, or one more dimension, does not.
  const at = (dim: number, n: number) => estimateMemory({ trainer: 'word2vec', ...options, dim }, new Vocabulary(words.words.slice(0, n), words.counts.subarray(0, n)));
  assert.ok(at(e.maxDim, 20_000).fits && !at(e.maxDim + 1, 20_000).fits, `maxDim ${e.maxDim}`);
  assert.ok(e.maxWords < 20_000 && at(100_000, e.maxWords).fits && !at(100_000, e.maxWords + 1).fits, `maxWords ${e.maxWords}`);
  // At dim 300 (CBOW, negative sampling) a word takes 2 × 1,200 bytes of input and output rows, plus 12 of
  // tables: 4 GiB hold about 1.78M words. 1.8M are refused, with the fitting number just under it.
  const big = new Vocabulary(Array.from({ length: 1_800_000 }, (_, i) => `w${i}`), new Array<number>(1_800_000).fill(5));
  const c = estimateMemory({ trainer: 'word2vec', dim: 300, threads: 1 }, big);
  assert.equal(c.fits, false);
  assert.ok(Math.abs(c.maxWords - 2 ** 32 / 2412) < 2000, `at dim 300 ${c.maxWords} words fit`);
});

test('supervised: the estimate is the memory trainFastTextSupervised allocates, and a model past 4 GiB is refused as estimated', async () => {
  const lines = corpus(500).map((l, i) => `__label__c${i % 7} ${l}`);
  const options = { dim: 16, epochs: 1, threads: 1, wordNgrams: 2, bucket: 5000, loss: 'hs' } as const;
  let model: { vocab: Vocabulary; labels: Vocabulary } | undefined;
  const [allocated] = await allocations(async () => ({ model } = await trainFastTextSupervised({ ...options, input: corpusFromLines(lines) })));
  // Ten words, their nine bigrams and </s>'s row and bigram: 21 input rows in the longest line.
  withinOnePage(allocated, estimateMemory({ trainer: 'supervised', ...options, labels: model!.labels, longestExample: 21 }, model!.vocab).bytes, 'supervised');

  const big = { dim: 100, epochs: 1, threads: 1, wordNgrams: 2, bucket: 20_000_000 } as const;
  const e = estimateMemory({ trainer: 'supervised', ...big, labels: 7 }, model!.vocab);
  assert.equal(e.fits, false);
  assert.ok(e.bytes > 20_000_000 * 100 * 4, `${e.bytes} bytes`);
  await assert.rejects(trainFastTextSupervised({ ...big, input: corpusFromLines(lines) }), (err: unknown) => {
    assert.ok(err instanceof EmbedkitError && err.code === 'memory_limit', String(err));
    assert.match(err.message, /fastText supervised needs 7\.\d+ GiB .* \(20000000 n-gram buckets, 7 labels\)/);
    return true;
  });
});
