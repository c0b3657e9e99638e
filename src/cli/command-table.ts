import type { Command } from 'commander';

/**
 * Where each top-level command is registered, loaded only when asked for. `embedkit info X` then loads the modules
 * of `info` alone, not those of every command: each module costs a few ms to load (through tsx in a checkout), and the
 * whole program is about 400 of them, which made every run start a second later than it needs to.
 * The keys are the command names; `program.ts` registers the same functions for the whole program.
 */
export const COMMAND_MODULES: Readonly<Record<string, () => Promise<(program: Command) => void>>> = {
  info: async () => (await import('./commands/info.ts')).registerInfo,
  similar: async () => (await import('./commands/similar.ts')).registerSimilar,
  analogy: async () => (await import('./commands/analogy.ts')).registerAnalogy,
  query: async () => (await import('./commands/query.ts')).registerQuery,
  eval: async () => (await import('./commands/eval.ts')).registerEval,
  convert: async () => (await import('./commands/convert.ts')).registerConvert,
  train: async () => (await import('./commands/train.ts')).registerTrain,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  plot: async () => (await import('./commands/plot.ts')).registerPlot,
  start: async () => (await import('./commands/start.ts')).registerStart,
  embed: async () => (await import('./commands/embed.ts')).registerEmbed,
  'classify-image': async () => (await import('./commands/classify-image.ts')).registerClassifyImage,
  tokens: async () => (await import('./commands/tokens.ts')).registerTokens,
  index: async () => (await import('./commands/index-collection.ts')).registerIndex,
  search: async () => (await import('./commands/search.ts')).registerSearch,
  topics: async () => (await import('./commands/topics.ts')).registerTopics,
  'plot-topics': async () => (await import('./commands/plot-topics.ts')).registerPlotTopics,
  coherence: async () => (await import('./commands/coherence.ts')).registerCoherence,
  align: async () => (await import('./commands/align.ts')).registerAlign,
  translate: async () => (await import('./commands/translate.ts')).registerTranslate,
  'eval-bilingual': async () => (await import('./commands/eval-bilingual.ts')).registerEvalBilingual,
  predict: async () => (await import('./commands/predict.ts')).registerPredict,
  test: async () => (await import('./commands/test-classifier.ts')).registerTestClassifier,
  quantize: async () => (await import('./commands/quantize.ts')).registerQuantize,
  classify: async () => (await import('./commands/classify.ts')).registerClassify,
};

/**
 * The program for this command line with only its command registered, or undefined when the line needs the whole
 * program: no command name first (`--help`, `help`, a misspelt command, which commander answers from every command).
 * Reference-tool flags (`-size`, `--iter`) are rewritten by the flags of the named command alone (flagsOfLine), so
 * they need no other command.
 */
export async function singleCommandProgram(argv: string[]): Promise<Command | undefined> {
  const name = argv[0];
  if (name === undefined || !Object.hasOwn(COMMAND_MODULES, name)) return undefined;
  const [{ rootCommand }, register] = await Promise.all([import('./program-shell.ts'), COMMAND_MODULES[name]()]);
  const program = rootCommand();
  register(program);
  return program;
}
