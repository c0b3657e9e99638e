import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchBothWays, matchBothWaysReference, type BothWays, type MatchSide } from '../../../src/apps/align/best-match.ts';
import { induceDictionary } from '../../../src/apps/align/induce.ts';
import { similarityDistributionSeed } from '../../../src/apps/align/unsupervised.ts';
import { normalizationSteps } from '../../../src/apps/align/normalize.ts';
import { loadSimilarityKernel } from '../../../src/kernels/fast-similarity.ts';
import { lcgRandom } from '../../../src/util/random.ts';
import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';
import { gaussian } from './numpy-reference.ts';

// Dictionary induction's argmax on the search kernel (int8 scan, exact rescoring) against its plain-loop reference,
// which scores every row exactly: the same best rows, bit-identical cosines, in every shape the loop meets.

function space(prefix: string, n: number, d: number, normal: () => number): Embeddings {
  return new Embeddings(new Vocabulary(Array.from({ length: n }, (_, i) => `${prefix}${i}`)), Float32Array.from({ length: n * d }, normal), d);
}

/** Uniforms in [0, 1) from a seeded generator, one stream per call, so both paths draw the same numbers. */
function stream(seed: number): (uniforms: Float64Array) => void {
  const next = lcgRandom(seed);
  return (uniforms) => uniforms.forEach((_, j) => (uniforms[j] = next()));
}

function assertSame(got: BothWays, want: BothWays, what: string): void {
  for (const dir of ['forward', 'backward'] as const) {
    assert.deepEqual(Array.from(got[dir].best), Array.from(want[dir].best), `${what}: ${dir} best rows`);
    assert.deepEqual(Array.from(got[dir].maxCosine), Array.from(want[dir].maxCosine), `${what}: ${dir} max cosines`);
    assert.deepEqual(Array.from(got[dir].bestCosine), Array.from(want[dir].bestCosine), `${what}: ${dir} cosines of the best rows`);
  }
}

const normal = gaussian(11);
const d = 16;
const src = space('s', 700, d, normal);
const tgt = space('t', 650, d, normal);
// Ties and hubs: target rows 1..29 copy row 0 (so 30 rows share every score, the lower must win) and the first 40
// source rows sit near that hub (their candidates are many); a zero row on each side is never a neighbour; one
// source row is the zero vector as a query (every cosine 0, the CSLS best is the smallest r).
for (let r = 1; r < 30; r++) tgt.vectors.copyWithin(r * d, 0, d);
for (let r = 0; r < 40; r++) for (let t = 0; t < d; t++) src.vectors[r * d + t] = tgt.vectors[t] + 0.02 * normal();
tgt.vectors.fill(0, 100 * d, 101 * d);
src.vectors.fill(0, 200 * d, 201 * d);
src.invalidate();
tgt.invalidate();

test('matchBothWays on the search kernel gives the reference\'s best rows: cosine, CSLS, restricted rows, dropout', async () => {
  assert.ok(await loadSimilarityKernel(), 'WebAssembly SIMD is available on Node 20');
  const cases: { s: number; t: number; csls: boolean; k: number; keep?: number }[] = [
    { s: 700, t: 650, csls: false, k: 10 },
    { s: 700, t: 650, csls: true, k: 10 },
    { s: 500, t: 300, csls: true, k: 3 },
    { s: 700, t: 650, csls: true, k: 10, keep: 0.1 },
    { s: 700, t: 650, csls: false, k: 10, keep: 0.5 },
    { s: 3, t: 5, csls: true, k: 10, keep: 0.3 },
  ];
  for (const c of cases) {
    const a: MatchSide = { space: src, rows: c.s };
    const b: MatchSide = { space: tgt, rows: c.t };
    const dropout = (seed: number) => (c.keep ? { keep: c.keep, fill: stream(seed) } : undefined);
    const got = matchBothWays(a, b, { csls: c.csls, k: c.k, dropout: dropout(7) });
    const want = matchBothWaysReference(a, b, { csls: c.csls, k: c.k, dropout: dropout(7) });
    assertSame(got, want, JSON.stringify(c));
    if (c.s === 700 && !c.keep) {
      // The ties: a query near the hub gets row 0 of the 30 copies.
      assert.ok([0, 1, 2].every((i) => got.forward.best[i] === 0 || got.forward.best[i] >= 30), JSON.stringify(c));
      assert.notEqual(got.backward.best[100], 100);
    }
  }
});

test('the reference is the brute-force definition: float64 cosines and CSLS, the lowest row on ties', async () => {
  await loadSimilarityKernel();
  const a: MatchSide = { space: src, rows: 120 };
  const b: MatchSide = { space: tgt, rows: 110 };
  const k = 4;
  const cos = (x: Embeddings, i: number, y: Embeddings, j: number) => {
    let [dot, nx, ny] = [0, 0, 0];
    for (let t = 0; t < d; t++) {
      const [p, q] = [x.vectors[i * d + t], y.vectors[j * d + t]];
      [dot, nx, ny] = [dot + p * q, nx + p * p, ny + q * q];
    }
    return nx > 0 && ny > 0 ? dot / Math.sqrt(nx * ny) : nx > 0 ? NaN : 0;
  };
  const r = (x: Embeddings, i: number, y: Embeddings, rows: number) => Array.from({ length: rows }, (_, j) => cos(x, i, y, j)).filter((v) => !Number.isNaN(v)).sort((p, q) => q - p).slice(0, k).reduce((p, q) => p + q, 0) / k;
  const got = matchBothWays(a, b, { csls: true, k });
  for (let i = 0; i < a.rows; i++) {
    const v = Array.from({ length: b.rows }, (_, j) => 2 * cos(src, i, tgt, j) - r(tgt, j, src, a.rows));
    const top = Math.max(...v.filter((x) => !Number.isNaN(x)));
    // Float32 scores against float64: the winner is within rounding of the best, and exact ties go to the lower row.
    assert.ok(v[got.forward.best[i]] > top - 1e-5, `query ${i}: row ${got.forward.best[i]} scores ${v[got.forward.best[i]]}, the best ${top}`);
    const first = v.findIndex((x) => x > top - 1e-5);
    if (v.filter((x) => x > top - 1e-5).every((x) => x === top)) assert.equal(got.forward.best[i], first, `query ${i}`);
  }
});

test('induceDictionary and the similarity-distribution seed: the same dictionaries and objectives on the kernel as on the reference', async () => {
  await loadSimilarityKernel();
  for (const mode of ['mutual', 'union'] as const) {
    const o = { rows: 600, csls: true, k: 10, mode, keepProbability: mode === 'union' ? 0.2 : 1 };
    const got = induceDictionary(src, tgt, { ...o, random: stream(3) });
    const want = induceDictionary(src, tgt, { ...o, random: stream(3), reference: true });
    assert.deepEqual(got, want, mode);
  }
  const n = 150;
  const steps = normalizationSteps('unit-center-unit');
  const seed = similarityDistributionSeed(src.vectors, tgt.vectors, d, n, steps, 10);
  assert.deepEqual(seed, similarityDistributionSeed(src.vectors, tgt.vectors, d, n, steps, 10, true));
});
