import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { trainGloveDetailed, type GloveOptions } from '../../src/train/glove.ts';
import { loadEmbeddings } from '../../src/formats/index.ts';
import { topicCorpus, topicOf } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-glove-train-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const lines = topicCorpus(3000, 8, 25, 11);
const corpus = corpusFromLines(lines);
const base: GloveOptions = { input: corpus, dim: 16, window: 5, xMax: 10, epochs: 12, minCount: 2, threads: 1, seed: 5 };

/** A fresh, empty folder for temporary files, so a test can see that nothing is left behind. */
function tmp(name: string): string {
  const p = join(dir, name);
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p);
  return p;
}

test('cost falls epoch after epoch, and the vectors group words by topic', async () => {
  const tmpDir = tmp('quality');
  const r = await trainGloveDetailed({ ...base, tmpDir });
  const costs = r.epochs.map((e) => e.cost);
  for (let e = 1; e < costs.length; e++) assert.ok(costs[e] < costs[e - 1], `epoch ${e + 1} cost ${costs[e]} not below ${costs[e - 1]}`);
  assert.ok(costs.at(-1)! < costs[0] * 0.7, `costs ${costs.join(', ')}`);
  assert.equal(r.vocabSize, 8 * 25 + 4);
  // Nearest neighbours share the topic: a random embedding would score about 24/203 ≈ 0.12.
  // (Tuned on nothing: the synthetic topics are easy, a working trainer gets them all.)
  let same = 0;
  let total = 0;
  for (const word of r.embeddings.vocab.words) {
    const t = topicOf(word);
    if (t === undefined) continue;
    for (const n of r.embeddings.mostSimilar({ positive: [word], topn: 5 })) {
      total++;
      if (topicOf(n.word) === t) same++;
    }
  }
  assert.ok(same / total > 0.9, `topic precision of the 5 nearest neighbours ${same / total}`);
  assert.deepEqual(readdirSync(tmpDir), [], 'temporary files removed');
});

test('one thread and a seed reproduce the vectors exactly; another seed does not', async () => {
  const a = await trainGloveDetailed({ ...base, epochs: 3 });
  const b = await trainGloveDetailed({ ...base, epochs: 3 });
  const c = await trainGloveDetailed({ ...base, epochs: 3, seed: 6 });
  assert.deepEqual(a.embeddings.vectors, b.embeddings.vectors);
  assert.deepEqual(a.epochs.map((e) => e.cost), b.epochs.map((e) => e.cost));
  assert.notDeepEqual(a.embeddings.vectors, c.embeddings.vectors);
});

test('the TypeScript reference kernel trains the same model as the WebAssembly one (up to float rounding)', async () => {
  const wasm = await trainGloveDetailed({ ...base, epochs: 2 });
  const ref = await trainGloveDetailed({ ...base, epochs: 2, kernel: 'reference' });
  wasm.epochs.forEach((e, k) => assert.ok(Math.abs(e.cost - ref.epochs[k].cost) <= 1e-3 * ref.epochs[k].cost, `epoch ${k + 1}: ${e.cost} vs ${ref.epochs[k].cost}`));
  let maxDiff = 0;
  for (let k = 0; k < wasm.embeddings.vectors.length; k++) maxDiff = Math.max(maxDiff, Math.abs(wasm.embeddings.vectors[k] - ref.embeddings.vectors[k]));
  assert.ok(maxDiff < 1e-3, `largest difference ${maxDiff}`);
});

test('two threads train too (Hogwild), with falling cost', async () => {
  const r = await trainGloveDetailed({ ...base, epochs: 4, threads: 2 });
  const costs = r.epochs.map((e) => e.cost);
  assert.ok(costs[3] < costs[0], `costs ${costs.join(', ')}`);
  assert.ok(r.embeddings.vectors.every(Number.isFinite));
});

