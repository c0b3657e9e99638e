import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastTextClassifier } from '../../src/apps/classify/fasttext-classifier.ts';
import { testClassifier } from '../../src/apps/classify/classifier-test.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { trainFastTextSupervised } from '../../src/train/fasttext-supervised.ts';
import { DenseMatrix } from '../../src/vectors/fasttext-matrix.ts';
import { needs } from '../helpers/oracles.ts';
import { labelledLines } from './labelled-lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-supervised-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const lines = labelledLines(800, 21);
const train = join(dir, 'train.txt');
writeFileSync(train, lines.join('\n') + '\n');
const testFile = join(dir, 'test.txt');
writeFileSync(testFile, labelledLines(400, 22).join('\n') + '\n');

const outputRows = (m: { output: unknown }) => (m.output as DenseMatrix).data;

test('lines without a label are counted; a file of only such lines is refused naming labelPrefix', async () => {
  const { stats, model } = await trainFastTextSupervised({ input: corpusFromLines(lines), dim: 8, epochs: 1, threads: 1 });
  assert.equal(stats.unlabelled, lines.filter((l) => !l.includes('__label__')).length);
  assert.ok(stats.unlabelled > 0);
  assert.equal(stats.lines, lines.length);
  assert.deepEqual([...model.labels.words].sort(), ['__label__c0', '__label__c1', '__label__c2', '__label__c3', '__label__c4']);
  assert.ok(model.labels.counts[0] >= model.labels.counts[4], 'labels by descending count');
  await assert.rejects(trainFastTextSupervised({ input: corpusFromLines(['a b c', 'd e']), threads: 1 }), /none of the 2 lines has a label \(a token starting with "__label__", the labelPrefix option\)/);
  const hashed = await trainFastTextSupervised({ input: corpusFromLines(['#spam a b', 'c #ham d', 'e #spam']), labelPrefix: '#', dim: 4, threads: 1, bucket: 7, wordNgrams: 2 });
  assert.deepEqual(hashed.model.labels.words, ['#spam', '#ham']);
});

test('trainFastText points supervised models to trainFastTextSupervised', async () => {
  await assert.rejects(trainFastText({ input: corpusFromLines(lines), model: 'supervised' as 'cbow' }), /trainFastTextSupervised/);
});

test('one thread and a seed train the same classifier twice; two threads learn as well', async () => {
  // Twenty-four copies of the lines (~300k ids): several chunks, so both threads train.
  const options = { dim: 12, epochs: 2, alpha: 0.1, wordNgrams: 2, bucket: 4000, threads: 1, seed: 5 };
  const input = () => corpusFromLines(Array.from({ length: 24 }, () => lines).flat());
  const a = await trainFastTextSupervised({ ...options, input: input() });
  const b = await trainFastTextSupervised({ ...options, input: input() });
  assert.deepEqual(outputRows(a.model), outputRows(b.model));
  const two = await trainFastTextSupervised({ ...options, input: input(), threads: 2, allowMoreThreads: true });
  assert.notDeepEqual(outputRows(two.model), outputRows(a.model), 'the second thread trained chunks too');
  const p1 = (await testClassifier(new FastTextClassifier(a.model), testFile)).precision;
  const p2 = (await testClassifier(new FastTextClassifier(two.model), testFile)).precision;
  assert.ok(p1 > 0.8 && p2 > 0.8, `P@1 ${p1} (1 thread), ${p2} (2 threads)`);
});

test('a run stopped after its first pass and resumed from the checkpoint ends as the uninterrupted run', async () => {
  const options = { input: train, dim: 8, epochs: 3, threads: 1, seed: 2, loss: 'ns' as const };
  const whole = await trainFastTextSupervised(options);
  const checkpoint = join(dir, 'run.ckpt');
  const stop = new AbortController();
  await assert.rejects(
    trainFastTextSupervised({ ...options, checkpoint, signal: stop.signal, onProgress: (e) => e.phase === 'train' && e.epoch >= 2 && stop.abort() }),
    (err: Error) => /abort|stop|interrupt/i.test(err.message) || (err as { code?: string }).code === 'aborted',
  );
  const resumed = await trainFastTextSupervised({ ...options, checkpoint, resume: checkpoint });
  assert.deepEqual(outputRows(resumed.model), outputRows(whole.model));
});

