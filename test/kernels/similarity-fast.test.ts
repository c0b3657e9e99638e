import { lcgRandom as rng } from '../../src/util/random.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSimilarityKernel, SimilarityIndex, kthLargest } from '../../src/kernels/fast-similarity.ts';
import { dotRows, unit } from '../../src/kernels/similarity.ts';

/** Deterministic generator so failures reproduce. */
function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

function randomMatrix(rows: number, dim: number, seed: number, zeroRows: number[] = []): Float32Array {
  const next = rng(seed);
  const m = new Float32Array(rows * dim);
  for (let i = 0; i < m.length; i++) m[i] = gaussian(next);
  for (const r of zeroRows) m.fill(0, r * dim, (r + 1) * dim);
  return m;
}

/** Unit rows as the reference computes them (float64 divide, float32 store). */
function referenceUnit(m: Float32Array, dim: number): Float32Array {
  const u = new Float32Array(m.length);
  for (let r = 0; r < m.length / dim; r++) u.set(unit(m.subarray(r * dim, (r + 1) * dim)), r * dim);
  return u;
}

async function index(m: Float32Array, dim: number): Promise<SimilarityIndex> {
  const kernel = await loadSimilarityKernel();
  assert.ok(kernel, 'WebAssembly SIMD is available on Node 20');
  const ix = SimilarityIndex.tryCreate(m, dim);
  assert.ok(ix);
  return ix;
}

/** Indices of the k best of `scores` (NaN and `skip` excluded), best first, ties to the lower index. */
function bruteTopK(scores: Float32Array, k: number, skip: number[] = []): number[] {
  const ids = [...scores.keys()].filter((i) => !Number.isNaN(scores[i]) && !skip.includes(i));
  ids.sort((a, b) => scores[b] - scores[a] || a - b);
  return ids.slice(0, k);
}

const SHAPES: [rows: number, dim: number][] = [
  [1, 1],
  [5, 3],
  [13, 7],
  [33, 16],
  [7, 17],
  [61, 64],
  [101, 301],
];

test('unit rows equal the reference, and exact scores match the reference kernel', async () => {
  for (const [rows, dim] of SHAPES) {
    const m = randomMatrix(rows, dim, rows * 31 + dim, rows > 3 ? [2] : []);
    const ix = await index(m, dim);
    const ref = referenceUnit(m, dim);
    assert.deepEqual(ix.unit, ref, `unit rows ${rows}×${dim}`);
    const q = unit(randomMatrix(1, dim, 7 + dim));
    for (const [start, end] of [[0, rows], [1, rows], [0, Math.max(0, rows - 1)]]) {
      const want = new Float32Array(end - start);
      dotRows(ref, dim, start, end, q, want);
      const got = new Float32Array(end - start);
      ix.scoreRows(q, start, end, got);
      for (let i = 0; i < want.length; i++) {
        assert.ok(Math.abs(got[i] - want[i]) <= 1e-6, `${rows}×${dim} [${start},${end}) row ${start + i}: ${got[i]} vs ${want[i]}`);
      }
    }
    for (const z of ix.zeroRows) assert.ok(ix.norms[z] === 0);
  }
});

test('int8 scores stay within the proved bound of the exact scores', async () => {
  for (const [rows, dim] of [...SHAPES, [400, 300] as [number, number]]) {
    const m = randomMatrix(rows, dim, rows + dim * 7);
    // Rows with one dominant component quantize worst: the others fall into a few int8 steps.
    if (rows > 4) for (let j = 0; j < dim; j++) m[3 * dim + j] = j === 0 ? 1000 : 0.01 * m[3 * dim + j];
    const ix = await index(m, dim);
    for (let t = 0; t < 5; t++) {
      const q = unit(randomMatrix(1, dim, 1000 + t + dim));
      const exact = new Float32Array(rows);
      ix.scoreRows(q, 0, rows, exact);
      const { scores, bound } = ix.approximate(q, rows);
      assert.ok(bound > 0 && bound < 0.1, `bound ${bound}`);
      for (let r = 0; r < rows; r++) assert.ok(Math.abs(scores[r] - exact[r]) <= bound, `row ${r}: |${scores[r]} − ${exact[r]}| > ${bound}`);
    }
  }
});

