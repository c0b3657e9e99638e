import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastTextClassifier } from '../../src/apps/classify/fasttext-classifier.ts';
import { quantizeFastTextFile, quantizeFastTextModel } from '../../src/apps/classify/quantize.ts';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import type { FastTextModelData } from '../../src/vectors/fasttext-model.ts';
import { DenseMatrix, QuantizedMatrix } from '../../src/vectors/fasttext-matrix.ts';
import { runCli } from '../cli/e2e-helpers.ts';
import { needs } from '../helpers/oracles.ts';
import { assertSamePredictions, cliPredictions } from './cli-predictions.ts';
import { labelledLines } from './labelled-lines.ts';

/**
 * .ftz written here as `fasttext quantize` writes them: on the same .bin, the same dictionary, the same kept
 * buckets under the same numbers, the same centroids and codes (input, norms, output), and the fastText CLI
 * predicts with our .ftz what we predict with it.
 */
const dir = mkdtempSync(join(tmpdir(), 'embedkit-quantize-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const train = join(dir, 'train.txt');
writeFileSync(train, labelledLines(800, 1).join('\n') + '\n');
const heldOut = join(dir, 'test.txt');
writeFileSync(heldOut, labelledLines(300, 3).join('\n') + '\n');
const queries = [...labelledLines(60, 2).map((l) => l.replace(/__label__\S+/g, '')), '', 'neverseen words only'];
const queryFile = join(dir, 'queries.txt');
writeFileSync(queryFile, queries.join('\n') + '\n');

function fastText(args: string[]): void {
  const run = spawnSync('fasttext', args, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
}

/** A .bin the fastText CLI trains (bigrams in 2000 buckets: about 2500 input rows). */
function trainModel(prefix: string, data = train, extra: string[] = []): string {
  fastText(['supervised', '-input', data, '-output', prefix, '-thread', '1', '-epoch', '10', '-lr', '0.5', '-dim', '10', '-wordNgrams', '2', '-bucket', '2000', ...extra]);
  return `${prefix}.bin`;
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function assertSameQuantized(ours: QuantizedMatrix, theirs: QuantizedMatrix, what: string): void {
  assert.deepEqual([ours.rows, ours.dim, ours.pq.nsubq, ours.pq.dsub, ours.pq.lastdsub], [theirs.rows, theirs.dim, theirs.pq.nsubq, theirs.pq.dsub, theirs.pq.lastdsub], `${what} shape`);
  assert.ok(bytes(ours.pq.centroids).equals(bytes(theirs.pq.centroids)), `${what} centroids`);
  assert.ok(bytes(ours.codes).equals(bytes(theirs.codes)), `${what} codes`);
  assert.equal(ours.norms === null, theirs.norms === null, `${what} norms quantized or not`);
  if (ours.norms && theirs.norms) {
    assert.ok(bytes(ours.norms.pq.centroids).equals(bytes(theirs.norms.pq.centroids)), `${what} norm centroids`);
    assert.ok(bytes(ours.norms.codes).equals(bytes(theirs.norms.codes)), `${what} norm codes`);
  }
}

function assertSameModel(ours: FastTextModelData, theirs: FastTextModelData): void {
  assert.deepEqual(ours.vocab.words, theirs.vocab.words, 'kept words');
  assert.deepEqual(Array.from(ours.vocab.counts), Array.from(theirs.vocab.counts), 'word counts');
  assert.deepEqual(ours.labels.words, theirs.labels.words, 'labels');
  assert.deepEqual(ours.args, theirs.args, 'args');
  // The map's order on disk is fastText's unordered_map's; its content is what counts.
  const sorted = (m: Map<number, number> | null) => (m ? [...m].sort((a, b) => a[0] - b[0]) : null);
  assert.deepEqual(sorted(ours.pruneIndex), sorted(theirs.pruneIndex), 'kept buckets and their rows');
  assertSameQuantized(ours.input as QuantizedMatrix, theirs.input as QuantizedMatrix, 'input');
  if (theirs.output instanceof QuantizedMatrix) assertSameQuantized(ours.output as QuantizedMatrix, theirs.output, 'output');
  else assert.ok(bytes((ours.output as DenseMatrix).data).equals(bytes((theirs.output as DenseMatrix).data)), 'output rows');
}

// The last model has pairs of identical rows (so of equal norm) around the cutoff: their order, and so the kept
// buckets' numbers, is libstdc++'s std::sort's (a stable sort numbers two buckets the other way).
const QUANTIZE_CASES: { flags: string[]; training?: string[] }[] = [
  { flags: [] },
  { flags: ['-qnorm', '-dsub', '3'] },
  { flags: ['-cutoff', '600', '-qnorm'] },
  { flags: ['-cutoff', '300', '-dsub', '4'] },
  { flags: ['-cutoff', '1000'], training: ['-bucket', '5000', '-epoch', '5', '-lr', '0.1'] },
];

for (const { flags, training } of QUANTIZE_CASES) {
  test(`quantize ${flags.join(' ') || '(defaults)'} writes what fasttext quantize writes, and the fastText CLI predicts with it what we do`, async (t) => {
    if (!needs(t, 'fasttext')) return;
    const prefix = join(dir, `m${flags.join('')}`);
    const bin = trainModel(prefix, train, training);
    const ours = `${prefix}.ours.ftz`;
    const options: Record<string, unknown> = { threads: 1 };
    for (let i = 0; i < flags.length; i++) {
      const name = flags[i].slice(1);
      options[name] = name === 'qnorm' ? true : Number(flags[++i]);
    }
    await quantizeFastTextFile(bin, ours, options);
    fastText(['quantize', '-input', train, '-output', prefix, ...flags]);
    assertSameModel(await readFastTextBin(ours), await readFastTextBin(`${prefix}.ftz`));
    const classifier = await FastTextClassifier.load(ours);
    assertSamePredictions(classifier, queries, cliPredictions(ours, queryFile, 2), 2);
  });
}

test('quantize --qout quantizes the output matrix as fasttext quantize -qout does (300 labels)', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const data = join(dir, 'many-labels.txt');
  writeFileSync(data, labelledLines(3000, 5, 300).join('\n') + '\n');
  const prefix = join(dir, 'qout');
  const bin = trainModel(prefix, data, ['-epoch', '2']);
  const model = await readFastTextBin(bin);
  assert.ok(model.labels.size >= 256, `${model.labels.size} labels`);
  const quantized = await quantizeFastTextModel(model, { qout: true, qnorm: true });
  fastText(['quantize', '-input', data, '-output', prefix, '-qout', '-qnorm']);
  assertSameModel(quantized, await readFastTextBin(`${prefix}.ftz`));
});

test('embedkit quantize --cutoff --retrain: the fastText CLI reads the .ftz, predicts what we predict, and scores about as the .bin', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const prefix = join(dir, 'retrain');
  const bin = trainModel(prefix);
  copyFileSync(bin, `${prefix}.copy.bin`);
  const r = await runCli(['quantize', bin, '-output', `${prefix}.ours`, '-cutoff', '600', '-retrain', '-input', train, '-qnorm', '-thread', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const reported = JSON.parse(r.stdout) as { output: string; bytes: { model: number; quantized: number } };
  assert.equal(reported.output, `${prefix}.ours.ftz`);
  assert.ok(reported.bytes.quantized * 4 < reported.bytes.model, `${reported.bytes.quantized} bytes from ${reported.bytes.model}`);
  const ftz = reported.output;
  const classifier = await FastTextClassifier.load(ftz);
  assertSamePredictions(classifier, queries, cliPredictions(ftz, queryFile, 3), 3);
  const precision = (model: string) => Number(/P@1\t(\S+)/.exec(spawnSync('fasttext', ['test', model, heldOut], { encoding: 'utf8' }).stdout)?.[1]);
  const before = precision(bin);
  const after = precision(ftz);
  assert.ok(after >= before - 0.05, `P@1 ${after} after, ${before} before`);
  // Retraining changed the kept rows: the same cutoff without it quantizes other rows.
  const plain = await quantizeFastTextModel(await readFastTextBin(`${prefix}.copy.bin`), { cutoff: 600, qnorm: true });
  assert.ok(!bytes((plain.input as QuantizedMatrix).codes).equals(bytes((classifier.model.input as QuantizedMatrix).codes)), 'retrained rows differ');
});

test('quantize refuses what fastText refuses, naming the option', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const model = await readFastTextBin(trainModel(join(dir, 'refuse')));
  await assert.rejects(quantizeFastTextModel(model, { retrain: true, input: train }), /retrain fine-tunes the rows a cutoff keeps: set cutoff/);
  await assert.rejects(quantizeFastTextModel(model, { cutoff: 100, retrain: true }), /retrain needs the training data: set input/);
  await assert.rejects(quantizeFastTextModel(model, { qout: true }), /5 rows is too small for product quantization: it needs at least 256 rows/);
  const quantized = await quantizeFastTextModel(model, { cutoff: 300 });
  await assert.rejects(quantizeFastTextModel(quantized), /already quantized/);
  await assert.rejects(quantizeFastTextModel({ ...model, args: { ...model.args, model: 'skipgram' } }), /only supervised models can be quantized/);
});
