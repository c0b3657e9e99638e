import type { ClassifierTestResult } from './classifier-test.ts';
import { ClassifierMeter } from './classifier-meter.ts';
import type { PredictOptions } from './fasttext-classifier.ts';
import { readLabelledTexts, type LabelledTexts } from './labelled-texts.ts';
import type { LogisticClassifier } from './logistic-classifier.ts';
import { textVectors } from './text-vectors.ts';

/**
 * Tests a LogisticClassifier on labelled texts (fastText lines or JSON lines) with fastText's measures, as
 * testClassifier does for a fastText model: every text with a known label and a vector is predicted (k best at or
 * above the threshold); P@k is correct predictions over predictions, R@k correct predictions over gold labels; plus
 * per-label precision, recall and F1, the confusion matrix of the best prediction, and the labels the model lacks.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { LogisticClassifier, testLogisticClassifier, formatTestSummary } from 'embedkit/apps';
 * import { openEncoder } from 'embedkit/encoders';
 * writeFileSync('v.vec', '4 2\nmatch 1 0\ngoal 0.9 0.1\nbread 0 1\nsoup 0.1 0.9\n');
 * const lines = ['__label__sport match goal', '__label__food bread soup', '__label__sport goal', '__label__food soup'];
 * const { classifier } = await LogisticClassifier.train(lines, await openEncoder('v.vec'), { C: 10 });
 * const result = await testLogisticClassifier(classifier, ['__label__sport a goal', '__label__food bread']);
 * process.stdout.write(formatTestSummary(result)); // N 2, P@1 1.00, R@1 1.00
 * ```
 */
export async function testLogisticClassifier(classifier: LogisticClassifier, data: string | readonly string[] | LabelledTexts, options: PredictOptions & { labelPrefix?: string; signal?: AbortSignal } = {}): Promise<ClassifierTestResult> {
  const k = options.k ?? 1;
  const threshold = options.threshold ?? 0;
  const examples = typeof data === 'string' || Array.isArray(data) ? await readLabelledTexts(data as string | string[], options.labelPrefix) : (data as LabelledTexts);
  const meter = new ClassifierMeter(classifier.labels);
  const unknownLabels: Record<string, number> = {};
  const known: number[][] = examples.labels.map((labels) => {
    const ids: number[] = [];
    for (const l of labels) {
      const id = classifier.labelIndex(l);
      if (id < 0) unknownLabels[l] = (unknownLabels[l] ?? 0) + 1;
      else ids.push(id);
    }
    return ids;
  });
  const scored = known.flatMap((ids, i) => (ids.length ? [i] : []));
  const vectors = await textVectors(classifier.encoder, scored.map((i) => examples.texts[i]), options.signal);
  scored.forEach((i, j) => {
    const v = vectors[j];
    if (v) meter.log(known[i], classifier.best(v, { k, threshold }).map((p) => classifier.labelIndex(p.label)));
  });
  return meter.result(k, threshold, unknownLabels, examples.texts.length - meter.examples);
}
