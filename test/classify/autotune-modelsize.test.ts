import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autotuneFastTextSupervised } from '../../src/apps/classify/autotune.ts';
import { resolveAutotuneOptions } from '../../src/apps/classify/autotune-options.ts';
import { fileBytes } from '../../src/apps/classify/autotune-quantize.ts';
import { FastTextClassifier } from '../../src/apps/classify/fasttext-classifier.ts';
import { quantizeInOrder, rowOrder } from '../../src/apps/classify/quantize.ts';
import { fastTextCutoffForSize, QuantizedSizes } from '../../src/apps/classify/quantize-size.ts';
import { EmbedkitError } from '../../src/errors.ts';
import { OptionError } from '../../src/train/option-schema.ts';
import { trainFastTextSupervised } from '../../src/train/fasttext-supervised.ts';
import type { FastTextModelData } from '../../src/vectors/fasttext-model.ts';
import { DenseMatrix } from '../../src/vectors/fasttext-matrix.ts';
import { EOS } from '../../src/vectors/subwords.ts';
import { runCli } from '../cli/e2e-helpers.ts';
import { needs } from '../helpers/oracles.ts';
import { labelledLines } from './labelled-lines.ts';

/**
 * fastText's -autotune-modelsize: the size parsed as fastText parses it, the cutoff chosen by fastText's estimate
 * (checked against the cutoffs the fastText CLI logs) and held to the exact size of the written file, the .ftz
 * within the budget and readable by the fastText CLI, and a budget nothing fits refused with a clear error.
 */
