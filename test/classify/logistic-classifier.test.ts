import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTestSummary } from '../../src/apps/classify/classifier-test.ts';
import { LogisticClassifier } from '../../src/apps/classify/logistic-classifier.ts';
import { testLogisticClassifier } from '../../src/apps/classify/logistic-test.ts';
import { readLabelledTexts } from '../../src/apps/classify/labelled-texts.ts';
import { textVectors } from '../../src/apps/classify/text-vectors.ts';
import { openEncoder } from '../../src/encoders/open-encoder.ts';
import { seededRandom } from '../../src/util/random.ts';
import { makeTempDir, parseJson, runCli, describeRun } from '../cli/e2e-helpers.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';
import { labelledLines } from './labelled-lines.ts';

const { dir, remove } = makeTempDir();
process.on('exit', remove);

/** Word vectors for labelledLines' words: a topic's words near its own direction, shared words anywhere. */
function writeVectors(path: string, labels: number, dim = 8): void {
  const rnd = seededRandom(5);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const centres = Array.from({ length: labels }, () => Array.from({ length: dim }, normal));
  const rows: string[] = [];
  for (let l = 0; l < labels; l++) for (let i = 0; i < 30; i++) rows.push(`t${l}w${i} ${centres[l].map((c) => (c + 1.2 * normal()).toFixed(5)).join(' ')}`);
  for (let i = 0; i < 60; i++) rows.push(`s${i} ${Array.from({ length: dim }, () => normal().toFixed(5)).join(' ')}`);
  writeFileSync(path, `${rows.length} ${dim}\n${rows.join('\n')}\n`);
}

/** labelledLines with one label per line (the first), as logistic regression takes them. */
const singleLabel = (lines: string[]) => lines.map((l) => l.replace(/(__label__c\d)(.*?)\s__label__c\d/, '$1$2'));

const vectors = join(dir, 'vectors.vec');
writeVectors(vectors, 5);
const train = join(dir, 'train.txt');
writeFileSync(train, singleLabel(labelledLines(600, 31)).join('\n') + '\n');
const held = join(dir, 'held.txt');
writeFileSync(held, labelledLines(300, 32).join('\n') + '\n');

