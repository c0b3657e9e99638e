import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedkitError, InvalidArgumentError } from '../../src/errors.ts';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import { loadEmbeddings } from '../../src/formats/index.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { fastTextCheckpointSettings, openFastTextCheckpoint } from '../../src/train/fasttext-checkpoint.ts';
import { outputTargets, resolveFastTextOptions, trainFastText, type FastTextTrainOptions } from '../../src/train/fasttext.ts';
import type { ProgressEvent } from '../../src/train/progress.ts';
import type { DenseMatrix } from '../../src/vectors/fasttext-matrix.ts';
import { EOS } from '../../src/vectors/subwords.ts';
import { seededRandom } from '../../src/util/random.ts';
import { abortingCorpus } from './aborting-corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-ft-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Planted topics: TOPICS groups of WORDS random letter strings (so their n-grams say nothing about the topic);
 * every line is 8 words of one topic. Training must make each word's neighbours its topic mates.
 */
const TOPICS = 8;
const WORDS = 10;
function topicWords(seed = 3): string[][] {
  const rnd = seededRandom(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = () => Array.from({ length: 6 + Math.floor(rnd() * 4) }, () => letters[Math.floor(rnd() * 26)]).join('');
  return Array.from({ length: TOPICS }, () => Array.from({ length: WORDS }, word));
}
const topics = topicWords();
function plantedCorpus(lines: number, seed = 1): string[] {
  const rnd = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = topics[Math.floor(rnd() * TOPICS)];
    out.push(Array.from({ length: 8 }, () => t[Math.floor(rnd() * WORDS)]).join(' '));
  }
  return out;
}

const small: Partial<FastTextTrainOptions> = { dim: 16, window: 3, minCount: 1, sample: 0, epochs: 3, threads: 1, seed: 7, bucket: 5000, minn: 3, maxn: 5 };

/** Mean share of each topic word's 5 nearest neighbours that belong to its topic (chance: 9/80 ≈ 0.11). */
function topicPrecision(emb: Awaited<ReturnType<typeof trainFastText>>['embeddings']): number {
  let hits = 0;
  let total = 0;
  for (const group of topics) {
    for (const w of group) {
      for (const n of emb.mostSimilar({ positive: [w], topn: 5 })) {
        if (n.word === EOS) continue;
        total++;
        if (group.includes(n.word)) hits++;
      }
    }
  }
  return hits / total;
}

test('threads 1 with a fixed seed is bit-identical from run to run; another seed differs', async () => {
  const lines = plantedCorpus(800);
  const run = async (seed: number) => (await trainFastText({ ...small, input: corpusFromLines(lines), seed })).model;
  const [a, b, c] = [await run(7), await run(7), await run(8)];
  const rows = (m: typeof a) => (m.input as DenseMatrix).data;
  assert.deepEqual(a.vocab.words, b.vocab.words);
  assert.ok(rows(a).every((x, i) => Object.is(x, rows(b)[i])), 'same seed, same input rows');
  assert.ok((a.output as DenseMatrix).data.every((x, i) => Object.is(x, (b.output as DenseMatrix).data[i])), 'same seed, same output rows');
  assert.ok(rows(a).some((x, i) => x !== rows(c)[i]), 'different seed, different rows');
  assert.ok(rows(a).every(Number.isFinite));
});

for (const [name, opts] of [
  ['skip-gram, negative sampling', { model: 'skipgram', loss: 'ns' }],
  ['skip-gram, hierarchical softmax', { model: 'skipgram', loss: 'hs' }],
  ['skip-gram, full softmax', { model: 'skipgram', loss: 'softmax' }],
  ['CBOW, full softmax', { model: 'cbow', loss: 'softmax', alpha: 0.1 }],
  ['CBOW, negative sampling', { model: 'cbow', loss: 'ns', alpha: 0.1 }],
  ['skip-gram, 2 threads', { model: 'skipgram', loss: 'ns', threads: 2 }],
] as const) {
  test(`${name}: topic mates become neighbours (far above chance)`, async () => {
    const { model: model } = await trainFastText({ ...small, epochs: 5, input: corpusFromLines(plantedCorpus(1500)), ...opts });
    const p = topicPrecision(model.embeddings);
    assert.ok(p > 0.6, `topic precision@5 ${p.toFixed(3)} (chance ≈ 0.11)`);
  });
}

