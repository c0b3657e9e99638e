import type { FastTextTrainingLoss } from '../kernels/fasttext-layout.ts';
import type { Corpus } from '../text/corpus.ts';
import { defineOptions, fraction, number, oneOf, OptionError, resolveOptions, type Given, type Resolved } from './option-schema.ts';
import type { TokenizerListener } from './choose-tokenizer.ts';
import type { ProgressListener } from './progress.ts';
import { allowMoreThreadsOption, alphaOption, bucketOption, capThreads, checkNgramLengths, checkpointIntervalOption, dimOption, epochsOption, FASTTEXT_RENAMED, nativeKernelOption, lrUpdateRateOption, maxnOption, minCountOption, minnOption, negativeOption, refuseRenamedOptions, seedOption, threadsOption, tokenizerOption, windowOption } from './shared-options.ts';

/**
 * The settings of trainFastText with fastText's defaults, under the names every trainer shares (window,
 * negative, epochs, alpha, sample); fastText's own names (ws, neg, epoch, lr, t) are the command line's aliases
 * and the names in the .bin file (`reference`).
 */
export const fastTextSchema = defineOptions({
  model: {
    ...oneOf(['skipgram', 'cbow'] as const),
    default: 'skipgram',
    help: 'architecture',
    checkpoint: true,
    reference: 'model',
    explain: (v: unknown) => (v === 'supervised' ? 'model must be skipgram or cbow, got "supervised": classifiers are trained by trainFastTextSupervised' : undefined),
    cli: { value: '<name>' },
  },
  loss: {
    ...oneOf<FastTextTrainingLoss>(['ns', 'hs', 'softmax']),
    default: 'ns',
    help: 'ns (negative sampling), hs (hierarchical softmax) or softmax (the full softmax: exact, but O(vocabulary) per prediction, for small vocabularies); ova is refused',
    checkpoint: true,
    reference: 'loss',
    explain: (v: unknown) => (v === 'ova' ? 'loss ova (one-vs-all) is for supervised multi-label models: use ns, hs or softmax for word vectors' : undefined),
    cli: { value: '<name>' },
  },
  alpha: alphaOption(0.05, 'starting learning rate, decayed linearly to minAlpha'),
  minAlpha: { ...number('nonNegative'), default: 0, help: 'final learning rate (fastText decays to 0)', checkpoint: true, cli: { value: '<rate>' } },
  dim: { ...dimOption(100, 10_000), reference: 'dim' },
  window: { ...windowOption(5, 'maximum context distance; each position draws its window in 1..window'), reference: 'ws' },
  epochs: { ...epochsOption(5), reference: 'epoch' },
  minCount: { ...minCountOption(5, 1), reference: 'minCount' },
  negative: { ...negativeOption('negatives per target (at least 1 with loss ns)'), reference: 'neg' },
  sample: { ...fraction(), default: 1e-4, help: 'subsampling threshold, 0 keeps every token', checkpoint: true, reference: 't', cli: { value: '<t>', aliases: ['t'] } },
  minn: minnOption(3),
  maxn: maxnOption(6, 'longest character n-gram, 0 for no subwords'),
  bucket: { ...bucketOption('n-gram hash buckets'), reference: 'bucket' },
  lrUpdateRate: lrUpdateRateOption(),
  threads: threadsOption(),
  allowMoreThreads: allowMoreThreadsOption(),
  seed: seedOption(),
  tokenizer: tokenizerOption('how lines split into words (each line ends with the token </s>)'),
  checkpointInterval: checkpointIntervalOption(),
  kernel: nativeKernelOption(),
});

export type FastTextSettings = Given<typeof fastTextSchema>;
export type ResolvedFastTextOptions = Resolved<typeof fastTextSchema>;

/** Options of trainFastText: the settings (fastTextSchema) plus input, output, checkpoint files and callbacks. */
export interface FastTextTrainOptions extends FastTextSettings {
  /** Corpus file (plain or .gz, one sentence per line), '-' for standard input, or an open Corpus. */
  input: string | Corpus;
  /**
   * Where to save: `X.bin` (fastText model), `X.vec` / `X.txt` (text vectors), or a prefix without one of
   * those extensions, which writes PREFIX.bin and PREFIX.vec as fastText does. Nothing is written when omitted.
   */
  output?: string;
  /** Save the training state here at the end of every corpus pass, every checkpointInterval seconds, and when aborted. */
  checkpoint?: string;
  /** Continue from this checkpoint (written with the same settings; the thread count may differ). */
  resume?: string;
  onProgress?: ProgressListener;
  /** Told the tokenizer used: the one given, or the one detected from the corpus's first lines (jieba for Chinese). */
  onTokenizer?: TokenizerListener;
  signal?: AbortSignal;
}

/** Applies fastText's defaults and refuses values that cannot be honoured, naming the option. */
export function resolveFastTextOptions(o: Omit<FastTextTrainOptions, 'input'>): ResolvedFastTextOptions {
  refuseRenamedOptions(o, FASTTEXT_RENAMED);
  const r = resolveOptions(fastTextSchema, o);
  if (r.minAlpha > r.alpha) throw new OptionError('minAlpha', `minAlpha must be a number in 0..alpha (${r.alpha}), got ${r.minAlpha}`);
  if (r.loss === 'ns' && r.negative < 1) throw new OptionError('negative', `negative must be an integer in 1..1000 with loss ns, got ${r.negative}`);
  checkNgramLengths(r);
  if (r.maxn > 0 && r.bucket === 0) throw new OptionError('bucket', 'bucket 0 leaves no rows for character n-grams: set maxn 0 to train without subwords, or bucket > 0');
  return capThreads(r);
}
