import { runTrainingCommand } from '../training-run.ts';
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import { TOKENIZER_NAMES, type TokenizerName } from '../../text/tokenize.ts';
import { trainWord2Vec, type Word2VecOptions } from '../../train/word2vec.ts';
import { examples } from '../common.ts';
import { binaryFromExtension } from '../output-format.ts';
import { aliased, positiveInt, nonNegativeInt, integer, positiveNumber, nonNegativeNumber, switchValue } from '../flag-values.ts';
import { registerTrainFastText } from './train-fasttext.ts';
import { registerTrainGlove } from './train-glove.ts';

/** Flags of `train word2vec`, as commander hands them over (names = library option names). */
interface TrainWord2VecFlags {
  input?: string;
  train?: string;
  output: string;
  cbow?: boolean;
  skipgram?: boolean;
  dim?: number;
  size?: number;
  window?: number;
  negative?: number;
  hs?: boolean;
  sample?: number;
  minCount?: number;
  maxVocabSize?: number;
  alpha?: number;
  minAlpha?: number;
  epochs?: number;
  iter?: number;
  threads?: number;
  cbowMean?: boolean;
  seed?: number;
  saveVocab?: string;
  readVocab?: string;
  binary?: boolean;
  tokenizer?: TokenizerName;
  checkpoint?: string;
  resume?: string;
  checkpointInterval?: number;
  quiet?: boolean;
  json?: boolean;
}

/** Maps the flags to library options (every flag has the library option's name; --size/--iter are aliases). */
export function word2vecOptionsFromFlags(f: TrainWord2VecFlags): Word2VecOptions {
  const input = aliased(f.input, 'input', f.train, 'train');
  if (input === undefined) throw new InvalidArgumentError('give the corpus with --input FILE (or - for standard input)');
  const skipgram = f.skipgram === true || f.cbow === false;
  if (f.skipgram === true && f.cbow === true) throw new InvalidArgumentError('--cbow and --skipgram exclude each other');
  return {
    input,
    output: f.output,
    cbow: !skipgram,
    dim: aliased(f.dim, 'dim', f.size, 'size'),
    window: f.window,
    negative: f.negative,
    hs: f.hs,
    sample: f.sample,
    minCount: f.minCount,
    maxVocabSize: f.maxVocabSize,
    alpha: f.alpha,
    minAlpha: f.minAlpha,
    epochs: aliased(f.epochs, 'epochs', f.iter, 'iter'),
    threads: f.threads,
    cbowMean: f.cbowMean,
    seed: f.seed,
    saveVocab: f.saveVocab,
    readVocab: f.readVocab,
    binary: binaryFromExtension(f.output, f.binary),
    tokenizer: f.tokenizer,
    checkpoint: f.checkpoint,
    resume: f.resume,
    checkpointInterval: f.checkpointInterval,
  };
}

