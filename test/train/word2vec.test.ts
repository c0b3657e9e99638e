import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedkitError, InvalidArgumentError } from '../../src/errors.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import type { ProgressEvent } from '../../src/train/progress.ts';
import { trainWord2Vec, type Word2VecOptions } from '../../src/train/word2vec.ts';
import { abortingCorpus } from './aborting-corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-w2v-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Planted structure: GROUPS groups, each with a pair (aK, bK) and three context words cK_0..2. Every sentence
 * belongs to one group: its three context words around either aK or bK, plus two noise words. So aK and bK
 * occur in exactly the same contexts and nowhere else: training must make them each other's neighbours.
 */
const GROUPS = 12;
function plantedCorpus(sentences: number, seed = 1): string[] {
  const rnd = lcg(seed);
  const lines: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const g = Math.floor(rnd() * GROUPS);
    const words = [`c${g}_0`, `c${g}_1`, rnd() < 0.5 ? `a${g}` : `b${g}`, `c${g}_2`, `noise${Math.floor(rnd() * 20)}`, `noise${Math.floor(rnd() * 20)}`];
    // shuffle so positions carry no information
    for (let i = words.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [words[i], words[j]] = [words[j], words[i]];
    }
    lines.push(words.join(' '));
  }
  return lines;
}

const small: Partial<Word2VecOptions> = { dim: 16, window: 3, minCount: 1, sample: 0, epochs: 3, threads: 1, seed: 7 };

test('threads 1 with a fixed seed is bit-identical from run to run; another seed differs', async () => {
  const lines = plantedCorpus(1500);
  const run = async (seed: number) => (await trainWord2Vec({ ...small, input: corpusFromLines(lines), skipgram: true, seed })).embeddings;
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  assert.deepEqual(a.vocab.words, b.vocab.words);
  assert.ok(a.vectors.every((x, i) => Object.is(x, b.vectors[i])), 'same seed, same bits');
  assert.ok(a.vectors.some((x, i) => x !== c.vectors[i]), 'different seed, different vectors');
  assert.ok(a.vectors.every(Number.isFinite));
});

for (const [name, opts] of [
  ['skip-gram + negative sampling', { skipgram: true, negative: 5 }],
  ['CBOW + negative sampling', { cbow: true, negative: 5 }],
  ['skip-gram + hierarchical softmax', { skipgram: true, negative: 0, hs: true }],
  ['CBOW + hierarchical softmax', { cbow: true, negative: 0, hs: true }],
] as const) {
  test(`planted pairs become nearest neighbours: ${name}`, async () => {
    const { embeddings: emb } = await trainWord2Vec({ ...small, ...opts, epochs: 8, input: corpusFromLines(plantedCorpus(4000, 3)) });
    const pairWords = Array.from({ length: GROUPS }, (_, g) => [`a${g}`, `b${g}`]).flat();
    let found = 0;
    for (let g = 0; g < GROUPS; g++) {
      // Nearest among all pair words: bK must beat every other group's a/b.
      const sims = pairWords.filter((w) => w !== `a${g}`).map((w) => ({ w, s: emb.similarity(`a${g}`, w) }));
      sims.sort((x, y) => y.s - x.s);
      if (sims[0].w === `b${g}`) found++;
    }
    assert.ok(found >= GROUPS - 1, `${found} of ${GROUPS} pairs found`);
  });
}

// With several threads the Huffman nodes nearest the root (here, with so small a vocabulary, all of them) are
// trained in per-thread copies merged after each chunk: the merged model must learn what one thread learns.
for (const [name, opts] of [
  ['skip-gram + negative sampling', { skipgram: true, negative: 5 }],
  ['CBOW + hierarchical softmax', { cbow: true, negative: 0, hs: true }],
] as const) test(`several threads train (Hogwild) to the same planted structure: ${name}`, async () => {
  const progress: ProgressEvent[] = [];
  const { embeddings: emb } = await trainWord2Vec({ ...small, ...opts, threads: 2, epochs: 8, input: corpusFromLines(plantedCorpus(4000, 5)), onProgress: (e) => progress.push(e), progressInterval: 0.01 });
  let found = 0;
  for (let g = 0; g < GROUPS; g++) {
    const best = emb.mostSimilar({ positive: `a${g}`, topn: 1 })[0];
    if (best.word === `b${g}`) found++;
  }
  assert.ok(found >= GROUPS - 2, `${found} of ${GROUPS}`);
  const last = progress.filter((e) => e.phase === 'train').at(-1)!;
  assert.equal(last.progress, 1);
  assert.ok(last.loss! > 0 && Number.isFinite(last.loss), 'a loss estimate is reported');
  assert.ok(last.learningRate! > 0 && last.learningRate! < (opts.skipgram ? 0.025 : 0.05));
});

