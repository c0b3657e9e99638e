import { fastTextSchema, type ResolvedFastTextOptions } from './fasttext-options.ts';
import { checkpointSettings } from './option-schema.ts';
import { trainerCheckpoint, type OpenedCheckpoint } from './trainer-checkpoint.ts';

/**
 * A fastText training checkpoint: magic line "EMBEDKIT-FASTTEXT-CHECKPOINT 1", then the input rows
 * ((words + buckets)×dim) and the output rows (words×dim).
 */
export const fastTextCheckpoint = trainerCheckpoint<FastTextCheckpointSettings, FastTextCheckpointPosition>('EMBEDKIT-FASTTEXT-CHECKPOINT 1\n', 'fastText', ['input', 'output']);

/** The settings a resumed run must share with the run that wrote the checkpoint: fastTextSchema's `checkpoint` options and the chunk size. */
export type FastTextCheckpointSettings = Record<string, unknown> & { chunkWords: number };

/** Where training stopped. */
export interface FastTextCheckpointPosition {
  /** Corpus pass in progress (0-based). */
  pass: number;
  /** Chunks of this pass already trained (the corpus is re-encoded and these are skipped on resume). */
  chunksDone: number;
  /** Vocabulary tokens handed to training so far (drives the learning rate; training ends at epoch × ntokens). */
  dispatched: number;
  /** Every token the vocabulary pass read, rare ones included (the budget's unit, as fastText's ntokens). */
  ntokens: number;
  /** Random state of each worker slot. */
  rng: number[];
}

export type FastTextResume = OpenedCheckpoint<FastTextCheckpointSettings, FastTextCheckpointPosition>;

export function fastTextCheckpointSettings(o: ResolvedFastTextOptions, chunkWords: number): FastTextCheckpointSettings {
  return { ...checkpointSettings(fastTextSchema, o), chunkWords };
}

/** Opens `path` and refuses it when it was written with other settings than `now`. */
export function openFastTextCheckpoint(path: string, now: FastTextCheckpointSettings): Promise<FastTextResume> {
  return fastTextCheckpoint.open(path, now);
}