const dir = mkdtempSync(join(tmpdir(), 'embedkit-modelsize-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const train = join(dir, 'train.txt');
const valid = join(dir, 'valid.txt');
writeFileSync(train, labelledLines(600, 1).join('\n') + '\n');
writeFileSync(valid, labelledLines(200, 2).join('\n') + '\n');

test('modelSize takes bytes or fastText\'s 2M / 500K spelling; anything else is refused naming the option', () => {
  const size = (modelSize: unknown) => resolveAutotuneOptions({ modelSize }).modelSize;
  assert.equal(size(undefined), undefined);
  assert.equal(size(123_456), 123_456);
  assert.equal(size('2M'), 2_000_000);
  assert.equal(size('500K'), 500_000);
  assert.equal(size('500k'), 500_000);
  assert.equal(size('1g'), 1_000_000_000);
  assert.equal(size('70000'), 70_000);
  for (const bad of ['2X', '1.5M', '-1', 'M', '', '2 M B', 0, -5, 1.5, '0K']) {
    assert.throws(
      () => size(bad),
      (err: unknown) => err instanceof OptionError && err.option === 'modelSize' && /^modelSize must be a positive whole number of bytes, or one with a k, m or g suffix \(as 2M or 500K\), got /.test(err.message),
      `modelSize ${JSON.stringify(bad)}`,
    );
  }
});

test('the CLI refuses a bad --autotune-modelsize by its flag', async () => {
  const r = await runCli(['train', 'supervised', '--input', train, '--output', join(dir, 'never'), '--autotune-validation', valid, '--autotune-modelsize', '2MB', '--threads', '1']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--autotune-modelsize must be a positive whole number of bytes.*got "2MB"/);
  assert.ok(!existsSync(join(dir, 'never.ftz')) && !existsSync(join(dir, 'never.bin')));
});

async function trained(lines: string[], dim: number, extra: Record<string, unknown> = {}): Promise<FastTextModelData> {
  const file = join(dir, `t${dim}-${lines.length}.txt`);
  writeFileSync(file, lines.join('\n') + '\n');
  return (await trainFastTextSupervised({ input: file, dim, threads: 1, ...extra })).model;
}

test('QuantizedSizes gives the exact bytes of the written .ftz, whole or cut, with qnorm or not, qout or not', async () => {
  const few = await trained(labelledLines(400, 4), 10, { wordNgrams: 2, bucket: 3000 });
  const many = await trained(labelledLines(3000, 5, 700), 6);
  assert.ok(many.labels.size >= 256, `${many.labels.size} labels: qout needs 256`);
  for (const [model, qout] of [[few, false], [many, true]] as const) {
    const order = rowOrder(model.input as DenseMatrix, model.vocab.indexOf(EOS));
    for (const dsub of [2, 4]) {
      for (const qnorm of [true, false]) {
        const sizes = new QuantizedSizes(model, { dsub, qnorm, qout });
        const whole = await quantizeInOrder(model, { dsub, qnorm, qout }, order);
        assert.equal(sizes.whole(), await fileBytes(whole), `whole, dsub ${dsub} qnorm ${qnorm} qout ${qout}`);
        for (const cutoff of [300, Math.floor(model.input.rows / 2)]) {
          const cut = await quantizeInOrder(model, { dsub, qnorm, qout, cutoff }, order);
          const bytes = await fileBytes(cut);
          assert.equal(sizes.pruned(order, cutoff), bytes, `cutoff ${cutoff}, dsub ${dsub} qnorm ${qnorm} qout ${qout}`);
          // The most rows within a budget of exactly that size are the cutoff's (rows are never free).
          assert.equal(sizes.mostRowsWithin(order, bytes), cutoff);
          assert.equal(sizes.mostRowsWithin(order, bytes - 1), cutoff - 1);
        }
      }
    }
  }
});

test('the cutoff estimate is fastText\'s: the cutoffs its autotune logs for each dsub on the same labels and dim', async (t) => {
  if (!needs(t, 'fasttext')) return;
  const args = ['supervised', '-input', train, '-output', join(dir, 'ft'), '-autotune-validation', valid, '-autotune-duration', '3', '-autotune-modelsize', '50K', '-dim', '10', '-bucket', '20000', '-thread', '1', '-verbose', '3'];
  // fastText's autotune now and then never returns (its timer thread and the training race at the deadline):
  // a run past a minute is killed and run again.
  let r = spawnSync('fasttext', args, { encoding: 'utf8', timeout: 60_000 });
  for (let retry = 0; retry < 2 && r.signal !== null; retry++) r = spawnSync('fasttext', args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  // -verbose 3 logs each trial's arguments (dsub, then loss) and the cutoff it chose on standard output.
  const pairs = [...r.stdout.matchAll(/dsub = (\d+)\nloss = \S+\ncutoff = (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(pairs.length >= 2, r.stdout);
  const model = await trained(labelledLines(600, 1), 10);
  for (const [dsub, cutoff] of pairs) assert.equal(fastTextCutoffForSize(model, { dsub, qnorm: true, qout: false }, 50_000), cutoff, `dsub ${dsub}`);
  // Past what fits, fastText's floor of 256 rows.
  assert.equal(fastTextCutoffForSize(model, { dsub: 2, qnorm: true, qout: false }, 12_000), 256);
});

test('autotune with modelSize scores trials quantized, writes an .ftz within the budget that the fastText CLI tests as we do', async (t) => {
  const budget = 50_000;
  const output = join(dir, 'small');
  const r = await autotuneFastTextSupervised({ input: train, validation: valid, duration: 6, threads: 1, dim: 10, bucket: 20_000, modelSize: budget, output });
  assert.equal(r.written, `${output}.ftz`);
  const bytes = statSync(`${output}.ftz`).size;
  assert.equal(r.bytes, bytes);
  assert.ok(bytes <= budget, `${bytes} bytes, budget ${budget}`);
  assert.equal(r.trials[0].parameters.dsub, 2, 'dsub starts at fastText\'s default');
  for (const trial of r.trials) {
    assert.ok([2, 4, 8, 16].includes(trial.parameters.dsub!), `dsub ${trial.parameters.dsub}`);
    if (trial.score !== undefined) assert.ok(trial.bytes! <= budget, `trial ${trial.trial}: ${trial.bytes} bytes`);
  }
  const model = await FastTextClassifier.load(`${output}.ftz`);
  assert.equal(model.model.args.dim, 10);
  assert.ok(!(model.model.input instanceof DenseMatrix), 'the .ftz is quantized');
  if (!needs(t, 'fasttext')) return;
  const cli = spawnSync('fasttext', ['test', `${output}.ftz`, valid], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const number = (name: string) => Number(new RegExp(`${name}\\t(\\S+)`).exec(cli.stdout)?.[1]);
  assert.equal(number('N'), r.validation.examples);
  assert.ok(Math.abs(number('P@1') - r.validation.precision) < 1e-3, `${cli.stdout} vs P@1 ${r.validation.precision}`);
});

test('a budget no model fits is a clear error, and no file is written', async () => {
  const output = join(dir, 'tiny');
  await assert.rejects(
    autotuneFastTextSupervised({ input: train, validation: valid, duration: 3, threads: 1, dim: 10, bucket: 20_000, modelSize: 12_000, output }),
    (err: unknown) => err instanceof EmbedkitError && err.code === 'autotune_model_too_large' && /no quantized model fits in modelSize 12000 bytes: the smallest one autotune may write here \(257 input rows\) takes \d+ bytes; give a larger modelSize/.test(err.message),
  );
  assert.ok(!existsSync(`${output}.ftz`) && !existsSync(`${output}.bin`));
});

test('train supervised --autotune-modelsize 50K writes PREFIX.ftz within it and says its size', async () => {
  const output = join(dir, 'cli-small');
  const r = await runCli(['train', 'fasttext', '--supervised', '-input', train, '-output', output, '-autotune-validation', valid, '-autotune-duration', '4', '-autotune-modelsize', '50K', '-dim', '10', '-bucket', '20000', '-thread', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { output: string; bytes: number; best: { dsub: number } };
  assert.equal(report.output, `${output}.ftz`);
  assert.equal(report.bytes, statSync(`${output}.ftz`).size);
  assert.ok(report.bytes <= 50_000 && [2, 4, 8, 16].includes(report.best.dsub), r.stdout);
  assert.ok(!existsSync(`${output}.bin`));
  const tooSmall = await runCli(['train', 'supervised', '--input', train, '--output', join(dir, 'cli-tiny'), '--autotune-validation', valid, '--autotune-duration', '2', '--autotune-modelsize', '12K', '--dim', '10', '--threads', '1']);
  assert.notEqual(tooSmall.code, 0);
  assert.match(tooSmall.stderr, /no quantized model fits in --autotune-modelsize 12000 bytes/);
});
