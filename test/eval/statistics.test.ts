import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { pearson, rankData, spearman } from '../../src/eval/statistics.ts';
import { incompleteBeta, logGamma } from '../../src/eval/special.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import { gaussian, seededRandom } from './helpers/random.ts';
import { needs } from '../helpers/oracles.ts';
import { runPythonJson } from './helpers/python.ts';

const SCRIPT = fileURLToPath(new URL('./helpers/scipy_stats.py', import.meta.url));

interface Case {
  name: string;
  x: number[];
  y: number[];
}

/** Samples with a chosen true correlation, optionally rounded so that ties appear. */
function correlated(seed: number, n: number, strength: number, roundTo?: number): Case {
  const normal = gaussian(seededRandom(seed));
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = normal();
    const b = strength * a + Math.sqrt(1 - strength * strength) * normal();
    x.push(roundTo ? Math.round(a * roundTo) / roundTo : a);
    y.push(roundTo ? Math.round(b * roundTo) / roundTo : b);
  }
  return { name: `n=${n} strength=${strength}${roundTo ? ` rounded 1/${roundTo}` : ''}`, x, y };
}

function cases(): Case[] {
  const out: Case[] = [];
  let seed = 1;
  for (const n of [3, 4, 5, 10, 50, 353, 2000]) {
    for (const strength of [0, 0.3, -0.6, 0.9, 0.999]) out.push(correlated(seed++, n, strength));
  }
  for (const n of [20, 353]) for (const strength of [0.2, 0.8]) out.push(correlated(seed++, n, strength, 2));
  out.push({ name: 'perfect', x: [1, 2, 3, 4, 5], y: [2, 4, 6, 8, 10] });
  out.push({ name: 'perfect negative ranks', x: [1, 2, 3, 4, 5], y: [5, 3, 2, 1, -7] });
  out.push({ name: 'two points', x: [1, 2], y: [5, 3] });
  out.push({ name: 'constant', x: [1, 2, 3], y: [4, 4, 4] });
  out.push({ name: 'many ties and zeros (dummy4unknown)', x: [0, 0, 0, 1, 2, 3, 0, 5], y: [7.35, 6.77, 7.35, 1, 0.5, 8, 7.35, 9] });
  return out;
}

function close(actual: number, expected: number | null, relative: number, absolute: number, what: string): void {
  if (expected === null) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  const tolerance = Math.max(absolute, relative * Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs scipy ${expected}`);
}

test('Pearson and Spearman equal scipy.stats (r, rho, two-sided p-values)', (t) => {
  if (!needs(t, 'scipy')) return;
  const all = cases();
  const grid: [number, number, number][] = [];
  for (const a of [0.5, 1, 1.5, 4, 25, 175.5, 999, 50_000]) {
    for (const b of [0.5, 2, 30, 1000]) for (const x of [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999]) grid.push([a, b, x]);
  }
  const scipy = runPythonJson<{ cases: { r: number | null; pearsonP: number | null; rho: number | null; spearmanP: number | null }[]; betainc: number[] }>(
    SCRIPT,
    { cases: all.map(({ x, y }) => ({ x, y })), betainc: grid },
  );
  all.forEach((c, i) => {
    const want = scipy.cases[i];
    const p = pearson(c.x, c.y);
    const s = spearman(c.x, c.y);
    close(p.r, want.r, 1e-12, 1e-12, `${c.name} r`);
    close(p.pValue, want.pearsonP, 1e-9, 1e-300, `${c.name} pearson p`);
    close(s.rho, want.rho, 1e-12, 1e-12, `${c.name} rho`);
    close(s.pValue, want.spearmanP, 1e-9, 1e-300, `${c.name} spearman p`);
  });
  grid.forEach(([a, b, x], i) => close(incompleteBeta(a, b, x), scipy.betainc[i], 1e-10, 1e-300, `I_${x}(${a}, ${b})`));
});

test('average ranks for ties', () => {
  assert.deepEqual(Array.from(rankData([10, 20, 10, 30, 20, 20])), [1.5, 4, 1.5, 6, 4, 4]);
  assert.deepEqual(Array.from(rankData([])), []);
});

test('log Γ matches factorials and Γ(1/2) = √π', () => {
  let factorial = 1;
  for (let n = 1; n <= 20; n++) {
    assert.ok(Math.abs(logGamma(n + 1) - Math.log((factorial *= n))) < 1e-12 * Math.max(1, Math.log(factorial)));
  }
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-14);
});

test('incomplete beta: symmetry and closed forms', () => {
  // I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(a, b) = 1 − I_{1−x}(b, a).
  for (const x of [0.1, 0.5, 0.9]) {
    assert.ok(Math.abs(incompleteBeta(1, 1, x) - x) < 1e-14);
    assert.ok(Math.abs(incompleteBeta(3.5, 1, x) - x ** 3.5) < 1e-14);
    assert.ok(Math.abs(incompleteBeta(2.5, 7, x) + incompleteBeta(7, 2.5, 1 - x) - 1) < 1e-14);
  }
  assert.equal(incompleteBeta(2, 3, 0), 0);
  assert.equal(incompleteBeta(2, 3, 1), 1);
});

test('bad samples are rejected', () => {
  assert.throws(() => pearson([1, 2], [1]), InvalidArgumentError);
  assert.throws(() => pearson([1], [1]), InvalidArgumentError);
  assert.ok(Number.isNaN(spearman([1], [2]).rho));
  assert.ok(Number.isNaN(spearman([1, NaN, 3], [1, 2, 3]).rho));
});
