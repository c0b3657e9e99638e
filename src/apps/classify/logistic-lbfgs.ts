/**
 * Limited-memory BFGS for a smooth convex objective, as the logistic regression here needs it: the two-loop
 * recursion over the last `memory` steps, and a backtracking line search on the Armijo condition that starts at
 * the full step (the first step is scaled to unit length). It stops as SciPy's L-BFGS-B does for an unbounded
 * problem, which is what scikit-learn's `lbfgs` solver runs: the largest gradient component at most `gtol`, or a
 * relative decrease of the objective at most `ftol` (SciPy's default factr 1e7 × machine epsilon).
 */

/** The objective at x: its value, with its gradient written into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Largest gradient component at which to stop (scikit-learn's `tol`). */
  gtol: number;
  /** Most iterations (scikit-learn's `max_iter`). */
  maxIterations: number;
  /** Relative decrease of the objective at which to stop. */
  ftol?: number;
  /** Corrections kept (SciPy's default 10). */
  memory?: number;
  /** Called after each iteration; aborting stops between iterations. */
  signal?: AbortSignal;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** True when a stopping test passed, false when the iterations ran out. */
  converged: boolean;
}

const FTOL = 1e7 * 2.220446049250313e-16;

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** Minimizes `f` from `x0` (not changed). */
export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const ftol = options.ftol ?? FTOL;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let value = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);
  if (maxAbs(g) <= options.gtol) return { x, value, iterations: 0, converged: true };
  for (let it = 1; it <= options.maxIterations; it++) {
    options.signal?.throwIfAborted();
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = s.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(s[j], d);
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * y[j][i];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < s.length; j++) {
      const beta = rho[j] * dot(y[j], d);
      for (let i = 0; i < n; i++) d[i] += s[j][i] * (alpha[j] - beta);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from the gradient.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    // Backtracking (Armijo, c1 = 1e-4); the very first step has unit length.
    let step = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    let nextValue = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) xNext[i] = x[i] + step * d[i];
      nextValue = f(xNext, gNext);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(nextValue <= value)) return { x, value, iterations: it, converged: true };
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = xNext[i] - x[i];
      yk[i] = gNext[i] - g[i];
    }
    const sy = dot(sk, yk);
    // Keep the correction only where the curvature is positive (the inverse Hessian estimate stays positive definite).
    if (sy > 1e-10 * dot(yk, yk)) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    const decrease = (value - nextValue) / Math.max(Math.abs(value), Math.abs(nextValue), 1);
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    value = nextValue;
    if (maxAbs(g) <= options.gtol || decrease <= ftol) return { x, value, iterations: it, converged: true };
  }
  return { x, value, iterations: options.maxIterations, converged: false };
}
