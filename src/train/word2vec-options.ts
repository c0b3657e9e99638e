import type { Corpus } from '../text/corpus.ts';
import { bool, defineOptions, int, number, optional, OptionError, resolveOptions, type Given, type Resolved } from './option-schema.ts';
import type { TokenizerListener } from './choose-tokenizer.ts';
import type { ProgressListener } from './progress.ts';
import { alphaOption, checkpointIntervalOption, dimOption, epochsOption, nativeKernelOption, minCountOption, negativeOption, seedOption, threadsOption, tokenizerOption, windowOption, allowMoreThreadsOption, capThreads } from './shared-options.ts';

/** The settings of trainWord2Vec: names, defaults (word2vec's C tool and gensim), validation, help, CLI aliases. */
export const word2vecSchema = defineOptions({
  cbow: { ...bool(), default: true, help: 'CBOW architecture (the default, as word2vec C); false: skip-gram', checkpoint: true },
  skipgram: { ...optional(bool()), help: 'skip-gram architecture (the same as cbow false)' },
  dim: dimOption(100, 100000),
  window: windowOption(5, 'maximum context distance; each position draws its window in 1..window'),
  negative: negativeOption('negative samples per prediction (unigram^0.75), 0 for none'),
  hs: { ...bool(), default: false, help: 'hierarchical softmax (alone with negative 0, or with negative sampling)', checkpoint: true },
  sample: { ...number('nonNegative'), default: 1e-3, help: 'subsampling threshold of frequent words, 0 for none', checkpoint: true, cli: { value: '<t>' } },
  minCount: minCountOption(5, 0),
  maxVocabSize: { ...optional(int(1)), help: 'cap on distinct words while counting (rarest pruned as the count grows)' },
  alpha: alphaOption((r) => (r.cbow ? 0.05 : 0.025), 'starting learning rate (default 0.025 skip-gram, 0.05 CBOW)'),
  minAlpha: { ...number('nonNegative'), default: 0.0001, help: 'final learning rate, reached by linear decay over all words of all epochs', checkpoint: true, cli: { value: '<rate>' } },
  epochs: epochsOption(5),
  threads: threadsOption(),
  allowMoreThreads: allowMoreThreadsOption(),
  cbowMean: { ...bool(), default: true, help: 'CBOW averages the context vectors (true) or sums them (false)', checkpoint: true },
  seed: seedOption(),
  tokenizer: tokenizerOption(),
  maxSentenceLength: { ...int(1), default: 10000, help: 'longer lines are cut into several sentences (as gensim)', checkpoint: true },
  checkpointInterval: checkpointIntervalOption(),
  kernel: nativeKernelOption(),
});

export type Word2VecSettings = Given<typeof word2vecSchema>;
/** Every option with its default applied and checked. */
export type ResolvedWord2VecOptions = Omit<Resolved<typeof word2vecSchema>, 'skipgram'>;

/** Options of trainWord2Vec: the settings (word2vecSchema) plus input, outputs, checkpoint files and callbacks. */
export interface Word2VecOptions extends Word2VecSettings {
  /** Corpus file (plain or .gz, one sentence per line), '-' for standard input, or an open Corpus. */
  input: string | Corpus;
  /** Where to write the vectors (atomically); nothing is written when omitted. */
  output?: string;
  /** Write the vocabulary (word count per line) here. */
  saveVocab?: string;
  /** Use this vocabulary file instead of counting the corpus. */
  readVocab?: string;
  /** Output in word2vec binary format instead of text. */
  binary?: boolean;
  /** Save the training state here at every epoch end, every checkpointInterval seconds, and when aborted. */
  checkpoint?: string;
  /** Continue from this checkpoint. */
  resume?: string;
  onProgress?: ProgressListener;
  /** Told the tokenizer used: the one given, or the one detected from the corpus's first lines (jieba for Chinese). */
  onTokenizer?: TokenizerListener;
  /** Seconds between progress events while training (default 1). */
  progressInterval?: number;
  signal?: AbortSignal;
}

/** Applies the defaults and refuses values and combinations that cannot be honoured, naming the option. */
export function resolveWord2VecOptions(o: Omit<Word2VecOptions, 'input'>): ResolvedWord2VecOptions {
  if (o.cbow === true && o.skipgram === true) throw new OptionError('skipgram', 'choose either cbow or skipgram, not both');
  if (o.skipgram === false && o.cbow === false) throw new OptionError('cbow', 'cbow and skipgram are both off: choose one architecture');
  const cbow = o.skipgram === true ? false : o.cbow;
  const { skipgram: _skipgram, ...r } = resolveOptions(word2vecSchema, { ...o, cbow });
  if (r.minAlpha > r.alpha) throw new OptionError('minAlpha', `minAlpha must be a number in 0..alpha (${r.alpha}), got ${r.minAlpha}`);
  if (r.negative === 0 && !r.hs) throw new OptionError('negative', 'negative 0 without hs leaves nothing to train: set negative > 0, or hs');
  return capThreads(r);
}
