import { InvalidArgumentError } from '../../errors.ts';
import { PQ_CENTROIDS, ProductQuantizer, QuantizedMatrix, type DenseMatrix } from '../../vectors/fasttext-matrix.ts';
import { MinStdRand, shuffleInPlace } from './quantize-rng.ts';

/**
 * fastText's ProductQuantizer training (faiss's k-means), step for step and in float32 as fastText computes it,
 * so the centroids and codes equal those of `fasttext quantize` on the same rows:
 * each slice of dsub coordinates gets 256 centroids from k-means on at most 256 × 256 rows (all rows when there
 * are fewer, else a random sample per slice), seeded by 256 shuffled rows, 25 iterations of assigning each point
 * to its nearest centroid (first one on ties) and moving each centroid to the mean of its points; an empty
 * cluster takes half of a large one (chosen at random ∝ its size), both nudged apart by 1e-7.
 * One random generator (minstd_rand seeded 1234) serves every slice in turn.
 */

const SEED = 1234;
const ITERATIONS = 25;
const MAX_POINTS = PQ_CENTROIDS * 256;
const EPS = Math.fround(1e-7);

/** The squared distance of x[xo..xo+d) to c[co..co+d), summed in float32 as fastText's distL2. */
function distL2(x: Float32Array, xo: number, c: Float32Array, co: number, d: number): number {
  let dist = 0;
  for (let i = 0; i < d; i++) {
    const t = Math.fround(x[xo + i] - c[co + i]);
    dist = Math.fround(dist + Math.fround(t * t));
  }
  return dist;
}

/** The nearest of the 256 centroids at c[co..] (d floats each) to x[xo..]: the first one on ties. */
function nearest(x: Float32Array, xo: number, c: Float32Array, co: number, d: number): number {
  if (d === 2) return nearest2(x[xo], x[xo + 1], c, co);
  let best = distL2(x, xo, c, co, d);
  let code = 0;
  for (let j = 1; j < PQ_CENTROIDS; j++) {
    const dis = distL2(x, xo, c, co + j * d, d);
    if (dis < best) {
      best = dis;
      code = j;
    }
  }
  return code;
}

/** nearest() for slices of 2 (fastText's default dsub), the same float32 operations inlined: the hot loop. */
function nearest2(x0: number, x1: number, c: Float32Array, co: number): number {
  const f = Math.fround;
  let t0 = f(x0 - c[co]);
  let t1 = f(x1 - c[co + 1]);
  let best = f(f(t0 * t0) + f(t1 * t1));
  let code = 0;
  for (let j = 1, at = co + 2; j < PQ_CENTROIDS; j++, at += 2) {
    t0 = f(x0 - c[at]);
    t1 = f(x1 - c[at + 1]);
    const dis = f(f(t0 * t0) + f(t1 * t1));
    if (dis < best) {
      best = dis;
      code = j;
    }
  }
  return code;
}

/** One M-step: centroids ← means of their points; empty clusters split a large one. */
function mStep(x: Float32Array, c: Float32Array, co: number, codes: Uint8Array, d: number, n: number, rng: MinStdRand): void {
  const nelts = new Int32Array(PQ_CENTROIDS);
  c.fill(0, co, co + d * PQ_CENTROIDS);
  for (let i = 0; i < n; i++) {
    const k = codes[i];
    const at = co + k * d;
    for (let j = 0; j < d; j++) c[at + j] = Math.fround(c[at + j] + x[i * d + j]);
    nelts[k]++;
  }
  for (let k = 0; k < PQ_CENTROIDS; k++) {
    const z = nelts[k];
    if (z !== 0) for (let j = 0; j < d; j++) c[co + k * d + j] = Math.fround(c[co + k * d + j] / z);
  }
  for (let k = 0; k < PQ_CENTROIDS; k++) {
    if (nelts[k] !== 0) continue;
    let m = 0;
    while (rng.uniformReal() * (n - PQ_CENTROIDS) >= nelts[m] - 1) m = (m + 1) % PQ_CENTROIDS;
    c.copyWithin(co + k * d, co + m * d, co + (m + 1) * d);
    for (let j = 0; j < d; j++) {
      const sign = (j % 2) * 2 - 1;
      const step = Math.fround(sign * EPS);
      c[co + k * d + j] = Math.fround(c[co + k * d + j] + step);
      c[co + m * d + j] = Math.fround(c[co + m * d + j] - step);
    }
    nelts[k] = Math.trunc(nelts[m] / 2);
    nelts[m] -= nelts[k];
  }
}

