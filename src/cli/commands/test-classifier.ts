import type { Command } from 'commander';
import { formatTestSummary, testClassifier } from '../../apps/classify/classifier-test.ts';
import { DEFAULT_LABEL_PREFIX, FastTextClassifier } from '../../apps/classify/fasttext-classifier.ts';
import { examples, printJson } from '../common.ts';
import { LogisticClassifier } from '../../apps/classify/logistic-classifier.ts';
import { testWithLogistic } from '../logistic-commands.ts';
import { nonNegativeNumber, positiveInt } from '../flag-values.ts';

interface TestFlags {
  k: number;
  threshold: number;
  json?: boolean;
  label: string;
}

/** Adds `test`: fastText's `test` (N, P@k, R@k), with per-label metrics and a confusion matrix in --json. */
export function registerTestClassifier(program: Command): void {
  program
    .command('test')
    .description('test a classifier on labelled lines: N, P@k and R@k as `fasttext test` prints them (--json: also per-label precision, recall, F1 and the confusion matrix)')
    .argument('<model>', 'supervised fastText model (.bin or .ftz)')
    .argument('<data>', 'labelled lines (__label__X tokens), as for training')
    .option('-k, --k <n>', 'labels predicted per line', positiveInt('-k'), 1)
    .option('--threshold <p>', 'leave out labels below this probability', nonNegativeNumber('--threshold'), 0)
    .option('--json', 'print everything as JSON')
    .option('--label <prefix>', 'label prefix of the model\'s labels', DEFAULT_LABEL_PREFIX)
    .addHelpText('after', examples(['embedkit test classifier.bin test.txt', 'embedkit test classifier.bin test.txt -k 2 --json']))
    .action(async (model: string, data: string, o: TestFlags) => {
      const result = (await LogisticClassifier.isClassifierFile(model))
        ? await testWithLogistic(model, data, o)
        : await testClassifier(await FastTextClassifier.load(model, o.label), data, { k: o.k, threshold: o.threshold });
      if (o.json) printJson(result);
      else process.stdout.write(formatTestSummary(result));
      const unknown = Object.entries(result.unknownLabels);
      if (unknown.length && !o.json) {
        const shown = unknown.slice(0, 10).map(([l, n]) => `${l} (${n})`).join(', ');
        process.stderr.write(`embedkit: ${unknown.length} label${unknown.length > 1 ? 's' : ''} of ${data} unknown to the model (seen only in the test data): ${shown}${unknown.length > 10 ? ', ...' : ''}\n`);
      }
    });
}
