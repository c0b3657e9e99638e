import { loadSimilarityKernel, SimilarityIndex } from '../kernels/fast-similarity.ts';
import { topK, type Scored } from '../kernels/topk.ts';

/**
 * Exact cosine search over a collection's vectors held in memory: the project's WebAssembly SIMD scan (an int8 pass
 * whose proven error bound keeps the answer exact, then float32 rescoring), or a plain scan where SIMD is missing.
 * Built from the table's rows once per table version.
 */
export class ExactIndex {
  private constructor(
    /** Chunk id of each row. */
    readonly ids: string[],
    private readonly unit: Float32Array,
    readonly dim: number,
    private readonly simd: SimilarityIndex | null,
  ) {}

  static async build(ids: string[], vectors: Float32Array, dim: number): Promise<ExactIndex> {
    await loadSimilarityKernel();
    const simd = SimilarityIndex.tryCreate(vectors, dim);
    const unit = simd ? simd.unit : normalizeRows(vectors, dim);
    return new ExactIndex(ids, unit, dim, simd);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The unit vector of row `row` (a view, not a copy). */
  row(row: number): Float32Array {
    return this.unit.subarray(row * this.dim, (row + 1) * this.dim);
  }

  /** The k rows most cosine-similar to `query` (best first); rows with a zero vector never match. */
  search(query: Float32Array, k: number): Scored[] {
    const q = normalizeRows(query, this.dim);
    if (this.simd) return this.simd.topK(q, Math.min(k, this.size), this.size, []);
    const scores = new Float32Array(this.size);
    for (let r = 0; r < this.size; r++) {
      let s = 0;
      let norm = 0;
      const o = r * this.dim;
      for (let j = 0; j < this.dim; j++) {
        s += this.unit[o + j] * q[j];
        norm += this.unit[o + j] * this.unit[o + j];
      }
      scores[r] = norm === 0 ? NaN : s;
    }
    return topK(scores, k);
  }
}

function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let o = 0; o < vectors.length; o += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[o + j] * vectors[o + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[o + j] = vectors[o + j] * inv;
  }
  return out;
}
