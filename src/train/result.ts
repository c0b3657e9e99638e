import type { Embeddings } from '../vectors/embeddings.ts';

/** What every trainer reports about a run. */
export interface TrainingStats {
  /** Words in the trained vocabulary. */
  vocabSize: number;
  /** Units trained over all epochs: vocabulary words (word2vec, fastText) or co-occurrence records (GloVe). */
  trained: number;
  /** Mean training loss over the run (each trainer's own loss), when the kernel reports one. */
  loss?: number;
  /** Wall seconds of the whole call. */
  seconds: number;
}

/** What every trainer returns: the vectors, the trainer's model when it has more than vectors (fastText), and stats. */
export type TrainingResult<M = undefined, S extends TrainingStats = TrainingStats> = { embeddings: Embeddings; stats: S } & ([M] extends [undefined] ? { model?: undefined } : { model: M });