test('the vocabulary is fastText\'s: </s> ends every line, counts sorted, n-gram buckets after the words', async () => {
  const lines = ['aa bb aa', '', 'bb cc aa'];
  const { model: model } = await trainFastText({ ...small, input: corpusFromLines(lines) });
  assert.equal(model.vocab.count(model.vocab.indexOf(EOS)), 3, 'one </s> per line, empty ones too');
  assert.equal(model.vocab.count(model.vocab.indexOf('aa')), 3);
  assert.equal(model.ntokens, 9);
  assert.equal(model.input.rows, model.vocab.size + 5000);
  assert.equal(model.output!.rows, model.vocab.size);
  assert.deepEqual({ minn: model.args.minn, maxn: model.args.maxn, bucket: model.args.bucket, model: model.args.model }, { minn: 3, maxn: 5, bucket: 5000, model: 'skipgram' });
  // A word's vector is the mean of its own row and its n-gram rows; an unseen word's, of its n-gram rows.
  const unseen = model.embeddings.get('aab');
  assert.ok(unseen.some((x) => x !== 0));
  assert.deepEqual(Array.from(unseen), Array.from(model.subwords.wordVector('aab')));
});

test('maxn 0 trains without subwords: unknown words have no vector', async () => {
  const { model: model } = await trainFastText({ ...small, maxn: 0, input: corpusFromLines(plantedCorpus(200)) });
  assert.equal(model.input.rows, model.vocab.size);
  assert.equal(model.args.bucket, 0);
  assert.throws(() => model.embeddings.get('zzzzzz'));
});

test('output: X.bin, X.vec, or a prefix writing PREFIX.bin and PREFIX.vec; all read back to the same vectors', async () => {
  assert.deepEqual(outputTargets('m.bin'), [{ path: 'm.bin', format: 'fasttext-bin' }]);
  assert.deepEqual(outputTargets('m.txt'), [{ path: 'm.txt', format: 'fasttext-vec' }]);
  assert.deepEqual(outputTargets('out/m').map((t) => t.path), ['out/m.bin', 'out/m.vec']);
  assert.throws(() => outputTargets('m.ftz'), InvalidArgumentError);

  const prefix = join(dir, 'model');
  const { model: model } = await trainFastText({ ...small, input: corpusFromLines(plantedCorpus(300)), output: prefix });
  const bin = await readFastTextBin(`${prefix}.bin`);
  assert.deepEqual(bin.vocab.words, model.vocab.words);
  assert.deepEqual(Array.from(bin.embeddings.vectors), Array.from(model.embeddings.vectors));
  assert.deepEqual(Array.from(bin.embeddings.get('qqqxyz')), Array.from(model.embeddings.get('qqqxyz')));
  const vec = await loadEmbeddings(`${prefix}.vec`);
  assert.deepEqual(vec.vocab.words, model.vocab.words);
  const w = model.vocab.word(1);
  vec.get(w).forEach((x, k) => assert.ok(Math.abs(x - model.embeddings.get(w)[k]) < 1e-6));
  assert.deepEqual(readdirSync(dir).sort(), ['model.bin', 'model.vec'], 'no temporary files left');
});

test('progress events carry words/s, lr, loss and ETA, epoch by epoch', async () => {
  const events: ProgressEvent[] = [];
  await trainFastText({ ...small, input: corpusFromLines(plantedCorpus(300)), onProgress: (e) => events.push(e) });
  const train = events.filter((e) => e.phase === 'train');
  const last = train.at(-1)!;
  assert.equal(last.progress, 1);
  assert.equal(last.epochs, 3);
  assert.ok(last.wordsPerSecond > 0 && Number.isFinite(last.loss!) && last.learningRate! >= 0 && last.learningRate! < 0.05);
  assert.equal(last.wordsDone, 3 * 300 * 9, 'every token of every epoch, </s> included');
});

test('like fastText, training runs until epoch × every token read (rare ones included), ending at a line end', async () => {
  // 9 in-vocabulary tokens per line (8 topic words and </s>) and 2 seen once, under min-count 2: fastText's
  // budget is 3 × 300 × 11 tokens, trained over in-vocabulary ones, so 3⅔ passes instead of 3.
  const lines = plantedCorpus(300).map((l, i) => `${l} once${i}a once${i}b`);
  const events: ProgressEvent[] = [];
  const { model: model } = await trainFastText({ ...small, minCount: 2, input: corpusFromLines(lines), onProgress: (e) => events.push(e) });
  assert.ok(!model.embeddings.vocab.has('once0a'), 'the rare words are out of the vocabulary');
  const last = events.filter((e) => e.phase === 'train').at(-1)!;
  assert.equal(last.progress, 1);
  assert.equal(last.wordsDone, 3 * 300 * 11, '9,900 tokens: 1,100 lines of 9, three passes and 200 lines');
});

