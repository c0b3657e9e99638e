import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { endsWithNewline } from '../../apps/classify/classifier-test.ts';
import { cppNumber } from '../../apps/classify/cpp-number.ts';
import { DEFAULT_LABEL_PREFIX, FastTextClassifier } from '../../apps/classify/fasttext-classifier.ts';
import { fastTextTokens } from '../../vectors/fasttext-supervised-input.ts';
import { corpusBatches, openCorpus } from '../../text/corpus.ts';
import { examples } from '../common.ts';
import { LogisticClassifier } from '../../apps/classify/logistic-classifier.ts';
import { predictWithLogistic } from '../logistic-commands.ts';
import { nonNegativeNumber, positiveInt } from '../flag-values.ts';

interface PredictFlags {
  k: number;
  threshold: number;
  prob?: boolean;
  json?: boolean;
  label: string;
}

/** Adds `predict`: fastText's `predict` / `predict-prob`, one output line per input line. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('the k most likely labels of each line of text (as `fasttext predict`; with --prob as `fasttext predict-prob`)')
    .argument('<model>', 'supervised fastText model (.bin or .ftz)')
    .argument('[input]', 'text file, one text per line; "-" or nothing reads standard input', '-')
    .option('-k, --k <n>', 'labels per line', positiveInt('-k'), 1)
    .option('--threshold <p>', 'leave out labels below this probability', nonNegativeNumber('--threshold'), 0)
    .option('--prob', 'print each label\'s probability after it')
    .option('--label <prefix>', 'label prefix of the model\'s labels', DEFAULT_LABEL_PREFIX)
    .option('--json', 'one JSON array per input line: [{"label", "probability"}, ...]')
    .addHelpText('after', examples(['embedkit predict classifier.bin test.txt', 'echo "the match ended in a draw" | embedkit predict classifier.bin -k 3 --prob']))
    .action(async (model: string, input: string, o: PredictFlags) => {
      if (await LogisticClassifier.isClassifierFile(model)) return predictWithLogistic(model, input, o);
      const classifier = await FastTextClassifier.load(model, o.label);
      const options = { k: o.k, threshold: o.threshold };
      const format = (tokens: string[], endOfLine: boolean) => {
        const predictions = classifier.predictTokens(tokens, endOfLine, options);
        if (o.json) return JSON.stringify(predictions) + '\n';
        return predictions.map((p) => (o.prob ? `${p.label} ${cppNumber(p.probability)}` : p.label)).join(' ') + '\n';
      };
      if (input === '-') {
        // Line by line, so an interactive session gets each answer at once.
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) process.stdout.write(format(fastTextTokens(line), true));
        return;
      }
      const lastLineEnds = await endsWithNewline(input);
      const corpus = await openCorpus(input);
      try {
        const batches = corpusBatches(corpus)[Symbol.asyncIterator]();
        let batch = await batches.next();
        while (!batch.done) {
          const next = await batches.next();
          const lines = batch.value;
          let out = '';
          for (let i = 0; i < lines.length; i++) out += format(fastTextTokens(lines[i]), !(next.done && i === lines.length - 1) || lastLineEnds);
          if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
          batch = next;
        }
      } finally {
        await corpus.close?.();
      }
    });
}
