import { InvalidArgumentError } from '../../errors.ts';
import { svd } from './svd.ts';

/**
 * The linear maps between two spaces, learnt from paired rows. A map is a d×d row-major float64 matrix W applied
 * to a column vector: mapped = W·x, i.e. the rows of X become the rows of X·Wᵀ.
 */

/** Rows `srcRows[i]` of `x` paired with rows `tgtRows[i]` of `z` (both row-major, `dim` columns). */
export interface PairedRows {
  x: Float32Array;
  z: Float32Array;
  dim: number;
  srcRows: Int32Array;
  tgtRows: Int32Array;
}

function requirePairs(p: PairedRows): void {
  if (p.srcRows.length !== p.tgtRows.length) throw new InvalidArgumentError('every source row needs a target row');
  if (p.srcRows.length === 0) throw new InvalidArgumentError('a map needs at least one pair of words found in both spaces');
}

/**
 * Orthogonal Procrustes: the orthogonal W minimising Σ‖W·x_i − z_i‖², which is U·Vᵀ for the SVD U·Σ·Vᵀ of the
 * cross-covariance M = Σ z_i·x_iᵀ (Zᵀ·X over the pairs), as MUSE and VecMap compute it.
 */
export function procrustes(p: PairedRows): Float64Array {
  requirePairs(p);
  const d = p.dim;
  const m = new Float64Array(d * d);
  // The pair's source row widened to float64 once, not once per target coordinate (the sums are unchanged: the
  // same products added in the same order).
  const xr = new Float64Array(d);
  for (let k = 0; k < p.srcRows.length; k++) {
    const xo = p.srcRows[k] * d;
    const zo = p.tgtRows[k] * d;
    for (let b = 0; b < d; b++) xr[b] = p.x[xo + b];
    for (let a = 0; a < d; a++) {
      const za = p.z[zo + a];
      if (za === 0) continue;
      const row = a * d;
      for (let b = 0; b < d; b++) m[row + b] += za * xr[b];
    }
  }
  const { u, v } = svd(m, d, d);
  return multiplyTransposed(u, v, d, d, d);
}

/**
 * The least-squares linear map, as gensim's TranslationMatrix computes it: the minimum-norm solution of
 * X·B ≈ Z over the pairs (numpy's `lstsq` with gensim's rcond of -1: singular values below machine precision × the largest count as zero),
 * returned as W = Bᵀ so that mapped = W·x like every other map.
 */
export function leastSquares(p: PairedRows): Float64Array {
  requirePairs(p);
  const d = p.dim;
  const n = p.srcRows.length;
  const xs = new Float64Array(n * d);
  const zs = new Float64Array(n * d);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < d; j++) {
      xs[k * d + j] = p.x[p.srcRows[k] * d + j];
      zs[k * d + j] = p.z[p.tgtRows[k] * d + j];
    }
  }
  // pinv(X) = V·Σ⁺·Uᵀ for X = U·Σ·Vᵀ; the one-sided Jacobi SVD wants rows ≥ cols, so a wide X is decomposed as Xᵀ.
  const wide = n < d;
  const f = wide ? svd(transpose(xs, n, d), d, n) : svd(xs, n, d);
  const r = f.cols;
  const [left, right] = wide ? [f.v, f.u] : [f.u, f.v]; // X = left·Σ·rightᵀ, left n×r, right d×r
  // gensim passes rcond = -1: LAPACK's machine precision, relative to the largest singular value.
  const cutoff = 2.220446049250313e-16 * f.s[0];
  // B = right·Σ⁺·leftᵀ·Z (d×d)
  const lz = new Float64Array(r * d); // leftᵀ·Z, scaled by 1/σ
  for (let k = 0; k < r; k++) {
    const sk = f.s[k];
    if (!(sk > cutoff)) continue;
    for (let i = 0; i < n; i++) {
      const l = left[i * r + k] / sk;
      if (l === 0) continue;
      for (let j = 0; j < d; j++) lz[k * d + j] += l * zs[i * d + j];
    }
  }
  const b = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < r; k++) {
      const rv = right[i * r + k];
      if (rv === 0) continue;
      for (let j = 0; j < d; j++) b[i * d + j] += rv * lz[k * d + j];
    }
  }
  return transpose(b, d, d);
}

/** The rows of `x` (n×dim) mapped by W: X·Wᵀ, as float32. */
export function applyMap(x: Float32Array, dim: number, w: Float64Array): Float32Array {
  const n = x.length / dim;
  const out = new Float32Array(x.length);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let b = 0; b < dim; b++) row[b] = x[o + b];
    for (let a = 0; a < dim; a++) {
      let s = 0;
      const wo = a * dim;
      for (let b = 0; b < dim; b++) s += w[wo + b] * row[b];
      out[o + a] = s;
    }
  }
  return out;
}

/** A·Bᵀ for A (n×k) and B (m×k), row-major. */
function multiplyTransposed(a: Float64Array, b: Float64Array, n: number, m: number, k: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[j * k + t];
      out[i * m + j] = s;
    }
  }
  return out;
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
