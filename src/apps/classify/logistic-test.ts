import type { ClassifierTestResult, LabelMetrics } from './classifier-test.ts';
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
  const L = classifier.labels.length;
  const gold = new Array<number>(L).fill(0);
  const predicted = new Array<number>(L).fill(0);
  const correct = new Array<number>(L).fill(0);
  const counts = Array.from({ length: L }, () => new Array<number>(L + 1).fill(0));
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
  let examplesScored = 0;
  let goldTotal = 0;
  let predictedTotal = 0;
  let correctTotal = 0;
  scored.forEach((i, j) => {
    const v = vectors[j];
    if (!v) return;
    const labels = known[i];
    const best = classifier.best(v, { k, threshold }).map((p) => classifier.labelIndex(p.label));
    examplesScored++;
    goldTotal += labels.length;
    predictedTotal += best.length;
    for (const p of best) {
      predicted[p]++;
      if (labels.includes(p)) {
        correct[p]++;
        correctTotal++;
      }
    }
    for (const g of labels) {
      gold[g]++;
      counts[g][best.length ? best[0] : L]++;
    }
  });
  const labels = classifier.labels.map((label, i): LabelMetrics => {
    const precision = correct[i] / predicted[i];
    const recall = correct[i] / gold[i];
    return { label, gold: gold[i], predicted: predicted[i], correct: correct[i], precision, recall, f1: (2 * precision * recall) / (precision + recall) };
  });
  return {
    examples: examplesScored,
    k,
    threshold,
    precision: correctTotal / predictedTotal,
    recall: correctTotal / goldTotal,
    labels,
    confusion: { labels: [...classifier.labels], counts },
    unknownLabels,
    skipped: examples.texts.length - examplesScored,
  };
}
