import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignSpaces } from '../../../src/apps/align/align.ts';
import { leastSquares, procrustes } from '../../../src/apps/align/mapping.ts';
import { svd } from '../../../src/apps/align/svd.ts';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';
import { needs } from '../../helpers/oracles.ts';
import { gaussian, maxAbsDiff, nested, numpy, randomRotation, randomRows, rotated } from './numpy-reference.ts';

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

test('svd: singular values as numpy computes them, and U·diag(s)·Vᵀ gives the matrix back', (t) => {
  if (!needs(t, 'numpy')) return;
  const normal = gaussian(11);
  for (const [rows, cols] of [[7, 7], [30, 6], [12, 1]]) {
    const a = Float64Array.from({ length: rows * cols }, normal);
    const f = svd(a, rows, cols);
    const want = numpy<number[]>('print(json.dumps(np.linalg.svd(np.array(d), compute_uv=False).tolist()))', nested(a, cols));
    assert.ok(maxAbsDiff(f.s, want) < 1e-10, `singular values of a ${rows}×${cols} matrix`);
    const back = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let k = 0; k < cols; k++) back[i * cols + j] += f.u[i * cols + k] * f.s[k] * f.v[j * cols + k];
    assert.ok(maxAbsDiff(back, a) < 1e-10, `reconstruction of a ${rows}×${cols} matrix`);
  }
});

test('procrustes: W equals numpy\'s U·Vᵀ (SVD of Zᵀ·X) and recovers a rotation from a noisy rotated copy', (t) => {
  if (!needs(t, 'numpy')) return;
  const normal = gaussian(5);
  const d = 12;
  const n = 80;
  const q = randomRotation(d, normal);
  const x = randomRows(n, d, normal);
  const z = rotated(x, d, q, 0.05, normal);
  const w = procrustes({ x, z, dim: d, srcRows: all(n), tgtRows: all(n) });
  const want = numpy<number[][]>('X = np.array(d["x"]); Z = np.array(d["z"]); U, s, Vt = np.linalg.svd(Z.T @ X); print(json.dumps((U @ Vt).tolist()))', { x: nested(x, d), z: nested(z, d) });
  assert.ok(maxAbsDiff(w, want.flat()) < 1e-5, `max |W − numpy| = ${maxAbsDiff(w, want.flat())}`);
  assert.ok(maxAbsDiff(w, q) < 0.02, `the rotation is recovered (max |W − Q| = ${maxAbsDiff(w, q)})`);
});

test('procrustes with fewer pairs than dimensions: W is still orthogonal and attains the maximum of tr(Wᵀ·M)', () => {
  const normal = gaussian(8);
  const d = 9;
  const x = randomRows(4, d, normal);
  const z = randomRows(4, d, normal);
  const w = procrustes({ x, z, dim: d, srcRows: all(4), tgtRows: all(4) });
  const wtw = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) wtw[i * d + j] += w[k * d + i] * w[k * d + j];
  const eye = Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
  assert.ok(maxAbsDiff(wtw, eye) < 1e-10);
  const m = new Float64Array(d * d);
  for (let p = 0; p < 4; p++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) m[a * d + b] += z[p * d + a] * x[p * d + b];
  let trace = 0;
  for (let i = 0; i < d * d; i++) trace += w[i] * m[i];
  const nuclear = svd(m, d, d).s.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(trace - nuclear) < 1e-9, `tr(WᵀM) ${trace} vs Σσ ${nuclear}`);
});

test('leastSquares equals gensim\'s TranslationMatrix solve, numpy.linalg.lstsq(X, Z, -1) transposed, tall and wide', (t) => {
  if (!needs(t, 'numpy')) return;
  const normal = gaussian(21);
  const d = 10;
  for (const n of [40, 6]) {
    const x = randomRows(n, d, normal);
    const z = randomRows(n, d, normal);
    const w = leastSquares({ x, z, dim: d, srcRows: all(n), tgtRows: all(n) });
    const want = numpy<number[][]>('B = np.linalg.lstsq(np.array(d["x"]), np.array(d["z"]), -1)[0]; print(json.dumps(B.T.tolist()))', { x: nested(x, d), z: nested(z, d) });
    assert.ok(maxAbsDiff(w, want.flat()) < 1e-5, `${n} pairs: max |W − numpy| = ${maxAbsDiff(w, want.flat())}`);
  }
});

test('alignSpaces: VecMap normalisation (unit, centre, unit) then Procrustes, as the numpy reference computes it', async (t) => {
  if (!needs(t, 'numpy')) return;
  const normal = gaussian(3);
  const d = 8;
  const n = 50;
  const x = randomRows(n, d, normal);
  const z = rotated(x, d, randomRotation(d, normal), 0.1, normal);
  const src = new Embeddings(new Vocabulary(Array.from({ length: n }, (_, i) => `s${i}`)), x, d);
  const tgt = new Embeddings(new Vocabulary(Array.from({ length: n }, (_, i) => `t${i}`)), z, d);
  const dictionary = Array.from({ length: 30 }, (_, i) => [`s${i}`, `t${i}`] as const);
  const a = await alignSpaces(src, tgt, { dictionary });
  const want = numpy<number[][]>(
    [
      'def norm(m):',
      '    m = m / np.linalg.norm(m, axis=1, keepdims=True)',
      '    m = m - m.mean(axis=0)',
      '    return m / np.linalg.norm(m, axis=1, keepdims=True)',
      'X = norm(np.array(d["x"]))[:30]; Z = norm(np.array(d["z"]))[:30]',
      'U, s, Vt = np.linalg.svd(Z.T @ X); print(json.dumps((U @ Vt).tolist()))',
    ].join('\n'),
    { x: nested(x, d), z: nested(z, d) },
  );
  assert.ok(maxAbsDiff(a.matrix, want.flat()) < 1e-5, `max |W − numpy| = ${maxAbsDiff(a.matrix, want.flat())}`);
  assert.equal(a.seed?.srcRows.length, 30);
  assert.deepEqual(a.warnings, []);
});

test('alignSpaces refuses spaces of different dimension, naming both', async () => {
  const src = new Embeddings(new Vocabulary(['a']), new Float32Array(3), 3);
  const tgt = new Embeddings(new Vocabulary(['b']), new Float32Array(4), 4);
  await assert.rejects(alignSpaces(src, tgt, { dictionary: [['a', 'b']] }), (err: Error) => err instanceof InvalidArgumentError && /3 dimensions.*4/.test(err.message));
});

test('alignSpaces: a dictionary with no pair in the spaces is refused, counting what was missing', async () => {
  const src = new Embeddings(new Vocabulary(['a']), Float32Array.from([1, 0]), 2);
  const tgt = new Embeddings(new Vocabulary(['b']), Float32Array.from([0, 1]), 2);
  await assert.rejects(alignSpaces(src, tgt, { dictionary: [['x', 'b'], ['a', 'y']] }), /no pair.*1 source and 1 target words missing/);
  await assert.rejects(alignSpaces(src, tgt, {}), /needs a dictionary/);
});
