import { corpusFromLines } from '../../text/corpus.ts';
import { trainFastText, type FastTextTrainOptions } from '../../train/fasttext.ts';
import type { TrainingStats } from '../../train/result.ts';
import { trainWord2Vec, type Word2VecOptions } from '../../train/word2vec.ts';
import { mergeParallel, splitJointSpace, type ParallelMergeOptions, type SplitSpaces } from './parallel.ts';

/** trainJointSpace's options: how the pairs are merged, which trainer runs, and its settings. */
export type JointSpaceOptions = ParallelMergeOptions &
  (
    | { trainer?: 'word2vec'; training?: Omit<Word2VecOptions, 'input' | 'output'> }
    | { trainer: 'fasttext'; training?: Omit<FastTextTrainOptions, 'input' | 'output'> }
  );

/** The joint space split in two, and the trainer's report. */
export interface JointSpace extends SplitSpaces {
  stats: TrainingStats;
}

/**
 * A joint bilingual space from sentence-aligned text with no dictionary: mergeParallel's sentences (both sides of each
 * pair in one training sentence, words prefixed by language) trained by word2vec (default: skip-gram) or fastText,
 * then split into a source space and a target space in one coordinate system. `seed` seeds both the shuffle and,
 * unless `training.seed` is given, the trainer.
 * @example
 * ```ts
 * import { trainJointSpace, translate } from 'embedkit/apps';
 * const en = Array.from({ length: 200 }, (_, i) => (i % 2 ? 'the dog runs' : 'the cat sleeps'));
 * const es = Array.from({ length: 200 }, (_, i) => (i % 2 ? 'el perro corre' : 'el gato duerme'));
 * const { source, target } = await trainJointSpace(en, es, { training: { dim: 16, minCount: 1, threads: 1 } });
 * console.log(source.size, target.size); // 5 5
 * ```
 */
export async function trainJointSpace(source: readonly string[], target: readonly string[], options: JointSpaceOptions = {}): Promise<JointSpace> {
  const lines = mergeParallel(source, target, options);
  const input = corpusFromLines(lines, '<parallel>');
  const seed = options.seed ?? 1;
  // The merged words are already split on whitespace: the trainer must not split them again (jieba, detected on
  // Chinese text, would cut the language prefixes off).
  const trained =
    options.trainer === 'fasttext'
      ? await trainFastText({ model: 'skipgram', seed, tokenizer: 'whitespace', ...options.training, input })
      : await trainWord2Vec({ cbow: false, seed, tokenizer: 'whitespace', ...options.training, input });
  return { ...splitJointSpace(trained.embeddings, options), stats: trained.stats };
}
