import { xorshift32 } from '../../kernels/xorshift.ts';
import { throwIfAborted } from '../../util/abort.ts';
import type { LogisticRegressionFit } from './logistic-fit.ts';

/** Settings of fitLogisticSgd, in the units of fitLogisticRegression (see there). */
export interface LogisticSgdOptions {
  /** Inverse L2 strength (scikit-learn's LogisticRegression C); SGD's alpha is 1 / (C · n). */
  C: number;
  /** Each example's weight for its own class's binary problem; other classes' examples weigh 1 there (as scikit-learn). */
  classWeights: ArrayLike<number>;
  /** Stop once an epoch's summed loss has not fallen below the best by tol · n for 5 epochs in a row. */
  tol: number;
  /** Most epochs. */
  maxEpochs: number;
  /** Seed of the per-epoch shuffles. */
  seed: number;
  signal?: AbortSignal;
}

/** scikit-learn's n_iter_no_change: epochs without improvement that end the search. */
const NO_CHANGE_EPOCHS = 5;
/** The weight vector's scale is folded back into it below this (as scikit-learn's WeightVector). */
const SMALL_SCALE = 1e-9;

/**
 * Logistic regression by plain stochastic gradient descent, as scikit-learn's
 * `SGDClassifier(loss='log_loss', penalty='l2', learning_rate='optimal', average=False)` defines it: with more than
 * two classes one binary problem per class against the rest (one-vs-rest), each with its own weight row and
 * intercept; every epoch visits the examples in a fresh random order; step t has the rate
 * 1 / (alpha · (t0 + t − 1)) with t0 = 1 / (alpha · sqrt(1 / sqrt(alpha))) (Bottou's heuristic, scikit-learn's
 * 'optimal'); each step first shrinks the weights by (1 − rate · alpha) (the L2 penalty, not on the intercept),
 * then moves weights and intercept along the example's loss gradient times its class weight. alpha = 1 / (C · n)
 * makes the objective n·alpha/2·‖w‖² + Σ loss the one L-BFGS minimises with the same C. Not averaged: the last
 * iterate is the fit (scikit-learn's default). Two classes make one problem, kept as the rows (−w/2, w/2) so that
 * the softmax of the two scores is its sigmoid; with more, `loss` is the sum of the binary problems' objectives.
 */
export function fitLogisticSgd(X: Float64Array, targets: Int32Array, classes: number, dim: number, options: LogisticSgdOptions): LogisticRegressionFit {
  const n = targets.length;
  const alpha = 1 / (options.C * n);
  const coef = new Float64Array(classes * dim);
  const intercept = new Float64Array(classes);
  let iterations = 0;
  let converged = true;
  let loss = 0;
  const problems = classes === 2 ? [1] : Array.from({ length: classes }, (_, k) => k);
  for (const k of problems) {
    throwIfAborted(options.signal);
    const y = Float64Array.from(targets, (t) => (t === k ? 1 : -1));
    // Positive examples weigh their class's weight; in the two-class problem the negatives weigh class 0's.
    const weight = Float64Array.from(targets, (t) => (t === k ? options.classWeights[k] : classes === 2 ? options.classWeights[0] : 1));
    const fit = binarySgd(X, y, weight, dim, alpha, options, options.seed ^ Math.imul(k + 1, 0x9e3779b9));
    iterations = Math.max(iterations, fit.epochs);
    converged &&= fit.converged;
    loss += fit.objective;
    if (classes === 2) {
      for (let j = 0; j < dim; j++) {
        coef[j] = -fit.w[j] / 2;
        coef[dim + j] = fit.w[j] / 2;
      }
      intercept[0] = -fit.b / 2;
      intercept[1] = fit.b / 2;
    } else {
      coef.set(fit.w, k * dim);
      intercept[k] = fit.b;
    }
  }
  return { coef, intercept, classes, dim, iterations, converged, loss };
}

/** One binary problem (labels ±1): weights, intercept, epochs run, and its objective Σ weight·loss + n·alpha/2·‖w‖². */
function binarySgd(X: Float64Array, y: Float64Array, weight: Float64Array, dim: number, alpha: number, options: LogisticSgdOptions, seed: number) {
  const n = y.length;
  const w = new Float64Array(dim);
  let scale = 1;
  let b = 0;
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  // scikit-learn's eta0 = typw / max(1, dloss(-typw, 1)); the log loss's derivative is below 1 in size, so eta0 = typw.
  const t0 = 1 / (typw * alpha);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let state = seed | 0 || 1;
  let t = 1;
  let best = Infinity;
  let stale = 0;
  let epochs = 0;
  let converged = false;
  while (epochs < options.maxEpochs) {
    throwIfAborted(options.signal);
    epochs++;
    for (let i = n - 1; i > 0; i--) {
      state = xorshift32(state);
      const j = (state >>> 0) % (i + 1);
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    let sumLoss = 0;
    for (let s = 0; s < n; s++) {
      const i = order[s];
      const row = i * dim;
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += w[j] * X[row + j];
      const p = dot * scale + b;
      const yi = y[i];
      const z = p * yi;
      sumLoss += logLoss(z);
      const eta = 1 / (alpha * (t0 + t - 1));
      const update = -eta * dLogLoss(z, yi) * weight[i];
      scale *= Math.max(0, 1 - eta * alpha);
      if (scale < SMALL_SCALE) {
        for (let j = 0; j < dim; j++) w[j] *= scale;
        scale = 1;
      }
      if (update !== 0) {
        const step = update / scale;
        for (let j = 0; j < dim; j++) w[j] += step * X[row + j];
        b += update;
      }
      t++;
    }
    if (sumLoss > best - options.tol * n) stale++;
    else stale = 0;
    if (sumLoss < best) best = sumLoss;
    if (stale >= NO_CHANGE_EPOCHS) {
      converged = true;
      break;
    }
  }
  for (let j = 0; j < dim; j++) w[j] *= scale;
  let objective = 0;
  let norm = 0;
  for (let j = 0; j < dim; j++) norm += w[j] * w[j];
  for (let i = 0; i < n; i++) {
    let p = b;
    for (let j = 0; j < dim; j++) p += w[j] * X[i * dim + j];
    objective += weight[i] * logLoss(p * y[i]);
  }
  objective += (n * alpha * norm) / 2;
  return { w, b, epochs, converged, objective };
}

/** log(1 + e^−z), cut as scikit-learn's Log loss for large |z|. */
function logLoss(z: number): number {
  if (z > 18) return Math.exp(-z);
  if (z < -18) return -z;
  return Math.log1p(Math.exp(-z));
}

/** d/dp of the log loss at z = p·y, as scikit-learn's Log.dloss. */
function dLogLoss(z: number, y: number): number {
  if (z > 18) return Math.exp(-z) * -y;
  if (z < -18) return -y;
  return -y / (Math.exp(z) + 1);
}
