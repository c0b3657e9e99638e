import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../src/errors.ts';
import { buildAliasTable, negativeSampler } from '../../src/train/negative-sampler.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { seedState } from '../../src/kernels/word2vec-layout.ts';
import { drawOf, scaleBelow, unitFloat, xorshift32 } from '../../src/kernels/xorshift.ts';

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
});

/** χ² per word of `draws` negatives drawn as the kernels draw them (a word, then keep-or-alias) from `draw`. */
function chiSquarePerWord(counts: number[], draws: number, draw: () => number): number {
  const t = negativeSampler(new Vocabulary(counts.map((_, i) => `w${i}`), counts), 0.75);
  const z = counts.reduce((a, c) => a + c ** 0.75, 0);
  const hits = new Float64Array(counts.length);
  for (let k = 0; k < draws; k++) {
    let w = scaleBelow(draw(), counts.length);
    if (!(unitFloat(draw()) < t.probability[w])) w = t.alias[w];
    hits[w]++;
  }
  let chi = 0;
  counts.forEach((c, i) => {
    const expected = (draws * c ** 0.75) / z;
    chi += (hits[i] - expected) ** 2 / expected;
  });
  return chi / counts.length;
}

test('negatives drawn with the kernels\' random numbers follow the table (χ² as for an ideal generator)', () => {
  // The skew of raw xorshift32 grows with the vocabulary (χ²/words 1.0 at 2k words, 3.4 at 74k, 4.8 at 100k,
  // with 1000 draws per word); 100k words and 200 draws per word show it in a fraction of a second.
  const counts = Array.from({ length: 100_000 }, (_, i) => Math.floor(1e6 / (i + 1)) + 5);
  let state = seedState(7, 0);
  const chi = chiSquarePerWord(counts, 20_000_000, () => drawOf((state = xorshift32(state))));
  assert.ok(chi < 1.1, `χ²/words ${chi.toFixed(2)} (an ideal generator gives about 1)`);
  // The check has teeth: raw xorshift32 states (each a linear function of the previous) give about 2.
  let raw = seedState(7, 0);
  const rawChi = chiSquarePerWord(counts, 20_000_000, () => (raw = xorshift32(raw)) >>> 0);
  assert.ok(rawChi > 1.3, `raw xorshift32: χ²/words ${rawChi.toFixed(2)}`);
});

test('bad weights are refused', () => {
  assert.throws(() => buildAliasTable([0, 0]), InvalidArgumentError);
  assert.throws(() => buildAliasTable([1, -1]), InvalidArgumentError);
  assert.throws(() => buildAliasTable([1, NaN]), InvalidArgumentError);
});
