/**
 * The two special functions the correlation p-values need: log Γ and the regularized incomplete beta
 * function I_x(a, b). Both are accurate to about 1e-14 relative over the range statistics use
 * (a, b from 0.5 to ~1e6), which is far below the 4 decimals evaluation results are compared at.
 */

// Lanczos approximation, g = 7, nine terms (Godfrey's coefficients): ~1e-15 relative for x ≥ 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  // Reflection keeps the series in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). When one argument is large, ln Γ(big) − ln Γ(big + small)
 * is taken from Stirling's series as one small number instead of the difference of two large ones,
 * which would lose digits (ln Γ(50000) ≈ 5·10⁵).
 */
export function logBeta(a: number, b: number): number {
  const small = Math.min(a, b);
  const big = Math.max(a, b);
  if (big < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const ratio = (big - 0.5) * -Math.log1p(small / big) - small * Math.log(big + small) + small + stirlingCorrection(big) - stirlingCorrection(big + small);
  return logGamma(small) + ratio;
}

/** ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π] for x ≥ 10 (error below 1e-12). */
function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)));
}

/**
 * Regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b).
 * Evaluated by the continued fraction on whichever side of the mean converges fast, so the small tail
 * that p-values live in is computed directly, without cancellation.
 */
export function incompleteBeta(a: number, b: number, x: number): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x < (a + 1) / (a + b + 2)) return betaTail(a, b, x);
  return 1 - betaTail(b, a, 1 - x);
}

/** x^a (1−x)^b / (a B(a,b)) times the continued fraction: I_x(a, b) when x is below the mean. */
function betaTail(a: number, b: number, x: number): number {
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  return (Math.exp(logFront) * continuedFraction(a, b, x)) / a;
}

/** Modified Lentz evaluation of the incomplete beta continued fraction. */
function continuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const eps = 1e-16;
  const maxIterations = 10_000 + 20 * Math.ceil(Math.sqrt(Math.max(a, b)));
  const clampTiny = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clampTiny(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    // Even step.
    let coef = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / clampTiny(1 + coef * d);
    c = clampTiny(1 + coef / c);
    h *= d * c;
    // Odd step.
    coef = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / clampTiny(1 + coef * d);
    c = clampTiny(1 + coef / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < eps) return h;
  }
  return h; // not reached for the parameters statistics use; the last estimate is still close
}
