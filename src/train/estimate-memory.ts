import type { Vocabulary } from '../vocab/vocabulary.ts';
import { estimateFastTextMemory } from './fasttext.ts';
import type { FastTextTrainOptions } from './fasttext-options.ts';
import { estimateGloveMemory } from './glove.ts';
import type { GloveOptions } from './glove-options.ts';
import type { MemoryEstimate } from './memory.ts';
import { estimateSupervisedMemory, type SupervisedEstimateOptions } from './estimate-supervised.ts';
import { estimateWord2VecMemory } from './word2vec.ts';
import type { Word2VecOptions } from './word2vec-options.ts';

export type { MemoryEstimate } from './memory.ts';

/** A trainer and its options, for estimateMemory. */
export type EstimateOptions =
  | ({ trainer: 'word2vec' } & Omit<Word2VecOptions, 'input'>)
  | ({ trainer: 'fasttext' } & Omit<FastTextTrainOptions, 'input'>)
  | ({ trainer: 'glove' } & Omit<GloveOptions, 'input'>)
  | ({ trainer: 'supervised' } & SupervisedEstimateOptions);

/**
 * The bytes a trainer would allocate for `vocab` with these options (gensim's estimate_memory), whether they fit
 * in one WebAssembly memory (4 GiB), and the largest vocabulary and dim that would. Every trainer checks the
 * same estimate before allocating and refuses a model that does not fit. For `supervised` (fastText's classifier)
 * `vocab` holds the words; `labels` gives the labels (or their number) and `bucket` the n-gram rows.
 * @example
 * ```ts
 * import { estimateMemory } from 'embedkit/train';
 * import { Vocabulary } from 'embedkit';
 * const vocab = new Vocabulary(['the', 'king', 'queen'], [50, 3, 2]);
 * const estimate = estimateMemory({ trainer: 'word2vec', dim: 300 }, vocab);
 * console.log(estimate.fits, estimate.bytes, estimate.maxWords); // true, a few MiB, about 1.78 million words at dim 300
 * ```
 */
export function estimateMemory(options: EstimateOptions, vocab: Vocabulary): MemoryEstimate {
  switch (options.trainer) {
    case 'word2vec':
      return estimateWord2VecMemory(options, vocab);
    case 'fasttext':
      return estimateFastTextMemory(options, vocab);
    case 'glove':
      return estimateGloveMemory(options, vocab);
    case 'supervised':
      return estimateSupervisedMemory(options, vocab);
  }
}