for (const loss of ['softmax', 'ova'] as const) {
  test(`accuracy close to the fastText CLI's with the same options (${loss})`, async (t) => {
    if (!needs(t, 'fasttext')) return;
    const args = ['-dim', '20', '-epoch', '5', '-wordNgrams', '2', '-bucket', '20000', '-loss', loss];
    const run = spawnSync('fasttext', ['supervised', '-input', train, '-output', join(dir, `cli-${loss}`), '-thread', '1', ...args], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const cli = Number(/P@1\t(\S+)/.exec(spawnSync('fasttext', ['test', join(dir, `cli-${loss}.bin`), testFile], { encoding: 'utf8' }).stdout)?.[1]);
    const ours = await trainFastTextSupervised({ input: train, dim: 20, epochs: 5, wordNgrams: 2, bucket: 20000, loss, threads: 1 });
    const precision = (await testClassifier(new FastTextClassifier(ours.model), testFile)).precision;
    assert.ok(Math.abs(precision - cli) < 0.05, `P@1 ${precision} here, ${cli} by the CLI`);
  });
}

test('pretrained vectors start the input rows and join the vocabulary as in fastText', async (t) => {
  const vec = join(dir, 'pre.vec');
  const words = ['t0w1', 't1w2', 'outsideword', 's3'];
  writeFileSync(vec, `${words.length} 4\n` + words.map((w, i) => `${w} ${[1, 2, 3, 4].map((x) => (x * (i + 1)) / 10).join(' ')}`).join('\n') + '\n');
  await assert.rejects(trainFastTextSupervised({ input: train, pretrainedVectors: vec, dim: 5, threads: 1 }), /dimension 4, but dim is 5/);
  const ours = await trainFastTextSupervised({ input: train, pretrainedVectors: vec, dim: 4, epochs: 1, alpha: 1e-9, threads: 1 });
  const row = ours.model.vocab.indexOf('outsideword');
  assert.ok(row >= 0, 'a pretrained word absent from the training file joins the vocabulary');
  // A learning rate of ~0 leaves the copied rows as they were.
  const input = (ours.model.input as DenseMatrix).row(row);
  assert.deepEqual(Array.from(input, (x) => Math.round(x * 1e6) / 1e6), [0.3, 0.6, 0.9, 1.2]);
  if (!needs(t, 'fasttext')) return;
  const run = spawnSync('fasttext', ['supervised', '-input', train, '-output', join(dir, 'pre'), '-pretrainedVectors', vec, '-dim', '4', '-epoch', '1', '-thread', '1'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { readFastTextBin } = await import('../../src/formats/fasttext-bin-read.ts');
  const cli = await readFastTextBin(join(dir, 'pre.bin'));
  assert.deepEqual([...ours.model.vocab.words].sort(), [...cli.vocab.words].sort(), 'the same vocabulary as the fastText CLI');
  assert.equal(ours.model.ntokens, cli.ntokens);
});

test('a learning rate that blows the rows up ends in a divergence error, not a saved model', async () => {
  for (const loss of ['softmax', 'ns'] as const) {
    const output = join(dir, `diverged-${loss}.bin`);
    await assert.rejects(trainFastTextSupervised({ input: corpusFromLines(lines), output, alpha: 1e12, loss, dim: 8, epochs: 2, threads: 1 }), (err: Error) => err.name === 'TrainingDivergedError' && /lower alpha/.test(err.message));
    assert.equal(spawnSync('test', ['-e', output]).status, 1, 'nothing written');
  }
});
