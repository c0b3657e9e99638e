import { xorshift32, xorshift32Jump } from '../kernels/xorshift.ts';

/**
 * Rows of the training memory: `rows` vectors of `dim` floats, each starting every `stride` floats (the kernels
 * pad rows to a multiple of four floats for SIMD).
 */

/**
 * Fills the first `rows` rows with uniform random values ((u − 0.5)·scale / divisor, u in [0, 1) from an
 * xorshift32 stream seeded by `seed ^ salt`). word2vec's C tool starts input vectors at (u − 0.5)/dim (scale 1
 * with divisor dim; embedkit's word2vec uses gensim 4's twice wider range, scale 2 with divisor dim), fastText at
 * (u − 0.5)·2/dim (scale 2/dim with divisor 1); the spellings are kept apart because they round differently, and
 * the trained vectors are pinned bit for bit.
 */
export function initUniformRows(data: Float32Array, rows: number, dim: number, stride: number, init: UniformInit): void {
  initUniformRowRange(data, 0, rows, dim, stride, init);
}

/** The starting values of initUniformRows: the generator's seed and the range's spelling. */
export interface UniformInit {
  seed: number;
  salt: number;
  scale: number;
  divisor: number;
}

/**
 * Rows `from` to `to` (exclusive) of initUniformRows, with the very values it gives them: the stream starts
 * `from`·dim draws in (xorshift32Jump), so threads that fill disjoint ranges build the same matrix as one
 * thread filling all of it.
 */
export function initUniformRowRange(data: Float32Array, from: number, to: number, dim: number, stride: number, init: UniformInit): void {
  let x = xorshift32Jump((init.seed ^ init.salt) | 0 || 1, from * dim);
  const { scale, divisor } = init;
  for (let r = from; r < to; r++) {
    const off = r * stride;
    for (let d = 0; d < dim; d++) {
      x = xorshift32(x);
      data[off + d] = (((x >>> 8) * 2 ** -24 - 0.5) * scale) / divisor;
    }
  }
}

/**
 * The rows of `rows` that part `part` of `parts` fills (consecutive ranges, the first ones one row longer when
 * `parts` does not divide `rows`).
 */
export function rowRangeOf(rows: number, part: number, parts: number): { from: number; to: number } {
  const base = Math.floor(rows / parts);
  const extra = rows % parts;
  const from = part * base + Math.min(part, extra);
  return { from, to: from + base + (part < extra ? 1 : 0) };
}

/**
 * Rows of `dim` floats out of rows of `stride`. Unpadded rows are a view of the training memory: no second
 * rows×dim copy at the peak (the price: the training memory lives as long as the vectors).
 */
export function unpad(data: Float32Array, rows: number, dim: number, stride: number): Float32Array {
  if (stride === dim) return data.subarray(0, rows * dim);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * stride, r * stride + dim), r * dim);
  return out;
}

/**
 * Rows of `dim` floats out of rows of `stride`, moved to the front of `data` in place: for training memory that
 * is not trained any more. unpad's copy of a large input matrix (fastText's 2M n-gram buckets) cost more CPU time
 * than the supervised training itself (a fresh rows×dim array faulted in page by page, then a copy per row);
 * moving each row down within the same memory needs neither.
 */
export function compactRows(data: Float32Array, rows: number, dim: number, stride: number): Float32Array {
  if (stride !== dim) for (let r = 1; r < rows; r++) data.copyWithin(r * dim, r * stride, r * stride + dim);
  return data.subarray(0, rows * dim);
}
