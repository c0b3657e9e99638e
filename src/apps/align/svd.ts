/**
 * Singular value decomposition by one-sided Jacobi rotations (Hestenes): pairs of columns are rotated until every
 * two are orthogonal; the column norms are then the singular values. Simple, and accurate to working precision for
 * the small matrices alignment needs (d×d cross-covariances, d ≤ a few hundred; n×d pair matrices).
 */

/** A = U·diag(s)·Vᵀ, all row-major float64: U rows×cols, s cols (descending), V cols×cols. */
export interface Svd {
  u: Float64Array;
  s: Float64Array;
  v: Float64Array;
  rows: number;
  cols: number;
}

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

/**
 * The thin SVD of a rows×cols matrix (rows ≥ cols), row-major. U's columns for zero singular values are completed
 * to an orthonormal set, so U always has orthonormal columns (Procrustes needs that when the data are
 * rank-deficient, e.g. fewer pairs than dimensions).
 */
export function svd(a: ArrayLike<number>, rows: number, cols: number): Svd {
  if (rows < cols) throw new RangeError(`svd expects rows ≥ cols, got ${rows}×${cols}`);
  // Columns as separate arrays: every rotation touches two whole columns.
  const c: Float64Array[] = [];
  const v: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const col = new Float64Array(rows);
    for (let i = 0; i < rows; i++) col[i] = a[i * cols + j];
    c.push(col);
    const e = new Float64Array(cols);
    e[j] = 1;
    v.push(e);
  }
  const norms2 = c.map((col) => dotCols(col, col));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        const alpha = norms2[p];
        const beta = norms2[q];
        if (alpha === 0 || beta === 0) continue;
        const gamma = dotCols(c[p], c[q]);
        if (Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        rotate(c[p], c[q], cs, sn);
        rotate(v[p], v[q], cs, sn);
        norms2[p] = dotCols(c[p], c[p]);
        norms2[q] = dotCols(c[q], c[q]);
      }
    }
    if (!rotated) break;
  }
  const order = [...norms2.keys()].sort((x, y) => norms2[y] - norms2[x]);
  const s = new Float64Array(cols);
  const uCols: Float64Array[] = [];
  const smax = Math.sqrt(norms2[order[0]] ?? 0);
  const tiny = smax * EPS * Math.max(rows, cols);
  const missing: number[] = [];
  order.forEach((j, k) => {
    s[k] = Math.sqrt(norms2[j]);
    if (s[k] > tiny && s[k] > 0) uCols.push(c[j].map((x) => x / s[k]));
    else {
      uCols.push(new Float64Array(rows));
      missing.push(k);
    }
  });
  completeOrthonormal(uCols, missing, rows);
  const u = new Float64Array(rows * cols);
  const vOut = new Float64Array(cols * cols);
  order.forEach((j, k) => {
    for (let i = 0; i < rows; i++) u[i * cols + k] = uCols[k][i];
    for (let i = 0; i < cols; i++) vOut[i * cols + k] = v[j][i];
  });
  return { u, s, v: vOut, rows, cols };
}

function dotCols(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function rotate(a: Float64Array, b: Float64Array, c: number, s: number): void {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    a[i] = c * x - s * y;
    b[i] = s * x + c * y;
  }
}

/** Fills the columns listed in `missing` with unit vectors orthogonal to all the others (Gram–Schmidt, twice). */
function completeOrthonormal(cols: Float64Array[], missing: number[], rows: number): void {
  let next = 0;
  for (const k of missing) {
    for (; next < rows; next++) {
      const e = new Float64Array(rows);
      e[next] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < cols.length; j++) {
          if (j === k) continue;
          const d = dotCols(cols[j], e);
          if (d !== 0) for (let i = 0; i < rows; i++) e[i] -= d * cols[j][i];
        }
      }
      const n = Math.sqrt(dotCols(e, e));
      if (n > 1e-8) {
        for (let i = 0; i < rows; i++) e[i] /= n;
        cols[k] = e;
        next++;
        break;
      }
    }
  }
}
