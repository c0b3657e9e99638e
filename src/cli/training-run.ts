import { Option, type Command } from 'commander';
import { nonNegativeInt } from './flag-values.ts';
import { EmbedkitError } from '../errors.ts';
import type { OptionDefs } from '../train/option-schema.ts';
import { availableParallelism } from 'node:os';
import { threadsWithinCores } from '../train/shared-options.ts';
import { flagError, flagOf, optionsFromFlags } from './option-flags.ts';
import { stderrProgress, type ProgressEvent, type ProgressListener } from '../train/progress.ts';
import { printJson } from './common.ts';
import type { TokenizerChoice, TokenizerListener } from '../train/choose-tokenizer.ts';
import { interruptSignal } from './interrupt.ts';

/** The flags addRunFlags adds: --checkpoint and --resume (trainers that can resume), then --quiet and --json. */
export interface RunFlags extends Record<string, unknown> {
  checkpoint?: string;
  resume?: string;
  quiet?: boolean;
  json?: boolean;
}

/** Flags of a `train` command that reads one --input and writes one --output, beyond its schema's. */
export interface CorpusTrainFlags extends RunFlags {
  input: string;
  output: string;
}

/**
 * The library options of such a command: the settings through the trainer's schema (the reference tool's names
 * as aliases), then the files.
 */
export function corpusTrainOptions<S extends object>(schema: OptionDefs, f: CorpusTrainFlags): S & { input: string; output: string; checkpoint?: string; resume?: string } {
  return { ...(optionsFromFlags(schema, f) as S), input: f.input, output: f.output, checkpoint: f.checkpoint, resume: f.resume };
}

/** What a `train` command says when it is done: a JSON summary (--json) and a one-line message. */
export interface TrainingReport {
  json: Record<string, unknown>;
  line: string;
}

/**
 * The flags every `train` command shares: --checkpoint and --resume for the trainers that can resume (`saved` says
 * when a checkpoint is written), then --quiet and --json.
 */
export function addRunFlags(cmd: Command, saved?: string): Command {
  if (saved) {
    cmd
      .option('--checkpoint <file>', `save training state ${saved}, periodically, and on Ctrl-C`)
      .option('--resume <file>', 'continue training from a checkpoint (same settings)');
  }
  return (
    cmd
      .option('--quiet', 'no progress on stderr')
      .option('--json', 'print a JSON summary on stdout when done')
      // The reference tools' verbosity (word2vec C's -debug, fastText's and GloVe's -verbose): 0 is --quiet, more is progress.
      .addOption(new Option('--debug <n>', 'word2vec C spelling: 0 is --quiet').argParser(nonNegativeInt('--debug')).hideHelp())
      .addOption(new Option('--verbose <n>', 'fastText / GloVe spelling: 0 is --quiet').argParser(nonNegativeInt('--verbose')).hideHelp())
  );
}

/** What every training summary (--json) reports of the training passes. */
export function passSummary(seconds: number, last: ProgressEvent | undefined): Record<string, number | undefined> {
  return { seconds, wordsPerSecond: last?.wordsPerSecond, wordsTrained: last?.wordsDone, loss: last?.loss };
}

/**
 * The part every `train` command shares: Ctrl-C stops training through an AbortSignal (so nothing half-written
 * is left), progress goes to stderr unless --quiet, and the result is reported as JSON or as one line.
 */
export async function runTrainingCommand<T>(
  given: { quiet?: boolean; json?: boolean; checkpoint?: string; debug?: number; verbose?: number },
  train: (signal: AbortSignal, onProgress: ProgressListener, onTokenizer: TokenizerListener) => Promise<T>,
  report: (result: T, seconds: number, lastTraining: ProgressEvent | undefined) => TrainingReport,
  /** The trainer's option schema: errors naming an option name its flag instead. */
  schema?: OptionDefs,
): Promise<void> {
  const flags = { ...given, quiet: given.quiet || given.debug === 0 || given.verbose === 0 };
  if (schema) warnThreadsAboveCores(schema, flags);
  const signal = interruptSignal();
  const show = flags.quiet ? undefined : stderrProgress();
  let last: ProgressEvent | undefined;
  const started = performance.now();
  try {
    const result = await trainSpeakingFlags(flags, schema, () =>
      train(
        signal,
        (e) => {
          if (e.phase === 'train') last = e;
          show?.(e);
        },
        (choice) => sayDetectedTokenizer(flags, choice),
      ),
    );
    const { json, line } = report(result, (performance.now() - started) / 1000, last);
    if (flags.json) printJson(json);
    else if (!flags.quiet) process.stderr.write(`embedkit: ${line}\n`);
  } finally {
    show?.close();
  }
}

/** Library errors name options; here they name the flags (an option error, and the hint to resume an interrupted run). */
async function trainSpeakingFlags<T>(flags: { checkpoint?: string }, schema: OptionDefs | undefined, train: () => Promise<T>): Promise<T> {
  try {
    return await train();
  } catch (thrown) {
    const err = schema ? flagError(schema, thrown) : thrown;
    const ckpt = flags.checkpoint;
    if (err instanceof EmbedkitError && err.code === 'aborted' && ckpt) {
      throw new EmbedkitError('aborted', `training was interrupted; its state is saved in ${ckpt} (continue with --resume ${ckpt}); no output was written`);
    }
    throw err;
  }
}

/**
 * A tokenizer detected from the corpus (not the default, not given) is said on stderr, so a run never silently
 * tokenizes otherwise than the user expects; --quiet keeps it quiet.
 */
function sayDetectedTokenizer(flags: { quiet?: boolean }, { name, detected }: TokenizerChoice): void {
  if (flags.quiet || !detected || name === 'whitespace') return;
  process.stderr.write(`embedkit: the corpus's first lines are mostly Chinese: splitting words with --tokenizer ${name} (give --tokenizer to choose another)\n`);
}

/** The trainers cap threads at the core count (unless allowMoreThreads): say so, naming the flag that keeps them. */
function warnThreadsAboveCores(schema: OptionDefs, flags: Record<string, unknown>): void {
  if (!schema.threads || !schema.allowMoreThreads) return;
  const { threads, allowMoreThreads } = optionsFromFlags(schema, flags) as { threads?: number; allowMoreThreads?: boolean };
  if (threads === undefined) return;
  const cores = availableParallelism();
  const used = threadsWithinCores(threads, allowMoreThreads === true, cores);
  if (used === threads) return;
  process.stderr.write(
    `embedkit: warning: --${flagOf(schema, 'threads')} ${threads} is more than the ${cores} core${cores === 1 ? '' : 's'} here: using ${used} ` +
      `(extra threads only add memory and contention; --${flagOf(schema, 'allowMoreThreads')} keeps ${threads})\n`,
  );
}