test("the classifier's probabilities equal scikit-learn's LogisticRegression on the same feature matrix", async (t) => {
  if (!needs(t, 'sklearn')) return;
  const encoder = await openEncoder(vectors, { pooling: 'sif' });
  const { classifier, stats } = await LogisticClassifier.train(train, encoder, { C: 3, classWeight: 'balanced', encoderSpec: { spec: vectors, pooling: 'sif' } });
  assert.ok(stats.unlabelled > 0, 'labelledLines has a few unlabelled lines');
  const data = await readLabelledTexts(train);
  const rows = data.texts.flatMap((text, i) => (data.labels[i].length ? [{ text, label: data.labels[i][0] }] : []));
  const { vectors: X } = await encoder.encode(rows.map((r) => r.text));
  const file = join(dir, 'features.json');
  writeFileSync(file, JSON.stringify({ X: X.map((v) => [...v]), y: rows.map((r) => classifier.labelIndex(r.label)) }));
  const script = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
d = json.load(open(sys.argv[1]))
X = np.array(d['X'], dtype=np.float32).astype(np.float64)
m = LogisticRegression(multi_class='multinomial', solver='lbfgs', C=3, class_weight='balanced').fit(X, np.array(d['y']))
print(json.dumps({'proba': m.predict_proba(X).tolist(), 'coef': m.coef_.tolist()}))
`;
  const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const ref = JSON.parse(r.stdout) as { proba: number[][]; coef: number[][] };
  // Both stop at scikit-learn's default tol (1e-4) on the same objective: the same model up to that stopping error.
  let worst = 0;
  X.forEach((x, i) => classifier.probabilities(x).forEach((p, k) => (worst = Math.max(worst, Math.abs(p - ref.proba[i][k])))));
  assert.ok(worst < 2e-3, `largest probability difference ${worst}`);
  for (let k = 0; k < 5; k++) for (let j = 0; j < 8; j++) assert.ok(Math.abs(classifier.coef[k * 8 + j] - ref.coef[k][j]) < 2e-2, `coef[${k}][${j}]`);
  // Saved and loaded (the encoder opened again from the recorded spec): the same predictions.
  const path = join(dir, 'topics.eklr');
  await classifier.save(path);
  assert.ok(await LogisticClassifier.isClassifierFile(path));
  assert.equal(await LogisticClassifier.isClassifierFile(vectors), false);
  const again = await LogisticClassifier.load(path);
  assert.deepEqual(await again.predict(data.texts.slice(0, 50), { k: 3 }), await classifier.predict(data.texts.slice(0, 50), { k: 3 }));
  // Moved together with its vectors: found next to the classifier.
  const moved = join(dir, 'moved');
  mkdirSync(moved);
  copyFileSync(path, join(moved, 'topics.eklr'));
  copyFileSync(vectors, join(moved, 'vectors.vec'));
  const header = JSON.parse(readFileSync(path).toString('utf8', 12, 12 + readFileSync(path).readUInt32LE(8))) as { encoder: { path: string } };
  assert.equal(header.encoder.path, 'vectors.vec');
  const fromMoved = await LogisticClassifier.load(join(moved, 'topics.eklr'));
  assert.deepEqual(await fromMoved.predict(data.texts.slice(0, 20)), await classifier.predict(data.texts.slice(0, 20)));
});

test('train classifier, predict and test on the command line: the library\'s answers, fastText\'s output shapes', async () => {
  const model = join(dir, 'cli.eklr');
  const trained = await runCli(['train', 'classifier', train, '--model', vectors, '--pooling', 'sif', '--output', model, '--class-weight', 'balanced', '--json']);
  assert.equal(trained.code, 0, describeRun(trained));
  const summary = parseJson<{ labels: string[]; examples: number; unlabelled: number; converged: boolean }>(trained);
  assert.equal(summary.labels.length, 5);
  assert.ok(summary.converged);
  const classifier = await LogisticClassifier.load(model);
  const expected = await testLogisticClassifier(classifier, held);
  assert.ok(expected.precision > 0.6, `P@1 ${expected.precision}`);
  const tested = await runCli(['test', model, held]);
  assert.equal(tested.code, 0, describeRun(tested));
  assert.equal(tested.stdout, formatTestSummary(expected));
  const json = await runCli(['test', model, held, '-k', '2', '--json']);
  assert.deepEqual(parseJson(json), JSON.parse(JSON.stringify(await testLogisticClassifier(classifier, held, { k: 2 }))));
  const input = join(dir, 'input.txt');
  writeFileSync(input, 't0w1 t0w2 s3\n\nt3w4 t3w5\nnothing known\n');
  const predicted = await runCli(['predict', model, input, '-k', '2', '--prob']);
  assert.equal(predicted.code, 0, describeRun(predicted));
  const lines = predicted.stdout.split('\n');
  assert.equal(lines.length, 5, 'one output line per input line');
  const ours = await classifier.predict(['t0w1 t0w2 s3', 't3w4 t3w5'], { k: 2 });
  assert.deepEqual(lines[0].split(' ').filter((_, i) => i % 2 === 0), ours[0].map((p) => p.label));
  assert.ok(Math.abs(Number(lines[0].split(' ')[1]) - ours[0][0].probability) < 1e-5);
  assert.equal(lines[1], '', 'an empty line gets an empty prediction, as in fastText');
  assert.equal(lines[2].split(' ')[0], ours[1][0].label);
  assert.equal(lines[3], '', 'a line without a known word gets no prediction');
});

test('JSON lines train the same classifier; bad data is refused clearly', async () => {
  const encoder = await openEncoder(vectors);
  const lines = ['{"text": "t0w1 t0w2", "label": "a"}', '{"text": "t1w1 t1w2", "label": "b"}', '{"text": "t0w3", "label": "a"}', '{"text": "t1w4 s1", "labels": ["b"]}'];
  const fast = ['__label__a t0w1 t0w2', '__label__b t1w1 t1w2', 't0w3 __label__a', '__label__b t1w4 s1'];
  const fromJson = (await LogisticClassifier.train(lines, encoder)).classifier;
  const fromLines = (await LogisticClassifier.train(fast, encoder)).classifier;
  assert.deepEqual(fromJson.labels, ['a', 'b']);
  assert.deepEqual([...fromJson.coef], [...fromLines.coef]);
  await assert.rejects(LogisticClassifier.train(['__label__a __label__b t0w1', '__label__a t1w1'], encoder), /line 1 has 2 labels/);
  await assert.rejects(LogisticClassifier.train(['t0w1', 't1w1'], encoder), /none of the 2 examples has a label/);
  await assert.rejects(LogisticClassifier.train(['__label__a t0w1', '__label__a t1w1'], encoder), /1 label; a classifier needs at least 2/);
  await assert.rejects(LogisticClassifier.train(['{"text": "x", "label": "a"}', 'plain'], encoder), /line 2 is not JSON/);
  const bad = join(dir, 'future.eklr');
  await fromJson.save(bad);
  const bytes = readFileSync(bad);
  writeFileSync(bad, Buffer.from(bytes.toString('latin1').replace('"version":1', '"version":9'), 'latin1'));
  await assert.rejects(LogisticClassifier.load(bad, { encoder }), /classifier file version 9 .* reads version 1/);
});

test('solver sgd: the file records it, loads with the same predictions, and a one-vs-rest fit gives normalised sigmoids', async () => {
  const encoder = await openEncoder(vectors, { pooling: 'mean' });
  const { classifier } = await LogisticClassifier.train(train, encoder, { solver: 'sgd', C: 10, tol: 1e-3, maxIterations: 1000, seed: 3 });
  assert.equal(classifier.header.training.solver, 'sgd');
  assert.equal(classifier.header.training.seed, 3);
  const file = join(dir, 'sgd.eklr');
  await classifier.save(file);
  const again = await LogisticClassifier.load(file, { encoder });
  const texts = (await readLabelledTexts(held)).texts.slice(0, 20);
  assert.deepEqual(await again.predict(texts, { k: 5 }), await classifier.predict(texts, { k: 5 }));
  const [v] = (await textVectors(encoder, [texts[0]])) as Float32Array[];
  const K = classifier.labels.length;
  const sigmoids = Array.from({ length: K }, (_, k) => {
    let s = classifier.intercept[k];
    for (let j = 0; j < v.length; j++) s += classifier.coef[k * v.length + j] * v[j];
    return 1 / (1 + Math.exp(-s));
  });
  const sum = sigmoids.reduce((a, b) => a + b, 0);
  const p = classifier.probabilities(v);
  for (let k = 0; k < K; k++) assert.ok(Math.abs(p[k] - sigmoids[k] / sum) < 1e-12, `label ${k}: ${p[k]} vs ${sigmoids[k] / sum}`);
});
