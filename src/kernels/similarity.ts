/**
 * Reference kernels for the query hot loops. They are plain TypeScript so they can be read and trusted;
 * fast implementations elsewhere in this folder are tested against them.
 */

/** out[r - start] = dot(matrix row r, query) for r in [start, end). */
export function dotRows(matrix: Float32Array, dim: number, start: number, end: number, query: Float32Array, out: Float32Array): void {
  for (let r = start; r < end; r++) {
    let s = 0;
    const o = r * dim;
    for (let j = 0; j < dim; j++) s += matrix[o + j] * query[j];
    out[r - start] = s;
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** Cosine similarity of every pair of rows (a symmetric matrix, 1 on the diagonal for non-zero rows, 0 beside a zero row). */
export function cosineMatrix(rows: readonly ArrayLike<number>[]): number[][] {
  const norms = rows.map(norm);
  return rows.map((a, i) => rows.map((b, j) => (norms[i] === 0 || norms[j] === 0 ? 0 : dot(a, b) / (norms[i] * norms[j]))));
}

/** Unit-length copy (a zero vector stays zero, as gensim's unitvec does). */
export function unit(a: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(a);
  const n = norm(a);
  if (n > 0) for (let j = 0; j < out.length; j++) out[j] /= n;
  return out;
}
