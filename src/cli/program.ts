import { Command, CommanderError } from 'commander';
import { EmbedkitError } from '../errors.ts';
import { normalizeArgv } from './argv.ts';
import { registerAnalogy } from './commands/analogy.ts';
import { registerConvert } from './commands/convert.ts';
import { registerEval } from './commands/eval.ts';
import { registerInfo } from './commands/info.ts';
import { registerQuery } from './commands/query.ts';
import { registerSimilar } from './commands/similar.ts';
import { registerTrain } from './commands/train.ts';
import { registerServe } from './commands/serve.ts';
import { registerPlot } from './commands/plot.ts';
import { registerStart } from './commands/start.ts';
import { registerEmbed } from './commands/embed.ts';
import { registerClassifyImage } from './commands/classify-image.ts';
import { registerTokens } from './commands/tokens.ts';
import { registerIndex } from './commands/index-collection.ts';
import { registerSearch } from './commands/search.ts';
import { registerTopics } from './commands/topics.ts';
import { registerPlotTopics } from './commands/plot-topics.ts';
import { registerCoherence } from './commands/coherence.ts';
import { registerAlign } from './commands/align.ts';
import { registerTranslate } from './commands/translate.ts';
import { registerEvalBilingual } from './commands/eval-bilingual.ts';
import { registerPredict } from './commands/predict.ts';
import { registerTestClassifier } from './commands/test-classifier.ts';
import { registerQuantize } from './commands/quantize.ts';
import { registerClassify } from './commands/classify.ts';
import { supervisedAlias } from './commands/train-supervised.ts';
import { examples } from './common.ts';

/** The `embedkit` command: a thin shell over the library; each subcommand lives in ./commands. */
export function buildProgram(): Command {
  const program = new Command('embedkit')
    .description('Train, load, query, evaluate and serve word embeddings (word2vec, GloVe, fastText).')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', examples(['embedkit info vectors.bin', 'embedkit query vectors.bin "king - man + woman"', 'embedkit eval vectors.bin --analogies questions-words.txt --pairs wordsim353.tsv']));
  registerInfo(program);
  registerSimilar(program);
  registerAnalogy(program);
  registerQuery(program);
  registerEval(program);
  registerConvert(program);
  registerTrain(program);
  registerServe(program);
  registerPlot(program);
  registerStart(program);
  registerEmbed(program);
  registerClassifyImage(program);
  registerTokens(program);
  registerIndex(program);
  registerSearch(program);
  registerTopics(program);
  registerPlotTopics(program);
  registerCoherence(program);
  registerAlign(program);
  registerTranslate(program);
  registerEvalBilingual(program);
  registerPredict(program);
  registerTestClassifier(program);
  registerQuantize(program);
  registerClassify(program);
  return program;
}

function longOptionNames(cmd: Command, into = new Set<string>()): Set<string> {
  for (const o of cmd.options) if (o.long) into.add(o.long.replace(/^--(no-)?/, ''));
  for (const c of cmd.commands) longOptionNames(c, into);
  return into;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(normalizeArgv(supervisedAlias(argv), longOptionNames(program)), { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof EmbedkitError) {
      process.stderr.write(`embedkit: ${err.message}\n`);
      // Stopped by Ctrl-C (or SIGTERM): the conventional 128 + signal number.
      return err.code === 'aborted' ? 130 : 1;
    }
    // A file that cannot be opened or written (missing, a folder, no permission): name it, no stack trace.
    if (isFileSystemError(err)) {
      process.stderr.write(`embedkit: ${err.path}: ${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')} (${err.code})\n`);
      return 1;
    }
    throw err;
  }
}

function isFileSystemError(err: unknown): err is NodeJS.ErrnoException & { path: string; code: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).path === 'string' && typeof (err as NodeJS.ErrnoException).code === 'string';
}
