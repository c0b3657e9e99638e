import { Option, type Command } from 'commander';
import { ClipEncoder } from '../../encoders/clip.ts';
import { MODEL_DTYPES, type ModelDtype } from '../../encoders/onnx-dtypes.ts';
import { openEncoder } from '../../encoders/open-encoder.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { examples, printJson } from '../common.ts';
import { positiveInt } from '../flag-values.ts';

interface ClassifyImageFlags {
  labels: string;
  template: string;
  dtype?: ModelDtype;
  threads?: number;
  top?: number;
  json?: boolean;
}

/** The labels of --labels: comma-separated, trimmed, empty ones and repeats refused. */
export function parseLabels(text: string): string[] {
  const labels = text.split(',').map((l) => l.trim());
  if (labels.some((l) => l === '')) throw new InvalidArgumentError(`--labels has an empty label: ${JSON.stringify(text)}`);
  const seen = new Set<string>();
  for (const l of labels) {
    if (seen.has(l)) throw new InvalidArgumentError(`--labels names ${JSON.stringify(l)} twice`);
    seen.add(l);
  }
  return labels;
}

export function registerClassifyImage(program: Command): void {
  program
    .command('classify-image')
    .description("zero-shot image classification with a CLIP model: which label's prompt matches each picture best")
    .argument('<model>', 'CLIP model directory (onnx/text_model.onnx, onnx/vision_model.onnx, preprocessor_config.json)')
    .argument('<images...>', 'pictures (JPEG, PNG, WebP, GIF)')
    .requiredOption('--labels <list>', 'comma-separated class names, e.g. "a cat,a dog"')
    .option('--template <text>', 'prompt for each label, {} marks where the label goes', 'a photo of {}')
    .addOption(new Option('--dtype <type>', 'weight type: which onnx/*.onnx files to run (default fp32)').choices(MODEL_DTYPES))
    .option('--threads <n>', 'ONNX Runtime threads', positiveInt('--threads'))
    .option('--top <n>', 'print only the n most likely labels per picture', positiveInt('--top'))
    .option('--json', 'print JSON: one object per picture with every label’s probability and cosine similarity')
    .addHelpText(
      'after',
      examples([
        'embedkit classify-image models/clip photo.jpg --labels "a cat,a dog,a bird"',
        'embedkit classify-image test/fixtures/tiny-clip shape.png --labels "circle,square,triangle" --template "a photo of a {}" --json',
      ]),
    )
    .action(async (model: string, images: string[], flags: ClassifyImageFlags) => {
      const labels = parseLabels(flags.labels);
      if (!flags.template.includes('{}')) throw new InvalidArgumentError(`--template ${JSON.stringify(flags.template)} has no {} for the label`);
      const encoder = await openEncoder(model, { clip: { dtype: flags.dtype, threads: flags.threads } });
      try {
        if (!(encoder instanceof ClipEncoder)) throw new InvalidArgumentError(`${model} is not a CLIP model directory: zero-shot image classification needs a text-and-image model`);
        const results = [];
        for (const image of images) {
          const scores = (await encoder.classify({ image }, labels, { template: flags.template })).sort((a, b) => b.probability - a.probability);
          results.push({ image, scores: flags.top ? scores.slice(0, flags.top) : scores });
        }
        if (flags.json) return printJson({ model, template: flags.template, logitScale: encoder.logitScale, results });
        for (const r of results) {
          if (images.length > 1) process.stdout.write(`${r.image}\n`);
          const width = Math.max(...r.scores.map((s) => s.label.length));
          for (const s of r.scores) process.stdout.write(`${images.length > 1 ? '  ' : ''}${s.label.padEnd(width)}  ${s.probability.toFixed(4)}\n`);
        }
      } finally {
        await encoder.dispose?.();
      }
    });
}
