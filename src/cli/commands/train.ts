import { addRunFlags, passSummary, runTrainingCommand, type RunFlags } from '../training-run.ts';
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import type { Word2VecOptions } from '../../train/word2vec.ts';
import { word2vecSchema } from '../../train/word2vec-options.ts';
import { examples } from '../common.ts';
import { binaryFromExtension } from '../output-format.ts';
import { aliased, nonNegativeInt, switchValue } from '../flag-values.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { addOptionFlags, optionsFromFlags } from '../option-flags.ts';
import { registerTrainFastText } from './train-fasttext.ts';
import { registerTrainGlove } from './train-glove.ts';
import { registerTrainSupervised } from './train-supervised.ts';
import { registerTrainClassifier } from './train-classifier.ts';
import { registerTrainJoint } from './train-joint.ts';

/** Flags of `train word2vec` beyond the schema's (files, output and reporting). */
interface TrainWord2VecFlags extends RunFlags {
  input?: string;
  train?: string;
  output: string;
  saveVocab?: string;
  readVocab?: string;
  binary?: boolean;
  classes?: number;
}

/** Maps the flags to library options (the settings through word2vecSchema; --train is word2vec C's --input). */
export function word2vecOptionsFromFlags(f: TrainWord2VecFlags): Word2VecOptions {
  const input = aliased(f.input, 'input', f.train, 'train');
  if (input === undefined) throw new InvalidArgumentError('give the corpus with --input FILE (or - for standard input)');
  if (f.skipgram === true && f.cbow === true) throw new InvalidArgumentError('--cbow and --skipgram exclude each other');
  const settings = optionsFromFlags(word2vecSchema, f) as Partial<Word2VecOptions>;
  const skipgram = f.skipgram === true || f.cbow === false;
  return {
    ...settings,
    skipgram: undefined,
    cbow: !skipgram,
    input,
    output: f.output,
    saveVocab: f.saveVocab,
    readVocab: f.readVocab,
    binary: binaryFromExtension(f.output, f.binary),
    checkpoint: f.checkpoint,
    resume: f.resume,
  };
}

export function registerTrain(program: Command): void {
  const train = program.command('train').description('train word vectors on a text corpus (one sentence per line)');
  const cmd = train
    .command('word2vec')
    .description('train Word2Vec (CBOW or skip-gram; negative sampling and/or hierarchical softmax) with word2vec C / gensim defaults')
    .option('--input <file>', 'corpus: text file (.gz ok), one sentence per line; "-" reads standard input')
    .addOption(new Option('--train <file>', 'same as --input (word2vec C spelling)').hideHelp())
    .requiredOption('--output <file>', 'where to write the vectors (written atomically at the end)');
  addOptionFlags(cmd, word2vecSchema)
    .option('--save-vocab <file>', 'also write the vocabulary ("word count" lines)')
    .option('--read-vocab <file>', 'use this vocabulary instead of counting the corpus')
    .addOption(new Option('--binary [0|1]', 'write word2vec binary format instead of text').argParser(switchValue('--binary')))
    .option('--classes <n>', 'write k-means word classes ("word class" lines, by class) instead of the vectors, as word2vec C; 0: the vectors', nonNegativeInt('--classes'));
  addRunFlags(cmd, 'at each epoch end')
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
      // With --classes the output file holds the word classes (k-means over the trained vectors) instead of the vectors.
      const classes = flags.classes ?? 0;
      await runTrainingCommand(
        flags,
        async (signal, onProgress, onTokenizer) => {
          // Each subcommand loads its trainer when it runs, so a line loads only the modules its own command uses.
          const { trainWord2Vec } = await import('../../train/word2vec.ts');
          const result = await trainWord2Vec({ ...options, output: classes > 0 ? undefined : options.output, signal, onProgress, onTokenizer });
          if (classes > 0) {
            const { formatWordClasses, wordClasses } = await import('../../vectors/word-classes.ts');
            await writeFileAtomic(flags.output, formatWordClasses(result.embeddings, wordClasses(result.embeddings, classes)));
          }
          return result;
        },
        ({ embeddings: emb }, seconds, last) => ({
          json: {
            output: flags.output,
            vocabSize: emb.size,
            dim: emb.dim,
            architecture: options.cbow ? 'cbow' : 'skipgram',
            ...passSummary(seconds, last),
          },
          line: classes > 0 ? `wrote ${classes} classes of ${emb.size} words to ${flags.output} in ${seconds.toFixed(1)} s` : `wrote ${emb.size} vectors of dimension ${emb.dim} to ${flags.output} in ${seconds.toFixed(1)} s`,
        }),
        word2vecSchema,
      );
    });
  registerTrainFastText(train);
  registerTrainGlove(train);
  registerTrainSupervised(train);
  registerTrainClassifier(train);
  registerTrainJoint(train);
}