test('top-k through the int8 scan equals the exact scan, scores bit for bit', async () => {
  const rows = 3001;
  const dim = 37;
  const m = randomMatrix(rows, dim, 99, [0, 17, 2999]);
  // Exact duplicates and near-duplicates make ties that only the tie rule separates.
  for (const [dst, src] of [[10, 500], [11, 500], [12, 500], [600, 601]]) m.copyWithin(dst * dim, src * dim, (src + 1) * dim);
  m[600 * dim] += 1e-6;
  const ix = await index(m, dim);
  for (let t = 0; t < 30; t++) {
    const row = (t * 97) % rows;
    const q = t % 3 === 0 ? unit(randomMatrix(1, dim, t)) : ix.unit.slice(row * dim, (row + 1) * dim);
    const skip = t % 3 === 0 ? [] : [row];
    const end = t % 5 === 4 ? 2001 + t : rows;
    const k = [1, 10, 25][t % 3];
    const fast = ix.topK(q, k, end, skip);
    const exact = ix.topK(q, k, end, skip, { compact: false });
    assert.deepEqual(fast, exact, `query ${t}`);
    // And the exact scan itself is a sorted brute force over the exact scores.
    const scores = new Float32Array(end);
    ix.scoreRows(q, 0, end, scores);
    for (const z of ix.zeroRows) if (z < end) scores[z] = NaN;
    assert.deepEqual(exact.map((s) => s.index), bruteTopK(scores, k, skip));
    assert.ok(!fast.some((s) => ix.zeroRows.includes(s.index) || skip.includes(s.index)));
  }
  // A query on one of the duplicated rows: its three copies tie exactly and come in row order.
  const dup = ix.topK(ix.unit.slice(500 * dim, 501 * dim), 4, rows, [500]);
  assert.deepEqual(dup.slice(0, 3).map((s) => s.index), [10, 11, 12]);
});

test('batched top-k equals one query at a time, across batch boundaries', async () => {
  const rows = 2000;
  const dim = 50;
  const ix = await index(randomMatrix(rows, dim, 5, [3]), dim);
  const queries = Array.from({ length: 37 }, (_, i) => (i % 2 ? unit(randomMatrix(1, dim, 50 + i)) : ix.unit.slice(i * dim, (i + 1) * dim)));
  const skips = queries.map((_, i) => (i % 2 ? [] : [i]));
  for (const end of [rows, 1234]) {
    const batch = ix.topKBatch(queries, 10, end, skips);
    assert.equal(batch.length, queries.length);
    queries.forEach((q, i) => assert.deepEqual(batch[i], ix.topK(q, 10, end, skips[i], { compact: false }), `query ${i}, end ${end}`));
  }
});

test('a zero query and tiny ranges fall back to the exact scan', async () => {
  const ix = await index(randomMatrix(50, 9, 8), 9);
  const zero = new Float32Array(9);
  assert.deepEqual(ix.topK(zero, 3, 50, []), ix.topK(zero, 3, 50, [], { compact: false }));
  assert.deepEqual(ix.topK(zero, 3, 50, []).map((s) => s.index), [0, 1, 2]);
  assert.equal(ix.topK(unit(randomMatrix(1, 9, 1)), 3, 0, []).length, 0);
  assert.equal(ix.topK(unit(randomMatrix(1, 9, 1)), 100, 50, []).length, 50);
});

test('kthLargest ignores NaN and reports too few values', () => {
  assert.equal(kthLargest(new Float32Array([3, NaN, 1, 2, 5]), 2), 3);
  assert.equal(kthLargest(new Float32Array([NaN, 1]), 2), -Infinity);
  assert.equal(kthLargest(new Float32Array([4, 4, 4]), 3), 4);
});
