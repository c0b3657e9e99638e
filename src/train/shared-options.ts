import type { KernelChoice } from '../kernels/native.ts';
import { availableParallelism } from 'node:os';
import { TOKENIZER_NAMES, type TokenizerName } from '../text/tokenize.ts';
import { bool, int, number, oneOf, OptionError, type OptionDef } from './option-schema.ts';

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
/** GloVe's kernel: it has no native one. */
export const kernelOption = (): OptionDef<'wasm' | 'reference'> => ({ ...oneOf(['wasm', 'reference'] as const), default: 'wasm', help: 'the WebAssembly kernel, or the TypeScript reference (slow; for tests)', cli: { omit: true } });
/** word2vec and fastText also have native kernels (kernels/native.ts); 'auto' runs them where they load, else the WebAssembly ones. */
export const nativeKernelOption = (): OptionDef<KernelChoice> => ({
  ...oneOf(['auto', 'native', 'wasm', 'reference'] as const),
  default: 'auto',
  help: "the native kernel where it is built, else the WebAssembly one ('auto'); or one by name ('reference': the TypeScript definition, slow)",
  cli: { omit: true },
});

/** The starting learning rate; the reference tools' -lr is an alias. */
export const alphaOption = (dflt: number | ((resolved: Record<string, unknown>) => number), help: string): OptionDef<number> => ({ ...number('positive'), default: dflt, help, checkpoint: true, cli: { value: '<rate>', aliases: ['lr'] } });
/** Negative samples per prediction (fastText's -neg is an alias). */
export const negativeOption = (help: string): OptionDef<number> => ({ ...int(0, 1000), default: 5, help, checkpoint: true, cli: { aliases: ['neg'] } });

/*
 * fastText's options that word vectors and classifiers share, under fastText's own names (which are also the .bin's
 * args); each trainer picks its defaults.
 */
export const lrUpdateRateOption = (): OptionDef<number> => ({ ...int(1), default: 100, help: 'tokens between learning-rate updates', checkpoint: true, reference: 'lrUpdateRate' });
export const minnOption = (dflt: number): OptionDef<number> => ({ ...int(0, 100), default: dflt, help: 'shortest character n-gram', checkpoint: true, reference: 'minn' });
export const maxnOption = (dflt: number, help: string): OptionDef<number> => ({ ...int(0, 100), default: dflt, help, checkpoint: true, reference: 'maxn' });
export const bucketOption = (help: string): OptionDef<number> => ({ ...int(0, 100_000_000), default: 2_000_000, help, checkpoint: true });

/** fastText's own option names (the command line's aliases), now spelled as every trainer spells them. */
export const FASTTEXT_RENAMED: Readonly<Record<string, string>> = { ws: 'window', neg: 'negative', epoch: 'epochs', lr: 'alpha', t: 'sample' };

/** Refuses an option given under a reference tool's old name, naming the one to pass instead (rather than ignoring it). */
export function refuseRenamedOptions(given: object, renamed: Readonly<Record<string, string>>): void {
  for (const [old, now] of Object.entries(renamed)) {
    if ((given as Record<string, unknown>)[old] !== undefined) throw new OptionError(old, `${old} is called ${now} here (the name every trainer uses); pass ${now}`);
  }
}

/** Character n-gram lengths run from minn to maxn, each at least one character (maxn 0: no n-grams). */
export function checkNgramLengths(r: { minn: number; maxn: number }): void {
  if (r.maxn === 0) return;
  if (r.minn < 1) throw new OptionError('minn', `minn must be ≥ 1 when maxn is ${r.maxn} (n-grams have at least one character)`);
  if (r.minn > r.maxn) throw new OptionError('minn', `minn ${r.minn} is greater than maxn ${r.maxn}: n-gram lengths run from minn to maxn`);
}
