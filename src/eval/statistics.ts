import { InvalidArgumentError } from '../errors.ts';
import { incompleteBeta } from './special.ts';

/**
 * Correlation coefficients with two-sided p-values, defined as scipy.stats defines them so evaluation
 * results can be compared one to one: NaN for constant input or NaN values, the Pearson p-value from the
 * exact null distribution of r (a Beta(n/2−1, n/2−1) on [−1, 1]), the Spearman p-value from the
 * t approximation with n−2 degrees of freedom.
 */

/** Pearson's correlation coefficient and its two-sided p-value (NaN when undefined). */
export interface PearsonResult {
  /** The coefficient, in [-1, 1]. */
  r: number;
  /** Two-sided p-value. */
  pValue: number;
}

/** Spearman's rank correlation and its two-sided p-value (NaN when undefined). */
export interface SpearmanResult {
  /** The coefficient, in [-1, 1]. */
  rho: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * Pearson's r of two equally long samples (at least 2 values) and its two-sided p-value.
 * @example
 * ```ts
 * import { pearson } from 'embedkit';
 * console.log(pearson([1, 2, 3, 4], [2, 4, 5, 9]).r); // 0.96…
 * ```
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): PearsonResult {
  const n = checkSamples(x, y);
  if (n < 2) throw new InvalidArgumentError(`Pearson correlation needs at least 2 values, got ${n}`);
  if (isConstant(x) || isConstant(y)) return { r: NaN, pValue: NaN };
  if (n === 2) {
    // Two points always lie on a line: r is ±1 and says nothing, so the p-value is 1.
    return { r: Math.sign(x[1] - x[0]) * Math.sign(y[1] - y[0]), pValue: 1 };
  }
  const r = clampUnit(correlation(x, y));
  // P(|R| ≥ |r|) where (R + 1) / 2 ~ Beta(n/2 − 1, n/2 − 1); by symmetry twice the lower tail at (1 − |r|) / 2.
  const ab = n / 2 - 1;
  const pValue = Number.isNaN(r) ? NaN : Math.min(1, 2 * incompleteBeta(ab, ab, (1 - Math.abs(r)) / 2));
  return { r, pValue };
}

/**
 * Spearman's rho (Pearson's r of the ranks, ties ranked by their average) and its two-sided p-value.
 * @example
 * ```ts
 * import { spearman } from 'embedkit';
 * console.log(spearman([1, 2, 3, 4], [10, 20, 40, 30]).rho); // 0.8
 * ```
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): SpearmanResult {
  const n = checkSamples(x, y);
  if (n <= 1 || isConstant(x) || isConstant(y) || hasNaN(x) || hasNaN(y)) return { rho: NaN, pValue: NaN };
  const rho = clampUnit(corrcoef(rankData(x), rankData(y)));
  const dof = n - 2;
  if (dof <= 0) return { rho, pValue: NaN };
  // t = rho·sqrt(dof / (1 − rho²)) has Student's t distribution with dof degrees of freedom;
  // P(|T| ≥ |t|) = I_{dof/(dof+t²)}(dof/2, 1/2), and dof/(dof+t²) simplifies to 1 − rho².
  const oneMinusRhoSquared = (1 - Math.abs(rho)) * (1 + Math.abs(rho));
  return { rho, pValue: incompleteBeta(dof / 2, 0.5, oneMinusRhoSquared) };
}

/** Ranks 1..n of the values, tied values sharing the average of the ranks they span (scipy's 'average'). */
export function rankData(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const average = (start + 1 + end) / 2; // mean of ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]] = average;
    start = end;
  }
  return ranks;
}

/**
 * Pearson's r in scipy's order of operations (centre, scale each sample to unit length, then dot), so
 * that perfectly related samples round the same way and get the same p-value.
 */
function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const dx = centred(x);
  const dy = centred(y);
  const nx = Math.sqrt(sumOfSquares(dx));
  const ny = Math.sqrt(sumOfSquares(dy));
  let s = 0;
  for (let i = 0; i < dx.length; i++) s += (dx[i] / nx) * (dy[i] / ny);
  return s;
}

/**
 * The off-diagonal of numpy's corrcoef, as scipy's spearmanr computes rho: covariance divided by each
 * standard deviation in turn. Perfect rank agreement then yields 1 − 2⁻⁵³ exactly where scipy does.
 */
function corrcoef(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const dx = centred(x);
  const dy = centred(y);
  const f = dx.length - 1;
  let sxy = 0;
  for (let i = 0; i < dx.length; i++) sxy += dx[i] * dy[i];
  return sxy / f / Math.sqrt(sumOfSquares(dx) / f) / Math.sqrt(sumOfSquares(dy) / f);
}

function centred(v: ArrayLike<number>): Float64Array {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  return Float64Array.from(v, (a) => a - mean);
}

function sumOfSquares(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

function checkSamples(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new InvalidArgumentError(`samples differ in length: ${x.length} vs ${y.length}`);
  return x.length;
}

function isConstant(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

function hasNaN(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i])) return true;
  return false;
}

/** Rounding can push |r| a hair past 1; NaN passes through. */
function clampUnit(r: number): number {
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