test('writes the vectors file when output is given, and the vocabulary with saveVocab', async () => {
  const input = join(dir, 'corpus.txt');
  writeFileSync(input, plantedCorpus(500).join('\n') + '\n');
  const output = join(dir, 'out.txt');
  const vocabFile = join(dir, 'vocab.txt');
  const { embeddings: emb } = await trainWord2Vec({ ...small, input, output, saveVocab: vocabFile });
  assert.ok(existsSync(output) && existsSync(vocabFile));
  // Training again from the saved vocabulary uses exactly its words.
  const { embeddings: again } = await trainWord2Vec({ ...small, input, readVocab: vocabFile });
  assert.deepEqual(again.vocab.words, emb.vocab.words);
});

test('bad options are refused with InvalidArgumentError', async () => {
  const input = corpusFromLines(['a b c']);
  for (const bad of [
    { negative: 0, hs: false },
    { dim: 0 },
    { dim: -3 },
    { window: 0 },
    { sample: -1 },
    { epochs: 0 },
    { threads: 0 },
    { alpha: 0 },
    { minAlpha: 1, alpha: 0.025 },
    { cbow: true, skipgram: true },
    { dim: 2.5 },
    { tokenizer: 'nope' as never },
  ]) {
    await assert.rejects(trainWord2Vec({ input, ...bad }), InvalidArgumentError, JSON.stringify(bad));
  }
});

test('missing file, empty corpus and a min-count that removes every word are clear errors', async () => {
  await assert.rejects(trainWord2Vec({ input: join(dir, 'nope.txt') }), (e: EmbedkitError) => e instanceof EmbedkitError && /nope\.txt/.test(e.message) && /no such file/.test(e.message));
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '\n\n');
  await assert.rejects(trainWord2Vec({ input: empty }), (e: EmbedkitError) => e.code === 'empty_corpus');
  await assert.rejects(trainWord2Vec({ input: corpusFromLines(['a b c', 'a d']), minCount: 5 }), (e: EmbedkitError) => e.code === 'empty_vocabulary' && /minCount 5/.test(e.message));
});

/** A corpus that aborts `controller` after `afterLines` lines of its `pass`-th read (1 = vocabulary pass). */
test('abort stops training and writes no output', async () => {
  const output = join(dir, 'aborted.txt');
  const controller = new AbortController();
  const lines = plantedCorpus(60000);
  await assert.rejects(
    trainWord2Vec({ ...small, input: abortingCorpus(lines, controller, 2, 30000), output, signal: controller.signal }),
    (e: EmbedkitError) => e.code === 'aborted',
  );
  assert.ok(!existsSync(output));
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('aborted')), [], 'no temporary file left either');
});

test('checkpoint on abort, then resume, ends bit-identical to an uninterrupted run', async () => {
  const lines = plantedCorpus(60000, 9); // ~360k tokens: several chunks per epoch
  const opts = { ...small, cbow: true, epochs: 2 };
  const { embeddings: whole } = await trainWord2Vec({ ...opts, input: corpusFromLines(lines) });

  const checkpoint = join(dir, 'run.ckpt');
  const controller = new AbortController();
  // Pass 3 = the second epoch: stop in its middle.
  await assert.rejects(
    trainWord2Vec({ ...opts, input: abortingCorpus(lines, controller, 3, 30000), checkpoint, signal: controller.signal }),
    (e: EmbedkitError) => e.code === 'aborted',
  );
  const saved = await loadCheckpoint(checkpoint);
  assert.equal(saved.position.epoch, 1, 'stopped in the second epoch');
  assert.ok(saved.position.chunksDone > 0, 'after some chunks of it');

  const { embeddings: resumed } = await trainWord2Vec({ ...opts, input: corpusFromLines(lines), checkpoint, resume: checkpoint });
  assert.deepEqual(resumed.vocab.words, whole.vocab.words);
  assert.ok(resumed.vectors.every((x, i) => Object.is(x, whole.vectors[i])), 'resumed run equals the uninterrupted one');
  const done = await loadCheckpoint(checkpoint);
  assert.equal(done.position.epoch, 2, 'the final checkpoint marks training finished');

  await assert.rejects(trainWord2Vec({ ...opts, dim: 32, input: corpusFromLines(lines), resume: checkpoint }), /dim 16 \(now 32\)/);
});
