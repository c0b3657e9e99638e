import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../src/errors.ts';
import { buildAliasTable, negativeSampler } from '../../src/train/negative-sampler.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';

/** Probability mass the table gives each index: its own kept share plus what other columns send it. */
function massOf(t: { probability: Float32Array; alias: Int32Array }): number[] {
  const n = t.probability.length;
  const mass = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    mass[i] += t.probability[i] / n;
    mass[t.alias[i]] += (1 - t.probability[i]) / n;
  }
  return mass;
}

test('the alias table reproduces the weights exactly (up to float32)', () => {
  const weights = [5, 1, 0, 3.5, 100, 0.25, 7, 7];
  const total = weights.reduce((a, b) => a + b, 0);
  const mass = massOf(buildAliasTable(weights));
  weights.forEach((w, i) => assert.ok(Math.abs(mass[i] - w / total) < 1e-6, `word ${i}: ${mass[i]} vs ${w / total}`));
});

test('negative sampling follows count^0.75', () => {
  const counts = Array.from({ length: 500 }, (_, i) => Math.floor(1e5 / (i + 1)) + 1);
  const t = negativeSampler(new Vocabulary(counts.map((_, i) => `w${i}`), counts), 0.75);
  const z = counts.reduce((a, c) => a + c ** 0.75, 0);
  const mass = massOf(t);
  counts.forEach((c, i) => assert.ok(Math.abs(mass[i] - c ** 0.75 / z) < 1e-6));
  // Drawing the way the kernel does, frequencies match too.
  let x = 12345;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const hits = new Array<number>(counts.length).fill(0);
  const draws = 200000;
  for (let k = 0; k < draws; k++) {
    let w = Math.floor((next() / 2 ** 32) * counts.length);
    if (!((next() >>> 8) * 2 ** -24 < t.probability[w])) w = t.alias[w];
    hits[w]++;
  }
  assert.ok(Math.abs(hits[0] / draws - counts[0] ** 0.75 / z) < 0.005);
});

test('bad weights are refused', () => {
  assert.throws(() => buildAliasTable([0, 0]), InvalidArgumentError);
  assert.throws(() => buildAliasTable([1, -1]), InvalidArgumentError);
  assert.throws(() => buildAliasTable([1, NaN]), InvalidArgumentError);
});
