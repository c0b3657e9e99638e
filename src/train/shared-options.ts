import { availableParallelism } from 'node:os';
import { TOKENIZER_NAMES, type TokenizerName } from '../text/tokenize.ts';
import { bool, int, number, oneOf, type OptionDef } from './option-schema.ts';

/**
 * The options every trainer has, under one vocabulary of names (gensim's and word2vec's): dim, window, epochs,
 * minCount, threads, seed, tokenizer, checkpointInterval, kernel. Each trainer picks its defaults.
 */
export const dimOption = (dflt: number, max: number): OptionDef<number> => ({ ...int(1, max), default: dflt, help: 'vector dimension', checkpoint: true, cli: { aliases: ['size', 'vector-size'] } });
export const windowOption = (dflt: number, help: string): OptionDef<number> => ({ ...int(1, 10000), default: dflt, help, checkpoint: true, cli: { aliases: ['ws', 'window-size'] } });
export const epochsOption = (dflt: number, help = 'passes over the corpus'): OptionDef<number> => ({ ...int(1), default: dflt, help, checkpoint: true, cli: { aliases: ['iter', 'epoch'] } });
export const minCountOption = (dflt: number, min: number): OptionDef<number> => ({ ...int(min), default: dflt, help: 'ignore words seen fewer times', checkpoint: true, });
export const threadsOption = (): OptionDef<number> => ({
  ...int(1, 1024),
  default: () => availableParallelism(),
  help: `training threads (default: every core, here ${availableParallelism()})`,
  cli: { aliases: ['thread'] },
});
export const allowMoreThreadsOption = (): OptionDef<boolean> => ({
  ...bool(),
  default: false,
  help: 'keep a threads count above the number of cores (otherwise capped at it)',
  cli: { flag: 'threads-max-override' },
});

/**
 * The threads a trainer runs: at most one per core unless allowMoreThreads. Threads beyond the cores add no speed,
 * only memory per worker and contention (on 2 cores, 100 threads took 40 times as long and 14 times the memory).
 */
export function threadsWithinCores(threads: number, allowMoreThreads: boolean, cores = availableParallelism()): number {
  return allowMoreThreads ? threads : Math.min(threads, cores);
}

/** The resolved options with threads capped as threadsWithinCores says. */
export function capThreads<T extends { threads: number; allowMoreThreads: boolean }>(resolved: T): T {
  return { ...resolved, threads: threadsWithinCores(resolved.threads, resolved.allowMoreThreads) };
}

export const seedOption = (): OptionDef<number> => ({ ...int(-(2 ** 31), 2 ** 32 - 1), default: 1, help: 'random seed; with one thread the result is reproducible bit for bit', checkpoint: true });
/** Not given, the tokenizer is whitespace, or jieba when the corpus's first lines are mostly Chinese (choose-tokenizer.ts). */
export const tokenizerOption = (help = 'how lines split into words'): OptionDef<TokenizerName> => ({
  ...oneOf(TOKENIZER_NAMES as [TokenizerName, ...TokenizerName[]]),
  default: 'whitespace',
  help: `${help}; jieba when the corpus's first lines are mostly Chinese`,
  checkpoint: true,
  cli: { value: '<name>' },
});
export const checkpointIntervalOption = (): OptionDef<number> => ({ ...number('positive'), default: 600, help: 'seconds between mid-pass checkpoints', cli: { value: '<seconds>' } });
export const kernelOption = (): OptionDef<'wasm' | 'reference'> => ({ ...oneOf(['wasm', 'reference'] as const), default: 'wasm', help: 'the WebAssembly kernel, or the TypeScript reference (slow; for tests)', cli: { omit: true } });
