import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrateZeroShotTemperature, zeroShotClassify } from '../../src/apps/classify/zero-shot.ts';
import { openEncoder } from '../../src/encoders/open-encoder.ts';
import { describeRun, makeTempDir, runCli } from '../cli/e2e-helpers.ts';

const { dir, remove } = makeTempDir();
process.on('exit', remove);
const vectors = join(dir, 'v.vec');
writeFileSync(vectors, '8 3\nmatch 1 0 0.1\ngoal 0.9 0.2 0\nsport 0.95 0.05 0.1\nbread 0 1 0.1\nsoup 0.2 0.9 0\nfood 0.05 0.95 0.1\nvote 0 0.1 1\npolitics 0.1 0 0.9\n');
const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
const ROWS: Record<string, number[]> = { match: [1, 0, 0.1], goal: [0.9, 0.2, 0], sport: [0.95, 0.05, 0.1], bread: [0, 1, 0.1], soup: [0.2, 0.9, 0], food: [0.05, 0.95, 0.1], vote: [0, 0.1, 1], politics: [0.1, 0, 0.9] };
/** Mean pooling done here: the cosine of the mean of the texts' rows with a label's row. */
const cos = (words: string[], label: string) => {
  const m = unit([0, 1, 2].map((j) => words.reduce((s, w) => s + ROWS[w][j], 0) / words.length));
  const l = unit(ROWS[label]);
  return m.reduce((s, x, j) => s + x * l[j], 0);
};
const labels = ['sport', 'food', 'politics'];

test('zero-shot labels: ranked by cosine, probabilities softmax(cosine / temperature); no vector, no labels', async () => {
  const encoder = await openEncoder(vectors);
  const [first, none] = await zeroShotClassify(encoder, ['goal soup match', 'zzz'], labels, { template: '{}', temperature: 0.2 });
  const c = labels.map((l) => cos(['goal', 'soup', 'match'], l));
  const z = c.map((x) => Math.exp(x / 0.2));
  const sum = z.reduce((a, b) => a + b, 0);
  assert.deepEqual(first.map((s) => s.label), ['sport', 'food', 'politics']);
  for (const s of first) {
    const k = labels.indexOf(s.label);
    assert.ok(Math.abs(s.score - c[k]) < 1e-6);
    assert.ok(Math.abs(s.probability - z[k] / sum) < 1e-6);
  }
  assert.deepEqual(none, []);
  await assert.rejects(zeroShotClassify(encoder, ['goal'], ['sport']), /at least 2 labels/);
  await assert.rejects(zeroShotClassify(encoder, ['goal'], labels, { template: 'about it' }), /has no \{\}/);
  await assert.rejects(zeroShotClassify(encoder, ['goal'], ['sport', 'tennis'], { template: '{}' }), /the label "tennis" has no vector/);
});

test('temperature scaling: the fitted temperature minimizes the mean NLL of the true labels', async () => {
  const encoder = await openEncoder(vectors);
  const texts = ['goal match', 'soup', 'vote', 'goal bread', 'soup vote', 'match vote', 'bread', 'politics vote goal'];
  const gold = ['sport', 'food', 'politics', 'food', 'food', 'politics', 'food', 'sport'];
  const fit = await calibrateZeroShotTemperature(encoder, texts, gold, labels, { template: '{}' });
  // The same NLL, computed here on a fine grid of temperatures.
  const nll = (t: number) =>
    texts.reduce((sum, text, i) => {
      const c = labels.map((l) => cos(text.split(' '), l) / t);
      const max = Math.max(...c);
      return sum + max + Math.log(c.reduce((s, x) => s + Math.exp(x - max), 0)) - c[labels.indexOf(gold[i])];
    }, 0) / texts.length;
  let best = Infinity;
  for (let t = 0.01; t < 5; t *= 1.001) best = Math.min(best, nll(t));
  assert.ok(Math.abs(fit.nll - nll(fit.temperature)) < 1e-5, "the same NLL (float32 vectors)");
  assert.ok(fit.nll <= best + 1e-5, `fitted NLL ${fit.nll}, grid minimum ${best}`);
  assert.ok(nll(fit.temperature * 1.05) > fit.nll && nll(fit.temperature / 1.05) > fit.nll);
  assert.equal(fit.examples, 8);
  assert.equal(fit.accuracy, 7 / 8); // "politics vote goal" is labelled sport
});

test('embedkit classify: one line per input, the library\'s ranking and probabilities; --calibrate fits the temperature', async () => {
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'goal match\nsoup bread\n\nvote\n');
  const r = await runCli(['classify', vectors, input, '--labels', 'sport,food,politics', '--template', '{}', '--top', '2', '--temperature', '0.3']);
  assert.equal(r.code, 0, describeRun(r));
  const lines = r.stdout.split('\n');
  assert.equal(lines.length, 5);
  const encoder = await openEncoder(vectors);
  const expected = await zeroShotClassify(encoder, ['goal match', 'soup bread', '', 'vote'], labels, { template: '{}', temperature: 0.3 });
  expected.forEach((scores, i) => {
    const fields = lines[i] === '' ? [] : lines[i].split('\t');
    assert.deepEqual(fields.filter((_, j) => j % 2 === 0), scores.slice(0, 2).map((s) => s.label));
    fields.filter((_, j) => j % 2 === 1).forEach((p, j) => assert.ok(Math.abs(Number(p) - scores[j].probability) < 1e-5));
  });
  const calibration = join(dir, 'calibrate.txt');
  writeFileSync(calibration, '__label__sport goal match\n__label__food soup\n__label__politics vote\n__label__food goal bread\n');
  const c = await runCli(['classify', vectors, input, '--labels', 'sport,food,politics', '--template', '{}', '--calibrate', calibration]);
  assert.equal(c.code, 0, describeRun(c));
  const fit = await calibrateZeroShotTemperature(encoder, ['goal match', 'soup', 'vote', 'goal bread'], ['sport', 'food', 'politics', 'food'], labels, { template: '{}' });
  assert.match(c.stderr, new RegExp(`calibrated on 4 texts .* temperature ${fit.temperature.toPrecision(4)}`));
});
