import { runTrainingCommand } from '../training-run.ts';
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { TOKENIZER_NAMES } from '../../text/tokenize.ts';
import { trainGloveDetailed, type GloveOptions } from '../../train/glove.ts';
import { examples } from '../common.ts';
import { integer, positiveInt, nonNegativeInt, positiveNumber, switchValue } from '../flag-values.ts';

/** Flags of `train glove`, as commander hands them over: the library's options (same names) plus CLI-only switches. */
type TrainGloveFlags = Omit<GloveOptions, 'input' | 'onProgress' | 'onEpoch' | 'signal' | 'kernel'> & {
  input?: string;
  binary?: boolean;
  quiet?: boolean;
  json?: boolean;
};

/** Maps the flags to library options. */
export function gloveOptionsFromFlags(f: TrainGloveFlags): GloveOptions {
  if (f.input === undefined && !(f.cooccur && f.readVocab)) {
    throw new InvalidArgumentError('give the corpus with --input FILE (or - for standard input), or --cooccur FILE with --read-vocab FILE');
  }
  if (f.binary && f.format !== undefined && f.format !== 'word2vec-binary') throw new InvalidArgumentError(`--binary and --format ${f.format} disagree`);
  if (f.cooccur && f.saveCooccur) throw new InvalidArgumentError('--cooccur reads existing counts; --save-cooccur would only copy them');
  const { binary, quiet: _quiet, json: _json, ...options } = f;
  return { ...options, format: binary ? 'word2vec-binary' : f.format };
}

export function registerTrainGlove(train: Command): void {
  train
    .command('glove')
    .description('train GloVe vectors (global co-occurrence counts, weighted least squares, AdaGrad) with the GloVe tools\' defaults')
    .option('--input <file>', 'corpus: text file (.gz ok), one sentence per line; "-" reads standard input')
    .requiredOption('--output <file>', 'where to write the vectors (written atomically at the end)')
    .option('--min-count <n>', 'ignore words seen fewer times (default 5)', nonNegativeInt('--min-count'))
    .option('--max-vocab <n>', 'keep only the n most frequent words', positiveInt('--max-vocab'))
    .option('--window <n>', 'context words on each side (default 15)', positiveInt('--window'))
    .addOption(new Option('--symmetric [0|1]', 'count left and right contexts (1, default) or left only (0)').argParser(switchValue('--symmetric')))
    .addOption(new Option('--distance-weighting [0|1]', 'a pair d words apart counts 1/d (1, default) or 1 (0)').argParser(switchValue('--distance-weighting')))
    .option('--memory <GiB>', 'memory for counting and shuffling; beyond it sorted runs spill to temporary files (default 4)', positiveNumber('--memory'))
    .option('--x-max <x>', 'cutoff of the weighting function (default 100)', positiveNumber('--x-max'))
    .option('--alpha <a>', 'exponent of the weighting function (default 0.75)', positiveNumber('--alpha'))
    .option('--eta <lr>', 'AdaGrad learning rate (default 0.05)', positiveNumber('--eta'))
    .option('--grad-clip <g>', 'clip gradient components to ±g (default 100)', positiveNumber('--grad-clip'))
    .option('--dim <n>', 'vector dimension (default 50)', positiveInt('--dim'))
    .option('--epochs <n>', 'passes over the co-occurrences (default 25)', positiveInt('--epochs'))
    .option('--threads <n>', `training threads (default: all cores, here ${availableParallelism()})`, positiveInt('--threads'))
    .option('--seed <n>', 'random seed (default 1); with --threads 1 the result is reproducible bit for bit', integer('--seed'))
    .addOption(new Option('--model <0|1|2>', 'output: 0 word+bias+context+bias, 1 word vectors, 2 word + context vectors (default)').choices(['0', '1', '2']).argParser((v) => Number(v) as 0 | 1 | 2))
    .option('--checkpoint-every <n>', 'also write the vectors every n epochs to <output>.epochNNN', positiveInt('--checkpoint-every'))
    .option('--save-cooccur <file>', 'keep the co-occurrence counts (GloVe binary records) for a later --cooccur')
    .option('--cooccur <file>', 'train from this co-occurrence file (GloVe format) instead of counting the corpus')
    .option('--save-vocab <file>', 'also write the vocabulary ("word count" lines)')
    .option('--read-vocab <file>', 'use this vocabulary ("word count" lines, e.g. GloVe\'s vocab.txt) instead of counting')
    .addOption(new Option('--format <format>', 'output format (default glove-text: no header)').choices(['glove-text', 'word2vec-text', 'word2vec-binary']))
    .option('--binary', 'same as --format word2vec-binary')
    .option('--header', 'glove-text: start with a "rows dim" line')
    .addOption(new Option('--tokenizer <name>', 'how lines split into words').choices([...TOKENIZER_NAMES]).default('whitespace'))
    .option('--tmp-dir <dir>', 'folder for temporary files (default the system\'s)')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print a JSON summary on stdout when done')
    .addHelpText(
      'after',
      examples([
        'embedkit train glove --input corpus.txt.gz --output vectors.txt',
        'embedkit train glove --input corpus.txt --output vectors.txt --window 10 --x-max 10 --dim 100 --epochs 15 --memory 1',
        'embedkit train glove --input corpus.txt --output v.bin --binary --save-cooccur cooc.bin --save-vocab vocab.txt',
        'embedkit train glove --cooccur cooc.bin --read-vocab vocab.txt --output v2.txt --dim 300',
      ]),
    )
    .action(async (flags: TrainGloveFlags) => {
      const options = gloveOptionsFromFlags(flags);
      await runTrainingCommand(
        flags,
        (signal, onProgress) =>
          trainGloveDetailed({
            ...options,
            signal,
            onProgress,
            onEpoch: (e) => {
              if (!flags.quiet) process.stderr.write(`epoch ${e.epoch}: cost ${e.cost.toFixed(6)}  ${e.seconds.toFixed(2)} s\n`);
            },
          }),
        (r, seconds) => ({
          json: {
            output: flags.output,
            vocabSize: r.vocabSize,
            dim: r.embeddings.dim,
            nonZeros: r.nonZeros,
            spills: r.spills,
            countSeconds: r.countSeconds,
            shuffleSeconds: r.shuffleSeconds,
            epochs: r.epochs,
            seconds,
          },
          line: `wrote ${r.embeddings.size} vectors of dimension ${r.embeddings.dim} to ${flags.output} in ${seconds.toFixed(1)} s`,
        }),
      );
    });
}
