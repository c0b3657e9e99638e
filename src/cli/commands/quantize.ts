import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { formatTestSummary, testClassifier } from '../../apps/classify/classifier-test.ts';
import { DEFAULT_LABEL_PREFIX, FastTextClassifier } from '../../apps/classify/fasttext-classifier.ts';
import { quantizeFastTextModel, quantizeSchema, type QuantizeOptions } from '../../apps/classify/quantize.ts';
import { loadFastTextModel } from '../../formats/index.ts';
import { writeFastTextBin } from '../../formats/fasttext-bin-write.ts';
import { examples, printJson } from '../common.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../option-flags.ts';

interface QuantizeFlags {
  output?: string;
  test?: string;
  json?: boolean;
}

/** MODEL.bin → MODEL.ftz (fastText's quantize writes its -output prefix plus .ftz). */
function ftzTarget(model: string, output: string | undefined): string {
  if (output !== undefined) return output.toLowerCase().endsWith('.ftz') ? output : `${output}.ftz`;
  return model.replace(/\.bin$/i, '') + '.ftz';
}

/** Adds `quantize`: fastText's `quantize`, a supervised .bin compressed into an .ftz the fastText CLI reads. */
export function registerQuantize(program: Command): void {
  const cmd = program
    .command('quantize')
    .description('compress a supervised fastText model into an .ftz, as `fasttext quantize` (product quantization; --cutoff keeps the rows with the largest norms, --retrain fine-tunes them)')
    .argument('<model>', 'supervised fastText model (.bin)')
    .option('--output <file>', 'the .ftz to write, or a prefix (default: the model\'s name with .ftz)')
    .option('--test <file>', 'labelled lines: print N, P@1 and R@1 of the model before and after')
    .option('--json', 'print sizes (and test results) as JSON');
  addOptionFlags(cmd, quantizeSchema)
    .addHelpText('after', examples(['embedkit quantize classifier.bin', 'embedkit quantize classifier.bin --output small.ftz --qnorm --cutoff 100000 --retrain --input train.txt --test valid.txt']))
    .action(async (model: string, o: QuantizeFlags & Record<string, unknown>) => {
      const target = ftzTarget(model, o.output);
      const dense = await loadFastTextModel(model);
      const options = optionsFromFlags(quantizeSchema, o) as QuantizeOptions;
      const quantized = await quantizeFastTextModel(dense, options).catch((err: unknown) => {
        throw flagError(quantizeSchema, err);
      });
      await writeFastTextBin(quantized, target);
      const sizes = { model: statSync(model).size, quantized: statSync(target).size };
      let tests: { before: unknown; after: unknown } | undefined;
      if (o.test) {
        const before = await testClassifier(new FastTextClassifier(dense, options.labelPrefix ?? DEFAULT_LABEL_PREFIX), o.test);
        const after = await testClassifier(new FastTextClassifier(quantized, options.labelPrefix ?? DEFAULT_LABEL_PREFIX), o.test);
        tests = { before, after };
        if (!o.json) process.stdout.write(`before (${model}):\n${formatTestSummary(before)}after (${target}):\n${formatTestSummary(after)}`);
      }
      if (o.json) printJson({ output: target, bytes: sizes, ...(tests ? { test: tests } : {}) });
      else process.stderr.write(`wrote ${target}: ${sizes.quantized} bytes (${model}: ${sizes.model} bytes, ${(sizes.model / sizes.quantized).toFixed(1)}× larger)\n`);
    });
}
