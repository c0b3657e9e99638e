// The fitted model both solvers return (L-BFGS in logistic-regression.ts, SGD in logistic-sgd.ts), in a module of its
// own so that neither solver imports the other's file for it.

/** A fitted logistic regression: weights, intercepts and how the fit ended. */
export interface LogisticRegressionFit {
  /** classes × dim weights, row-major. */
  coef: Float64Array;
  /** One intercept per class. */
  intercept: Float64Array;
  classes: number;
  dim: number;
  iterations: number;
  converged: boolean;
  /** The objective at the end. */
  loss: number;
  /** True for more than two classes fitted one against the rest (SGD): probabilities are the classes' sigmoids, normalised. */
  oneVsRest?: boolean;
}