function kmeans(x: Float32Array, c: Float32Array, co: number, n: number, d: number, rng: MinStdRand): void {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  shuffleInPlace(perm, rng);
  for (let i = 0; i < PQ_CENTROIDS; i++) c.set(x.subarray(perm[i] * d, perm[i] * d + d), co + i * d);
  const codes = new Uint8Array(n);
  for (let it = 0; it < ITERATIONS; it++) {
    for (let i = 0; i < n; i++) codes[i] = nearest(x, i * d, c, co, d);
    mStep(x, c, co, codes, d, n, rng);
  }
}

/** The quantizer's shape for dim coordinates cut into slices of dsub (the last one what remains). */
function quantizerShape(dim: number, dsub: number): { nsubq: number; lastdsub: number } {
  const rest = dim % dsub;
  return { nsubq: Math.floor(dim / dsub) + (rest === 0 ? 0 : 1), lastdsub: rest === 0 ? dsub : rest };
}

/**
 * Trains a product quantizer on the n rows of `data` (row-major, dim floats each) and encodes every row:
 * fastText's ProductQuantizer(dim, dsub).train then compute_codes. Needs at least 256 rows.
 */
export function productQuantize(data: Float32Array, n: number, dim: number, dsub: number): { pq: ProductQuantizer; codes: Uint8Array } {
  if (n < PQ_CENTROIDS) throw new InvalidArgumentError(`a matrix of ${n} rows is too small for product quantization: it needs at least ${PQ_CENTROIDS} rows`);
  const { nsubq, lastdsub } = quantizerShape(dim, dsub);
  const centroids = new Float32Array(dim * PQ_CENTROIDS);
  const rng = new MinStdRand(SEED);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const np = Math.min(n, MAX_POINTS);
  const slice = new Float32Array(np * dsub);
  for (let m = 0; m < nsubq; m++) {
    const d = m === nsubq - 1 ? lastdsub : dsub;
    if (np !== n) shuffleInPlace(perm, rng);
    for (let j = 0; j < np; j++) {
      const from = perm[j] * dim + m * dsub;
      slice.set(data.subarray(from, from + d), j * d);
    }
    kmeans(slice, centroids, m * PQ_CENTROIDS * dsub, np, d, rng);
  }
  const pq = new ProductQuantizer(dim, nsubq, dsub, lastdsub, centroids);
  const codes = new Uint8Array(n * nsubq);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < nsubq; m++) {
      const d = m === nsubq - 1 ? lastdsub : dsub;
      codes[i * nsubq + m] = nearest(data, i * dim + m * dsub, centroids, m * PQ_CENTROIDS * dsub, d);
    }
  }
  return { pq, codes };
}

/** Row norms as fastText's DenseMatrix::l2NormRow: float32 squares summed in a double, the root stored as float32. */
export function rowNorms(m: DenseMatrix): Float32Array {
  const norms = new Float32Array(m.rows);
  const { data, dim } = m;
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = data[i * dim + j];
      s += Math.fround(v * v);
    }
    if (Number.isNaN(s)) throw new InvalidArgumentError(`row ${i} of the matrix holds NaN: it cannot be quantized`);
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

/**
 * fastText's QuantMatrix(mat, dsub, qnorm): with qnorm each row is divided by its norm and the norms get their
 * own one-dimensional quantizer; then the (unit) rows are product-quantized in slices of dsub.
 */
export function quantizeMatrix(m: DenseMatrix, dsub: number, qnorm: boolean): QuantizedMatrix {
  let data = m.data;
  let norms: QuantizedMatrix['norms'] = null;
  if (qnorm) {
    const n = rowNorms(m);
    data = data.slice();
    for (let i = 0; i < m.rows; i++) {
      const z = n[i];
      if (z !== 0) for (let j = 0; j < m.dim; j++) data[i * m.dim + j] = Math.fround(data[i * m.dim + j] / z);
    }
    const q = productQuantize(n, m.rows, 1, 1);
    norms = { codes: q.codes, pq: q.pq };
  }
  const { pq, codes } = productQuantize(data, m.rows, m.dim, dsub);
  return new QuantizedMatrix(m.rows, m.dim, codes, pq, norms);
}
