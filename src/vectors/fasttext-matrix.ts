import { InvalidArgumentError } from '../errors.ts';

/**
 * The two matrix kinds a fastText model stores: plain rows, or rows compressed by a product quantizer
 * (`.ftz`). Subword lookup only ever adds whole rows to an accumulator, so that is the one operation both
 * offer; the arithmetic is done in float32 in the same order as fastText so the sums agree bit for bit.
 */
export interface FastTextMatrix {
  /** Number of rows (words, then n-gram buckets, for an input matrix). */
  readonly rows: number;
  /** Length of each row. */
  readonly dim: number;
  /**
   * target += row `i`: float32 arithmetic into a Float32Array (fastText's), exact double arithmetic into a
   * Float64Array (for sums of finite rows that overflow float32, see FastTextSubwords.meanOfRows).
   */
  addRowTo(target: Float32Array | Float64Array, i: number): void;
}

/** Row-major rows × dim floats. */
export class DenseMatrix implements FastTextMatrix {
  readonly rows: number;
  readonly dim: number;
  readonly data: Float32Array;

  constructor(rows: number, dim: number, data: Float32Array = new Float32Array(rows * dim)) {
    if (data.length !== rows * dim) {
      throw new InvalidArgumentError(`dense matrix ${rows}×${dim} needs ${rows * dim} floats, got ${data.length}`);
    }
    this.rows = rows;
    this.dim = dim;
    this.data = data;
  }

  row(i: number): Float32Array {
    return this.data.subarray(i * this.dim, (i + 1) * this.dim);
  }

  addRowTo(target: Float32Array | Float64Array, i: number): void {
    const data = this.data;
    const d = this.dim;
    const off = i * d;
    // A Float32Array store rounds the double sum of two floats to exactly the float32 sum.
    for (let k = 0; k < d; k++) target[k] += data[off + k];
  }
}

/** Centroids per sub-quantizer: one byte per code. */
export const PQ_CENTROIDS = 256;

/**
 * fastText's product quantizer: the dim coordinates are cut into nsubq slices of dsub (the last one
 * lastdsub wide); each slice of a row is replaced by the nearest of 256 centroids, stored as one byte.
 */
export class ProductQuantizer {
  readonly dim: number;
  readonly nsubq: number;
  readonly dsub: number;
  readonly lastdsub: number;
  /** dim × 256 floats; slice m's centroids are contiguous, each dsub (or lastdsub) floats. */
  readonly centroids: Float32Array;

  constructor(dim: number, nsubq: number, dsub: number, lastdsub: number, centroids: Float32Array) {
    if (nsubq < 1 || dsub < 1 || lastdsub < 1 || lastdsub > dsub || (nsubq - 1) * dsub + lastdsub !== dim) {
      throw new InvalidArgumentError(`product quantizer shape dim ${dim}, nsubq ${nsubq}, dsub ${dsub}, lastdsub ${lastdsub} is inconsistent`);
    }
    if (centroids.length !== dim * PQ_CENTROIDS) {
      throw new InvalidArgumentError(`product quantizer needs ${dim * PQ_CENTROIDS} centroid floats, got ${centroids.length}`);
    }
    this.dim = dim;
    this.nsubq = nsubq;
    this.dsub = dsub;
    this.lastdsub = lastdsub;
    this.centroids = centroids;
  }

  /** Offset in `centroids` of centroid `code` of slice `m` (the last slice is packed lastdsub wide). */
  centroidOffset(m: number, code: number): number {
    return m === this.nsubq - 1 ? m * PQ_CENTROIDS * this.dsub + code * this.lastdsub : (m * PQ_CENTROIDS + code) * this.dsub;
  }

  /** target += alpha · decode(codes of row t). */
  addCode(target: Float32Array | Float64Array, codes: Uint8Array, t: number, alpha: number): void {
    const base = t * this.nsubq;
    const a = Math.fround(alpha);
    // Float32 products as fastText; a Float64Array accumulator asks for exact ones, which cannot overflow.
    const float32 = target instanceof Float32Array;
    for (let m = 0; m < this.nsubq; m++) {
      const c = this.centroidOffset(m, codes[base + m]);
      const width = m === this.nsubq - 1 ? this.lastdsub : this.dsub;
      const out = m * this.dsub;
      if (float32) for (let n = 0; n < width; n++) target[out + n] += Math.fround(a * this.centroids[c + n]);
      else for (let n = 0; n < width; n++) target[out + n] += a * this.centroids[c + n];
    }
  }
}

/** Row norms quantized separately (fastText's -qnorm): a one-dimensional quantizer and one code per row. */
export interface QuantizedNorms {
  codes: Uint8Array;
  pq: ProductQuantizer;
}

/** A product-quantized matrix as `.ftz` files store it. */
export class QuantizedMatrix implements FastTextMatrix {
  readonly rows: number;
  readonly dim: number;
  /** rows × pq.nsubq codes. */
  readonly codes: Uint8Array;
  readonly pq: ProductQuantizer;
  readonly norms: QuantizedNorms | null;

  constructor(rows: number, dim: number, codes: Uint8Array, pq: ProductQuantizer, norms: QuantizedNorms | null = null) {
    if (pq.dim !== dim) throw new InvalidArgumentError(`quantizer dim ${pq.dim} differs from matrix dim ${dim}`);
    if (codes.length !== rows * pq.nsubq) {
      throw new InvalidArgumentError(`quantized matrix ${rows}×${dim} needs ${rows * pq.nsubq} codes, got ${codes.length}`);
    }
    if (norms && (norms.codes.length !== rows || norms.pq.dim !== 1)) {
      throw new InvalidArgumentError(`quantized norms need ${rows} codes and a 1-dimensional quantizer`);
    }
    this.rows = rows;
    this.dim = dim;
    this.codes = codes;
    this.pq = pq;
    this.norms = norms;
  }

  /** The norm of row i (1 when norms are not quantized separately). */
  rowNorm(i: number): number {
    if (!this.norms) return 1;
    return this.norms.pq.centroids[this.norms.pq.centroidOffset(0, this.norms.codes[i])];
  }

  addRowTo(target: Float32Array | Float64Array, i: number): void {
    this.pq.addCode(target, this.codes, i, this.rowNorm(i));
  }

  /** Row i decoded to floats. */
  decodeRow(i: number): Float32Array {
    const out = new Float32Array(this.dim);
    this.addRowTo(out, i);
    return out;
  }

  /** Every row decoded (rows × dim floats). */
  toDense(): DenseMatrix {
    const out = new DenseMatrix(this.rows, this.dim);
    for (let i = 0; i < this.rows; i++) this.addRowTo(out.row(i), i);
    return out;
  }
}
