/**
 * Text classification: fastText classifiers (trained by trainFastTextSupervised in `embedkit/train`, or by the
 * fastText CLI) that predict and are tested exactly as fastText predicts and tests.
 */
export { FastTextClassifier, DEFAULT_LABEL_PREFIX, type Prediction, type PredictOptions } from './fasttext-classifier.js';
export { testClassifier, formatTestSummary, type ClassifierTestResult, type LabelMetrics } from './classifier-test.js';
export { quantizeFastTextModel, quantizeFastTextFile, type QuantizeOptions, type QuantizeSettings } from './quantize.js';
export { autotuneFastTextSupervised, autotuneScore, type AutotuneOptions, type AutotuneResult, type AutotuneTrial, type TunedParameters } from './autotune.js';
export { fitLogisticRegression, logisticProbabilities, type LogisticRegressionFit, type LogisticRegressionOptions, type ClassWeight } from './logistic-regression.js';
export { LogisticClassifier, type LogisticClassifierHeader, type LogisticClassifierTrainOptions, type LogisticTrainStats, type EncoderRecord } from './logistic-classifier.js';
export { testLogisticClassifier } from './logistic-test.js';
export { readLabelledTexts, type LabelledTexts } from './labelled-texts.js';
export {
  zeroShotClassify,
  calibrateZeroShotTemperature,
  DEFAULT_ZERO_SHOT_TEMPLATE,
  DEFAULT_ZERO_SHOT_TEMPERATURE,
  type ZeroShotOptions,
  type ZeroShotScore,
  type ZeroShotCalibration,
} from './zero-shot.js';