test('an aborted run throws and writes nothing', async () => {
  const controller = new AbortController();
  const output = join(dir, 'aborted.bin');
  await assert.rejects(
    trainFastText({ ...small, input: corpusFromLines(plantedCorpus(300)), output, signal: controller.signal, onProgress: () => controller.abort() }),
    (e: unknown) => e instanceof EmbedkitError && e.code === 'aborted',
  );
  assert.equal(existsSync(output), false);
});

test('checkpoint on abort, then resume, ends bit-identical to an uninterrupted run', async () => {
  // ~90k tokens a pass: several 16k-token chunks, so the abort lands mid-pass, after some chunks.
  const lines = plantedCorpus(10000, 9);
  const opts = { ...small, epochs: 2 };
  const { model: whole } = await trainFastText({ ...opts, input: corpusFromLines(lines) });

  const checkpoint = join(dir, 'run.ckpt');
  const controller = new AbortController();
  // Pass 3 = the second training pass (pass 1 counts the vocabulary): stop in its middle.
  await assert.rejects(
    trainFastText({ ...opts, input: abortingCorpus(lines, controller, 3, 5000), checkpoint, signal: controller.signal }),
    (e: unknown) => e instanceof EmbedkitError && e.code === 'aborted',
  );
  const saved = await openFastTextCheckpoint(checkpoint, fastTextCheckpointSettings(resolveFastTextOptions(opts), 16384));
  await saved.file.close();
  assert.equal(saved.position.pass, 1, 'stopped in the second pass');
  assert.ok(saved.position.chunksDone > 0, 'after some chunks of it');

  const output = join(dir, 'resumed.bin');
  const { model: resumed } = await trainFastText({ ...opts, input: corpusFromLines(lines), checkpoint, resume: checkpoint, output });
  assert.deepEqual(resumed.vocab.words, whole.vocab.words);
  const rows = (m: typeof whole) => [(m.input as DenseMatrix).data, (m.output as DenseMatrix).data];
  rows(resumed).forEach((r, k) => assert.ok(r.every((x, i) => Object.is(x, rows(whole)[k][i])), `resumed ${k ? 'output' : 'input'} rows equal the uninterrupted run's`));
  assert.ok(existsSync(output));
  const done = await openFastTextCheckpoint(checkpoint, fastTextCheckpointSettings(resolveFastTextOptions(opts), 16384));
  await done.file.close();
  assert.ok(done.position.dispatched >= 2 * done.position.ntokens, 'the final checkpoint holds the whole budget');

  // Resuming a finished run trains nothing more; other settings are refused, naming them.
  const { model: again } = await trainFastText({ ...opts, input: corpusFromLines(lines), resume: checkpoint });
  assert.ok((again.input as DenseMatrix).data.every((x, i) => Object.is(x, rows(whole)[0][i])));
  await assert.rejects(trainFastText({ ...opts, dim: 32, input: corpusFromLines(lines), resume: checkpoint }), /dim 16 \(now 32\)/);
  await assert.rejects(trainFastText({ ...opts, input: corpusFromLines(lines), resume: join(dir, 'resumed.bin') }), /not an embedkit fastText checkpoint/);
});

test('bad input: clear errors naming the problem', async () => {
  const lines = corpusFromLines(plantedCorpus(50));
  const rejects = (o: Partial<FastTextTrainOptions>, pattern: RegExp, input: FastTextTrainOptions['input'] = lines) =>
    assert.rejects(trainFastText({ ...small, input, ...o }), (e: unknown) => e instanceof EmbedkitError && pattern.test(e.message));
  await rejects({}, /no such file/, join(dir, 'missing.txt'));
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  await rejects({}, /no words/, empty);
  const blank = join(dir, 'blank.txt');
  writeFileSync(blank, '\n\n\n');
  await rejects({}, /only empty lines/, blank);
  await rejects({ minn: 5, maxn: 3 }, /minn 5 is greater than maxn 3/);
  await rejects({ dim: 0 }, /dim must be an integer in 1\.\./);
  await rejects({ loss: 'ova' as 'ns' }, /ova \(one-vs-all\) is for supervised/);
  await rejects({ loss: 'nce' as 'ns' }, /loss must be ns, hs or softmax, got "nce"/);
  await rejects({ model: 'supervised' as 'cbow' }, /model must be skipgram or cbow/);
  await rejects({ negative: 0 }, /negative must be/);
  await rejects({ neg: 0 } as Partial<FastTextTrainOptions>, /neg is called negative here/);
  await rejects({ sample: 2 }, /sample must be a number in \[0, 1\)/);
  await rejects({ bucket: 0 }, /bucket 0 leaves no rows/);
  await rejects({ minCount: 10_000 }, /minCount 10000 removes every word/);
  await rejects({ bucket: 20_000_000, dim: 100 }, /needs [\d.]+ GiB/);
});
