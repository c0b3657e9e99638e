import type { GloveKernelKind } from '../glove/wasm-kernel.ts';
import type { EpochReport } from '../glove/train.ts';
import type { Corpus } from '../text/corpus.ts';
import { bool, defineOptions, int, number, oneOf, optional, OptionError, resolveOptions, type Given, type Resolved } from './option-schema.ts';
import type { TokenizerListener } from './choose-tokenizer.ts';
import type { ProgressListener } from './progress.ts';
import { dimOption, epochsOption, kernelOption, minCountOption, seedOption, threadsOption, tokenizerOption, windowOption, allowMoreThreadsOption, capThreads } from './shared-options.ts';

export type GloveOutputFormat = 'glove-text' | 'word2vec-text' | 'word2vec-binary';

/**
 * The settings of trainGlove with the GloVe tools' defaults, under the names every trainer shares: `alpha` is the
 * learning rate (GloVe's -eta), and the weighting function's exponent (GloVe's -alpha) is `weightingExponent`.
 */
export const gloveSchema = defineOptions({
  minCount: minCountOption(5, 0),
  maxVocab: { ...optional(int(1)), help: 'keep only the n most frequent words' },
  window: windowOption(15, 'context words on each side'),
  symmetric: { ...bool(), default: true, help: 'count left and right contexts (true) or left only (false)' },
  distanceWeighting: { ...bool(), default: true, help: 'a pair d words apart counts 1/d (true) or 1 (false)' },
  memory: { ...number('positive'), default: 4, help: 'GiB of memory for counting and shuffling; beyond it sorted runs spill to temporary files', cli: { value: '<GiB>' } },
  xMax: { ...number('positive'), default: 100, help: 'cutoff of the weighting function f(x) = min(1, x/xMax)^weightingExponent', cli: { value: '<x>' } },
  weightingExponent: {
    ...number('positive'),
    default: 0.75,
    help: "exponent of the weighting function (GloVe C's -alpha, accepted as --alpha by `train glove`)",
    cli: { value: '<a>', aliases: ['alpha'] },
  },
  alpha: { ...number('positive'), default: 0.05, help: "AdaGrad learning rate (GloVe C's -eta)", cli: { flag: 'eta', value: '<rate>', aliases: ['learning-rate'] } },
  gradClip: { ...number('positive'), default: 100, help: 'clip gradient components to ±gradClip (GloVe’s grad_clip_value)', cli: { value: '<g>' } },
  dim: dimOption(50, 100000),
  epochs: epochsOption(25, 'passes over the co-occurrences'),
  threads: threadsOption(),
  allowMoreThreads: allowMoreThreadsOption(),
  seed: seedOption(),
  model: { ...oneOf(['0', '1', '2'] as const), default: '2', help: 'output: 0 word+bias+context+bias, 1 word vectors, 2 word + context vectors', cli: { value: '<0|1|2>' } },
  checkpointEvery: { ...optional(int(1)), help: 'also write the vectors every n epochs to <output>.epochNNN' },
  format: { ...oneOf<GloveOutputFormat>(['glove-text', 'word2vec-text', 'word2vec-binary']), default: 'glove-text', help: 'output format (glove-text: no header)', cli: { value: '<format>' } },
  tokenizer: tokenizerOption(),
  kernel: kernelOption(),
});

export type GloveSettings = Omit<Given<typeof gloveSchema>, 'model' | 'kernel'> & {
  /** 0: word vector, bias, context vector, bias; 1: word vectors; 2: word + context vectors (default). */
  model?: 0 | 1 | 2;
  kernel?: GloveKernelKind;
};
export type ResolvedGloveOptions = Omit<Resolved<typeof gloveSchema>, 'model'> & { model: 0 | 1 | 2 };

/** Options of trainGlove: the settings (gloveSchema) plus input, files and callbacks. */
export interface GloveOptions extends GloveSettings {
  /** Corpus (plain or .gz, one sentence per line), '-' for standard input, or an open Corpus. Not needed with `cooccur` + `readVocab`. */
  input?: string | Corpus;
  /** Where to write the vectors (atomically); nothing is written when omitted. */
  output?: string;
  /** Keep the counted co-occurrences in this file (GloVe's binary record format). */
  saveCooccur?: string;
  /** Train from this co-occurrence file (GloVe's format) instead of counting the corpus. */
  cooccur?: string;
  /** Write the vocabulary ("word count" lines, as GloVe's vocab_count). */
  saveVocab?: string;
  /** Use this vocabulary ("word count" lines) instead of counting the corpus; ids of `cooccur` refer to it. */
  readVocab?: string;
  /** GloVe text only: start with a "rows dim" line. */
  header?: boolean;
  /** Folder for temporary files (default the system's). */
  tmpDir?: string;
  onProgress?: ProgressListener;
  /** Told the tokenizer used: the one given, or the one detected from the corpus's first lines (jieba for Chinese). */
  onTokenizer?: TokenizerListener;
  /** Called after every epoch with its mean cost. */
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
}

/** Applies GloVe's defaults and refuses values that cannot be honoured, naming the option. */
export function resolveGloveOptions(o: Omit<GloveOptions, 'input'>): ResolvedGloveOptions {
  if ((o as { eta?: unknown }).eta !== undefined) throw new OptionError('eta', 'eta is called alpha here (the learning rate, as in every trainer); the weighting exponent is weightingExponent');
  const model = o.model === undefined ? undefined : typeof o.model === 'number' ? String(o.model) : o.model;
  const r = resolveOptions(gloveSchema, { ...o, model } as Record<string, unknown>);
  return capThreads({ ...r, model: Number(r.model) as 0 | 1 | 2 });
}
