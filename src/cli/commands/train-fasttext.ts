import { runTrainingCommand } from '../training-run.ts';
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenize.ts';
import { trainFastText, type FastTextTrainOptions } from '../../train/fasttext.ts';
import { examples } from '../common.ts';
import { aliased, positiveInt, nonNegativeInt, integer, positiveNumber, nonNegativeNumber } from '../flag-values.ts';

/** Flags of `train fasttext` as commander hands them over; the second name of each pair is an alias. */
interface TrainFastTextFlags {
  input: string;
  output: string;
  model: 'skipgram' | 'cbow';
  lr?: number;
  alpha?: number;
  dim?: number;
  ws?: number;
  window?: number;
  epoch?: number;
  epochs?: number;
  minCount?: number;
  neg?: number;
  negative?: number;
  t?: number;
  sample?: number;
  loss?: string;
  minn?: number;
  maxn?: number;
  bucket?: number;
  lrUpdateRate?: number;
  threads?: number;
  seed?: number;
  tokenizer?: TokenizerName;
  checkpoint?: string;
  resume?: string;
  checkpointInterval?: number;
  quiet?: boolean;
  json?: boolean;
}

/** Maps the flags to library options. */
export function fastTextOptionsFromFlags(f: TrainFastTextFlags): FastTextTrainOptions {
  return {
    input: f.input,
    output: f.output,
    model: f.model,
    lr: aliased(f.lr, 'lr', f.alpha, 'alpha'),
    dim: f.dim,
    ws: aliased(f.ws, 'ws', f.window, 'window'),
    epoch: aliased(f.epoch, 'epoch', f.epochs, 'epochs'),
    minCount: f.minCount,
    neg: aliased(f.neg, 'neg', f.negative, 'negative'),
    t: aliased(f.t, 't', f.sample, 'sample'),
    loss: f.loss as FastTextTrainOptions['loss'],
    minn: f.minn,
    maxn: f.maxn,
    bucket: f.bucket,
    lrUpdateRate: f.lrUpdateRate,
    threads: f.threads,
    seed: f.seed,
    tokenizer: f.tokenizer,
    checkpoint: f.checkpoint,
    resume: f.resume,
    checkpointInterval: f.checkpointInterval,
  };
}

/** Adds `fasttext` to the `train` command. */
export function registerTrainFastText(train: Command): void {
  train
    .command('fasttext')
    .description('train fastText word vectors with character n-gram subwords (skip-gram or CBOW), with fastText defaults; unknown words get vectors from their n-grams')
    .requiredOption('--input <file>', 'corpus: text file (.gz ok), one sentence per line; "-" reads standard input')
    .requiredOption('--output <file>', 'X.bin (fastText model), X.vec or X.txt (text vectors), or a prefix: PREFIX.bin and PREFIX.vec (written atomically)')
    .addOption(new Option('--model <name>', 'architecture').choices(['skipgram', 'cbow']).default('skipgram'))
    .option('--lr <rate>', 'starting learning rate, decayed linearly to 0 (default 0.05)', positiveNumber('--lr'))
    .addOption(new Option('--alpha <rate>', 'same as --lr').argParser(positiveNumber('--alpha')).hideHelp())
    .option('--dim <n>', 'vector dimension (default 100)', positiveInt('--dim'))
    .option('--ws <n>', 'maximum context distance; each position draws its window in 1..n (default 5)', positiveInt('--ws'))
    .addOption(new Option('--window <n>', 'same as --ws').argParser(positiveInt('--window')).hideHelp())
    .option('--epoch <n>', 'passes over the corpus (default 5)', positiveInt('--epoch'))
    .addOption(new Option('--epochs <n>', 'same as --epoch').argParser(positiveInt('--epochs')).hideHelp())
    .option('--min-count <n>', 'ignore words seen fewer times (default 5)', positiveInt('--min-count'))
    .option('--neg <n>', 'negatives per target (default 5)', nonNegativeInt('--neg'))
    .addOption(new Option('--negative <n>', 'same as --neg').argParser(nonNegativeInt('--negative')).hideHelp())
    .option('-t, --t <t>', 'subsampling threshold, 0 keeps every token (default 1e-4)', nonNegativeNumber('--t'))
    .addOption(new Option('--sample <t>', 'same as --t').argParser(nonNegativeNumber('--sample')).hideHelp())
    .addOption(new Option('--loss <name>', 'ns (negative sampling, default), hs (hierarchical softmax) or softmax (the full softmax: exact, but O(vocabulary) per prediction, for small vocabularies); ova is refused'))
    .option('--minn <n>', 'shortest character n-gram (default 3)', nonNegativeInt('--minn'))
    .option('--maxn <n>', 'longest character n-gram, 0 for no subwords (default 6)', nonNegativeInt('--maxn'))
    .option('--bucket <n>', 'n-gram hash buckets (default 2000000)', nonNegativeInt('--bucket'))
    .option('--lr-update-rate <n>', 'tokens between learning-rate updates (default 100)', positiveInt('--lr-update-rate'))
    .option('--threads <n>', `training threads (default: all cores, here ${availableParallelism()})`, positiveInt('--threads'))
    .option('--seed <n>', 'random seed (default 1); with --threads 1 the result is reproducible bit for bit', integer('--seed'))
    .addOption(new Option('--tokenizer <name>', 'how lines split into words (each line ends with the token </s>)').choices([...TOKENIZER_NAMES]).default('whitespace'))
    .option('--checkpoint <file>', 'save training state at the end of each corpus pass, periodically, and on Ctrl-C')
    .option('--checkpoint-interval <seconds>', 'seconds between mid-pass checkpoints (default 600)', positiveNumber('--checkpoint-interval'))
    .option('--resume <file>', 'continue training from a checkpoint (same settings)')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print a JSON summary on stdout when done')
    .addHelpText(
      'after',
      examples([
        'embedkit train fasttext --input corpus.txt.gz --output model          # model.bin + model.vec',
        'embedkit train fasttext --input corpus.txt --output model.bin --model cbow --dim 300 --epoch 10',
        'embedkit train fasttext -input corpus.txt -output model -minn 2 -maxn 5 -dim 50 -thread 4',
        'embedkit train fasttext --input big.txt --output big.bin --checkpoint big.ckpt   # Ctrl-C, then:',
        'embedkit train fasttext --input big.txt --output big.bin --checkpoint big.ckpt --resume big.ckpt',
        'embedkit similar model.bin unseenword',
      ]),
    )
    .action(async (flags: TrainFastTextFlags) => {
      const options = fastTextOptionsFromFlags(flags);
      await runTrainingCommand(
        flags,
        (signal, onProgress) => trainFastText({ ...options, signal, onProgress }),
        (model, seconds, last) => ({
          json: {
            output: flags.output,
            vocabSize: model.vocab.size,
            dim: model.args.dim,
            model: model.args.model,
            bucket: model.args.bucket,
            seconds,
            wordsPerSecond: last?.wordsPerSecond,
            wordsTrained: last?.wordsDone,
            loss: last?.loss,
          },
          line: `wrote ${model.vocab.size} words (dimension ${model.args.dim}, ${model.args.bucket} n-gram buckets) to ${flags.output} in ${seconds.toFixed(1)} s`,
        }),
      );
    });
}
