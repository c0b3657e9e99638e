import { createInterface } from 'node:readline';
import { cppNumber } from '../apps/classify/cpp-number.ts';
import type { Prediction, PredictOptions } from '../apps/classify/fasttext-classifier.ts';
import { LogisticClassifier } from '../apps/classify/logistic-classifier.ts';
import { testLogisticClassifier } from '../apps/classify/logistic-test.ts';
import type { ClassifierTestResult } from '../apps/classify/classifier-test.ts';
import { labelledLine, readLines } from '../apps/classify/labelled-texts.ts';
import { classifierEncoderOptions } from './commands/train-classifier.ts';

/** Lines predicted per encode call when reading a file. */
const BATCH = 1024;

/** One output line of `predict`: fastText's (labels, or "label probability" pairs with --prob) or a JSON array. */
export function predictionLine(predictions: Prediction[], o: { prob?: boolean; json?: boolean }): string {
  if (o.json) return JSON.stringify(predictions) + '\n';
  return predictions.map((p) => (o.prob ? `${p.label} ${cppNumber(p.probability)}` : p.label)).join(' ') + '\n';
}

/** `predict` on a logistic-regression classifier file: one output line per input line (stdin line by line, a file in batches). */
export async function predictWithLogistic(model: string, input: string, o: PredictOptions & { prob?: boolean; json?: boolean; label: string }): Promise<void> {
  const classifier = await LogisticClassifier.load(model, { open: classifierEncoderOptions({}) });
  try {
    const options = { k: o.k, threshold: o.threshold };
    if (input === '-') {
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        process.stdout.write(predictionLine((await classifier.predict([labelledLine(line, o.label)[0]], options))[0], o));
      }
      return;
    }
    // Label tokens on a line are not text, as in fastText's predict; an empty line gets an empty prediction.
    const texts = (await readLines(input)).map((line) => labelledLine(line, o.label)[0]);
    for (let start = 0; start < texts.length; start += BATCH) {
      const out = (await classifier.predict(texts.slice(start, start + BATCH), options)).map((p) => predictionLine(p, o)).join('');
      if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  } finally {
    await classifier.dispose();
  }
}

/** `test` on a logistic-regression classifier file. */
export async function testWithLogistic(model: string, data: string, o: PredictOptions & { label: string }): Promise<ClassifierTestResult> {
  const classifier = await LogisticClassifier.load(model, { open: classifierEncoderOptions({}) });
  try {
    return await testLogisticClassifier(classifier, data, { k: o.k, threshold: o.threshold, labelPrefix: o.label });
  } finally {
    await classifier.dispose();
  }
}
