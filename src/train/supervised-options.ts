import type { Corpus } from '../text/corpus.ts';
import { defineOptions, int, number, oneOf, optional, OptionError, resolveOptions, text, type Given, type Resolved } from './option-schema.ts';
import type { ProgressListener } from './progress.ts';
import { allowMoreThreadsOption, alphaOption, bucketOption, capThreads, checkNgramLengths, checkpointIntervalOption, dimOption, epochsOption, FASTTEXT_RENAMED, nativeKernelOption, lrUpdateRateOption, maxnOption, minnOption, negativeOption, refuseRenamedOptions, seedOption, threadsOption, windowOption } from './shared-options.ts';

/** fastText's supervised losses: full softmax over the labels, negative sampling, hierarchical softmax, one-vs-all. */
export type SupervisedLoss = 'softmax' | 'ns' | 'hs' | 'ova';

/**
 * The settings of trainFastTextSupervised with fastText's `supervised` defaults (lr 0.1, minCount 1, no character
 * n-grams, softmax loss, epoch 5), under the names every trainer shares; fastText's names (lr, epoch, neg, ws,
 * wordNgrams, minCountLabel, label, pretrainedVectors) are the command line's aliases and the .bin's args.
 */
export const supervisedSchema = defineOptions({
  loss: {
    ...oneOf<SupervisedLoss>(['softmax', 'ns', 'hs', 'ova']),
    default: 'softmax',
    help: 'softmax (over the labels), ns (negative sampling), hs (hierarchical softmax over the labels) or ova (one-vs-all, for several labels per line)',
    checkpoint: true,
    reference: 'loss',
    cli: { value: '<name>' },
  },
  alpha: alphaOption(0.1, 'starting learning rate, decayed linearly to 0'),
  dim: { ...dimOption(100, 10_000), reference: 'dim' },
  window: { ...windowOption(5, 'context window (recorded in the model; supervised training does not use it)'), reference: 'ws' },
  epochs: { ...epochsOption(5), reference: 'epoch' },
  minCount: { ...int(1), default: 1, help: 'ignore words seen fewer times', checkpoint: true, reference: 'minCount' },
  minCountLabel: { ...int(0), default: 0, help: 'ignore labels seen fewer times', checkpoint: true },
  negative: { ...negativeOption('negatives per target (loss ns)'), reference: 'neg' },
  wordNgrams: { ...int(1, 100), default: 1, help: 'longest word n-gram (hashed into the buckets as fastText does)', checkpoint: true, reference: 'wordNgrams' },
  minn: minnOption(0),
  maxn: maxnOption(0, 'longest character n-gram, 0 for none'),
  bucket: bucketOption('hash buckets for word and character n-grams (0 rows without either)'),
  lrUpdateRate: lrUpdateRateOption(),
  sample: { ...number('nonNegative'), default: 1e-4, help: 'subsampling threshold (recorded in the model; supervised training does not subsample)', reference: 't', cli: { omit: true } },
  labelPrefix: { ...text(), default: '__label__', help: 'prefix that marks a token as a label', checkpoint: true, cli: { value: '<prefix>', aliases: ['label'] } },
  pretrainedVectors: { ...optional(text()), help: 'word vectors (.vec text) to start the input rows from; their words join the vocabulary, as in fastText', cli: { value: '<file>' } },
  threads: threadsOption(),
  allowMoreThreads: allowMoreThreadsOption(),
  seed: seedOption(),
  checkpointInterval: checkpointIntervalOption(),
  kernel: nativeKernelOption(),
});

export type SupervisedSettings = Given<typeof supervisedSchema>;
export type ResolvedSupervisedOptions = Resolved<typeof supervisedSchema>;

/** Options of trainFastTextSupervised: the settings (supervisedSchema) plus input, output, checkpoint files and callbacks. */
export interface SupervisedTrainOptions extends SupervisedSettings {
  /** Training file (plain or .gz): one example per line, its labels as tokens with the label prefix; '-' for standard input, or an open Corpus. */
  input: string | Corpus;
  /** Where to save the model: `X.bin`, or a prefix (writes PREFIX.bin, as fastText). Nothing is written when omitted. */
  output?: string;
  /** Save the training state here at the end of every pass, every checkpointInterval seconds, and when aborted. */
  checkpoint?: string;
  /** Continue from this checkpoint (written with the same settings on the same file). */
  resume?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** fastText's own option names, spelled here as every trainer spells them. */
const RENAMED: Record<string, string> = { ...FASTTEXT_RENAMED, label: 'labelPrefix' };

/** Applies fastText's supervised defaults and refuses values that cannot be honoured, naming the option. */
export function resolveSupervisedOptions(o: Omit<SupervisedTrainOptions, 'input'>): ResolvedSupervisedOptions {
  refuseRenamedOptions(o, RENAMED);
  const r = resolveOptions(supervisedSchema, o);
  if (r.loss === 'ns' && r.negative < 1) throw new OptionError('negative', `negative must be an integer in 1..1000 with loss ns, got ${r.negative}`);
  if (r.labelPrefix === '') throw new OptionError('labelPrefix', 'labelPrefix must not be empty: it is how labels are told from words');
  checkNgramLengths(r);
  if ((r.maxn > 0 || r.wordNgrams > 1) && r.bucket === 0) throw new OptionError('bucket', 'bucket 0 leaves no rows for word or character n-grams: set bucket > 0, or wordNgrams 1 and maxn 0');
  // fastText: without word or character n-grams the buckets are not allocated (the model records bucket 0).
  if (r.wordNgrams <= 1 && r.maxn === 0) r.bucket = 0;
  return capThreads(r);
}
