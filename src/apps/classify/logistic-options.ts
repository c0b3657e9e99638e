import { defineOptions, number, oneOf, int, text, type Given } from '../../train/option-schema.ts';

/**
 * The settings of a logistic-regression classifier on embeddings (LogisticClassifier.train), with
 * scikit-learn's LogisticRegression defaults (C 1, tol 1e-4, max_iter 100, no class weights, L-BFGS); solver
 * 'sgd' fits as scikit-learn's SGDClassifier(loss='log_loss') with alpha = 1 / (C · examples).
 */
export const logisticSchema = defineOptions({
  C: { ...number('positive'), default: 1, help: 'inverse L2 strength (scikit-learn\'s C): smaller is stronger regularization', cli: { flag: 'C', value: '<C>' } },
  classWeight: { ...oneOf<'none' | 'balanced'>(['none', 'balanced']), default: 'none', help: 'balanced: weigh each class by n / (classes × its count), as scikit-learn', cli: { value: '<none|balanced>' } },
  solver: { ...oneOf<'lbfgs' | 'sgd'>(['lbfgs', 'sgd']), default: 'lbfgs', help: 'lbfgs: multinomial by L-BFGS (scikit-learn\'s LogisticRegression); sgd: one-vs-rest by stochastic gradient descent (scikit-learn\'s SGDClassifier, log loss, learning rate \'optimal\', not averaged)', cli: { value: '<lbfgs|sgd>' } },
  tol: { ...number('positive'), default: 1e-4, help: 'L-BFGS stops when the largest gradient component is at most this; SGD when an epoch\'s summed loss has not fallen by tol × examples for 5 epochs' },
  maxIterations: { ...int(1), default: 100, help: 'most L-BFGS iterations or SGD epochs', cli: { aliases: ['max-iter'] } },
  seed: { ...int(-(2 ** 31), 2 ** 32 - 1), default: 1, help: 'seed of the SGD solver\'s shuffles' },
  labelPrefix: { ...text(), default: '__label__', help: 'prefix that marks a token as a label (fastText lines)', cli: { value: '<prefix>', aliases: ['label'] } },
});

export type LogisticSettings = Given<typeof logisticSchema>;
