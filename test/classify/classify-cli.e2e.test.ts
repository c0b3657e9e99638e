import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, makeTempDir, parseJson, runCli, writeFile } from '../cli/e2e-helpers.ts';
import { needs } from '../helpers/oracles.ts';
import { labelledLines } from './labelled-lines.ts';

/**
 * The classification commands against the fastText CLI on the same model and data: `embedkit test` prints what
 * `fasttext test` prints, `embedkit predict` what `fasttext predict` / `predict-prob` print, byte for byte.
 */
const { dir, remove } = makeTempDir();
process.on('exit', remove);
const train = writeFile(dir, 'train.txt', labelledLines(600, 11).join('\n') + '\n');
// A test file with labels the model never saw, unlabelled lines, an empty line, and no newline at the end.
const data = writeFile(dir, 'test.txt', [...labelledLines(200, 12), '__label__c9 t1w1 s3', 'no label at all', '', 't2w2 __label__c2 s7'].join('\n'));

function fasttext(args: string[], input?: string): string {
  const run = spawnSync('fasttext', args, { encoding: 'utf8', input });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

test('train fasttext --supervised writes a model whose test and predict output equal the fastText CLI\'s', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const model = join(dir, 'model.bin');
  const trained = await runCli(['train', 'fasttext', '--supervised', '-input', train, '-output', join(dir, 'model'), '-wordNgrams', '2', '-bucket', '10000', '-dim', '20', '-epoch', '8', '-thread', '1', '--json']);
  assert.equal(trained.code, 0, describeRun(trained));
  const summary = parseJson<{ labels: number; unlabelled: number; lines: number }>(trained);
  assert.equal(summary.labels, 5);
  const unlabelled = readFileSync(train, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.includes('__label__')).length;
  assert.ok(unlabelled > 0, 'the training data has unlabelled lines');
  assert.equal(summary.unlabelled, unlabelled);

  for (const k of ['1', '2', '5']) {
    const ours = await runCli(['test', model, data, '-k', k]);
    assert.equal(ours.code, 0, describeRun(ours));
    assert.equal(ours.stdout, fasttext(['test', model, data, k]), `test -k ${k}`);
    assert.match(ours.stderr, /1 label of .* unknown to the model .*__label__c9 \(1\)/);
  }
  const withThreshold = await runCli(['test', model, data, '-k', '3', '--threshold', '0.3']);
  assert.equal(withThreshold.stdout, fasttext(['test', model, data, '3', '0.3']));

  const predicted = await runCli(['predict', model, data, '-k', '2']);
  assert.equal(predicted.stdout, fasttext(['predict', model, data, '2']));
  const probs = await runCli(['predict', model, data, '-k', '3', '--prob']);
  assert.equal(probs.stdout, fasttext(['predict-prob', model, data, '3']));
});

test('test --json adds per-label metrics and a confusion matrix that agree with fastText\'s totals', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const model = join(dir, 'json.bin');
  const trained = await runCli(['train', 'supervised', '--input', train, '--output', model, '--dim', '10', '--epochs', '5', '--threads', '1', '--quiet']);
  assert.equal(trained.code, 0, describeRun(trained));
  const r = parseJson<{ examples: number; precision: number; recall: number; labels: { label: string; gold: number; predicted: number; correct: number; f1: number }[]; confusion: { labels: string[]; counts: number[][] }; unknownLabels: Record<string, number> }>(await runCli(['test', model, data, '--json']));
  const cli = fasttext(['test', model, data, '1']);
  assert.equal(`N\t${r.examples}`, cli.split('\n')[0]);
  assert.equal(r.precision.toPrecision(3).replace(/0+$/, '').replace(/\.$/, ''), /P@1\t(\S+)/.exec(cli)![1]);
  // Per label: the counts add up to the totals, and the confusion matrix's diagonal is the correct top-1 predictions.
  const correct = r.labels.reduce((s, l) => s + l.correct, 0);
  const predictedTotal = r.labels.reduce((s, l) => s + l.predicted, 0);
  assert.equal(correct / predictedTotal, r.precision);
  const diagonal = r.confusion.counts.reduce((s, row, i) => s + row[i], 0);
  assert.equal(diagonal, correct, 'top-1: the diagonal counts the correct predictions');
  assert.deepEqual(r.confusion.labels, r.labels.map((l) => l.label));
  assert.deepEqual(r.unknownLabels, { __label__c9: 1 });
  // Per label, from the fastText CLI's own top-1 predictions and the gold labels of each line it scores.
  const lines = readFileSync(data, 'utf8').split('\n');
  const top = fasttext(['predict', model, data, '1']).split('\n');
  const known = new Set(r.labels.map((l) => l.label));
  const expected = new Map(r.labels.map((l) => [l.label, { gold: 0, predicted: 0, correct: 0 }]));
  lines.forEach((line, i) => {
    const gold = line.split(/\s+/).filter((w) => known.has(w));
    if (gold.length === 0) return;
    for (const g of gold) expected.get(g)!.gold++;
    const p = top[i];
    if (!p) return;
    expected.get(p)!.predicted++;
    if (gold.includes(p)) expected.get(p)!.correct++;
  });
  for (const l of r.labels) {
    assert.deepEqual({ gold: l.gold, predicted: l.predicted, correct: l.correct }, expected.get(l.label), l.label);
    const precision = l.correct / l.predicted;
    const recall = l.correct / l.gold;
    if (l.correct > 0) assert.ok(Math.abs(l.f1 - (2 * precision * recall) / (precision + recall)) < 1e-12, `${l.label} F1`);
  }
});

test('predict on an empty line answers as fastText does (the line end alone), and refuses a word-vector model', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const model = join(dir, 'model.bin');
  const input = 'one t1w1\n\nt3w3 s1\n';
  const viaStdin = spawnSync(process.execPath, ['bin/embedkit.js', 'predict', model, '-', '--prob'], { encoding: 'utf8', input });
  assert.equal(viaStdin.status, 0, viaStdin.stderr);
  assert.equal(viaStdin.stdout, fasttext(['predict-prob', model, '-'], input));

  const corpus = writeFile(dir, 'corpus.txt', labelledLines(100, 13).join('\n') + '\n');
  fasttext(['skipgram', '-input', corpus, '-output', join(dir, 'vectors'), '-dim', '5', '-epoch', '1', '-minCount', '1', '-thread', '1']);
  const refused = await runCli(['predict', join(dir, 'vectors.bin'), corpus]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /vectors\.bin: this fastText model was trained with skipgram \(word vectors\), not supervised/);
});

test('training on a file without any label fails with a clear message', async () => {
  const none = writeFile(dir, 'none.txt', 'just words here\nand more words\n');
  const r = await runCli(['train', 'supervised', '--input', none, '--output', join(dir, 'none.bin'), '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /none of the 2 lines has a label \(a token starting with "__label__", the --label-prefix option\)/);
});
