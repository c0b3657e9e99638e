import { addRunFlags, corpusTrainOptions, passSummary, runTrainingCommand, type CorpusTrainFlags } from '../training-run.ts';
import type { Command } from 'commander';
import type { FastTextTrainOptions } from '../../train/fasttext.ts';
import { fastTextSchema } from '../../train/fasttext-options.ts';
import { examples } from '../common.ts';
import { addOptionFlags, addUnsupportedFlags, refuseUnsupportedFlags } from '../option-flags.ts';
import { positiveInt } from '../flag-values.ts';
import { Option } from 'commander';

/** fastText flags of features embedkit does not have. */
const UNSUPPORTED = {
  'save-output': { reference: 'saveOutput', what: 'the output matrix (fastText\'s .output file) is not saved; the input vectors are in the .bin and .vec' },
  'pretrained-vectors': { reference: 'pretrainedVectors', what: 'training does not start from pretrained vectors' },
};

/** Maps the flags to library options (the settings through fastTextSchema, fastText's names as aliases). */
export function fastTextOptionsFromFlags(f: CorpusTrainFlags): FastTextTrainOptions {
  refuseUnsupportedFlags(f, UNSUPPORTED);
  return corpusTrainOptions<Partial<FastTextTrainOptions>>(fastTextSchema, f);
}

/** Adds `fasttext` to the `train` command. */
export function registerTrainFastText(train: Command): void {
  const cmd = train
    .command('fasttext')
    .description('train fastText word vectors with character n-gram subwords (skip-gram or CBOW), with fastText defaults; unknown words get vectors from their n-grams')
    .requiredOption('--input <file>', 'corpus: text file (.gz ok), one sentence per line; "-" reads standard input')
    .requiredOption('--output <file>', 'X.bin (fastText model), X.vec or X.txt (text vectors), or a prefix: PREFIX.bin and PREFIX.vec (written atomically)');
  addUnsupportedFlags(addOptionFlags(cmd, fastTextSchema), UNSUPPORTED)
    // fastText reads -wordNgrams for every model but uses it only in supervised training: skipgram and cbow ignore it, as here.
    .addOption(new Option('--word-ngrams <n>', 'word n-grams: supervised training only, ignored by skipgram and cbow (as by fastText)').argParser(positiveInt('--word-ngrams')).hideHelp());
  addRunFlags(cmd, 'at the end of each corpus pass')
    .addHelpText(
      'after',
      examples([
        'embedkit train fasttext --input corpus.txt.gz --output model          # model.bin + model.vec',
        'embedkit train fasttext --input corpus.txt --output model.bin --model cbow --dim 300 --epochs 10',
        'embedkit train fasttext -input corpus.txt -output model -minn 2 -maxn 5 -dim 50 -thread 4',
        'embedkit train fasttext --input big.txt --output big.bin --checkpoint big.ckpt   # Ctrl-C, then:',
        'embedkit train fasttext --input big.txt --output big.bin --checkpoint big.ckpt --resume big.ckpt',
        'embedkit similar model.bin unseenword',
      ]),
    )
    .action(async (flags: CorpusTrainFlags) => {
      const options = fastTextOptionsFromFlags(flags);
      await runTrainingCommand(
        flags,
        async (signal, onProgress, onTokenizer) => (await import('../../train/fasttext.ts')).trainFastText({ ...options, signal, onProgress, onTokenizer }),
        ({ model }, seconds, last) => ({
          json: {
            output: flags.output,
            vocabSize: model.vocab.size,
            dim: model.args.dim,
            model: model.args.model,
            bucket: model.args.bucket,
            ...passSummary(seconds, last),
          },
          line: `wrote ${model.vocab.size} words (dimension ${model.args.dim}, ${model.args.bucket} n-gram buckets) to ${flags.output} in ${seconds.toFixed(1)} s`,
        }),
        fastTextSchema,
      );
    });
}
