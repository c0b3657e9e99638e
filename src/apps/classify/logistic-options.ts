import { defineOptions, number, oneOf, int, text, type Given } from '../../train/option-schema.ts';

/**
 * The settings of a logistic-regression classifier on embeddings (LogisticClassifier.train), with
 * scikit-learn's LogisticRegression defaults (C 1, tol 1e-4, max_iter 100, no class weights).
 */
export const logisticSchema = defineOptions({
  C: { ...number('positive'), default: 1, help: 'inverse L2 strength (scikit-learn\'s C): smaller is stronger regularization', cli: { flag: 'C', value: '<C>' } },
  classWeight: { ...oneOf<'none' | 'balanced'>(['none', 'balanced']), default: 'none', help: 'balanced: weigh each class by n / (classes × its count), as scikit-learn', cli: { value: '<none|balanced>' } },
  tol: { ...number('positive'), default: 1e-4, help: 'L-BFGS stops when the largest gradient component is at most this' },
  maxIterations: { ...int(1), default: 100, help: 'most L-BFGS iterations', cli: { aliases: ['max-iter'] } },
  labelPrefix: { ...text(), default: '__label__', help: 'prefix that marks a token as a label (fastText lines)', cli: { value: '<prefix>', aliases: ['label'] } },
});

export type LogisticSettings = Given<typeof logisticSchema>;
