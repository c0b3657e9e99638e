import { availableParallelism } from 'node:os';
import { TOKENIZER_NAMES, type TokenizerName } from '../text/tokenize.ts';
import { int, number, oneOf, type OptionDef } from './option-schema.ts';

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
export const seedOption = (): OptionDef<number> => ({ ...int(-(2 ** 31), 2 ** 32 - 1), default: 1, help: 'random seed; with one thread the result is reproducible bit for bit', checkpoint: true });
export const tokenizerOption = (help = 'how lines split into words'): OptionDef<TokenizerName> => ({ ...oneOf(TOKENIZER_NAMES as [TokenizerName, ...TokenizerName[]]), default: 'whitespace', help, checkpoint: true, cli: { value: '<name>' } });
export const checkpointIntervalOption = (): OptionDef<number> => ({ ...number('positive'), default: 600, help: 'seconds between mid-pass checkpoints', cli: { value: '<seconds>' } });
export const kernelOption = (): OptionDef<'wasm' | 'reference'> => ({ ...oneOf(['wasm', 'reference'] as const), default: 'wasm', help: 'the WebAssembly kernel, or the TypeScript reference (slow; for tests)', cli: { omit: true } });
