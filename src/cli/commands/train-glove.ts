import { addRunFlags, runTrainingCommand } from '../training-run.ts';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.ts';
import type { GloveOptions } from '../../train/glove.ts';
import { gloveSchema } from '../../train/glove-options.ts';
import { examples } from '../common.ts';
import { addOptionFlags, addUnsupportedFlags, optionsFromFlags, refuseUnsupportedFlags } from '../option-flags.ts';
import { Option } from 'commander';
import { dirname } from 'node:path';
import { switchValue } from '../flag-values.ts';

/** GloVe flags of features embedkit does not have. */
const GRADSQ = 'AdaGrad\'s squared gradients are not saved (--checkpoint-every writes the vectors every n epochs)';
const UNSUPPORTED = {
  'gradsq-file': { reference: 'gradsq-file', what: GRADSQ },
  'save-gradsq': { reference: 'save-gradsq', what: GRADSQ },
};

/** Flags of `train glove` beyond the schema's (files, output and reporting). */
interface TrainGloveFlags extends Record<string, unknown> {
  input?: string;
  output?: string;
  binary?: boolean | number;
  header?: boolean;
  writeHeader?: boolean;
  saveFile?: string;
  vocabFile?: string;
  overflowFile?: string;
  saveCooccur?: string;
  cooccur?: string;
  saveVocab?: string;
  readVocab?: string;
  tmpDir?: string;
  quiet?: boolean;
  json?: boolean;
}

/** Maps the flags to library options (the settings through gloveSchema, GloVe C's names as aliases). */
export function gloveOptionsFromFlags(f: TrainGloveFlags): GloveOptions {
  refuseUnsupportedFlags(f, UNSUPPORTED);
  // GloVe C's spellings: -save-file PREFIX writes PREFIX.txt, -vocab-file is the vocabulary read, overflow files go
  // beside -overflow-file's prefix, -write-header is --header.
  const output = f.output ?? (f.saveFile !== undefined ? `${f.saveFile}.txt` : undefined);
  if (output === undefined) throw new InvalidArgumentError('give the output file with --output FILE (or GloVe\'s -save-file PREFIX)');
  if (f.binary === 2) throw new InvalidArgumentError('-binary 2 (text and binary at once) is not supported: write one, then embedkit convert to the other');
  f = { ...f, output, readVocab: f.readVocab ?? f.vocabFile, header: f.header ?? f.writeHeader, tmpDir: f.tmpDir ?? (f.overflowFile !== undefined ? dirname(f.overflowFile) : undefined), binary: f.binary === true || f.binary === 1 };
  if (f.input === undefined && !(f.cooccur && f.readVocab)) {
    throw new InvalidArgumentError('give the corpus with --input FILE (or - for standard input), or --cooccur FILE with --read-vocab FILE');
  }
  if (f.binary && f.format !== undefined && f.format !== 'word2vec-binary') throw new InvalidArgumentError(`--binary and --format ${String(f.format)} disagree`);
  if (f.cooccur && f.saveCooccur) throw new InvalidArgumentError('--cooccur reads existing counts; --save-cooccur would only copy them');
  const settings = optionsFromFlags(gloveSchema, f) as Partial<GloveOptions> & { model?: string };
  return {
    ...settings,
    model: settings.model === undefined ? undefined : (Number(settings.model) as 0 | 1 | 2),
    format: f.binary ? 'word2vec-binary' : settings.format,
    input: f.input,
    output,
    header: f.header,
    saveCooccur: f.saveCooccur,
    cooccur: f.cooccur,
    saveVocab: f.saveVocab,
    readVocab: f.readVocab,
    tmpDir: f.tmpDir,
  };
}

export function registerTrainGlove(train: Command): void {
  const cmd = train
    .command('glove')
    .description('train GloVe vectors (global co-occurrence counts, weighted least squares, AdaGrad) with the GloVe tools\' defaults')
    .option('--input <file>', 'corpus: text file (.gz ok), one sentence per line; "-" reads standard input')
    .option('--output <file>', 'where to write the vectors (written atomically at the end)')
    .addOption(new Option('--save-file <prefix>', 'GloVe C spelling: writes PREFIX.txt').hideHelp());
  addUnsupportedFlags(addOptionFlags(cmd, gloveSchema), UNSUPPORTED)
    .option('--save-cooccur <file>', 'keep the co-occurrence counts (GloVe binary records) for a later --cooccur')
    .option('--cooccur <file>', 'train from this co-occurrence file (GloVe format) instead of counting the corpus')
    .option('--save-vocab <file>', 'also write the vocabulary ("word count" lines)')
    .option('--read-vocab <file>', 'use this vocabulary ("word count" lines, e.g. GloVe\'s vocab.txt) instead of counting')
    .addOption(new Option('--binary [0|1]', 'same as --format word2vec-binary (GloVe C\'s -binary 1 writes raw doubles; 2 is refused)').argParser((v: string) => (v === '2' ? 2 : switchValue('--binary')(v))))
    .option('--header', 'glove-text: start with a "rows dim" line')
    .addOption(new Option('--write-header [0|1]', 'GloVe C spelling of --header').argParser(switchValue('--write-header')).hideHelp())
    .option('--tmp-dir <dir>', 'folder for temporary files (default the system\'s)')
    .addOption(new Option('--vocab-file <file>', 'GloVe C spelling of --read-vocab').hideHelp())
    .addOption(new Option('--overflow-file <prefix>', 'GloVe C spelling: overflow (spill) files go in its folder').hideHelp());
  addRunFlags(cmd)
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
        async (signal, onProgress, onTokenizer) =>
          (await import('../../train/glove.ts')).trainGloveDetailed({
            ...options,
            signal,
            onProgress,
            onTokenizer,
            onEpoch: (e) => {
              if (!flags.quiet && flags.verbose !== 0) process.stderr.write(`epoch ${e.epoch}: cost ${e.cost.toFixed(6)}  ${e.seconds.toFixed(2)} s\n`);
            },
          }),
        (r, seconds) => ({
          json: {
            output: options.output,
            vocabSize: r.vocabSize,
            dim: r.embeddings.dim,
            nonZeros: r.nonZeros,
            spills: r.spills,
            countSeconds: r.countSeconds,
            shuffleSeconds: r.shuffleSeconds,
            epochs: r.epochs,
            seconds,
          },
          line: `wrote ${r.embeddings.size} vectors of dimension ${r.embeddings.dim} to ${options.output} in ${seconds.toFixed(1)} s`,
        }),
        gloveSchema,
      );
    });
}