test('saved counts and vocabulary retrain to the same vectors; a tiny memory budget spills and still agrees', async () => {
  const cooccur = join(dir, 'cooc.bin');
  const vocabFile = join(dir, 'vocab.txt');
  const tmpDir = tmp('spill');
  const direct = await trainGloveDetailed({ ...base, epochs: 2, saveCooccur: cooccur, saveVocab: vocabFile, memory: 30_000 / 2 ** 30, tmpDir });
  assert.ok(direct.spills > 0, 'the budget is too small for the counts');
  assert.deepEqual(readdirSync(tmpDir), []);
  const again = await trainGloveDetailed({ ...base, input: undefined, epochs: 2, cooccur, readVocab: vocabFile, memory: 30_000 / 2 ** 30, tmpDir });
  assert.equal(again.nonZeros, direct.nonZeros);
  assert.deepEqual(again.embeddings.vectors, direct.embeddings.vectors);
  // The budget also bounds the shuffle (so the training order differs), but the counts are the same: same pairs
  // in the same order, values equal up to the order of floating-point additions.
  const roomyCooccur = join(dir, 'cooc-roomy.bin');
  const roomy = await trainGloveDetailed({ ...base, epochs: 1, tmpDir, saveCooccur: roomyCooccur });
  assert.equal(roomy.spills, 0);
  const [x, y] = [readFileSync(roomyCooccur), readFileSync(cooccur)];
  assert.equal(x.length, y.length);
  for (let k = 0; k < x.length; k += 16) {
    assert.equal(x.readInt32LE(k), y.readInt32LE(k));
    assert.equal(x.readInt32LE(k + 4), y.readInt32LE(k + 4));
    assert.ok(Math.abs(x.readDoubleLE(k + 8) - y.readDoubleLE(k + 8)) <= 1e-12 * y.readDoubleLE(k + 8), `record ${k / 16}`);
  }
  assert.deepEqual(readdirSync(tmpDir), []);
});

test('--model 0 / 1 / 2 select the columns GloVe writes', async () => {
  const m0 = await trainGloveDetailed({ ...base, epochs: 1, model: 0 });
  const m1 = await trainGloveDetailed({ ...base, epochs: 1, model: 1 });
  const m2 = await trainGloveDetailed({ ...base, epochs: 1, model: 2 });
  const d = base.dim!;
  assert.equal(m0.embeddings.dim, 2 * (d + 1));
  assert.equal(m1.embeddings.dim, d);
  for (const row of [0, 7, m0.vocabSize - 1]) {
    const all = m0.embeddings.vectors.subarray(row * 2 * (d + 1), (row + 1) * 2 * (d + 1));
    for (let b = 0; b < d; b++) {
      assert.equal(m1.embeddings.vectors[row * d + b], all[b]);
      assert.ok(Math.abs(m2.embeddings.vectors[row * d + b] - (all[b] + all[d + 1 + b])) < 1e-6);
    }
  }
});

test('writes GloVe text (with or without header) and word2vec binary that load back', async () => {
  for (const [format, header] of [['glove-text', false], ['glove-text', true], ['word2vec-binary', false]] as const) {
    const output = join(dir, `v-${format}-${header}`);
    const r = await trainGloveDetailed({ ...base, epochs: 1, output, format, header });
    const loaded = await loadEmbeddings(output, { format: 'auto' });
    assert.equal(loaded.size, r.vocabSize);
    assert.equal(loaded.dim, base.dim);
    assert.deepEqual(loaded.vocab.words, r.embeddings.vocab.words);
    for (let k = 0; k < 50; k++) assert.ok(Math.abs(loaded.vectors[k] - r.embeddings.vectors[k]) < 1e-5);
  }
});

test('an aborted run and a failing run leave no temporary files', async () => {
  const tmpDir = tmp('abort');
  const controller = new AbortController();
  await assert.rejects(
    trainGloveDetailed({ ...base, epochs: 50, tmpDir, signal: controller.signal, onEpoch: (e) => e.epoch === 2 && controller.abort() }),
    (err: Error & { code?: string }) => err.code === 'aborted',
  );
  assert.deepEqual(readdirSync(tmpDir), []);
  const bad = join(dir, 'bad.bin');
  writeFileSync(bad, Buffer.alloc(40));
  const vocabFile = join(dir, 'vocab2.txt');
  writeFileSync(vocabFile, 'a 3\nb 2\n');
  await assert.rejects(trainGloveDetailed({ cooccur: bad, readVocab: vocabFile, tmpDir }), /size 40 is not a multiple of 16.*bad\.bin|bad\.bin.*size 40/s);
  assert.deepEqual(readdirSync(tmpDir), []);
});
