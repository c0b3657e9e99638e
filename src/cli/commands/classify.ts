import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { readLabelledTexts, readLines } from '../../apps/classify/labelled-texts.ts';
import { calibrateZeroShotTemperature, DEFAULT_ZERO_SHOT_TEMPERATURE, DEFAULT_ZERO_SHOT_TEMPLATE, zeroShotClassify, type ZeroShotScore } from '../../apps/classify/zero-shot.ts';
import { openEncoder, type OpenEncoderOptions } from '../../encoders/open-encoder.ts';
import { cppNumber } from '../../apps/classify/cpp-number.ts';
import { examples } from '../common.ts';
import { positiveInt, positiveNumber } from '../flag-values.ts';
import { classifierEncoderOptions } from './train-classifier.ts';
import { parseLabels } from './classify-image.ts';

interface ClassifyFlags {
  labels: string;
  template: string;
  temperature?: number;
  calibrate?: string;
  label: string;
  top: number;
  json?: boolean;
  pooling?: OpenEncoderOptions['pooling'];
  threads?: number;
}

/** Texts per zero-shot call when reading a file. */
const BATCH = 1024;

/** One output line: "label probability" pairs, best first (tab-separated: labels may hold spaces), or a JSON array. */
function outputLine(scores: ZeroShotScore[], o: ClassifyFlags): string {
  const shown = scores.slice(0, o.top);
  if (o.json) return JSON.stringify(shown) + '\n';
  return shown.map((s) => `${s.label}\t${cppNumber(s.probability)}`).join('\t') + '\n';
}

/** Adds `classify`: zero-shot labels by cosine similarity between each text and each label's sentence. */
export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('zero-shot text classification: each line gets the labels ranked by cosine similarity to "This text is about LABEL." (softmax probabilities at a calibrated temperature)')
    .argument('<model>', 'encoder: vectors file, transformer model directory, hf:ORG/NAME, or http(s)://host/v1#model')
    .argument('[input]', 'text file, one text per line; "-" or nothing reads standard input', '-')
    .requiredOption('--labels <list>', 'comma-separated labels, e.g. "sport,politics,religion"')
    .option('--template <text>', 'sentence for each label, {} marks where the label goes', DEFAULT_ZERO_SHOT_TEMPLATE)
    .option('--temperature <t>', `softmax temperature over the cosine similarities (default ${DEFAULT_ZERO_SHOT_TEMPERATURE})`, positiveNumber('--temperature'))
    .option('--calibrate <file>', 'labelled texts (fastText lines or JSON lines, labels among --labels): fit the temperature on them first (temperature scaling) and print it')
    .option('--label <prefix>', 'label prefix of fastText lines in --calibrate (taken off to match --labels)', '__label__')
    .option('--top <n>', 'labels printed per line', positiveInt('--top'), 1)
    .option('--json', 'one JSON array per line: [{"label", "score" (cosine), "probability"}, ...]')
    .option('--pooling <name>', 'how the model pools a text: mean or sif for vectors files; mean, cls or last-token for transformers')
    .option('--threads <n>', 'ONNX Runtime threads (transformer models)', positiveInt('--threads'))
    .addHelpText(
      'after',
      examples([
        'embedkit classify vectors.bin news.txt --labels "sport,politics,religion" --pooling sif --top 3',
        'echo "the match ended in a draw" | embedkit classify models/minilm --labels "sport,politics" --template "This text is about {}." --json',
        'embedkit classify vectors.bin news.txt --labels "sport,politics" --calibrate labelled.txt',
      ]),
    )
    .action(async (model: string, input: string, o: ClassifyFlags) => {
      const labels = parseLabels(o.labels);
      const encoder = await openEncoder(model, classifierEncoderOptions(o));
      try {
        let temperature = o.temperature;
        if (o.calibrate) {
          const data = await readLabelledTexts(o.calibrate, o.label);
          const gold = data.labels.map(([l = '']) => (l.startsWith(o.label) ? l.slice(o.label.length) : l));
          const fit = await calibrateZeroShotTemperature(encoder, data.texts, gold, labels, { template: o.template });
          temperature = fit.temperature;
          process.stderr.write(`embedkit: calibrated on ${fit.examples} texts of ${o.calibrate}: temperature ${fit.temperature.toPrecision(4)} (mean NLL ${fit.nll.toFixed(4)}, accuracy ${fit.accuracy.toFixed(4)})\n`);
        }
        const options = { template: o.template, temperature };
        if (input === '-') {
          for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) process.stdout.write(outputLine((await zeroShotClassify(encoder, [line], labels, options))[0], o));
          return;
        }
        const lines = await readLines(input);
        for (let start = 0; start < lines.length; start += BATCH) {
          const out = (await zeroShotClassify(encoder, lines.slice(start, start + BATCH), labels, options)).map((s) => outputLine(s, o)).join('');
          if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      } finally {
        await encoder.dispose?.();
      }
    });
}
