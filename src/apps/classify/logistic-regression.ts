import { InvalidArgumentError } from '../../errors.ts';
import { minimizeLbfgs } from './logistic-lbfgs.ts';
import { fitLogisticSgd } from './logistic-sgd.ts';
import type { LogisticRegressionFit } from './logistic-fit.ts';

/** How examples are weighted per class: equally, 'balanced' (n / (classes × count of the class)), or one weight per class. */
export type ClassWeight = 'balanced' | readonly number[] | undefined;

export interface LogisticRegressionOptions {
  /** Inverse L2 strength, as scikit-learn's C: the objective is Σ wᵢ·(−log pᵢ) + ‖W‖² / (2C) (default 1). */
  C?: number;
  /** Class weights (default: none, every example weighs 1). */
  classWeight?: ClassWeight;
  /** Largest gradient component at which L-BFGS stops (scikit-learn's tol, default 1e-4). */
  tol?: number;
  /** Most L-BFGS iterations, or SGD epochs (default 100; scikit-learn's max_iter). */
  maxIterations?: number;
  /**
   * 'lbfgs' (default): multinomial, as scikit-learn's LogisticRegression; 'sgd': one-vs-rest by stochastic gradient
   * descent, as scikit-learn's SGDClassifier(loss='log_loss', penalty='l2') with alpha = 1 / (C · n) (see fitLogisticSgd).
   */
  solver?: 'lbfgs' | 'sgd';
  /** SGD's shuffling seed (default 1). */
  seed?: number;
  /** Relative decrease of the objective at which L-BFGS stops (default SciPy's, 2.2e-9, which scikit-learn keeps); 0: only tol stops it. */
  ftol?: number;
  signal?: AbortSignal;
}

/** A fitted multinomial logistic regression: one weight row and one intercept per class. */
export type { LogisticRegressionFit } from './logistic-fit.ts';

/**
 * Fits multinomial logistic regression by L-BFGS with an L2 penalty on the weights (not the intercepts), as
 * scikit-learn's `LogisticRegression(multi_class='multinomial', solver='lbfgs')` defines it: every class has its own
 * weight row (the penalty makes the over-parameterized softmax unique), sample weights come from the class weights
 * ('balanced': n / (classes × count)), and the search stops when the largest gradient component is at most tol.
 * @example
 * ```ts
 * import { fitLogisticRegression, logisticProbabilities } from 'embedkit/apps';
 * const features = [new Float32Array([1, 0]), new Float32Array([0.9, 0.1]), new Float32Array([0, 1]), new Float32Array([0.1, 0.9])];
 * const fit = fitLogisticRegression(features, Int32Array.from([0, 0, 1, 1]), 2, { C: 10 });
 * console.log(logisticProbabilities(fit, new Float32Array([1, 0]))); // [0.9…, 0.0…]
 * ```
 */
export function fitLogisticRegression(features: readonly Float32Array[], targets: Int32Array, classes: number, options: LogisticRegressionOptions = {}): LogisticRegressionFit {
  const n = features.length;
  if (n === 0) throw new InvalidArgumentError('no examples to fit');
  if (targets.length !== n) throw new InvalidArgumentError(`${n} feature rows but ${targets.length} targets`);
  if (!Number.isInteger(classes) || classes < 2) throw new InvalidArgumentError(`a classifier needs at least 2 classes, got ${classes}`);
  const C = options.C ?? 1;
  if (!(C > 0 && Number.isFinite(C))) throw new InvalidArgumentError(`C must be a positive number, got ${C}`);
  const dim = features[0].length;
  const X = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    if (features[i].length !== dim) throw new InvalidArgumentError(`feature row ${i} has ${features[i].length} values, row 0 has ${dim}`);
    X.set(features[i], i * dim);
  }
  const perClass = classWeights(targets, classes, options.classWeight);
  if (options.solver === 'sgd') {
    const fit = fitLogisticSgd(X, targets, classes, dim, { C, classWeights: perClass, tol: options.tol ?? 1e-4, maxEpochs: options.maxIterations ?? 100, seed: options.seed ?? 1, signal: options.signal });
    return classes > 2 ? { ...fit, oneVsRest: true } : fit;
  }
  const weights = Float64Array.from(targets, (t) => perClass[t]);
  const K = classes;
  const stride = dim + 1; // per class: dim weights, then the intercept
  const z = new Float64Array(K);
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = i * dim;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = w[k * stride + dim];
        const base = k * stride;
        for (let j = 0; j < dim; j++) s += w[base + j] * X[row + j];
        z[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
      const logZ = max + Math.log(sum);
      const wi = weights[i];
      loss += wi * (logZ - z[targets[i]]);
      for (let k = 0; k < K; k++) {
        const r = wi * (Math.exp(z[k] - logZ) - (k === targets[i] ? 1 : 0));
        if (r === 0) continue;
        const base = k * stride;
        for (let j = 0; j < dim; j++) grad[base + j] += r * X[row + j];
        grad[base + dim] += r;
      }
    }
    let penalty = 0;
    for (let k = 0; k < K; k++) {
      const base = k * stride;
      for (let j = 0; j < dim; j++) {
        penalty += w[base + j] * w[base + j];
        grad[base + j] += w[base + j] / C;
      }
    }
    return loss + penalty / (2 * C);
  };
  const result = minimizeLbfgs(objective, new Float64Array(K * stride), { gtol: options.tol ?? 1e-4, maxIterations: options.maxIterations ?? 100, ftol: options.ftol, signal: options.signal });
  const coef = new Float64Array(K * dim);
  const intercept = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    coef.set(result.x.subarray(k * stride, k * stride + dim), k * dim);
    intercept[k] = result.x[k * stride + dim];
  }
  return { coef, intercept, classes: K, dim, iterations: result.iterations, converged: result.converged, loss: result.value };
}

