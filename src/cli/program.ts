import type { Command } from 'commander';
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
import { rootCommand, runProgram } from './program-shell.ts';

/** The `embedkit` command: a thin shell over the library; each subcommand lives in ./commands. */
export function buildProgram(): Command {
  const program = rootCommand();
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

/** Runs one command line with every command registered (`main.ts` registers only the one named when it can). */
export async function main(argv: string[]): Promise<number> {
  return runProgram(buildProgram(), supervisedAlias(argv));
}
