import type { Command } from 'commander';
import { supervisedSchema, trainFastTextSupervised, type SupervisedTrainOptions } from '../../train/fasttext-supervised.ts';
import { examples } from '../common.ts';
import { addOptionFlags } from '../option-flags.ts';
import { addRunFlags, corpusTrainOptions, passSummary, runTrainingCommand, type CorpusTrainFlags } from '../training-run.ts';
import { addAutotuneFlags, autotuneIfAsked } from './train-autotune.ts';

/** Maps the flags to library options (the settings through supervisedSchema, fastText's names as aliases). */
export function supervisedOptionsFromFlags(f: CorpusTrainFlags): SupervisedTrainOptions {
  return corpusTrainOptions<Partial<SupervisedTrainOptions>>(supervisedSchema, f);
}

/**
 * `embedkit train fasttext --supervised ...` is `embedkit train supervised ...` (fastText's own command is
 * `fasttext supervised`): the supervised trainer has its own defaults and flags, so the line is rewritten before
 * it is parsed.
 */
export function supervisedAlias(argv: string[]): string[] {
  const at = 0;
  if (argv[0] !== 'train' || argv[1] !== 'fasttext') return argv;
  const flag = argv.findIndex((a, i) => i > at + 1 && (a === '--supervised' || a === '-supervised'));
  if (flag < 0) return argv;
  return [...argv.slice(0, at + 1), 'supervised', ...argv.slice(at + 2, flag), ...argv.slice(flag + 1)];
}

/** The file the model went to: X.bin, or PREFIX.bin. */
const binPath = (output: string) => (output.toLowerCase().endsWith('.bin') ? output : `${output}.bin`);

/** Adds `supervised` to the `train` command. */
export function registerTrainSupervised(train: Command): void {
  const cmd = train
    .command('supervised')
    .description('train a fastText text classifier on lines labelled __label__X (as `fasttext supervised`; also `train fasttext --supervised`), with fastText\'s supervised defaults')
    .requiredOption('--input <file>', 'training file (.gz ok), one example per line with its labels as __label__X tokens; "-" reads standard input')
    .requiredOption('--output <file>', 'X.bin, or a prefix: PREFIX.bin (fastText\'s format; the fastText CLI loads it)');
  addAutotuneFlags(addOptionFlags(cmd, supervisedSchema));
  addRunFlags(cmd, 'at the end of each pass')
    .addHelpText(
      'after',
      examples([
        'embedkit train supervised --input train.txt --output classifier             # classifier.bin',
        'embedkit train fasttext --supervised -input train.txt -output model -wordNgrams 2 -epoch 25 -lr 0.5',
        'embedkit train supervised --input tags.txt --output tags.bin --loss ova      # several labels per line',
        'embedkit train supervised --input train.txt --output small --autotune-validation valid.txt --autotune-modelsize 2M   # small.ftz',
        'embedkit predict classifier.bin test.txt -k 3 --prob',
        'embedkit test classifier.bin test.txt',
      ]),
    )
    .action(async (flags: CorpusTrainFlags) => {
      const options = supervisedOptionsFromFlags(flags);
      if (await autotuneIfAsked(flags as CorpusTrainFlags & Parameters<typeof autotuneIfAsked>[0], options, flags.output)) return;
      await runTrainingCommand(
        flags,
        (signal, onProgress) => trainFastTextSupervised({ ...options, signal, onProgress }),
        ({ model, stats }, seconds, last) => ({
          json: {
            output: binPath(flags.output),
            vocabSize: model.vocab.size,
            labels: model.labels.size,
            dim: model.args.dim,
            loss: model.args.loss,
            lines: stats.lines,
            unlabelled: stats.unlabelled,
            ...passSummary(seconds, last),
          },
          line: `wrote a classifier of ${model.labels.size} labels (${model.vocab.size} words, dimension ${model.args.dim}, loss ${model.args.loss}) to ${binPath(flags.output)} in ${seconds.toFixed(1)} s${stats.unlabelled ? `; ${stats.unlabelled} of ${stats.lines} lines had no label and were not trained on` : ''}`,
        }),
        supervisedSchema,
      );
    });
}