/** Each class's weight ('balanced': n / (classes × count of the class), as scikit-learn). */
function classWeights(targets: Int32Array, classes: number, classWeight: ClassWeight): ArrayLike<number> {
  const n = targets.length;
  const counts = new Float64Array(classes);
  for (const t of targets) {
    if (!(t >= 0 && t < classes)) throw new InvalidArgumentError(`target ${t} is not a class in 0..${classes - 1}`);
    counts[t]++;
  }
  let perClass: ArrayLike<number>;
  if (classWeight === undefined) perClass = new Float64Array(classes).fill(1);
  else if (classWeight === 'balanced') perClass = Array.from(counts, (c) => (c > 0 ? n / (classes * c) : 0));
  else {
    if (classWeight.length !== classes || classWeight.some((w) => !(w >= 0 && Number.isFinite(w)))) {
      throw new InvalidArgumentError(`classWeight must give ${classes} weights ≥ 0, one per class`);
    }
    perClass = classWeight;
  }
  return perClass;
}

/**
 * The class probabilities of one feature vector: the softmax of the class scores, or for a one-vs-rest fit each
 * class's sigmoid divided by their sum (scikit-learn's SGDClassifier.predict_proba).
 * @example
 * ```ts
 * import { fitLogisticRegression, logisticProbabilities } from 'embedkit/apps';
 * const fit = fitLogisticRegression([new Float32Array([1]), new Float32Array([-1])], Int32Array.from([0, 1]), 2);
 * console.log(logisticProbabilities(fit, new Float32Array([2]))); // class 0 more likely
 * ```
 */
export function logisticProbabilities(fit: { coef: ArrayLike<number>; intercept: ArrayLike<number>; classes: number; dim: number; oneVsRest?: boolean }, x: ArrayLike<number>): Float64Array {
  const { classes: K, dim } = fit;
  if (fit.oneVsRest) return oneVsRestProbabilities(fit, x);
  const p = new Float64Array(K);
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    let s = fit.intercept[k];
    for (let j = 0; j < dim; j++) s += fit.coef[k * dim + j] * x[j];
    p[k] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += p[k] = Math.exp(p[k] - max);
  for (let k = 0; k < K; k++) p[k] /= sum;
  return p;
}

/** Each class's sigmoid, normalised to sum 1 (uniform when all are 0), as scikit-learn's one-vs-rest predict_proba. */
function oneVsRestProbabilities(fit: { coef: ArrayLike<number>; intercept: ArrayLike<number>; classes: number; dim: number }, x: ArrayLike<number>): Float64Array {
  const { classes: K, dim } = fit;
  const p = new Float64Array(K);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    let s = fit.intercept[k];
    for (let j = 0; j < dim; j++) s += fit.coef[k * dim + j] * x[j];
    sum += p[k] = 1 / (1 + Math.exp(-s));
  }
  for (let k = 0; k < K; k++) p[k] = sum > 0 ? p[k] / sum : 1 / K;
  return p;
}
