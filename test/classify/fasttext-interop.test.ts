import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastTextClassifier } from '../../src/apps/classify/fasttext-classifier.ts';
import { trainFastTextSupervised } from '../../src/train/fasttext-supervised.ts';
import { needs } from '../helpers/oracles.ts';
import { labelledLines } from './labelled-lines.ts';
import { assertSamePredictions as assertSame, cliPredictions as predictionsOf } from './cli-predictions.ts';

/**
 * Supervised .bin files both ways: models the fastText CLI trains predict here what `fasttext predict-prob`
 * prints (same labels in the same order, probabilities within 1e-5), and models trained here predict in the
 * CLI what they predict here. Queries include unknown words, an empty line, a line of labels only, tabs.
 */
const dir = mkdtempSync(join(tmpdir(), 'embedkit-classify-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const train = join(dir, 'train.txt');
writeFileSync(train, labelledLines(800, 1).join('\n') + '\n');
const queries = [...labelledLines(60, 2).map((l) => l.replace(/__label__\S+/g, '')), '', 'neverseen words only', '__label__c1', 't1w3\tt2w4  s5'];
const queryFile = join(dir, 'queries.txt');
writeFileSync(queryFile, queries.join('\n') + '\n');

const cliPredictions = (model: string, k: number, threshold = 0) => predictionsOf(model, queryFile, k, threshold);
const assertSamePredictions = (classifier: FastTextClassifier, expected: [string, number][][], k: number, threshold = 0) => assertSame(classifier, queries, expected, k, threshold);

const CONFIGS: { name: string; args: string[]; k: number }[] = [
  { name: 'softmax', args: ['-loss', 'softmax'], k: 3 },
  { name: 'softmax, word bigrams', args: ['-loss', 'softmax', '-wordNgrams', '2', '-bucket', '5000'], k: 2 },
  { name: 'ns, character n-grams, word trigrams', args: ['-loss', 'ns', '-minn', '2', '-maxn', '4', '-wordNgrams', '3', '-bucket', '20000', '-minCount', '2'], k: 3 },
  { name: 'hs', args: ['-loss', 'hs', '-wordNgrams', '2', '-bucket', '5000'], k: 4 },
  { name: 'ova', args: ['-loss', 'ova', '-dim', '20'], k: 5 },
];

for (const config of CONFIGS) {
  test(`a ${config.name} model the fastText CLI trains predicts here what fasttext predict-prob prints`, async (t) => {
    if (!needs(t, 'fasttext')) return;
    const prefix = join(dir, config.name.replace(/\W+/g, '-'));
    const run = spawnSync('fasttext', ['supervised', '-input', train, '-output', prefix, '-thread', '1', '-epoch', '10', '-lr', '0.5', '-dim', '16', ...config.args], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const classifier = await FastTextClassifier.load(`${prefix}.bin`);
    assertSamePredictions(classifier, cliPredictions(`${prefix}.bin`, config.k), config.k);
    assertSamePredictions(classifier, cliPredictions(`${prefix}.bin`, config.k, 0.2), config.k, 0.2);
  });
}

for (const loss of ['softmax', 'ns', 'hs', 'ova'] as const) {
  test(`a ${loss} model trained here loads in the fastText CLI and predicts the same there`, async (t) => {
    if (!needs(t, 'fasttext')) return;
    const output = join(dir, `ours-${loss}.bin`);
    await trainFastTextSupervised({ input: train, output, loss, dim: 16, epochs: 10, alpha: 0.5, wordNgrams: 2, bucket: 5000, threads: 1 });
    const classifier = await FastTextClassifier.load(output);
    assertSamePredictions(classifier, cliPredictions(output, 3), 3);
    // Trained, not random: the CLI's own test finds the labels.
    const testFile = join(dir, 'test.txt');
    writeFileSync(testFile, labelledLines(300, 3).join('\n') + '\n');
    const cli = spawnSync('fasttext', ['test', output, testFile, '1'], { encoding: 'utf8' });
    const precision = Number(/P@1\t(\S+)/.exec(cli.stdout)?.[1]);
    assert.ok(precision > 0.8, `P@1 ${precision} in the CLI's test`);
  });
}

test('predict refuses a word-vector model, naming what it is', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, labelledLines(200, 4).join('\n') + '\n');
  const run = spawnSync('fasttext', ['skipgram', '-input', corpus, '-output', join(dir, 'vectors'), '-dim', '8', '-epoch', '1', '-minCount', '1', '-thread', '1'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  await assert.rejects(FastTextClassifier.load(join(dir, 'vectors.bin')), /vectors\.bin: this fastText model was trained with skipgram \(word vectors\), not supervised/);
});

for (const flags of [['-qnorm'], ['-cutoff', '300', '-retrain', '-qnorm']]) {
  test(`a .ftz the fastText CLI quantizes (${flags.join(' ')}) predicts here what fasttext predict-prob prints`, async (t) => {
    if (!needs(t, 'fasttext')) return;
    const prefix = join(dir, `quantized${flags.length}`);
    const trained = spawnSync('fasttext', ['supervised', '-input', train, '-output', prefix, '-thread', '1', '-epoch', '10', '-lr', '0.5', '-dim', '16', '-wordNgrams', '2', '-bucket', '5000'], { encoding: 'utf8' });
    assert.equal(trained.status, 0, trained.stderr);
    const quantized = spawnSync('fasttext', ['quantize', '-input', train, '-output', prefix, '-dsub', '2', ...flags], { encoding: 'utf8' });
    assert.equal(quantized.status, 0, quantized.stderr);
    const classifier = await FastTextClassifier.load(`${prefix}.ftz`);
    if (flags.includes('-cutoff')) assert.ok(classifier.model.pruneIndex && classifier.model.pruneIndex.size > 0, 'word n-gram rows pruned');
    assertSamePredictions(classifier, cliPredictions(`${prefix}.ftz`, 2), 2);
  });
}
