import { open } from 'node:fs/promises';
import { corpusBatches, openCorpus, type Corpus } from '../../text/corpus.ts';
import { fastTextTokens } from '../../vectors/fasttext-supervised-input.ts';
import { ClassifierMeter } from './classifier-meter.ts';
import { cppNumber } from './cpp-number.ts';
import type { FastTextClassifier, PredictOptions } from './fasttext-classifier.ts';

/** One label's counts over a test set, and what follows from them (NaN where a denominator is 0). */
export interface LabelMetrics {
  label: string;
  /** Examples that have the label. */
  gold: number;
  /** Times it was predicted (within the k best). */
  predicted: number;
  /** Times it was predicted for an example that has it. */
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

/** What testClassifier measured: fastText's numbers (N, P@k, R@k), per-label metrics and a confusion matrix. */
export interface ClassifierTestResult {
  /** Examples scored: lines with at least one known label and one input row (fastText's N). */
  examples: number;
  k: number;
  threshold: number;
  /** Correct predictions / predictions (fastText's P@k). */
  precision: number;
  /** Correct predictions / gold labels (fastText's R@k). */
  recall: number;
  /** Per label, in the model's label order. */
  labels: LabelMetrics[];
  /**
   * counts[g][p]: examples with gold label g whose best prediction was label p (p = labels.length: no
   * prediction, e.g. under the threshold); an example with several labels counts once per label.
   */
  confusion: { labels: string[]; counts: number[][] };
  /** Label tokens the model does not know (labels seen only in the test data), with their counts. */
  unknownLabels: Record<string, number>;
  /** Lines not scored: no known label, or no input row. */
  skipped: number;
}

/**
 * Tests a classifier on labelled lines as `fasttext test MODEL DATA k threshold` does (fastText's Meter): every
 * line with a known label and an input row is predicted (k best, threshold); P@k is correct predictions over
 * predictions, R@k correct predictions over gold labels. Adds per-label precision, recall and F1, a confusion
 * matrix of the best prediction, and the label tokens the model does not know.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { corpusFromLines, trainFastTextSupervised } from 'embedkit/train';
 * import { FastTextClassifier, testClassifier, formatTestSummary } from 'embedkit/apps';
 * const lines = Array.from({ length: 200 }, (_, i) => (i % 2 ? '__label__sport the match ended in a draw' : '__label__food fresh bread and soup'));
 * const { model } = await trainFastTextSupervised({ input: corpusFromLines(lines), dim: 10, threads: 1 });
 * writeFileSync('test.txt', '__label__sport a draw\n__label__food bread\n');
 * const result = await testClassifier(new FastTextClassifier(model), 'test.txt', { k: 1 });
 * process.stdout.write(formatTestSummary(result)); // N, P@1, R@1 as fasttext test prints them
 * ```
 */
export async function testClassifier(classifier: FastTextClassifier, data: string | Corpus, options: PredictOptions = {}): Promise<ClassifierTestResult> {
  const k = options.k ?? 1;
  const threshold = options.threshold ?? 0;
  const corpus = typeof data === 'string' ? await openCorpus(data) : data;
  const lastLineEnds = typeof data === 'string' ? await endsWithNewline(data) : true;
  const meter = new ClassifierMeter(classifier.labels);
  const unknownLabels: Record<string, number> = {};
  const prefix = classifier.labelPrefix;
  let skipped = 0;
  try {
    const batches = corpusBatches(corpus)[Symbol.asyncIterator]();
    let batch = await batches.next();
    while (!batch.done) {
      const next = await batches.next();
      const lines = batch.value;
      for (let i = 0; i < lines.length; i++) {
        const tokens = fastTextTokens(lines[i]);
        for (const t of tokens) if (t.startsWith(prefix) && classifier.labelIndex(t) < 0) unknownLabels[t] = (unknownLabels[t] ?? 0) + 1;
        const endOfLine = !(next.done && i === lines.length - 1) || lastLineEnds;
        const line = classifier.labelledPrediction(tokens, endOfLine, { k, threshold });
        if (line.gold.length === 0 || line.rows === 0) {
          skipped++;
          continue;
        }
        meter.log(line.gold, line.predicted.map(([, label]) => label));
      }
      batch = next;
    }
  } finally {
    if (typeof data === 'string') await corpus.close?.();
  }
  return meter.result(k, threshold, unknownLabels, skipped);
}

/**
 * N, P@k and R@k exactly as `fasttext test` prints them (Meter::writeGeneralMetrics).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { corpusFromLines, trainFastTextSupervised } from 'embedkit/train';
 * import { FastTextClassifier, testClassifier, formatTestSummary } from 'embedkit/apps';
 * const lines = Array.from({ length: 200 }, (_, i) => (i % 2 ? '__label__sport the match ended in a draw' : '__label__food fresh bread and soup'));
 * const { model } = await trainFastTextSupervised({ input: corpusFromLines(lines), dim: 10, threads: 1 });
 * writeFileSync('held-out.txt', '__label__sport the match\n__label__food soup\n');
 * const summary = formatTestSummary(await testClassifier(new FastTextClassifier(model), 'held-out.txt', { k: 1 }));
 * console.log(summary); // "N\t2\nP@1\t…\nR@1\t…"
 * ```
 */
export function formatTestSummary(r: ClassifierTestResult): string {
  return `N\t${r.examples}\nP@${r.k}\t${cppNumber(r.precision, 3)}\nR@${r.k}\t${cppNumber(r.recall, 3)}\n`;
}

/** True when the file's last byte is a newline (fastText reads `</s>` only there); compressed files are assumed to. */
export async function endsWithNewline(path: string): Promise<boolean> {
  if (path === '-' || path.endsWith('.gz')) return true;
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (!(size > 0)) return true;
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } catch {
    return true;
  } finally {
    await file.close();
  }
}