export function registerTrain(program: Command): void {
  const train = program.command('train').description('train word vectors on a text corpus (one sentence per line)');
  train
    .command('word2vec')
    .description('train Word2Vec (CBOW or skip-gram; negative sampling and/or hierarchical softmax) with word2vec C / gensim defaults')
    .option('--input <file>', 'corpus: text file (.gz ok), one sentence per line; "-" reads standard input')
    .addOption(new Option('--train <file>', 'same as --input (word2vec C spelling)').hideHelp())
    .requiredOption('--output <file>', 'where to write the vectors (written atomically at the end)')
    .addOption(new Option('--cbow [0|1]', 'CBOW architecture (the default)').argParser(switchValue('--cbow')))
    .option('--skipgram', 'skip-gram architecture')
    .option('--dim <n>', 'vector dimension (default 100)', positiveInt('--dim'))
    .addOption(new Option('--size <n>', 'same as --dim').argParser(positiveInt('--size')).hideHelp())
    .option('--window <n>', 'maximum context distance; each position draws its window in 1..n (default 5)', positiveInt('--window'))
    .option('--negative <n>', 'negative samples per prediction, 0 for none (default 5)', nonNegativeInt('--negative'))
    .addOption(new Option('--hs [0|1]', 'hierarchical softmax (alone with --negative 0, or with negative sampling)').argParser(switchValue('--hs')))
    .option('--sample <t>', 'subsampling threshold of frequent words, 0 for none (default 1e-3)', nonNegativeNumber('--sample'))
    .option('--min-count <n>', 'ignore words seen fewer times (default 5)', nonNegativeInt('--min-count'))
    .option('--max-vocab-size <n>', 'cap on distinct words while counting (rarest pruned)', positiveInt('--max-vocab-size'))
    .option('--alpha <lr>', 'starting learning rate (default 0.025 skip-gram, 0.05 CBOW)', positiveNumber('--alpha'))
    .option('--min-alpha <lr>', 'final learning rate, reached by linear decay (default 0.0001)', nonNegativeNumber('--min-alpha'))
    .option('--epochs <n>', 'passes over the corpus (default 5)', positiveInt('--epochs'))
    .addOption(new Option('--iter <n>', 'same as --epochs').argParser(positiveInt('--iter')).hideHelp())
    .option('--threads <n>', `training threads (default: all cores, here ${availableParallelism()})`, positiveInt('--threads'))
    .addOption(new Option('--cbow-mean [0|1]', 'CBOW averages the context vectors (1, default) or sums them (0)').argParser(switchValue('--cbow-mean')))
    .option('--seed <n>', 'random seed (default 1); with --threads 1 the result is reproducible bit for bit', integer('--seed'))
    .option('--save-vocab <file>', 'also write the vocabulary ("word count" lines)')
    .option('--read-vocab <file>', 'use this vocabulary instead of counting the corpus')
    .addOption(new Option('--binary [0|1]', 'write word2vec binary format instead of text').argParser(switchValue('--binary')))
    .addOption(new Option('--tokenizer <name>', 'how lines split into words').choices([...TOKENIZER_NAMES]).default('whitespace'))
    .option('--checkpoint <file>', 'save training state at each epoch end, periodically, and on Ctrl-C')
    .option('--checkpoint-interval <seconds>', 'seconds between mid-epoch checkpoints (default 600)', positiveNumber('--checkpoint-interval'))
    .option('--resume <file>', 'continue training from a checkpoint (same settings)')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print a JSON summary on stdout when done')
    .addHelpText(
      'after',
      examples([
        'embedkit train word2vec --input corpus.txt.gz --output vectors.bin --binary',
        'embedkit train word2vec --input corpus.txt --output vectors.txt --skipgram --dim 300 --window 10 --epochs 10',
        'embedkit train word2vec -train corpus.txt -output vec.bin -cbow 0 -size 200 -window 5 -negative 0 -hs 1 -sample 1e-4 -threads 8 -binary 1 -iter 3',
        'zcat corpus.gz | embedkit train word2vec --input - --output vectors.txt --tokenizer unicode',
        'embedkit train word2vec --input zh.txt --output zh.vec --tokenizer jieba --min-count 3',
        'embedkit train word2vec --input big.txt --output big.bin --binary --checkpoint big.ckpt   # Ctrl-C, then:',
        'embedkit train word2vec --input big.txt --output big.bin --binary --checkpoint big.ckpt --resume big.ckpt',
      ]),
    )
    .action(async (flags: TrainWord2VecFlags) => {
      const options = word2vecOptionsFromFlags(flags);
      await runTrainingCommand(
        flags,
        (signal, onProgress) => trainWord2Vec({ ...options, signal, onProgress }),
        (emb, seconds, last) => ({
          json: {
            output: flags.output,
            vocabSize: emb.size,
            dim: emb.dim,
            architecture: options.cbow ? 'cbow' : 'skipgram',
            seconds,
            wordsPerSecond: last?.wordsPerSecond,
            wordsTrained: last?.wordsDone,
            loss: last?.loss,
          },
          line: `wrote ${emb.size} vectors of dimension ${emb.dim} to ${flags.output} in ${seconds.toFixed(1)} s`,
        }),
      );
    });
  registerTrainFastText(train);
  registerTrainGlove(train);
}
